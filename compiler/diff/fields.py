"""The levels of field changes, from the grammar: each field's `FieldSpec.diff` (on the model of
oasdiff's per-rule levels) sets the level of the rules that report changes to it.

Built-in fields keep their rule ids (``rank-changed``, ``priority-mode-changed``,
``priority-order-extended``, ``constraint-concerns-narrowed``...), and the default grammar gives
them today's levels. Fields a spec declares (``sections: fields:``, or on its kinds) are compared
typed: an ordered enumeration or an integer that moved up is ``field-raised``, one that moved
down ``field-lowered`` (``authority`` from developer to user, with root > system > developer >
user > guideline declared: a lowering), many values gained or lost are ``field-values-added`` or
``field-values-removed``, anything else ``field-changed``; an alias and its value are the same
(``platform`` = ``root``). Each is at the level the field declares for it, or its ``changed``
level when it declares none.

One finer rule stays in code: a constraint's ``kind`` changing is at the field's level only when
the constraint was binding (from ``hard``); another change of kind stays substantive.
"""

from __future__ import annotations

from collections.abc import Iterator

from msgspec import Struct

from ..grammar.types import DiffLevel, FieldSpec, FieldType, Form, Grammar
from .rules import Level, LevelEntry, Levels, Selector, rule_kinds

#: The rules of the built-in fields: (rule, field, the part of the field's levels that applies
#: (``changed``, ``added``, ``removed``...), selector). The kind is the one the rule names
#: (`rule_kinds`): ``constraint-kind-changed`` reports a constraint's ``kind``.
_FIELD_RULES: tuple[tuple[str, str, str, Selector], ...] = (
    ("rank-changed", "rank", "changed", Selector()),
    ("rank-renumbered", "rank", "changed", Selector()),
    ("priority-mode-changed", "mode", "changed", Selector()),
    ("priority-order-changed", "order", "changed", Selector()),
    ("priority-order-extended", "order", "added", Selector()),
    ("constraint-kind-changed", "kind", "changed", Selector(binding=True)),
    ("constraint-concerns-narrowed", "concerns", "removed", Selector()),
    ("constraint-concerns-widened", "concerns", "added", Selector()),
    ("rationale-justifies-changed", "justifies", "changed", Selector()),
)


def _builtin_rules() -> dict[tuple[str, str], tuple[tuple[str, str, Selector], ...]]:
    table: dict[tuple[str, str], tuple[tuple[str, str, Selector], ...]] = {}
    for rule, name, part, selector in _FIELD_RULES:
        for kind in rule_kinds(rule):
            table[kind, name] = (*table.get((kind, name), ()), (rule, part, selector))
    return table


#: Built-in fields: (kind, field) -> the rules that report a change to it, each with the part
#: of the field's levels that applies, and a selector.
BUILTIN_RULES = _builtin_rules()


def level_of(spec: FieldSpec, part: str) -> Level:
    """The level a field declares for one kind of change (`FieldDiff`'s parts), else its
    ``changed`` level."""
    declared: DiffLevel | None = getattr(spec.diff, part)
    return Level((declared or spec.diff.changed).value)


def grammar_entries(grammar: Grammar) -> tuple[LevelEntry, ...]:
    """The levels every field of `grammar` sets: of the built-in rules for built-in fields, of
    the ``field-*`` rules for the others (selected by the node kind and ``fields.NAME``)."""
    entries: list[LevelEntry] = []
    origin = grammar.file or "the default grammar"
    for kind, spec in _fields(grammar):
        builtin = BUILTIN_RULES.get((kind, spec.name))
        if builtin is not None:
            for rule, part, selector in builtin:
                why = f"{kind}.{spec.name}'s diff levels in {origin}"
                entries.append(LevelEntry(rule, level_of(spec, part), selector, why=why))
            continue
        for rule, part in _PARTS.items():
            selector = Selector(kind=kind, field=f"fields.{spec.name}")
            entries.append(LevelEntry(rule, level_of(spec, part), selector, origin=origin))
    return tuple(entries)


def declared_fields(grammar: Grammar) -> dict[tuple[str, str], FieldSpec]:
    """The fields `grammar` declares beyond the built-in ones, by (kind, name)."""
    return {
        (kind.name, spec.name): spec
        for kind in grammar.kinds.values()
        for spec in kind.fields
        if not spec.builtin
    }


def grammar_levels(levels: Levels, grammar: Grammar) -> Levels:
    """`levels` with the field levels that `grammar` declares under the project's entries."""
    return levels.with_grammar(grammar_entries(grammar), declared_fields(grammar))


_PARTS = {
    "field-changed": "changed",
    "field-raised": "raised",
    "field-lowered": "lowered",
    "field-values-added": "added",
    "field-values-removed": "removed",
}


def _fields(grammar: Grammar) -> Iterator[tuple[str, FieldSpec]]:
    """The fields of nodes (references, links rather than nodes, are diffed as links)."""
    for kind in grammar.kinds.values():
        if kind.form is Form.LINK:
            continue
        for spec in kind.fields:
            yield kind.name, spec


class FieldChange(Struct, frozen=True):
    """How a typed field changed: its rule and a few words saying so."""

    rule: str
    words: str


def compare(spec: FieldSpec, old: str | None, new: str | None) -> FieldChange | None:
    """The change of a declared field from `old` to `new` (values as written, ``None`` when
    absent), read through the field's type; None when they mean the same."""
    old_value, new_value = _typed(spec, old), _typed(spec, new)
    if old_value == new_value:
        return None
    if old_value is None or new_value is None:
        return FieldChange("field-changed", "set" if old_value is None else "unset")
    if spec.many:
        gone, came = set(old_value) - set(new_value), set(new_value) - set(old_value)
        if came and not gone:
            return FieldChange("field-values-added", "now also " + ", ".join(sorted(came)))
        if gone and not came:
            return FieldChange("field-values-removed", "no longer " + ", ".join(sorted(gone)))
        return FieldChange("field-changed", "changed")
    numbers = all(value[0].lstrip("-").isdigit() for value in (old_value, new_value))
    if spec.type is FieldType.INTEGER and numbers:
        higher = int(new_value[0]) > int(old_value[0])
        return FieldChange(
            "field-raised" if higher else "field-lowered", "raised" if higher else "lowered"
        )
    rank = _rank(spec)
    if rank is not None and old_value[0] in rank and new_value[0] in rank:
        higher = rank[new_value[0]] < rank[old_value[0]]
        return FieldChange(
            "field-raised" if higher else "field-lowered", "raised" if higher else "lowered"
        )
    return FieldChange("field-changed", "changed")


def _typed(spec: FieldSpec, raw: str | None) -> tuple[str, ...] | None:
    """The value's words, aliases read as their values; None when absent."""
    if raw is None:
        return None
    words = raw.replace(",", " ").split() if spec.many else [raw.strip()]
    aliases = spec.alias_map
    return tuple(aliases.get(word, word) for word in words)


def _rank(spec: FieldSpec) -> dict[str, int] | None:
    """An ordered enumeration's values by rank, 0 the highest; None for other fields."""
    if spec.type is FieldType.ENUM and spec.ordered:
        return {value: position for position, value in enumerate(spec.values)}
    return None
