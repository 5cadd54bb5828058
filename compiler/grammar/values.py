"""Typed values from attribute strings, checked against the grammar's fields.

What is accepted, exactly (anything else is a problem with a hint):

- **string**: the text as written; empty only when the field is optional.
- **integer**: ASCII digits, with a leading ``-`` for negative numbers, within the field's bounds.
  No spaces, no ``+``, no ``1_000``, no ``²``.
- **boolean**: ``true`` or ``false``. Not ``yes``/``no``/``on``/``off``/``1``/``0``: an enumeration
  with the values ``on`` and ``off`` reads those, and one spelling per meaning keeps diffs honest.
- **enum**: one of the values, exactly; ``Hard`` and ``"hard "`` are errors that name the value
  meant. An alias is read as its value, silently: it is the grammar's author who declared it
  (``platform`` in the Model Spec's 2025-02-12 release is ``root`` in later ones), and the JSON
  holds the value itself, so the two releases compare equal.
- **reference**: an id; the nodes it names are checked once every id is known
  (`check_references`).
- **many** values (integer, enum and reference fields): separated by white space or commas, each
  read as above, none twice.
- an **ordered reference** (a priority's ``order``): levels separated by ``>``, see
  `compiler.grammar.orders`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from msgspec import Struct, field

from ..diagnostics import suggest
from ..model import Attributes
from .orders import parse_levels
from .problems import ValueProblem, id_problem, named_twice, split_values
from .types import FieldSpec, FieldType, FieldValue, KindSpec, TitleSource

_INTEGER = re.compile(r"^-?[0-9]+$", re.ASCII)
_MAX_DIGITS = 16
"""More digits than any bound allows (bounds lie within ±2**53): refused before `int()`."""
_BOOLEANS = ("true", "false")

Scalar = str | int | bool


def coerce(spec: FieldSpec, raw: str) -> tuple[FieldValue | None, tuple[ValueProblem, ...]]:
    """The typed value of the attribute ``spec.name=raw``, or None and every problem with it.

    A many-valued field may have several problems, one per value; the others have one at most.
    """
    if spec.type is FieldType.REFERENCE and spec.ordered:
        levels, problems = parse_levels(raw, spec.name)
        if not levels and spec.required and not problems:
            problems = (_empty(spec, raw),)
        return (None if problems else levels), problems
    if spec.many:
        return _many(spec, raw)
    if spec.type is not FieldType.STRING and len(split_values(raw)) > 1:
        return None, (
            ValueProblem(
                "CC723",
                f'{spec.name}="{_short(raw)}" gives {len(split_values(raw))} values; '
                f"{spec.name} takes one",
                f"keep one of them: {spec.name}={split_values(raw)[0]}",
            ),
        )
    value, problem = _one(spec, raw)
    return value, (problem,) if problem is not None else ()


def _many(spec: FieldSpec, raw: str) -> tuple[FieldValue | None, tuple[ValueProblem, ...]]:
    items = split_values(raw)
    if not items:
        return (None, (_empty(spec, raw),)) if spec.required else ((), ())
    values: list[Scalar] = []
    problems: list[ValueProblem] = []
    for item in items:
        value, problem = _one(spec, item)
        if problem is None and value in values:
            problem = named_twice("CC723", spec.name, item, "give each value once")
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            values.append(value)
    if problems:
        return None, tuple(problems)
    found: FieldValue = tuple(values)  # type: ignore[assignment]
    return found, ()


def _one(spec: FieldSpec, raw: str) -> tuple[Scalar | None, ValueProblem | None]:
    if spec.type is FieldType.STRING:
        if not raw.strip() and spec.required:
            return None, _empty(spec, raw)
        return raw, None
    if not raw:
        return None, _empty(spec, raw)
    if spec.type is FieldType.INTEGER:
        return _integer(spec, raw)
    if spec.type is FieldType.BOOLEAN:
        return _word(spec, raw, _BOOLEANS, {}, "write true or false")
    if spec.type is FieldType.ENUM:
        return _word(spec, raw, spec.values, spec.alias_map, f"values: {', '.join(spec.values)}")
    problem = id_problem(spec.name, raw)
    return (None, problem) if problem is not None else (raw, None)


def _integer(spec: FieldSpec, raw: str) -> tuple[int | None, ValueProblem | None]:
    if not _INTEGER.match(raw):
        stripped = raw.strip()
        hint = (
            f"remove the spaces: {spec.name}={stripped}"
            if _INTEGER.match(stripped)
            else f"write a whole number in digits, e.g. {spec.name}={max(spec.minimum, 1)}"
        )
        return None, ValueProblem(
            "CC720", f'{spec.name}="{_short(raw)}" is not a whole number', hint
        )
    number = int(raw) if len(raw.lstrip("-")) <= _MAX_DIGITS else None
    if number is None or not spec.minimum <= number <= spec.maximum:
        return None, ValueProblem(
            "CC721",
            f"{spec.name}={_short(raw)} is outside {spec.minimum}..{spec.maximum}",
            f"give a number from {spec.minimum} to {spec.maximum}",
        )
    return number, None


def _word(
    spec: FieldSpec,
    raw: str,
    words: tuple[str, ...],
    aliases: Mapping[str, str],
    otherwise: str,
) -> tuple[Scalar | None, ValueProblem | None]:
    if raw in words:
        return (raw == "true") if spec.type is FieldType.BOOLEAN else raw, None
    if raw in aliases:
        return aliases[raw], None
    spellings = {word.casefold(): word for word in (*words, *aliases)}
    near = spellings.get(raw.strip().casefold())
    if near is not None:
        what = "spaces around it" if raw.strip() == near else "letters in another case"
        hint = f"did you mean '{near}'? Values are matched exactly"
    else:
        what = ""
        hint = suggest(raw, list(spellings.values())) or otherwise
    expected = "true or false" if spec.type is FieldType.BOOLEAN else f"one of {', '.join(words)}"
    message = f'{spec.name}="{_short(raw)}" is not {expected}'
    return None, ValueProblem("CC722", message + (f" ({what})" if what else ""), hint)


def _empty(spec: FieldSpec, raw: str) -> ValueProblem:
    return ValueProblem(
        "CC720",
        f'{spec.name}="{raw}" is empty',
        f"give {spec.name} a value, or remove it",
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- a node's attributes -------------------------------------------------------------------


class FieldValues(Struct, frozen=True):
    """A node's attributes read against its kind."""

    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    """Each field given or defaulted, in the kind's declaration order."""
    title: str | None = None
    """The title attribute, when the kind takes its title from one and it is given."""
    extra: tuple[tuple[str, str], ...] = ()
    """Attributes the kind does not declare, kept as strings (kinds that are `open`)."""
    problems: tuple[tuple[str | None, ValueProblem], ...] = ()
    """Each problem with the attribute it concerns (None: the node as a whole)."""


def read_fields(kind: KindSpec, attributes: Attributes) -> FieldValues:
    """The typed fields of a node of `kind` from its ``key=value`` attributes."""
    if not attributes.values and not kind.fields:  # most sections: nothing to read
        return FieldValues()
    title_attribute = kind.title.attribute if TitleSource.ATTRIBUTE in kind.title.sources else None
    given: dict[str, FieldValue] = {}
    extra: list[tuple[str, str]] = []
    problems: list[tuple[str | None, ValueProblem]] = []
    title: str | None = None
    for key, raw in attributes.values:
        spec = kind.field(key)
        if key == title_attribute:
            title = raw
        elif spec is not None:
            value, found = coerce(spec, raw)
            problems.extend((key, problem) for problem in found)
            if value is not None:
                given[key] = value
        elif kind.open:
            extra.append((key, raw))
        else:
            names = [f.name for f in kind.fields] + ([title_attribute] if title_attribute else [])
            problems.append(
                (
                    key,
                    ValueProblem(
                        "CC726",
                        f"{kind.name} has no field '{key}'",
                        suggest(key, names) or f"its fields: {', '.join(names) or 'none'}",
                    ),
                )
            )
    written = attributes.as_dict()
    fields: dict[str, FieldValue] = {}
    for spec in kind.fields:
        if spec.name in given:
            fields[spec.name] = given[spec.name]
        elif spec.name in written:
            continue  # given with a problem, reported above: no default stands in for it
        elif spec.default is not None:
            fields[spec.name] = spec.default
        elif spec.required:
            problems.append((None, _missing(kind, spec)))
    return FieldValues(fields, title, tuple(extra), tuple(problems))


def _missing(kind: KindSpec, spec: FieldSpec) -> ValueProblem:
    example = {
        FieldType.INTEGER: str(max(spec.minimum, 1)),
        FieldType.BOOLEAN: "true",
        FieldType.ENUM: spec.values[0] if spec.values else "value",
    }.get(spec.type, '"some-id"' if spec.type is FieldType.REFERENCE else '"..."')
    return ValueProblem("CC727", f"{kind.name} has no {spec.name}", f"add {spec.name}={example}")


def check_references(
    spec: FieldSpec, owner: str, value: FieldValue, kind_of: Mapping[str, str]
) -> list[ValueProblem]:
    """Problems with the ids a reference field of node `owner` names: ids that name no node, a
    node of a kind the field does not take, or the node itself. `kind_of` maps every id of the
    spec to its kind."""
    problems: list[ValueProblem] = []
    for ident in _ids(value):
        if ident == owner:
            problems.append(
                ValueProblem(
                    "CC724",
                    f"{spec.name} of '{owner}' names '{owner}' itself",
                    "name other nodes",
                )
            )
        elif ident not in kind_of:
            problems.append(
                ValueProblem(
                    "CC724",
                    f"{spec.name} names '{ident}', which is not an id in the spec",
                    suggest(ident, list(kind_of)) or "name the id of a node or section",
                )
            )
        elif spec.targets and kind_of[ident] not in spec.targets:
            problems.append(
                ValueProblem(
                    "CC724",
                    f"{spec.name} names '{ident}', which is a {kind_of[ident]}, "
                    f"not a {' or '.join(spec.targets)}",
                    f"{spec.name} names nodes of kind {', '.join(spec.targets)}",
                )
            )
    return problems


def _ids(value: FieldValue) -> list[str]:
    """The ids in a reference field's value: one id, several, or the levels of an order."""
    if not isinstance(value, tuple):
        return [value] if isinstance(value, str) else []
    found: list[str] = []
    for item in value:
        if isinstance(item, tuple):  # a level of an order
            found.extend(str(i) for i in item)
        else:
            found.append(str(item))
    return found


def written(value: FieldValue) -> str:
    """A typed value as its attribute would be written: an order as its levels (``a > b c``),
    many values separated by spaces, booleans in lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        if value and all(isinstance(item, tuple) for item in value):
            return " > ".join(" ".join(map(str, level)) for level in value)  # type: ignore[arg-type]
        return " ".join(map(str, value))
    return str(value)
