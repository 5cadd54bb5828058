"""Specs with a grammar (tests/data/specs/valid|invalid/NAME/: chapters and constitution.yaml):
each valid one compiles to the NAME.json beside its directory, which both its schemas accept;
each invalid one gives exactly the diagnostics in NAME.err. Regenerate after an intended change
with `UPDATE_FIXTURES=1 pytest tests/grammar/test_grammar_specs.py`, then review the diff.

Issue 12's faults, each pinned here: free-text values of typed fields (`kind=Hard`, `"hard "`,
`authority=opertor`), a span left in the text, nested nodes out of order and repeating their
children's text, flattened lists, `[?](#id)` left as "?", untyped JSON values, a global rank
deciding precedence across unrelated nodes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from compiler.diagnostics import render
from compiler.document import ListBlock, NodeBlock, from_json
from compiler.grammar.orders import NoOrderError, Relation
from compiler.grammar.schema import generic_schema, spec_schema
from compiler.pipeline import compile_spec

DATA = Path(__file__).parents[1] / "data" / "specs"
VALID = sorted(p for p in (DATA / "valid").iterdir() if p.is_dir())
INVALID = sorted(p for p in (DATA / "invalid").iterdir() if p.is_dir())
UPDATE = bool(os.environ.get("UPDATE_FIXTURES"))


@pytest.mark.parametrize("spec", VALID, ids=[p.name for p in VALID])
def test_valid_spec(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(spec)
    result = compile_spec(".")
    assert render(result.diagnostics, "text") == ""
    assert result.grammar is not None
    expected = spec.with_suffix(".json")
    if UPDATE:
        expected.write_bytes(result.to_json_bytes())
    assert result.to_json_bytes().decode("utf-8") == expected.read_text("utf-8")
    document = json.loads(result.to_json_bytes())
    for schema in (generic_schema(), spec_schema(result.grammar)):
        assert [
            e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(document)
        ] == []


@pytest.mark.parametrize("spec", INVALID, ids=[p.name for p in INVALID])
def test_invalid_spec(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(spec)
    result = compile_spec(".")
    assert not result.ok and result.document is None
    expected = spec.with_suffix(".err")
    if UPDATE:
        expected.write_text(render(result.diagnostics, "text"), "utf-8")
    assert render(result.diagnostics, "text") == expected.read_text("utf-8")


def _model(name: str):  # type: ignore[no-untyped-def]
    result = compile_spec(DATA / "valid" / name)
    assert result.ok and result.document is not None
    return from_json(result.document)


def test_outranks_gives_the_texts_answers() -> None:
    """Anthropic over users; non-deception tied with non-manipulation and above forthright; no
    answer between a principal and a core value (issue 12's done-when)."""
    doc = _model("claude")
    assert doc.outranks("anthropic", "users")
    assert not doc.outranks("users", "anthropic")
    assert doc.precedence("non-deceptive", "non-manipulative").relation is Relation.TIED
    assert not doc.outranks("non-deceptive", "non-manipulative")
    assert doc.outranks("non-deceptive", "forthright")
    assert doc.outranks("non-manipulative", "forthright")
    with pytest.raises(NoOrderError, match="no order relates 'anthropic' and 'broadly-safe'"):
        doc.outranks("anthropic", "broadly-safe")
    # ranks are local: the honesty components' ranks do not mix with the core values'
    assert not any(doc.precedence("genuinely-helpful", "truthful").orders)


def test_typed_fields_in_the_json() -> None:
    doc = _model("claude")
    behavior = doc.node("crude-language")
    assert behavior.fields == {"default": "off", "adjustable_by": ("operators", "users")}
    assert doc.node("broadly-safe").fields == {"rank": 1}
    honesty = next(o for o in doc.orders if o.id == "honesty-order")
    assert honesty.ranks["non-deceptive"] == honesty.ranks["non-manipulative"] == 1
    assert honesty.ranks["forthright"] == 2


def test_structure_spans_items_and_placeholders() -> None:
    doc = _model("spans-and-items")
    ids = [n.id for n in doc.nodes]
    assert ids == ["rules", "never", "safe", "kind", "term", "why", "nested"]  # document order
    never = doc.node("never")
    assert (never.granularity, never.parent, never.text) == (
        "span",
        "rules",
        "a line never crossed",
    )
    rules = doc.node("rules")
    assert "a line never crossed" in rules.text  # a span's words stay in its paragraph
    assert "Safe" not in rules.text  # an item node's text is its own
    lists = [b for b in rules.blocks if isinstance(b, ListBlock)]
    assert [len(b.items) for b in lists] == [3]
    assert lists[0].items[0].blocks == (NodeBlock("safe"),)
    why, nested = doc.node("why"), doc.node("nested")
    assert nested.parent == "why" and "inside the rationale" not in why.text
    assert why.text.startswith("Because Safe comes first:")  # [?](#safe) reads as the title
    assert "a numbered item;\nand another." in why.text  # list items keep a line each
    [placeholder] = [r for r in doc.references if r.placeholder]
    assert (placeholder.target, placeholder.text) == ("safe", "Safe")


def test_an_authority_grammar_reads_levels_and_aliases() -> None:
    doc = _model("model-spec")
    assert doc.node("comply_with_laws").fields == {"authority": "root"}  # platform -> root
    assert doc.node("be_clear").fields == {"authority": "guideline"}
    assert doc.node("overview").text.startswith(
        "The levels of authority are Instructions and levels of authority's subject."
    )
