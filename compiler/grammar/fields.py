"""Read the ``fields:`` of a kind (or of ``sections:``) in a declarations file into `FieldSpec`s,
merged over the built-in fields of that kind, which a spec may narrow but not retype or remove.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import yaml

from .. import extract
from .types import (
    SAFE_INTEGER,
    DiffLevel,
    FieldDiff,
    FieldSpec,
    FieldType,
    FieldValue,
)
from .yamlnodes import Settings, YamlReader

MAX_FIELDS = 32
"""Most fields of one kind."""
MAX_VALUES = 64
"""Most values (and most aliases) of one enumeration."""
MAX_NAME = 40
"""Longest name of a field, a value or an alias."""
MAX_TEXT = 1000
"""Longest label, description or default text."""

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""A field's name: the same in Markdown attributes, JSON and Python, so no ``-``."""
VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
"""An enumeration value or alias: one word, as written in ``key=value``."""
RESERVED_FIELDS = frozenset({"id"})
"""Names no field may take: ``{#id}`` gives the id."""

_KEYS = (
    "type",
    "many",
    "required",
    "default",
    "minimum",
    "maximum",
    "values",
    "ordered",
    "aliases",
    "targets",
    "diff",
    "label",
    "inverse",
    "description",
)
_DIFF = ("changed", "raised", "lowered", "added", "removed")
_INTEGER, _ENUM, _REFERENCE = FieldType.INTEGER, FieldType.ENUM, FieldType.REFERENCE
#: The keys that apply to some types only.
_APPLIES: dict[str, tuple[FieldType, ...]] = {
    "minimum": (_INTEGER,),
    "maximum": (_INTEGER,),
    "values": (_ENUM,),
    "aliases": (_ENUM,),
    "extensible": (_ENUM,),
    "targets": (_REFERENCE,),
    "inverse": (_REFERENCE,),
    "ordered": (_ENUM, _REFERENCE),
    "many": (_INTEGER, _ENUM, _REFERENCE),
}


class FieldReader:
    """Reads field declarations through a `YamlReader`, which collects the diagnostics."""

    def __init__(self, reader: YamlReader, builtin: bool) -> None:
        self.reader = reader
        self.builtin = builtin
        """True while the default grammar is read: ``extensible`` and orders are allowed."""
        self._alias_nodes: dict[str, yaml.Node] = {}
        """Where each alias of the field being read is written."""

    def read(
        self,
        node: yaml.Node,
        where: str,
        base: tuple[FieldSpec, ...],
        targets: list[tuple[str, str, yaml.Node]],
    ) -> tuple[FieldSpec, ...]:
        """`base` with the fields declared in `node` changed or added. Each target kind named is
        appended to `targets` as (where, kind, node), for a check once every kind is known."""
        fields = {spec.name: spec for spec in base}
        entries = self.reader.items(node, where, MAX_FIELDS)
        for name, key_node, value in entries or []:
            here = f"{where}.{name}"
            old = fields.get(name)
            if old is None and not self.name(key_node, name):
                continue
            if old is not None and old.builtin and value.tag == "tag:yaml.org,2002:null":
                self.reader.error(
                    key_node,
                    "CC708",
                    f"the built-in field '{name}' cannot be removed",
                    "a spec may narrow a built-in field, e.g. its values, but not remove it",
                )
                continue
            spec = self._field(name, value, here, old, targets)
            if spec is not None:
                fields[name] = spec
        if len(fields) > MAX_FIELDS:
            self.reader.error(
                node,
                "CC710",
                f"{where} makes {len(fields)} fields, more than the limit of {MAX_FIELDS}",
                "declare fewer fields",
            )
        return tuple(fields.values())

    def name(self, node: yaml.Node, name: str) -> bool:
        """True when `name` may name a field; else reports why."""
        if len(name) <= MAX_NAME and FIELD_NAME.match(name) and name not in RESERVED_FIELDS:
            return True
        fixed = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        if name in RESERVED_FIELDS:
            message, hint = f"'{name}' is reserved", "the id is written {#id}; pick another name"
        elif len(name) > MAX_NAME:
            message = f"'{name[:MAX_NAME]}…' is not a valid field name"
            hint = f"use at most {MAX_NAME} characters"
        else:
            message = f"'{name[:MAX_NAME]}' is not a valid field name"
            hint = (
                f"did you mean '{fixed}'? A field's name is the same in Markdown, JSON and "
                "Python: lower case, digits and '_'"
                if fixed and FIELD_NAME.match(fixed)
                else "e.g. adjustable_by"
            )
        self.reader.error(node, "CC706", message, hint)
        return False

    # --- one field ------------------------------------------------------------------------

    def _field(
        self,
        name: str,
        node: yaml.Node,
        here: str,
        old: FieldSpec | None,
        targets: list[tuple[str, str, yaml.Node]],
    ) -> FieldSpec | None:
        known = (*_KEYS, "extensible") if self.builtin else _KEYS
        self._alias_nodes = {}
        settings = self.reader.settings(node, here, known)
        if settings is None:
            return old
        kind = old.type if old is not None else None
        if "type" in settings:
            found = self._type(settings["type"][1], f"{here}.type")
            if old is not None and found is not None and found is not old.type:
                self._builtin(settings["type"][0], here, "type", old.type)
            elif found is not None:
                kind = found
        if kind is None:
            if "type" not in settings:
                self.reader.error(
                    node,
                    "CC713",
                    f"{here} has no type",
                    f"add type: one of {', '.join(FieldType)}",
                )
            return None
        spec = old or FieldSpec(
            name, kind, label=name.replace("_", " ").capitalize(), builtin=self.builtin
        )
        for key, (key_node, _) in list(settings.items()):
            applies = _APPLIES.get(key)
            if applies is not None and kind not in applies:
                types = ", ".join(str(t) for t in applies[:-1])
                types = f"{types} and {applies[-1]}" if types else str(applies[-1])
                self.reader.error(
                    key_node,
                    "CC709",
                    f"'{key}' applies to {types} fields, and {here} is {kind}",
                    f"remove '{key}', or change the type",
                )
                del settings[key]
        changes: dict[str, Any] = {}
        for key, read in self._readers(here, spec, targets).items():
            if key in settings:
                value = read(settings[key][1])
                if value is not None:
                    changes[key] = value
        for key in ("many", "ordered"):
            if key in changes and old is not None and changes[key] != getattr(old, key):
                self._builtin(settings[key][0], here, key, getattr(old, key))
                del changes[key]
        spec = dataclasses.replace(spec, **changes)
        return self._consistent(spec, settings, node, here, old)

    def _readers(
        self, here: str, spec: FieldSpec, targets: list[tuple[str, str, yaml.Node]]
    ) -> dict[str, Callable[[yaml.Node], Any]]:
        reader = self.reader
        return {
            "many": lambda node: reader.flag(node, f"{here}.many"),
            "ordered": lambda node: reader.flag(node, f"{here}.ordered"),
            "required": lambda node: reader.flag(node, f"{here}.required"),
            "extensible": lambda node: reader.flag(node, f"{here}.extensible"),
            "minimum": lambda node: self._bound(node, f"{here}.minimum"),
            "maximum": lambda node: self._bound(node, f"{here}.maximum"),
            "values": lambda node: self._values(node, f"{here}.values"),
            "aliases": lambda node: self._aliases(node, f"{here}.aliases"),
            "targets": lambda node: self._targets(node, f"{here}.targets", targets),
            "diff": lambda node: self._diff(node, f"{here}.diff"),
            "label": lambda node: reader.text(node, f"{here}.label", 80),
            "inverse": lambda node: reader.text(node, f"{here}.inverse", 80),
            "description": lambda node: reader.text(node, f"{here}.description", MAX_TEXT),
        }

    def _consistent(
        self,
        spec: FieldSpec,
        settings: Settings,
        node: yaml.Node,
        here: str,
        old: FieldSpec | None,
    ) -> FieldSpec:
        """Checks of the settings together, and against the built-in field they narrow."""
        error = self.reader.error
        if old is not None:
            spec = self._narrowed(spec, settings, here, old)
        if spec.type is _ENUM and not spec.values and "values" not in settings:
            error(
                node, "CC713", f"{here} is an enumeration without values", "add values: [a, b, c]"
            )
        if spec.minimum > spec.maximum:
            error(
                settings["maximum"][1] if "maximum" in settings else settings["minimum"][1],
                "CC705",
                f"{here} has a minimum {spec.minimum} above its maximum {spec.maximum}",
                "make the minimum at most the maximum",
            )
            spec = dataclasses.replace(
                spec,
                minimum=(old or FieldSpec("", _INTEGER)).minimum,
                maximum=(old or FieldSpec("", _INTEGER)).maximum,
            )
        if spec.type is _REFERENCE and spec.ordered and not self.builtin:
            error(
                settings["ordered"][0],
                "CC709",
                f"{here} is an ordered reference, which only a priority's order is",
                'state orders with a priority annotation: ::: priority {#id mode=holistic order="a > b"}',
            )
            spec = dataclasses.replace(spec, ordered=False)
        if spec.type is _REFERENCE and spec.ordered:
            spec = dataclasses.replace(spec, many=True)
        for alias, value in spec.aliases:
            place = self._alias_nodes.get(alias, node)
            if value not in spec.values:
                hint = (
                    extract.suggest(value, list(spec.values)) or f"values: {', '.join(spec.values)}"
                )
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
        if "diff" in settings:
            self._diff_applies(spec, settings["diff"][1], here)
        return self._default(spec, settings, node, here)

    def _narrowed(
        self, spec: FieldSpec, settings: Settings, here: str, old: FieldSpec
    ) -> FieldSpec:
        """A built-in field may be narrowed only: report and undo anything that widens it."""
        if old.required and not spec.required:
            self._builtin(settings["required"][0], here, "required", True)
            spec = dataclasses.replace(spec, required=True)
        if spec.minimum < old.minimum or spec.maximum > old.maximum:
            node = settings["minimum" if spec.minimum < old.minimum else "maximum"][1]
            self.reader.error(
                node,
                "CC708",
                f"{here} widens the built-in bounds {old.minimum}..{old.maximum}",
                "a spec may narrow the bounds of a built-in field only",
            )
            spec = dataclasses.replace(
                spec, minimum=max(spec.minimum, old.minimum), maximum=min(spec.maximum, old.maximum)
            )
        added = [v for v in spec.values if v not in old.values]
        if added and not old.extensible:
            self.reader.error(
                settings["values"][1],
                "CC708",
                f"{here} adds '{added[0]}' to the values the compiler interprets",
                f"a spec may keep some of {', '.join(old.values)}, not add others",
            )
            spec = dataclasses.replace(
                spec, values=tuple(v for v in spec.values if v in old.values)
            )
        wider = [t for t in spec.targets if old.targets and t not in old.targets]
        if wider or (old.targets and not spec.targets):
            self.reader.error(
                settings["targets"][1],
                "CC708",
                f"{here} widens the built-in targets {', '.join(old.targets)}",
                "a spec may narrow the kinds a built-in field names only",
            )
            spec = dataclasses.replace(spec, targets=old.targets)
        return spec

    def _default(
        self, spec: FieldSpec, settings: Settings, field_node: yaml.Node, here: str
    ) -> FieldSpec:
        error = self.reader.error
        if "default" not in settings:
            if spec.default is not None and not _valid_default(spec, spec.default):
                error(
                    settings["values"][1] if "values" in settings else field_node,
                    "CC709",
                    f"the default '{spec.default}' of {here} is not among its values",
                    "keep the default among the values, or give another default",
                )
                return dataclasses.replace(spec, default=None)
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
        found = [self._one_default(spec, item, f"{here}.default") for item in items]
        if any(value is None for value in found):
            return spec
        value: FieldValue = tuple(found) if spec.many else found[0]  # type: ignore[assignment]
        return dataclasses.replace(spec, default=value)

    def _one_default(self, spec: FieldSpec, node: yaml.Node, where: str) -> str | int | bool | None:
        reader = self.reader
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
            else extract.suggest(text, list(spec.values)) or f"values: {', '.join(spec.values)}"
        )
        reader.error(node, "CC709", f"{where} '{text}' is not one of the values", hint)
        return None

    # --- settings -------------------------------------------------------------------------

    def _type(self, node: yaml.Node, where: str) -> FieldType | None:
        word = self.reader.text(node, where, MAX_NAME)
        if word is None:
            return None
        if word in set(FieldType):
            return FieldType(word)
        names = [str(t) for t in FieldType]
        hint = extract.suggest(word, names) or f"one of {', '.join(names)}"
        self.reader.error(node, "CC709", f"{where} '{word}' is not a type", hint)
        return None

    def _bound(self, node: yaml.Node, where: str) -> int | None:
        number = self.reader.whole_number(node, where)
        if number is not None and abs(number) > SAFE_INTEGER:
            self.reader.error(
                node,
                "CC705",
                f"{where} {number} is beyond ±{SAFE_INTEGER}",
                "JSON readers in other languages lose precision beyond it",
            )
            return None
        return number

    def _values(self, node: yaml.Node, where: str) -> tuple[str, ...] | None:
        words = self.reader.words(node, where, MAX_VALUES)
        if words is None:
            return None
        found: list[str] = []
        folded: dict[str, str] = {}
        for word, item in words:
            if not self._value_name(item, word, where):
                continue
            other = folded.get(word.casefold())
            if other is not None:
                self.reader.error(
                    item,
                    "CC704",
                    f"'{word}' is given twice in {where}"
                    + ("" if other == word else f" (as '{other}')"),
                    "values differ in more than letter case; keep one",
                )
                continue
            folded[word.casefold()] = word
            found.append(word)
        return tuple(found) if found else None

    def _aliases(self, node: yaml.Node, where: str) -> tuple[tuple[str, str], ...] | None:
        entries = self.reader.items(node, where, MAX_VALUES)
        if entries is None:
            return None
        found: list[tuple[str, str]] = []
        for alias, key_node, value_node in entries:
            value = self.reader.text(value_node, f"{where}.{alias}", MAX_NAME)
            if value is not None and self._value_name(key_node, alias, where):
                found.append((alias, value))
                self._alias_nodes[alias] = key_node
        return tuple(found)

    def _targets(
        self, node: yaml.Node, where: str, targets: list[tuple[str, str, yaml.Node]]
    ) -> tuple[str, ...] | None:
        words = self.reader.words(node, where, 64)
        if words is None:
            return None
        targets.extend((where, word, item) for word, item in words)
        return tuple(dict.fromkeys(word for word, _ in words))

    def _diff(self, node: yaml.Node, where: str) -> FieldDiff | None:
        if isinstance(node, yaml.ScalarNode):
            level = self._level(node, where)
            return FieldDiff(level) if level is not None else None
        settings = self.reader.settings(node, where, _DIFF)
        if settings is None:
            return None
        levels = {key: self._level(value, f"{where}.{key}") for key, (_, value) in settings.items()}
        changed = levels.pop("changed", None) or FieldDiff().changed
        return FieldDiff(changed, **levels)

    def _diff_applies(self, spec: FieldSpec, node: yaml.Node, here: str) -> None:
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
            self.reader.error(
                key_node,
                "CC709",
                f"'{key}' in {here}.diff applies to {needs}",
                "use 'changed' for this field",
            )

    def _level(self, node: yaml.Node, where: str) -> DiffLevel | None:
        word = self.reader.text(node, where, MAX_NAME)
        if word is None:
            return None
        if word in set(DiffLevel):
            return DiffLevel(word)
        names = [str(level) for level in DiffLevel]
        self.reader.error(
            node,
            "CC709",
            f"{where} '{word}' is not a level",
            extract.suggest(word, names) or f"one of {', '.join(names)}",
        )
        return None

    def _value_name(self, node: yaml.Node, word: str, where: str) -> bool:
        if len(word) <= MAX_NAME and VALUE.match(word):
            return True
        self.reader.error(
            node,
            "CC706",
            f"'{word[:MAX_NAME]}' in {where} is not a valid value",
            "a value is one word: letters, digits, '-', '_' and '.'",
        )
        return False

    def _builtin(self, node: yaml.Node, here: str, key: str, value: object) -> None:
        shown = str(value).lower() if isinstance(value, bool) else str(value)
        self.reader.error(
            node,
            "CC708",
            f"'{key}' of the built-in field {here} cannot be changed",
            f"it stays {shown}; declare a new field for another meaning",
        )


def _valid_default(spec: FieldSpec, default: FieldValue) -> bool:
    if spec.type is not _ENUM:
        return True
    values = default if isinstance(default, tuple) else (default,)
    return all(value in spec.values for value in values)
