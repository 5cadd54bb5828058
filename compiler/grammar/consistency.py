"""Checks of a grammar as a whole, once every kind of a declarations file is read: names that
must exist, names that must be unique, and the fields an order spec relies on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import yaml

from ..diagnostics import suggest
from .types import FieldType, Form, KindSpec, Mode, OrderSpec, TitleSource
from .yamlnodes import YamlReader

RESERVED_KEYS = frozenset(
    {"chapters", "document", "kinds", "metadata", "modes", "nodes", "orders", "schema"}
    | {"title", "version", "warnings"}
)
"""Names of the compiled document and of `Constitution` that no kind's key may take."""
RESERVED_SLUGS = frozenset({"index", "authoring", "tool-builders", "versions", "schemas"})
"""Pages the site writes whatever the grammar."""


def check_kinds(
    reader: YamlReader,
    kinds: Mapping[str, KindSpec],
    places: Mapping[str, yaml.Node],
    targets: Sequence[tuple[str, str, yaml.Node]],
    columns: Sequence[tuple[str, str, yaml.Node]],
) -> None:
    """Report, through `reader`, what needs every kind: the target kinds named (as (where, kind,
    node)) and the table columns (as (kind, field, node)) exist; each kind declared in this file
    (`places`) has its own key and page and no field named like its title attribute; order specs
    name fields of the right types."""
    nodes = [k for k, spec in kinds.items() if spec.form is not Form.LINK]
    for kind, target, node in targets:
        if target not in nodes:
            what = "is not a kind of node" if target in kinds else "is not a kind"
            hint = suggest(target, nodes) or f"kinds: {', '.join(nodes)}"
            reader.error(node, "CC707", f"{kind} names '{target}', which {what}", hint)
    for kind, column, node in columns:
        names = [f.name for f in kinds[kind].fields]
        if column not in names:
            hint = suggest(column, names) or f"fields: {', '.join(names) or 'none'}"
            reader.error(node, "CC707", f"'{column}' is not a field of {kind}", hint)
    for spec in kinds.values():
        place = places.get(spec.name)
        if place is None:
            continue
        if spec.order is not None:
            _order_fields(reader, kinds, place, spec, spec.order)
        _unique(reader, kinds, places, spec, "key", RESERVED_KEYS)
        if spec.page is not None:
            _unique(reader, kinds, places, spec, "page slug", RESERVED_SLUGS)
        title = spec.title.attribute if TitleSource.ATTRIBUTE in spec.title.sources else None
        if title is not None and spec.field(title) is not None:
            reader.error(
                place,
                "CC714",
                f"kind '{spec.name}' has a field '{title}', the attribute that gives its title",
                "rename the field, or give the title another attribute: title: {attribute: ...}",
            )


def _order_fields(
    reader: YamlReader,
    kinds: Mapping[str, KindSpec],
    node: yaml.Node,
    spec: KindSpec,
    order: OrderSpec,
) -> None:
    """The fields an order spec names exist and have the types orders need."""
    levels, mode = spec.field(order.levels), spec.field(order.mode)
    if levels is None or levels.type is not FieldType.REFERENCE or not levels.ordered:
        reader.error(node, "CC707", f"{spec.name}.order.levels names no ordered reference", "")
    if mode is None or mode.type is not FieldType.ENUM or not set(mode.values) <= set(Mode):
        reader.error(node, "CC707", f"{spec.name}.order.mode names no enum of modes", "")
    ranked = order.ranked_by
    rank_kind = kinds.get(ranked.kind) if ranked is not None else None
    rank_field = rank_kind.field(ranked.field) if rank_kind and ranked else None
    if ranked is not None and (rank_field is None or rank_field.type is not FieldType.INTEGER):
        reader.error(node, "CC707", f"{spec.name}.order.ranked_by names no integer field", "")


def _unique(
    reader: YamlReader,
    kinds: Mapping[str, KindSpec],
    places: Mapping[str, yaml.Node],
    spec: KindSpec,
    what: str,
    reserved: frozenset[str],
) -> None:
    """Report when `spec`'s key (or page slug) is reserved or another kind's: once per pair, at
    the declared kind rather than the built-in one, else at the later of the two."""
    node = places[spec.name]
    value = _value(spec, what)
    owner = next(
        (k for k, other in kinds.items() if k != spec.name and _value(other, what) == value),
        None,
    )
    if value is None or (owner is None and value not in reserved):
        return
    other = places.get(owner) if owner is not None else None
    if owner is not None and other is not None:
        later = other.start_mark.line > node.start_mark.line
        builtin, other_builtin = spec.builtin, kinds[owner].builtin
        if (builtin and not other_builtin) or (builtin == other_builtin and later):
            return  # reported where the other kind is named
    whose = f"the {what} of kind '{owner}'" if owner else "reserved"
    reader.error(
        node,
        "CC714",
        f"kind '{spec.name}' has the {what} '{value}', which is {whose}",
        f"give it another {what}",
    )


def _value(spec: KindSpec, what: str) -> str | None:
    if what == "key":
        return spec.key
    return spec.page.slug if spec.page is not None else None
