"""The schema as a contract: its `$id` names its version, and a change that would break consumers
needs a new major version, checked against the last published copy (compiler/schemas/published/)."""

from __future__ import annotations

import copy
import itertools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from compiler.emit import schema, schema_id
from compiler.schema_compat import (
    SchemaChange,
    compare_schemas,
    required_bump,
    schema_version,
    version_problems,
)

PUBLISHED = Path(__file__).resolve().parents[2] / "compiler" / "schemas" / "published"
ID = re.compile(
    r"^https://constitution-compiler\.dev/schemas/constitution/(\d+\.\d+\.\d+)/constitution\.schema\.json$"
)


def published() -> list[tuple[tuple[int, int, int], Path]]:
    found = []
    for path in PUBLISHED.glob("constitution-*.schema.json"):
        loaded = json.loads(path.read_text(encoding="utf-8"))
        found.append((schema_version(loaded), path))
    return sorted(found)


def last_published() -> dict[str, Any]:
    versions = published()
    assert versions, f"no published schema in {PUBLISHED}"
    loaded: dict[str, Any] = json.loads(versions[-1][1].read_text(encoding="utf-8"))
    return loaded


# -- the real schema ----------------------------------------------------------------------------


def test_id_names_the_version_and_documents_point_at_it() -> None:
    current = schema()
    match = ID.match(current["$id"])
    assert match, current["$id"]
    assert current["properties"]["$schema"]["const"] == current["$id"] == schema_id()
    assert ".".join(map(str, schema_version(current))) == match.group(1)


def test_published_copies_are_named_by_their_version() -> None:
    versions = published()
    assert versions
    for version, path in versions:
        dotted = ".".join(map(str, version))
        assert path.name == f"constitution-{dotted}.schema.json"
        loaded = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(loaded)
        assert ID.match(loaded["$id"])


def test_current_schema_keeps_the_contract_of_the_last_published_one() -> None:
    old, new = last_published(), schema()
    problems = version_problems(old, new)
    assert problems == [], "\n".join(problems)
    if schema_version(new) == schema_version(old):
        # Same version: at most editorial changes (descriptions), no change to what validates.
        changes = compare_schemas(old, new)
        assert required_bump(changes) in ("none", "patch"), [c.format() for c in changes]


def test_each_published_version_adds_to_the_one_before() -> None:
    """1.1.0 added the optional `normative` of sections (and of the first file's front matter)."""
    copies = [json.loads(path.read_text(encoding="utf-8")) for _, path in published()]
    assert [schema_version(s) for s in copies][:2] == [(1, 0, 0), (1, 1, 0)]
    for old, new in itertools.pairwise(copies):
        assert version_problems(old, new) == []
    changes = compare_schemas(copies[0], copies[1])
    assert {(c.level, c.rule, c.path) for c in changes if c.level != "editorial"} == {
        ("addition", "property-added", "#/$defs/section/normative"),
        ("addition", "property-added", "/document/metadata/normative"),
    }


def test_a_compiled_document_of_the_published_version_still_validates(repo_root: Path) -> None:
    from compiler.pipeline import compile_spec

    document = compile_spec(repo_root / "spec").document
    assert document is not None
    old = last_published()
    if schema_version(old) == schema_version(schema()):
        assert list(Draft202012Validator(old).iter_errors(document)) == []


# -- the checker, on synthetic edits ------------------------------------------------------------

Edit = Callable[[dict[str, Any]], None]


def base() -> dict[str, Any]:
    """The schema the checker's cases edit: the last 1.x schema (published 1.1.0), whose
    definitions per kind the cases name; the checker reads any schema."""
    loaded: dict[str, Any] = json.loads(
        (PUBLISHED / "constitution-1.1.0.schema.json").read_text(encoding="utf-8")
    )
    return copy.deepcopy(loaded)


def edited(edit: Edit) -> dict[str, Any]:
    new = base()
    edit(new)
    return new


def defs(s: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = s["$defs"][name]
    return found


def props(s: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = defs(s, name)["properties"]
    return found


def _rename_text(s: dict[str, Any]) -> None:
    reference = defs(s, "reference")
    reference["properties"]["label"] = reference["properties"].pop("text")
    reference["required"] = ["label" if r == "text" else r for r in reference["required"]]


CASES: list[tuple[str, Edit, set[tuple[str, str, str]]]] = [
    (
        "remove a property",
        lambda s: props(s, "definition").pop("term"),
        {("breaking", "property-removed", "#/$defs/definition/term")},
    ),
    (
        "rename a property",
        _rename_text,
        {
            ("breaking", "property-removed", "#/$defs/reference/text"),
            ("breaking", "required-removed", "#/$defs/reference/text"),
            ("breaking", "required-added", "#/$defs/reference/label"),
        },
    ),
    (
        "a newly required field",
        lambda s: (
            props(s, "property").__setitem__("weight", {"type": "number"}),
            defs(s, "property")["required"].append("weight"),
        ),
        {("breaking", "required-added", "#/$defs/property/weight")},
    ),
    (
        "a field no longer required",
        lambda s: defs(s, "property")["required"].remove("section"),
        {("breaking", "required-removed", "#/$defs/property/section")},
    ),
    (
        "a new optional field",
        lambda s: props(s, "property").__setitem__("weight", {"type": "number"}),
        {("addition", "property-added", "#/$defs/property/weight")},
    ),
    (
        "a narrowed type",
        lambda s: props(s, "property")["rank"].__setitem__("type", "string"),
        {
            ("breaking", "type-narrowed", "#/$defs/property/rank"),
            ("breaking", "type-widened", "#/$defs/property/rank"),
        },
    ),
    (
        "a nullable field",
        lambda s: props(s, "property")["rank"].__setitem__("type", ["integer", "null"]),
        {("breaking", "type-widened", "#/$defs/property/rank")},
    ),
    (
        "integer becomes number",
        lambda s: props(s, "property")["rank"].__setitem__("type", "number"),
        {("breaking", "type-widened", "#/$defs/property/rank")},
    ),
    (
        "a narrowed enum",
        lambda s: props(s, "priority")["mode"]["enum"].remove("strict"),
        {("breaking", "enum-narrowed", "#/$defs/priority/mode")},
    ),
    (
        "a widened enum",
        lambda s: props(s, "priority")["mode"]["enum"].append("lexical"),
        {("breaking", "enum-widened", "#/$defs/priority/mode")},
    ),
    (
        "a changed const",
        lambda s: s["properties"]["document"]["properties"]["generator"]["properties"][
            "name"
        ].__setitem__("const", "other"),
        {
            ("breaking", "const-narrowed", "/document/generator/name"),
            ("breaking", "const-widened", "/document/generator/name"),
        },
    ),
    (
        "additionalProperties tightened",
        lambda s: props(s, "section")["attributes"].__setitem__("additionalProperties", False),
        {("breaking", "schema-changed", "#/$defs/section/attributes/*")},
    ),
    (
        "additionalProperties loosened",
        lambda s: defs(s, "source").__setitem__("additionalProperties", True),
        {("addition", "additional-properties-loosened", "#/$defs/source/*")},
    ),
    (
        "a stricter pattern",
        lambda s: defs(s, "id").__setitem__("pattern", "^[a-z-]+$"),
        {("breaking", "pattern-changed", "#/$defs/id")},
    ),
    (
        "a raised minimum",
        lambda s: props(s, "source")["line"].__setitem__("minimum", 2),
        {("breaking", "minimum-changed", "#/$defs/source/line")},
    ),
    (
        "a new maxItems",
        lambda s: s["properties"]["properties"].__setitem__("maxItems", 10),
        {("breaking", "maxItems-changed", "/properties")},
    ),
    (
        "a nullable branch removed",
        lambda s: props(s, "section")["parent"]["anyOf"].pop(),
        {("breaking", "anyOf-narrowed", "#/$defs/section/parent")},
    ),
    (
        "a branch added",
        lambda s: props(s, "section")["parent"]["anyOf"].append({"type": "integer"}),
        {("breaking", "anyOf-widened", "#/$defs/section/parent")},
    ),
    (
        "a definition removed and inlined",
        lambda s: (
            s["$defs"].pop("reference"),
            s["properties"]["references"].__setitem__("items", {"type": "object"}),
        ),
        {
            ("breaking", "definition-removed", "#/$defs/reference"),
            ("addition", "additional-properties-loosened", "/references/*/*"),
            ("editorial", "description-changed", "/references/*"),
            ("breaking", "required-removed", "/references/*/from"),
            ("breaking", "required-removed", "/references/*/to"),
            ("breaking", "required-removed", "/references/*/text"),
            ("breaking", "required-removed", "/references/*/source"),
            ("breaking", "property-removed", "/references/*/from"),
            ("breaking", "property-removed", "/references/*/to"),
            ("breaking", "property-removed", "/references/*/text"),
            ("breaking", "property-removed", "/references/*/source"),
        },
    ),
    (
        "a definition added",
        lambda s: s["$defs"].__setitem__("note", {"type": "string"}),
        {("addition", "definition-added", "#/$defs/note")},
    ),
    (
        "a description reworded",
        lambda s: props(s, "property")["rank"].__setitem__("description", "1 is the top."),
        {("editorial", "description-changed", "#/$defs/property/rank")},
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_checker_classifies_edits(edit: Edit, expected: set[tuple[str, str, str]]) -> None:
    changes = compare_schemas(base(), edited(edit))
    assert {(c.level, c.rule, c.path) for c in changes} == expected


def test_no_change_is_no_change() -> None:
    assert compare_schemas(base(), base()) == []
    assert required_bump([]) == "none"


def test_the_version_bump_itself_is_not_a_change() -> None:
    bumped = edited(lambda s: with_version(s, "2.0.0"))
    assert bumped["$id"] != base()["$id"]
    assert compare_schemas(base(), bumped) == []


def with_version(s: dict[str, Any], version: str) -> dict[str, Any]:
    s["$id"] = re.sub(r"/\d+\.\d+\.\d+/", f"/{version}/", s["$id"])
    s["properties"]["$schema"]["const"] = s["$id"]
    return s


def test_version_rules() -> None:
    old = with_version(base(), "1.2.3")
    remove = edited(lambda s: props(s, "definition").pop("term"))
    add = edited(lambda s: props(s, "property").__setitem__("weight", {"type": "number"}))
    reword = edited(lambda s: defs(s, "id").__setitem__("description", "An id."))

    [problem] = version_problems(old, with_version(copy.deepcopy(remove), "1.3.0"))
    assert problem.startswith(
        "breaking changes need a new major schema version (after 1.2.3, 2.0.0), but $id names 1.3.0:\n"
        "  breaking: property-removed at #/$defs/definition/term: the property was removed"
    )
    assert version_problems(old, with_version(copy.deepcopy(remove), "2.0.0")) == []
    [problem] = version_problems(old, with_version(copy.deepcopy(add), "1.2.4"))
    assert problem.startswith("additions need a new minor schema version (after 1.2.3, 1.3.0)")
    assert version_problems(old, with_version(copy.deepcopy(add), "1.3.0")) == []
    assert version_problems(old, with_version(copy.deepcopy(reword), "1.2.3")) == []
    assert version_problems(old, with_version(base(), "1.2.2")) == [
        "schema version 1.2.2 is lower than the published 1.2.3"
    ]


def test_recursive_and_boolean_schemas_terminate() -> None:
    tree = {
        "$id": "https://example.org/tree/1.0.0/tree.json",
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#"}}, "leaf": True},
    }
    changed = copy.deepcopy(tree)
    changed["properties"]["leaf"] = False
    changed["properties"]["children"]["items"] = {"$ref": "#"}
    assert [c.format() for c in compare_schemas(tree, changed)] == [
        "breaking: schema-changed at /leaf: true became false"
    ]


def test_changes_format_and_sort_breaking_first() -> None:
    changes = compare_schemas(
        base(),
        edited(
            lambda s: (
                defs(s, "id").__setitem__("description", "An id."),
                props(s, "definition").pop("term"),
            )
        ),
    )
    assert [c.level for c in changes] == ["breaking", "editorial"]
    assert isinstance(changes[0], SchemaChange)
    assert changes[0].format() == (
        "breaking: property-removed at #/$defs/definition/term: the property was removed"
    )


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from compiler.schema_compat import main

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(base()), encoding="utf-8")
    new.write_text(json.dumps(edited(lambda s: props(s, "definition").pop("term"))), "utf-8")
    assert main([str(old), str(new)]) == 1
    out, err = capsys.readouterr()
    assert out == (
        "breaking: property-removed at #/$defs/definition/term: the property was removed\n"
        "needs: major (from 1.1.0 to 1.1.0)\n"
    )
    assert err == (
        "error: breaking changes need a new major schema version (after 1.1.0, 2.0.0), "
        "but $id names 1.1.0:\n"
    )
    assert main([str(old), str(old)]) == 0
    assert capsys.readouterr().out == "needs: none (from 1.1.0 to 1.1.0)\n"
    assert main([str(old)]) == 2
    assert main([str(old), str(tmp_path / "absent.json")]) == 1
    assert "No such file" in capsys.readouterr().err


def test_2_0_0_is_the_major_version_its_breaking_changes_need() -> None:
    """The typed document (one array of nodes, typed fields, explicit orders) breaks 1.x readers:
    its published copy is a new major version, and the version check agrees."""
    versions = dict(published())
    old = json.loads(versions[(1, 1, 0)].read_text(encoding="utf-8"))
    new = json.loads(versions[(2, 0, 0)].read_text(encoding="utf-8"))
    assert required_bump(compare_schemas(old, new)) == "major"
    assert version_problems(old, new) == []


def test_3_0_0_adds_conversations_and_the_example_kinds() -> None:
    """Worked examples and prompts files as nodes (issue 16): a block type and a form that a
    strict 2.0.0 reader refuses, hence a major version; nothing else changed."""
    versions = dict(published())
    old = json.loads(versions[(2, 0, 0)].read_text(encoding="utf-8"))
    new = json.loads(versions[(3, 0, 0)].read_text(encoding="utf-8"))
    changes = compare_schemas(old, new)
    assert {(c.level, c.rule, c.path) for c in changes if c.level != "editorial"} == {
        ("breaking", "oneOf-widened", "#/$defs/block"),
        ("breaking", "enum-widened", "#/$defs/kind/form"),
    }
    assert version_problems(old, new) == []


def test_3_1_0_adds_each_fields_diff_levels() -> None:
    """The grammar in the JSON carries each field's diff levels (`diff`), so that a diff of two
    compiled documents needs no grammar file: a new optional property, hence a minor version."""
    versions = dict(published())
    old = json.loads(versions[(3, 0, 0)].read_text(encoding="utf-8"))
    new = json.loads(versions[(3, 1, 0)].read_text(encoding="utf-8"))
    changes = compare_schemas(old, new)
    assert {(c.level, c.rule, c.path) for c in changes if c.level != "editorial"} == {
        ("addition", "property-added", "#/$defs/kind/fields/*/diff"),
    }
    assert required_bump(changes) == "minor"
    assert version_problems(old, new) == []


def test_3_2_0_adds_each_paragraphs_marks() -> None:
    """A paragraph may carry its inline formatting (`marks`): a new optional property, hence a
    minor version; a 3.1.0 document is still valid."""
    versions = dict(published())
    old = json.loads(versions[(3, 1, 0)].read_text(encoding="utf-8"))
    new = json.loads(versions[(3, 2, 0)].read_text(encoding="utf-8"))
    assert new == schema()
    changes = compare_schemas(old, new)
    assert {(c.level, c.rule, c.path) for c in changes if c.level != "editorial"} == {
        ("addition", "property-added", "#/$defs/block/marks"),
    }
    assert required_bump(changes) == "minor"
    assert version_problems(old, new) == []
