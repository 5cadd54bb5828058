"""Schemas of the 2.0.0 document: the generic one and each grammar's own, valid draft 2020-12,
strict, compiled by Ajv in strict mode; a Claude document with principals, instructable behaviors
and honesty components passes both, in jsonschema and Ajv, and typed-value faults fail the spec's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support.ajv import AjvCli

from compiler.grammar.load import default_grammar, load_grammar
from compiler.grammar.schema import GENERIC_ID, field_schema, generic_schema, spec_schema
from compiler.grammar.types import FieldSpec, FieldType, Grammar

DATA = Path(__file__).resolve().parent.parent / "data" / "grammar"
GRAMMARS = sorted((DATA / "valid").glob("*.yaml"))
Document = dict[str, Any]


def _grammar(name: str) -> Grammar:
    grammar, problems = load_grammar(file=DATA / "valid" / f"{name}.yaml")
    assert problems == []
    return grammar


def claude_document() -> Document:
    """tests/data/grammar/documents/claude.json with the grammar it was written for (`kinds` is
    left out of the file, so that it follows claude.yaml and the default grammar as they change)."""
    stored = json.loads((DATA / "documents" / "claude.json").read_text("utf-8"))
    return {"kinds": _grammar("claude").to_json(), **stored}


def _node(document: Document, ident: str) -> dict[str, Any]:
    return next(node for node in document["nodes"] if node["id"] == ident)


def _strictness_problems(schema: Any, path: str = "#") -> Iterator[str]:
    """Where an object schema allows keys it does not list, or lists a key it does not describe."""
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from _strictness_problems(item, f"{path}/{index}")
        return
    if not isinstance(schema, dict):
        return
    listed = schema.get("properties")
    if schema.get("type") == "object" and isinstance(listed, dict):
        if schema.get("additionalProperties") is not False:
            yield f"{path}: other keys allowed"
        yield from (f"{path}/{k}: undescribed" for k, v in listed.items() if not _described(v))
        yield from (
            f"{path}: '{k}' required, not listed"
            for k in schema.get("required", [])
            if k not in listed
        )
    for key, value in schema.items():
        yield from _strictness_problems(value, f"{path}/{key}")


def _described(schema: Any) -> bool:
    return isinstance(schema, dict) and ("description" in schema or "$ref" in schema)


def _schemas() -> list[tuple[str, dict[str, Any]]]:
    found = [("generic", generic_schema()), ("default", spec_schema(default_grammar()))]
    return found + [(path.stem, spec_schema(_grammar(path.stem))) for path in GRAMMARS]


SCHEMAS = _schemas()


@pytest.mark.parametrize(("name", "schema"), SCHEMAS, ids=[name for name, _ in SCHEMAS])
def test_schemas_are_valid_strict_and_described(name: str, schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(_strictness_problems(schema)) == []
    assert list(_strictness_problems({"type": "object", "properties": {"a": {}}})) == [
        "#: other keys allowed",
        "#/a: undescribed",
    ]


def test_ajv_compiles_every_schema_in_strict_mode(ajv: AjvCli, tmp_path: Path) -> None:
    written = {}
    for name, schema in SCHEMAS:  # grammars equal to the default one give its very schema
        written.setdefault(schema["$id"], name)
        if written[schema["$id"]] == name:
            (tmp_path / f"{name}.schema.json").write_text(json.dumps(schema), "utf-8")
    result = ajv.compile(tmp_path / "*.schema.json")  # one run: ajv reads the glob itself
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert sorted(written.values()) == sorted(
        line.split("/")[-1].removesuffix(".schema.json is valid")
        for line in output.splitlines()
        if line.endswith(" is valid")
    )


def test_a_spec_schema_is_deterministic_and_named_by_its_grammar() -> None:
    claude, again = spec_schema(_grammar("claude")), spec_schema(_grammar("claude"))
    assert json.dumps(claude) == json.dumps(again)
    model = spec_schema(_grammar("model-spec"))
    assert claude["$id"] != model["$id"]
    assert claude["$id"].startswith("urn:constitution-compiler:spec-schema:")
    assert generic_schema()["$id"] == GENERIC_ID


# --- a document in the 2.0.0 shape --------------------------------------------------------------


def test_the_claude_document_passes_both_schemas_in_jsonschema() -> None:
    document = claude_document()
    for schema in (spec_schema(_grammar("claude")), generic_schema()):
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)]
        assert errors == []


def test_the_claude_document_holds_what_the_issue_asks() -> None:
    document = claude_document()
    ids = [node["id"] for node in document["nodes"]]
    parents = {node["id"]: node["parent"] for node in document["nodes"]}
    assert all(parents[i] is None or ids.index(parents[i]) < ids.index(i) for i in ids)
    assert _node(document, "safe-messaging")["fields"] == {
        "default": "on",
        "adjustable_by": ["operators"],
    }
    assert _node(document, "broadly-safe")["fields"] == {"rank": 1}
    trust = next(o for o in document["orders"] if o["id"] == "principal-trust")
    assert trust["ranks"]["anthropic"] < trust["ranks"]["users"]
    honesty = next(o for o in document["orders"] if o["id"] == "honesty-order")
    assert honesty["ranks"]["non-deceptive"] == honesty["ranks"]["non-manipulative"]
    assert honesty["ranks"]["non-deceptive"] < honesty["ranks"]["forthright"]
    assert _node(document, "never-deny-being-claude")["granularity"] == "span"
    placeholder = document["references"][0]
    assert (
        placeholder["placeholder"] and placeholder["text"] == "Claude's three types of principals"
    )


Mutation = Callable[[Document], None]


def _set(ident: str, key: str, value: Any, *, field: bool = True) -> Mutation:
    """Set a field of a node, or (``field=False``) a key of the node itself."""

    def mutate(document: Document) -> None:
        node = _node(document, ident)
        (node["fields"] if field else node)[key] = value

    return mutate


def _rename_reference_key(document: Document) -> None:
    reference = document["references"][0]
    reference["from"] = reference.pop("origin")


def _drop_mode(document: Document) -> None:
    del document["modes"]["strict"]


def _string_rank(document: Document) -> None:
    document["orders"][1]["ranks"]["anthropic"] = "1"


#: Faults of typed values and structure, each with where the spec's schema finds it, and whether
#: the generic schema (which types fields only loosely) finds it too.
FAULTS: dict[str, tuple[Mutation, str, bool]] = {
    "rank as a string": (_set("broadly-safe", "rank", "1"), "/nodes/2/fields/rank", False),
    "enum in another case": (_set("crude-language", "default", "On"), "/fields/default", False),
    "undeclared field": (_set("crude-language", "toggled_by", "users"), "/fields", False),
    "one id for many": (_set("crude-language", "adjustable_by", "users"), "/adjustable_by", False),
    "constraint kind Hard": (_set("never-deny-being-claude", "kind", "Hard"), "/kind", False),
    "required title missing": (_set("truthful", "title", None, field=False), "/title", False),
    "granularity not allowed": (
        _set("anthropic", "granularity", "span", field=False),
        "/granularity",
        False,
    ),
    "unknown kind": (_set("anthropic", "kind", "principle", field=False), "/kind", False),
    "rank of an order as a string": (_string_rank, "/orders/1/ranks/anthropic", True),
    "from instead of origin": (_rename_reference_key, "/references/0", True),
    "a section without a level": (
        _set("overview", "level", None, field=False),
        "/nodes/0/level",
        False,
    ),
    "a mode missing": (_drop_mode, "/modes", True),
}


def _mutated(name: str) -> Document:
    document = claude_document()
    FAULTS[name][0](document)
    return document


@pytest.mark.parametrize("name", FAULTS)
def test_faults_fail_the_spec_schema_where_they_are(name: str) -> None:
    _, where, generic_too = FAULTS[name]
    document = _mutated(name)
    errors = list(
        jsonschema.Draft202012Validator(spec_schema(_grammar("claude"))).iter_errors(document)
    )
    assert errors
    pointers = ["/" + "/".join(str(p) for p in error.absolute_path) for error in errors]
    assert any(where in pointer for pointer in pointers), pointers
    generic = list(jsonschema.Draft202012Validator(generic_schema()).iter_errors(document))
    assert bool(generic) is generic_too


def test_ajv_agrees_on_the_document_and_its_faults(ajv: AjvCli, tmp_path: Path) -> None:
    spec = tmp_path / "claude.schema.json"
    spec.write_text(json.dumps(spec_schema(_grammar("claude"))), "utf-8")
    generic = tmp_path / "generic.schema.json"
    generic.write_text(json.dumps(generic_schema()), "utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(claude_document()), "utf-8")
    result = ajv.validate(generic, good)
    assert result.returncode == 0, result.stdout + result.stderr
    bad = []
    for index, name in enumerate(FAULTS):
        path = tmp_path / f"fault-{index}.json"
        path.write_text(json.dumps(_mutated(name)), "utf-8")
        bad.append(path)
    result = ajv.validate(spec, [good, *bad])
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{good} valid" in output
    for path in bad:
        assert f"{path} invalid" in output, path.name


def test_a_document_of_another_grammar_fails_the_spec_schema_but_not_the_generic() -> None:
    document = claude_document()
    default = jsonschema.Draft202012Validator(spec_schema(default_grammar()))
    assert [e.absolute_path[0] for e in default.iter_errors(document)][:1] == ["kinds"]
    assert list(jsonschema.Draft202012Validator(generic_schema()).iter_errors(document)) == []


# --- one field --------------------------------------------------------------------------------


def test_field_schemas() -> None:
    integer = FieldSpec("trust", FieldType.INTEGER, minimum=1, maximum=3, description="Trust.")
    assert field_schema(integer) == {
        "description": "Trust.",
        "type": "integer",
        "minimum": 1,
        "maximum": 3,
    }
    enum = FieldSpec("a", FieldType.ENUM, many=True, values=("x", "y"), label="A")
    assert field_schema(enum) == {
        "type": "array",
        "description": "A",
        "items": {"enum": ["x", "y"]},
        "uniqueItems": True,
    }
    order = default_grammar().kinds["priority"].field("order")
    assert order is not None
    levels = field_schema(order)
    assert levels["items"]["items"] == {"$ref": "#/$defs/id"}
    assert levels["items"]["minItems"] == 1
    flag = FieldSpec("b", FieldType.BOOLEAN)
    assert field_schema(flag)["type"] == "boolean"
    assert field_schema(FieldSpec("r", FieldType.REFERENCE))["$ref"] == "#/$defs/id"
