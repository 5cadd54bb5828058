"""The diff reports nodes of the kinds a spec declares (`tests/data/diff-kinds/`: principals with a
trust order, instructable behaviors with typed fields, honesty components with an order, safe
behaviors, a binding kind): added, removed, reworded, fields changed at the levels the grammar
gives them, orders' ties made and broken; entries name the kind by its label. The diff schema's
3.0.0 contract, and the real pair: release 1.0.0 against the spec with declared kinds."""

from __future__ import annotations

import ast
import copy
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from compiler.diff import (
    DEFAULT_LEVELS,
    RULES,
    DiffResult,
    Side,
    diff_documents,
    load_levels,
    render_html_fragment,
    render_json,
    render_markdown,
    render_text,
    schema,
)
from compiler.diff.rules import rule_kinds
from compiler.document import from_json
from compiler.grammar.load import default_grammar
from compiler.pipeline import compile_spec
from compiler.schema_compat import compare_schemas, required_bump, schema_version, version_problems

ROOT = Path(__file__).resolve().parents[2]
CASE = ROOT / "tests" / "data" / "diff-kinds"
PUBLISHED = ROOT / "compiler" / "schemas" / "published"
GRAMMAR = ROOT / "tests" / "data" / "grammar" / "valid" / "claude.yaml"


def compiled(spec: Path) -> dict[str, Any]:
    result = compile_spec(spec)
    assert result.document is not None and result.ok, [d.format() for d in result.diagnostics]
    return result.document


def kinds_diff() -> DiffResult:
    levels, problems = load_levels(CASE / "new" / "constitution.yaml", "constitution.yaml")
    assert problems == []
    old, new = compiled(CASE / "old"), compiled(CASE / "new")
    return diff_documents(old, new, Side("old"), Side("new"), levels)


def entries(result: DiffResult) -> list[tuple[str, str, str, str, str | None]]:
    return [(c.rule, c.level.value, c.kind, c.id, c.field) for c in result.changes]


# --- the fixture pair -----------------------------------------------------------------------


def test_every_change_to_declared_kinds_is_reported_at_its_level() -> None:
    assert entries(kinds_diff()) == [
        ("priority-order-changed", "breaking", "priority", "principal-trust", "order"),
        ("priority-order-changed", "breaking", "priority", "honesty-order", "order"),
        # default: 'diff: breaking'
        ("field-changed", "breaking", "behavior", "safety-caveats", "fields.default"),
        # adjustable_by: 'removed: breaking'
        ("field-values-removed", "breaking", "behavior", "crude-language", "fields.adjustable_by"),
        # risk (high > medium > low): 'raised: breaking'
        ("field-raised", "breaking", "behavior", "crude-language", "fields.risk"),
        ("node-removed", "breaking", "safe-behavior", "no-drastic-actions", None),
        # a binding kind: its text is the rule
        ("node-text-changed", "breaking", "commitment", "never-deny", "text"),
        ("node-text-changed", "substantive", "principal", "anthropic", "text"),
        ("field-values-added", "substantive", "behavior", "safety-caveats", "fields.adjustable_by"),
        ("node-added", "substantive", "behavior", "drug-warnings", None),
        # risk=medium to the default, low: 'lowered: editorial'
        ("field-lowered", "editorial", "behavior", "dietary-advice", "fields.risk"),
    ]


def test_orders_over_declared_kinds_say_a_tie_made_or_broken() -> None:
    messages = [c.message for c in kinds_diff().changes if c.rule.startswith("priority-")]
    assert messages == [
        "priority 'principal-trust': order of principals changed: anthropic > operators > "
        "users → anthropic > operators users (a tie made)",
        "priority 'honesty-order': order of honesty components changed: non-deceptive "
        "non-manipulative > truthful → non-deceptive > non-manipulative > truthful (a tie broken)",
    ]
    ordered = [c.to_json()["ordered"] for c in kinds_diff().changes if c.field == "order"]
    assert ordered == [
        {"kind": "principal", "label": "Principals"},
        {"kind": "honesty", "label": "Honesty components"},
    ]


def test_entries_name_the_kind_by_its_label_and_the_field_in_words() -> None:
    result = kinds_diff()
    labels = {c.kind: c.kind_label for c in result.changes}
    assert labels == {
        "priority": "Priority",
        "behavior": "Instructable behavior",
        "safe-behavior": "Safe behavior",
        "commitment": "Commitment",
        "principal": "Principal",
    }
    messages = {(c.rule, c.id): c.message for c in result.changes}
    assert messages[("field-values-removed", "crude-language")] == (
        "Instructable behavior 'crude-language': Can be changed by operators, users → operators "
        "(no longer users)"
    )
    assert messages[("field-raised", "crude-language")] == (
        "Instructable behavior 'crude-language': Risk medium → high (raised)"
    )
    assert messages[("node-removed", "no-drastic-actions")] == (
        "Safe behavior 'no-drastic-actions' removed"
    )
    assert messages[("node-text-changed", "anthropic")] == "Principal 'anthropic': text changed"


RENDERED: dict[str, Callable[[DiffResult], str]] = {
    "expected.txt": render_text,
    "expected.md": render_markdown,
    "expected.json": render_json,
    "expected.html": render_html_fragment,
}


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_the_renderings(name: str) -> None:
    assert RENDERED[name](kinds_diff()) == (CASE / name).read_text("utf-8")


def test_the_json_follows_the_schema_and_names_declared_kinds() -> None:
    document = json.loads(render_json(kinds_diff()))
    assert list(Draft202012Validator(schema()).iter_errors(document)) == []
    assert {c["rule"] for c in document["changes"]} <= set(RULES)
    behavior = next(c for c in document["changes"] if c["kind"] == "behavior")
    assert behavior["kind_label"] == "Instructable behavior"
    # The 2.0.0 schema knew the built-in kinds only: it refuses this diff.
    old = json.loads((PUBLISHED / "diff-2.0.0.schema.json").read_text("utf-8"))
    document["$schema"] = old["$id"]
    assert list(Draft202012Validator(old).iter_errors(document))


def test_ajv_strict_accepts_the_json(ajv, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    schema_path = ROOT / "compiler" / "schemas" / "diff.schema.json"
    compiled_schema = ajv.compile(schema_path)
    assert compiled_schema.returncode == 0, compiled_schema.stderr
    output = tmp_path / "kinds.json"
    output.write_text(render_json(kinds_diff()), "utf-8")
    checked = ajv.validate(schema_path, [output])
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_without_the_grammar_file_the_new_documents_kinds_carry_the_levels() -> None:
    """Two compiled documents alone (no constitution.yaml): the new one's kinds table (schema
    3.1.0) names the declared kinds and carries each field's diff levels, so the fields are
    compared typed at the levels the grammar declares (risk: 'raised: breaking')."""
    old, new = compiled(CASE / "old"), compiled(CASE / "new")
    risk = next(
        field
        for kind in new["kinds"]
        if kind["name"] == "behavior"
        for field in kind["fields"]
        if field["name"] == "risk"
    )
    assert risk["diff"] == {"changed": "substantive", "raised": "breaking", "lowered": "editorial"}
    result = diff_documents(from_json(old), new, Side("old"), Side("new"), DEFAULT_LEVELS)
    found = {(c.rule, c.id): c.level.value for c in result.changes}
    assert found[("field-raised", "crude-language")] == "breaking"
    assert found[("field-lowered", "dietary-advice")] == "editorial"
    assert found[("node-added", "drug-warnings")] == "substantive"
    assert found[("node-removed", "no-drastic-actions")] == "breaking"
    assert found[("node-text-changed", "never-deny")] == "breaking"  # the kind is binding
    assert [(c.rule, c.level.value, c.id) for c in result.changes] == [
        (c.rule, c.level.value, c.id) for c in kinds_diff().changes
    ]


def _as_3_0_0(document: dict[str, Any]) -> dict[str, Any]:
    """`document` as schema 3.0.0 wrote it: its fields carry no diff levels."""
    old = copy.deepcopy(document)
    old["$schema"] = re.sub(r"/\d+\.\d+\.\d+/", "/3.0.0/", old["$schema"])
    for kind in old["kinds"]:
        for field in kind["fields"]:
            del field["diff"]
    return old


def test_an_older_document_takes_the_levels_of_the_grammar_given() -> None:
    """A new side of schema 3.0.0 carries no levels: those of the grammar given (the CLI's
    --grammar or the project's file) apply, else the default grammar's."""
    old, new = compiled(CASE / "old"), _as_3_0_0(compiled(CASE / "new"))
    alone = diff_documents(old, new, Side("old"), Side("new"), DEFAULT_LEVELS)
    found = {(c.rule, c.id): c.level.value for c in alone.changes}
    assert found[("field-raised", "crude-language")] == "substantive"
    given, problems = load_levels(CASE / "new" / "constitution.yaml")
    assert problems == []
    with_grammar = diff_documents(old, new, Side("old"), Side("new"), given)
    found = {(c.rule, c.id): c.level.value for c in with_grammar.changes}
    assert found[("field-raised", "crude-language")] == "breaking"


def test_a_renamed_declared_node_is_a_rename(tmp_path: Path) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(CASE / "old", spec)
    text = (spec / "spec.md").read_text("utf-8")
    (spec / "spec.md").write_text(text.replace("#oversight .safe", "#human-oversight .safe"))
    result = diff_documents(
        compiled(CASE / "old"), compiled(spec), Side("old"), Side("new"), DEFAULT_LEVELS
    )
    assert [(c.rule, c.level.value, c.old_id, c.id, c.message) for c in result.changes] == [
        (
            "node-renamed",
            "breaking",
            "oversight",
            "human-oversight",
            "Safe behavior 'oversight' renamed to 'human-oversight'",
        )
    ]


# --- levels may name declared kinds ---------------------------------------------------------


def test_a_project_sets_the_level_of_one_declared_kind(tmp_path: Path) -> None:
    config = tmp_path / "constitution.yaml"
    config.write_text(
        (CASE / "new" / "constitution.yaml").read_text("utf-8")
        + "diff:\n  levels:\n    - rule: node-removed\n      kind: safe-behavior\n"
        "      level: substantive\n",
        "utf-8",
    )
    levels, problems = load_levels(config, "constitution.yaml")
    assert problems == []
    result = diff_documents(
        compiled(CASE / "old"), compiled(CASE / "new"), Side("o"), Side("n"), levels
    )
    (removed,) = [c for c in result.changes if c.rule == "node-removed"]
    assert removed.level.value == "substantive"


@pytest.mark.parametrize(
    ("kind", "rule", "expected"),
    [
        (
            "behaviour",
            "node-added",
            "constitution.yaml:{line}:13: CC607 unknown kind 'behaviour'\n"
            "    hint: did you mean 'behavior'?\n",
        ),
        (
            "section",
            "node-added",
            "constitution.yaml:{line}:13: CC607 rule 'node-added' never concerns a section\n"
            "    hint: it concerns: behavior\n",
        ),
        (
            "behavior",
            "property-added",
            "constitution.yaml:{line}:13: CC607 rule 'property-added' never concerns a behavior\n"
            "    hint: it concerns: property\n",
        ),
    ],
)
def test_levels_naming_a_kind_are_checked_against_the_declared_ones(
    tmp_path: Path, kind: str, rule: str, expected: str
) -> None:
    grammar = "kinds:\n  behavior:\n    granularity: [item]\n"
    config = tmp_path / "constitution.yaml"
    config.write_text(
        grammar
        + f"diff:\n  levels:\n    - rule: {rule}\n      kind: {kind}\n      level: editorial\n",
        "utf-8",
    )
    _, problems = load_levels(config, "constitution.yaml")
    line = grammar.count("\n") + 4
    assert "".join(p.format() + "\n" for p in problems) == expected.format(line=line)


def test_declared_rules_concern_declared_kinds_only() -> None:
    assert rule_kinds("node-added") == frozenset()
    assert rule_kinds("node-added", ["section", "behavior"]) == {"behavior"}
    assert "behavior" in rule_kinds("field-changed", ["behavior"])
    assert "behavior" in rule_kinds("text-editorial", ["behavior"])


# --- the diff schema's contract -------------------------------------------------------------


def published_diff_schemas() -> list[tuple[tuple[int, int, int], dict[str, Any]]]:
    found = []
    for path in PUBLISHED.glob("diff-*.schema.json"):
        loaded = json.loads(path.read_text("utf-8"))
        version = schema_version(loaded)
        assert path.name == f"diff-{'.'.join(map(str, version))}.schema.json"
        assert re.fullmatch(
            r"https://constitution-compiler\.dev/schemas/diff/\d+\.\d+\.\d+/diff\.schema\.json",
            loaded["$id"],
        )
        Draft202012Validator.check_schema(loaded)
        found.append((version, loaded))
    return sorted(found, key=lambda item: item[0])


def test_the_diff_schema_keeps_the_contract_of_the_last_published_one() -> None:
    versions = published_diff_schemas()
    assert [v for v, _ in versions][-3:] == [(2, 0, 0), (3, 0, 0), (3, 1, 0)]
    current = schema()
    assert version_problems(versions[-1][1], current) == []
    assert compare_schemas(versions[-1][1], current) == []  # the published copy is today's
    assert current["properties"]["$schema"]["const"] == current["$id"]
    on_disk = json.loads((ROOT / "schemas" / "diff.schema.json").read_text("utf-8"))
    assert on_disk == current


def test_declared_kinds_needed_a_new_major_version() -> None:
    versions = dict(published_diff_schemas())
    old, new = versions[2, 0, 0], versions[3, 0, 0]
    changes = compare_schemas(old, new)
    assert required_bump(changes) == "major"
    breaking = {(c.rule, c.path) for c in changes if c.level == "breaking"}
    assert ("enum-widened", "/changes/*/kind") in breaking
    assert ("required-added", "/changes/*/kind_label") in breaking
    assert version_problems(old, new) == []


def test_naming_the_kind_an_order_orders_is_a_minor_version() -> None:
    versions = dict(published_diff_schemas())
    changes = compare_schemas(versions[3, 0, 0], versions[3, 1, 0])
    assert required_bump(changes) == "minor"
    assert version_problems(versions[3, 0, 0], versions[3, 1, 0]) == []


# --- the real pair --------------------------------------------------------------------------


def annotated_spec(tmp_path: Path) -> Path:
    """spec/ with the claude grammar, its three principals annotated where the text lists them,
    and their trust order where the text gives it (words unchanged)."""
    spec = tmp_path / "spec"
    shutil.copytree(ROOT / "spec", spec)
    shutil.copy(GRAMMAR, spec / "constitution.yaml")
    chapter = spec / "02-being-helpful.md"
    text = chapter.read_text("utf-8")
    for name in ("Anthropic", "Operators", "Users"):
        text, count = re.subn(
            rf"^- (\*\*{name}\*\*: .*)$",
            rf"- [\1]{{#{name.lower()} .principal}}",
            text,
            count=1,
            flags=re.MULTILINE,
        )
        assert count == 1, name
    order = "in roughly the order given above"
    assert order in text
    text = text.replace(
        order,
        f'[{order}]{{#principal-trust .priority mode=holistic order="anthropic > operators > users"}}',
        1,
    )
    chapter.write_text(text, "utf-8")
    return spec


def test_release_1_0_0_against_a_spec_with_declared_kinds() -> None:
    """spec/ declares its own kinds (principals, behaviors, honesty components, safe behaviors):
    against release 1.0.0, which had none, each of its nodes is reported added, by its label."""
    spec = ROOT / "spec"
    release = json.loads((ROOT / "releases" / "1.0.0.json").read_text("utf-8"))
    levels, problems = load_levels(spec / "constitution.yaml")
    assert problems == []
    current = compiled(spec)
    result = diff_documents(release, current, Side("1.0.0"), Side("spec"), levels)
    declared = [c for c in result.changes if c.kind not in ("document", *_BUILTIN)]
    nodes = [n for n in current["nodes"] if n["kind"] not in _BUILTIN]
    assert sorted((c.kind, c.id) for c in declared) == sorted((n["kind"], n["id"]) for n in nodes)
    assert {c.rule for c in declared} == {"node-added"}
    principals = [(c.kind_label, c.id) for c in declared if c.kind == "principal"]
    assert principals == [
        ("Principal", "anthropic"),
        ("Principal", "operators"),
        ("Principal", "users"),
    ]
    assert "SUBSTANTIVE node-added: Principal 'anthropic' added ('Anthropic')" in render_text(
        result
    )
    order = [c for c in result.changes if c.id == "principal-trust"]
    assert [(c.rule, c.level.value) for c in order] == [("priority-added", "substantive")]
    document = json.loads(render_json(result))
    assert list(Draft202012Validator(schema()).iter_errors(document)) == []


_BUILTIN = ("section", "property", "priority", "constraint", "definition", "rationale")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "- [Not undermining legitimate human oversight of AI.]{#oversight .safe-behavior}\n",
            "",
            [
                (
                    "node-moved",
                    "substantive",
                    "Safe behavior 'oversight' moved from 'safety' to 'principals'",
                )
            ],
        ),
        (
            "- [**Users**: Those who interact in the human turn.]{#users .principal}",
            "- [**End users**: Those who interact in the human turn.]{#users .principal}",
            [
                ("node-title-changed", "substantive", "Principal 'users': title changed"),
                ("node-text-changed", "substantive", "Principal 'users': text changed"),
            ],
        ),
    ],
    ids=["moved", "retitled"],
)
def test_a_declared_node_moved_or_retitled(
    tmp_path: Path, old: str, new: str, expected: list[tuple[str, str, str]]
) -> None:
    spec = tmp_path / "spec"
    shutil.copytree(CASE / "old", spec)
    text = (spec / "spec.md").read_text("utf-8")
    assert old in text
    text = text.replace(old, new)
    if not new:  # moved: the item goes under the principals
        text = text.replace("{#users .principal}\n", "{#users .principal}\n" + old)
    (spec / "spec.md").write_text(text, "utf-8")
    result = diff_documents(
        compiled(CASE / "old"), compiled(spec), Side("old"), Side("new"), DEFAULT_LEVELS
    )
    assert [(c.rule, c.level.value, c.message) for c in result.changes] == expected


# --- the diff's layout (issue 11) -----------------------------------------------------------


def _diff_modules() -> list[Path]:
    return sorted((ROOT / "compiler" / "diff").glob("*.py"))


def test_no_diff_module_or_class_is_too_long() -> None:
    for path in _diff_modules():
        tree = ast.parse(path.read_text("utf-8"))
        assert len(path.read_text("utf-8").splitlines()) <= 500, path.name
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                assert node.end_lineno is not None
                assert node.end_lineno - node.lineno < 200, (path.name, node.name)


def test_the_diff_names_no_kind_it_reads_them_from_the_grammar() -> None:
    """No built-in kind's name is a literal in compiler/diff/ (docstrings aside): the kinds and
    their roles (headings, ranks, orders, binding values) come from the default grammar. The
    one name that is also a field (a node's ``section``) appears only as a field."""
    kinds = set(default_grammar().kinds)
    found = []
    for path in _diff_modules():
        tree = ast.parse(path.read_text("utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        fields = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.keyword) and node.arg == "field_name"
        }
        fields |= {
            id(item)
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "FIELDS" for t in node.targets)
            for item in ast.walk(node.value)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and node.value in kinds
                and id(node) not in docstrings | fields
            ):
                found.append(f"{path.name}:{node.lineno} {node.value!r}")
    assert found == []
