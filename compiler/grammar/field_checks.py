"""Checks of a field declaration as a whole: settings that contradict each other, defaults that
are not valid values, and changes to a built-in field that would widen it rather than narrow it.
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml
from msgspec import structs

from ..diagnostics import suggest
from .field_settings import builtin_changed
from .types import FieldSpec, FieldType, FieldValue
from .yamlnodes import Settings, YamlReader

MAX_TEXT = 1000
"""Longest default text."""
_INTEGER, _ENUM, _REFERENCE = FieldType.INTEGER, FieldType.ENUM, FieldType.REFERENCE


def check_field(
    reader: YamlReader,
    spec: FieldSpec,
    settings: Settings,
    node: yaml.Node,
    here: str,
    old: FieldSpec | None,
    *,
    builtin: bool,
    places: Mapping[str, yaml.Node],
) -> FieldSpec:
    """`spec` as read from `settings` (the declaration `node`), checked as a whole and against
    the built-in field `old` it narrows; what cannot stand is reported and undone. `builtin`:
    the default grammar is read. `places`: where each alias is written."""
    error = reader.error
    if old is not None:
        spec = _narrowed(reader, spec, settings, here, old)
    if spec.type is _ENUM and not spec.values and "values" not in settings:
        error(node, "CC713", f"{here} is an enumeration without values", "add values: [a, b, c]")
    if spec.minimum > spec.maximum:
        error(
            settings["maximum"][1] if "maximum" in settings else settings["minimum"][1],
            "CC705",
            f"{here} has a minimum {spec.minimum} above its maximum {spec.maximum}",
            "make the minimum at most the maximum",
        )
        spec = structs.replace(
            spec,
            minimum=(old or FieldSpec("", _INTEGER)).minimum,
            maximum=(old or FieldSpec("", _INTEGER)).maximum,
        )
    if spec.type is _REFERENCE and spec.ordered and not builtin:
        error(
            settings["ordered"][0],
            "CC709",
            f"{here} is an ordered reference, which only a priority's order is",
            'state orders with a priority annotation: ::: priority {#id mode=holistic order="a > b"}',
        )
        spec = structs.replace(spec, ordered=False)
    if spec.type is _REFERENCE and spec.ordered:
        spec = structs.replace(spec, many=True)
    kept: list[tuple[str, str]] = []
    for alias, value in spec.aliases:
        place = places.get(alias, node)
        if value not in spec.values:
            hint = suggest(value, list(spec.values)) or f"values: {', '.join(spec.values)}"
            error(
                place,
                "CC709",
                f"alias '{alias}' of {here} stands for '{value}', which is not a value",
                hint,
            )
        elif alias.casefold() in {v.casefold() for v in spec.values}:
            error(
                place,
                "CC709",
                f"alias '{alias}' of {here} is also a value",
                "an alias is another spelling of a value; remove it",
            )
        else:
            kept.append((alias, value))
    spec = structs.replace(spec, aliases=tuple(kept))
    if "diff" in settings:
        _diff_applies(reader, spec, settings["diff"][1], here)
    return _default(reader, spec, settings, node, here)


def _narrowed(
    reader: YamlReader, spec: FieldSpec, settings: Settings, here: str, old: FieldSpec
) -> FieldSpec:
    """A built-in field may be narrowed only: report and undo anything that widens it."""
    if old.required and not spec.required:
        builtin_changed(reader, settings["required"][0], here, "required", True)
        spec = structs.replace(spec, required=True)
    if spec.minimum < old.minimum or spec.maximum > old.maximum:
        node = settings["minimum" if spec.minimum < old.minimum else "maximum"][1]
        reader.error(
            node,
            "CC708",
            f"{here} widens the built-in bounds {old.minimum}..{old.maximum}",
            "a spec may narrow the bounds of a built-in field only",
        )
        spec = structs.replace(
            spec, minimum=max(spec.minimum, old.minimum), maximum=min(spec.maximum, old.maximum)
        )
    added = [v for v in spec.values if v not in old.values]
    if added and not old.extensible:
        reader.error(
            settings["values"][1],
            "CC708",
            f"{here} adds '{added[0]}' to the values the compiler interprets",
            f"a spec may keep some of {', '.join(old.values)}, not add others",
        )
        spec = structs.replace(spec, values=tuple(v for v in spec.values if v in old.values))
    wider = [t for t in spec.targets if old.targets and t not in old.targets]
    if wider or (old.targets and not spec.targets):
        reader.error(
            settings["targets"][1],
            "CC708",
            f"{here} widens the built-in targets {', '.join(old.targets)}",
            "a spec may narrow the kinds a built-in field names only",
        )
        spec = structs.replace(spec, targets=old.targets)
    return spec


def _default(
    reader: YamlReader, spec: FieldSpec, settings: Settings, field_node: yaml.Node, here: str
) -> FieldSpec:
    error = reader.error
    if "default" not in settings:
        if spec.default is not None and not _valid_default(spec, spec.default):
            error(
                settings["values"][1] if "values" in settings else field_node,
                "CC709",
                f"the default '{spec.default}' of {here} is not among its values",
                "keep the default among the values, or give another default",
            )
            return structs.replace(spec, default=None)
        return spec
    key_node, node = settings["default"]
    if spec.type is _REFERENCE:
        error(
            key_node,
            "CC709",
            f"{here} is a reference and takes no default",
            "ids belong to the text; remove the default",
        )
        return spec
    if spec.required:
        error(
            key_node,
            "CC709",
            f"{here} is required and has a default",
            "a required field is always given; drop required or the default",
        )
        return spec
    items = node.value if spec.many and isinstance(node, yaml.SequenceNode) else [node]
    if spec.many and not isinstance(node, yaml.SequenceNode):
        error(
            node,
            "CC703",
            f"{here}.default must be a list: the field takes many values",
            "e.g. default: [a, b]",
        )
        return spec
    found = [_one_default(reader, spec, item, f"{here}.default") for item in items]
    if any(value is None for value in found):
        return spec
    if len(set(found)) < len(found):
        error(node, "CC704", f"{here}.default gives a value twice", "give each value once")
        return spec
    value: FieldValue = tuple(found) if spec.many else found[0]  # type: ignore[assignment]
    return structs.replace(spec, default=value)


def _one_default(
    reader: YamlReader, spec: FieldSpec, node: yaml.Node, where: str
) -> str | int | bool | None:
    if spec.type is FieldType.BOOLEAN:
        return reader.flag(node, where)
    if spec.type is _INTEGER:
        number = reader.whole_number(node, where)
        if number is not None and not spec.minimum <= number <= spec.maximum:
            reader.error(
                node,
                "CC705",
                f"{where} {number} is outside {spec.minimum}..{spec.maximum}",
                "give a default within the bounds",
            )
            return None
        return number
    text = reader.text(node, where, MAX_TEXT)
    if text is None or spec.type is not _ENUM or text in spec.values:
        return text
    canonical = spec.alias_map.get(text)
    hint = (
        f"write the value itself: '{canonical}'"
        if canonical
        else suggest(text, list(spec.values)) or f"values: {', '.join(spec.values)}"
    )
    reader.error(node, "CC709", f"{where} '{text}' is not one of the values", hint)
    return None


def _diff_applies(reader: YamlReader, spec: FieldSpec, node: yaml.Node, here: str) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, _ in node.value:
        key = key_node.value
        if key in ("raised", "lowered") and not (spec.ordered or spec.type is _INTEGER):
            needs = "an ordered field or an integer"
        elif key in ("added", "removed") and not spec.many:
            needs = "a many-valued field"
        else:
            continue
        reader.error(
            key_node,
            "CC709",
            f"'{key}' in {here}.diff applies to {needs}",
            "use 'changed' for this field",
        )


def _valid_default(spec: FieldSpec, default: FieldValue) -> bool:
    if spec.type is not _ENUM:
        return True
    values = default if isinstance(default, tuple) else (default,)
    return all(value in spec.values for value in values)
