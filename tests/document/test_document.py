"""compiler.document: the typed model of a compiled document, written as 2.0.0 JSON and read from
2.0.0 and 1.x documents (release 1.0.0, the 1.1.0 shape of earlier compilers)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from msgspec.structs import replace

from compiler.document import (
    Document,
    DocumentError,
    ListBlock,
    NodeBlock,
    Paragraph,
    from_json,
    read_pair,
    to_json,
    walk_blocks,
)
from compiler.grammar.load import load_grammar
from compiler.grammar.orders import NoOrderError, Relation
from compiler.grammar.schema import generic_schema, spec_schema

ROOT = Path(__file__).resolve().parents[2]
GRAMMAR = ROOT / "tests" / "data" / "grammar"


def _release() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "releases" / "1.0.0.json").read_text("utf-8"))
    return loaded


def _claude() -> dict[str, Any]:
    grammar, problems = load_grammar(file=GRAMMAR / "valid" / "claude.yaml")
    assert problems == []
    stored = json.loads((GRAMMAR / "documents" / "claude.json").read_text("utf-8"))
    return {
        "$schema": stored["$schema"],
        "document": stored["document"],
        "kinds": grammar.to_json(),
    } | {key: stored[key] for key in ("modes", "nodes", "orders", "references")}


def test_a_2_0_0_document_reads_and_writes_back_unchanged() -> None:
    data = _claude()
    doc = from_json(data)
    written = to_json(doc)
    assert written == data
    assert list(written) == [
        "$schema",
        "document",
        "kinds",
        "modes",
        "nodes",
        "orders",
        "references",
    ]
    assert [list(node) for node in written["nodes"]] == [list(node) for node in data["nodes"]]
    assert from_json(written) == doc


def test_the_model_holds_typed_values_and_structure() -> None:
    doc = from_json(_claude())
    behavior = doc.node("safe-messaging")
    assert behavior.kind == "behavior" and behavior.granularity == "item"
    assert behavior.fields["default"] == "on"
    assert isinstance(behavior.fields["adjustable_by"], tuple)
    assert doc.kind_of("safe-messaging").key == "behaviors"
    assert [n.id for n in doc.by_key("behaviors")] == ["safe-messaging", "crude-language"]
    assert [n.id for n in doc.by_key("principals")] == ["anthropic", "operators", "users"]
    assert doc.node("core-priority").fields["order"] == (("broadly-safe",), ("genuinely-helpful",))
    section = doc.node("claudes-core-values")
    lists = [b for b in section.blocks if isinstance(b, ListBlock)]
    assert lists and isinstance(lists[0].items[0].blocks[0], NodeBlock)
    assert [n.id for n in doc.children("claudes-three-types-of-principals")][:3] == [
        "anthropic",
        "operators",
        "users",
    ]
    placeholder = doc.references[0]
    assert placeholder.placeholder and placeholder.text == "Claude's three types of principals"
    with pytest.raises(KeyError):
        doc.by_key("nothing")
    assert "anthropic" in doc and "nobody" not in doc and doc.get("nobody") is None


def test_two_versions_read_together_share_what_is_the_same() -> None:
    old = _claude()
    new = copy.deepcopy(old)
    moved = _item(new, "broadly-safe")
    moved["source"]["line"] += 1  # only where it is differs: its blocks are the same
    edited = _item(new, "core-priority")
    edited["blocks"][0]["text"] = edited["text"] = "Reworded."
    old_doc, new_doc = read_pair(old, new)
    assert old_doc == from_json(old) and new_doc == from_json(new)
    for before, after in zip(old_doc.nodes, new_doc.nodes, strict=True):
        assert (before is after) == (after.id not in ("broadly-safe", "core-priority"))
    assert new_doc.node("broadly-safe").source.line == old_doc.node("broadly-safe").source.line + 1
    assert new_doc.node("broadly-safe").blocks is old_doc.node("broadly-safe").blocks
    assert new_doc.node("core-priority").blocks != old_doc.node("core-priority").blocks


def test_nodes_of_a_kind_declared_otherwise_are_read_again() -> None:
    old = _claude()
    new = copy.deepcopy(old)
    kind = next(kind for kind in new["kinds"] if kind["name"] == "behavior")
    kind["label"] = "Behaviour"
    old_doc, new_doc = read_pair(old, new)
    assert new_doc == from_json(new) and new_doc.kinds["behavior"].label == "Behaviour"
    for before, after in zip(old_doc.nodes, new_doc.nodes, strict=True):
        assert (before is after) == (after.kind != "behavior")


def test_a_1_x_version_read_together_is_read_as_alone() -> None:
    old, new = _release(), _claude()
    for first, second in ((old, new), (new, old)):
        assert read_pair(first, second) == (from_json(first), from_json(second))


def _item(data: dict[str, Any], ident: str) -> dict[str, Any]:
    found: dict[str, Any] = next(node for node in data["nodes"] if node["id"] == ident)
    return found


def test_precedence_answers_within_the_order_that_holds_both() -> None:
    doc = from_json(_claude())
    assert doc.outranks("anthropic", "users")
    assert not doc.outranks("users", "anthropic")
    assert doc.precedence("non-deceptive", "non-manipulative").relation is Relation.TIED
    assert doc.outranks("non-deceptive", "forthright")
    assert doc.precedence("anthropic", "broadly-safe").relation is Relation.UNRELATED
    with pytest.raises(NoOrderError, match="no order relates 'anthropic' and 'broadly-safe'"):
        doc.outranks("anthropic", "broadly-safe")


def test_release_1_0_0_reads_into_the_same_model() -> None:
    data = _release()
    doc = from_json(data)
    assert doc.source_version == "1.0.0"
    ids = [node.id for node in doc.nodes]
    arrays = ("sections", "properties", "priorities", "constraints", "definitions", "rationales")
    assert sorted(ids) == sorted(item["id"] for key in arrays for item in data[key])
    # document order: by file, then line
    places = [(node.source.file, node.source.line) for node in doc.nodes]
    assert places == sorted(places)
    safe = doc.node("broadly-safe")
    assert safe.kind == "property" and safe.fields == {"rank": 1} and safe.title == "Broadly safe"
    assert safe.parent == "core-values" and safe.section == "core-values"
    assert doc.node("good-values").title == "good values"
    assert doc.node("core-priority").fields["mode"] == "holistic"
    assert doc.node("hard-constraints").fields["kind"] == "hard"
    # nesting the 1.x document did not state: a definition inside a rationale
    assert doc.node("human-oversight").parent == "why-safety-first"
    assert doc.orders[0].levels == tuple((p["id"],) for p in data["properties"])
    assert doc.outranks("broadly-safe", "genuinely-helpful")
    assert not doc.outranks("broadly-safe", "genuinely-helpful", strictly=True)
    reference = doc.references[0]
    assert (reference.origin, reference.target) == (
        data["references"][0]["from"],
        data["references"][0]["to"],
    )
    assert not reference.placeholder


def _assert_own_texts(doc: Document, old: dict[str, str]) -> None:
    """No node's text repeats a child's; the child's text stands where a NodeBlock says."""
    for node in doc.nodes:
        for child in doc.children(node.id):
            if child.text and child.kind != "section":
                assert child.text not in node.text, (node.id, child.id)
                assert NodeBlock(child.id) in tuple(walk_blocks(node.blocks))
        paragraphs = [b.text for b in node.blocks if isinstance(b, Paragraph)]
        assert "\n\n".join(paragraphs) == node.text
        # nothing lost: the 1.x text is the own text with the children's texts put back
        assert all(part in old[node.id] for part in paragraphs)


def _texts(data: dict[str, Any]) -> dict[str, str]:
    """Each 1.x node's text by id."""
    arrays = (items for items in data.values() if isinstance(items, list))
    return {item["id"]: item["text"] for items in arrays for item in items if "id" in item}


def test_a_parent_loses_its_childrens_text_and_keeps_its_own() -> None:
    data = _release()
    doc = from_json(data)
    old = _texts(data)
    _assert_own_texts(doc, old)
    section = doc.node("core-values")
    assert "Broadly safe:" in old["core-values"] and "Broadly safe:" not in section.text
    assert section.text.startswith("We believe Claude can demonstrate")


@pytest.mark.parametrize("name", ["spec-1.1.0", "not-normative-1.1.0"])
def test_the_1_1_0_output_reads(name: str) -> None:
    """Today's shape before 2.0.0: spec/ and a fixture as the compiler wrote them in 1.1.0."""
    data = json.loads((ROOT / "tests" / "data" / "documents" / f"{name}.json").read_text("utf-8"))
    doc = from_json(data)
    assert doc.source_version == "1.1.0"
    old = _texts(data)
    assert sorted(node.id for node in doc.nodes) == sorted(old)
    _assert_own_texts(doc, old)
    sections = {item["id"]: item for item in data["sections"]}
    for node in doc.of_kind("section"):
        assert node.normative is (sections[node.id].get("normative", True) is not False)
        assert node.level == sections[node.id]["level"]
    assert len(doc.references) == len(data["references"])
    written = to_json(doc)
    again = from_json(written)
    assert replace(again, schema=doc.schema) == doc


def test_1_x_and_its_2_0_0_form_are_equal_models() -> None:
    doc = from_json(_release())
    again = from_json(to_json(doc))
    assert again.source_version == "3.2.0"
    assert replace(again, schema=doc.schema) == doc


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a compiled document is a JSON object"),
        ({"$schema": "https://example.org/other.json"}, "not a compiled constitution"),
        (
            {
                "$schema": "https://constitution-compiler.dev/schemas/constitution/4.0.0/constitution.schema.json"
            },
            "schema version 4.0.0 is not one this version reads",
        ),
        (
            {
                "$schema": "https://constitution-compiler.dev/schemas/constitution/3.0.0/constitution.schema.json"
            },
            "does not follow schema 3.0.0",
        ),
    ],
)
def test_what_is_not_a_document_is_refused_plainly(data: Any, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        from_json(data)


@pytest.mark.parametrize("name", ["spec-1.1.0", "not-normative-1.1.0"])
def test_1_x_documents_written_as_2_0_0_pass_both_schemas(name: str) -> None:
    data = json.loads((ROOT / "tests" / "data" / "documents" / f"{name}.json").read_text("utf-8"))
    doc = from_json(data)
    written = to_json(doc)
    for schema in (generic_schema(), spec_schema(doc.grammar)):
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(written)]
        assert errors == []
