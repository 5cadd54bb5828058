"""Read the ``fields:`` of a kind (or of ``sections:``) in a declarations file into `FieldSpec`s,
merged over the built-in fields of that kind, which a spec may narrow but not retype or remove.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from msgspec import structs

from .field_checks import check_field
from .field_settings import (
    aliases,
    bound,
    builtin_changed,
    enum_values,
    field_diff,
    target_kinds,
)
from .types import (
    FieldSpec,
    FieldType,
)
from .yamlnodes import YamlReader

MAX_FIELDS = 32
"""Most fields of one kind."""
MAX_TEXT = 1000
"""Longest description."""

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""A field's name: the same in Markdown attributes, JSON and Python, so no ``-``."""
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
            if old is None and not field_name(self.reader, key_node, name):
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
            found = self.reader.choice(settings["type"][1], f"{here}.type", FieldType)
            if old is not None and found is not None and found is not old.type:
                builtin_changed(self.reader, settings["type"][0], here, "type", old.type)
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
        for key, read in self._readers(here, targets).items():
            if key in settings:
                value = read(settings[key][1])
                if value is not None:
                    changes[key] = value
        for key in ("many", "ordered"):
            if key in changes and old is not None and changes[key] != getattr(old, key):
                builtin_changed(self.reader, settings[key][0], here, key, getattr(old, key))
                del changes[key]
        spec = structs.replace(spec, **changes)
        return check_field(
            self.reader,
            spec,
            settings,
            node,
            here,
            old,
            builtin=self.builtin,
            places=self._alias_nodes,
        )

    def _readers(
        self, here: str, targets: list[tuple[str, str, yaml.Node]]
    ) -> dict[str, Callable[[yaml.Node], Any]]:
        """A reader for each setting of the field declared at `here`."""
        reader = self.reader
        return {
            "many": lambda node: reader.flag(node, f"{here}.many"),
            "ordered": lambda node: reader.flag(node, f"{here}.ordered"),
            "required": lambda node: reader.flag(node, f"{here}.required"),
            "extensible": lambda node: reader.flag(node, f"{here}.extensible"),
            "minimum": lambda node: bound(reader, node, f"{here}.minimum"),
            "maximum": lambda node: bound(reader, node, f"{here}.maximum"),
            "values": lambda node: enum_values(reader, node, f"{here}.values"),
            "aliases": lambda node: aliases(reader, node, f"{here}.aliases", self._alias_nodes),
            "targets": lambda node: target_kinds(reader, node, f"{here}.targets", targets),
            "diff": lambda node: field_diff(reader, node, f"{here}.diff"),
            "label": lambda node: reader.text(node, f"{here}.label", 80),
            "inverse": lambda node: reader.text(node, f"{here}.inverse", 80),
            "description": lambda node: reader.text(node, f"{here}.description", MAX_TEXT),
        }


def field_name(reader: YamlReader, node: yaml.Node, name: str) -> bool:
    """True when `name` may name a field; else reports why."""
    if name in RESERVED_FIELDS:
        reader.error(
            node, "CC706", f"'{name}' is reserved", "the id is written {#id}; pick another name"
        )
        return False
    why = " A field's name is the same in Markdown, JSON and Python: lower case, digits and '_'"
    return reader.name(node, name, FIELD_NAME, "field", "adjustable_by", why)
