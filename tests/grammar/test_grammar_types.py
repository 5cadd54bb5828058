"""The grammar's data: lookups, ranks of ordered values, and the kinds as the JSON describes them."""

from __future__ import annotations

import pytest

from compiler.grammar.load import default_grammar
from compiler.grammar.types import (
    DEFAULT_MAXIMUM,
    DEFAULT_MINIMUM,
    FieldSpec,
    FieldType,
    Form,
)

AUTHORITY = FieldSpec(
    "authority",
    FieldType.ENUM,
    values=("root", "system", "developer", "user", "guideline"),
    ordered=True,
    aliases=(("platform", "root"),),
)


def test_ordered_values_rank_highest_first() -> None:
    assert [AUTHORITY.rank(v) for v in AUTHORITY.values] == [1, 2, 3, 4, 5]
    assert AUTHORITY.alias_map == {"platform": "root"}
    with pytest.raises(ValueError):
        AUTHORITY.rank("platform")  # an alias is read as its value before it is ranked


def test_fields_are_frozen_and_always_bounded() -> None:
    spec = FieldSpec("n", FieldType.INTEGER)
    assert (spec.minimum, spec.maximum) == (DEFAULT_MINIMUM, DEFAULT_MAXIMUM)
    with pytest.raises(AttributeError, match="immutable"):
        spec.name = "m"  # type: ignore[misc]


def test_field_json_holds_only_what_applies_to_its_type() -> None:
    assert AUTHORITY.to_json() == {
        "name": "authority",
        "type": "enum",
        "many": False,
        "required": False,
        "label": "",
        "description": "",
        "values": ["root", "system", "developer", "user", "guideline"],
        "aliases": {"platform": "root"},
        "ordered": True,
        "diff": {"changed": "substantive"},
    }
    integer = FieldSpec("n", FieldType.INTEGER, default=3, minimum=1, maximum=5).to_json()
    assert (integer["default"], integer["minimum"], integer["maximum"]) == (3, 1, 5)
    assert "values" not in integer and "targets" not in integer
    many = FieldSpec("t", FieldType.ENUM, many=True, values=("a",), default=("a",)).to_json()
    assert many["default"] == ["a"]


def test_grammar_lookups() -> None:
    grammar = default_grammar()
    constraint = grammar.kind("constraint")
    assert constraint is not None and constraint.field("kind") is not None
    assert constraint.field("nope") is None and grammar.kind("nope") is None
    assert all(kind.form is Form.ANNOTATION for kind in grammar.annotation_kinds())


def test_kinds_json_describes_every_kind_in_order() -> None:
    described = default_grammar().to_json()
    assert [kind["name"] for kind in described] == list(default_grammar().kinds)
    constraint = next(kind for kind in described if kind["name"] == "constraint")
    assert constraint["binding"] is True
    assert constraint["granularity"] == ["block", "item", "span"]
    assert [field["name"] for field in constraint["fields"]] == ["kind", "concerns"]
