"""Documents of schema 1.x (release 1.0.0, the 1.1.0 output of earlier versions) read into the
2.0.0 model of `compiler.document`, so that diff, history and the release pages compare content
across the change of schema, not format.

1.x has one array per kind, named by the kind's `KindSpec.key` in the default grammar; each item
becomes a node of that kind. What 1.x does not state is derived as the 2.0.0 compiler states it:

- order: nodes sorted by source (file in the document's order, line, column);
- parent: a section's parent section; an annotation's innermost enclosing annotation (the one
  whose lines hold it, in its section), else its section;
- own text: a parent's 1.x text repeats its children's; each child's text is cut out of it, in
  order, and a `NodeBlock` stands where it was;
- fields: each field the kind declares, typed (an order as one level per id); the title from
  the kind's title attribute (``term`` for definitions);
- orders: one per node of a kind that states orders (priorities), over the kind of the ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .document import (
    Block,
    Document,
    Node,
    NodeBlock,
    Paragraph,
    Reference,
    document_info,
    source_span,
    title_attribute,
    typed_value,
)
from .grammar.load import default_grammar
from .grammar.orders import Order, build_order
from .grammar.types import FieldType, FieldValue, Form, KindSpec, Mode

#: 1.x names for the 2.0.0 reference keys.
_REFERENCE_KEYS = {"origin": "from", "target": "to"}


def from_v1(data: Mapping[str, Any], schema: str) -> Document:
    kinds = dict(default_grammar().kinds)
    info = document_info(data["document"])
    file_order = {source.file: n for n, source in enumerate(info.sources)}
    raw: list[tuple[KindSpec, Mapping[str, Any]]] = []
    reference_kind: KindSpec | None = None
    for kind in kinds.values():
        if kind.form is Form.LINK:
            reference_kind = kind
            continue
        raw.extend((kind, item) for item in data.get(kind.key, ()))

    def place(entry: tuple[KindSpec, Mapping[str, Any]]) -> tuple[int, int, int, int]:
        src = entry[1]["source"]
        heading = 0 if entry[0].form is Form.HEADING else 1
        return (file_order.get(src["file"], len(file_order)), src["line"], heading, src["column"])

    raw.sort(key=place)
    parents = _parents(raw)
    children: dict[str, list[tuple[KindSpec, Mapping[str, Any]]]] = {}
    for entry, parent in zip(raw, parents, strict=True):
        if parent is not None:
            children.setdefault(parent, []).append(entry)
    nodes = []
    for (kind, item), parent in zip(raw, parents, strict=True):
        text, blocks = _own_text(item["text"], children.get(item["id"], []))
        heading = kind.form is Form.HEADING
        nodes.append(
            Node(
                id=item["id"],
                kind=kind.name,
                parent=parent,
                section=item["parent"] if heading else item["section"],
                granularity="heading" if heading else "block",
                title=item["title"] if heading else _title(kind, item),
                level=item["level"] if heading else None,
                auto_id=bool(item.get("auto_id", False)),
                text=text,
                blocks=blocks,
                fields=MappingProxyType(_fields(kind, item)),
                classes=tuple(item["classes"]),
                attributes=MappingProxyType(dict(item["attributes"])),
                source=source_span(item["source"]),
                normative=item.get("normative", True) is not False,
            )
        )
    kind_of = {node.id: node.kind for node in nodes}
    references: tuple[Reference, ...] = ()
    if reference_kind is not None:
        origin, target = _REFERENCE_KEYS["origin"], _REFERENCE_KEYS["target"]
        references = tuple(
            Reference(r[origin], r[target], r["text"], False, source_span(r["source"]))
            for r in data.get(reference_kind.key, ())
        )
    return Document(info, kinds, tuple(nodes), _orders(nodes, kinds, kind_of), references, schema)


def _title(kind: KindSpec, item: Mapping[str, Any]) -> str | None:
    attribute = title_attribute(kind)
    value = item.get(attribute) if attribute is not None else None
    return value if isinstance(value, str) else None


def _fields(kind: KindSpec, item: Mapping[str, Any]) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {}
    for spec in kind.fields:
        if spec.name not in item:
            continue
        value = item[spec.name]
        if spec.type is FieldType.REFERENCE and spec.ordered:
            fields[spec.name] = tuple((ident,) for ident in value)
        else:
            fields[spec.name] = typed_value(spec, value)
    return fields


def _parents(raw: list[tuple[KindSpec, Mapping[str, Any]]]) -> list[str | None]:
    """Each entry's parent: a section's parent section; an annotation's innermost annotation
    whose lines hold it (same file and section), else its section."""
    parents: list[str | None] = []
    open_: list[tuple[str, str, str | None, int]] = []  # id, file, section, end line
    for kind, item in raw:
        src = item["source"]
        if kind.form is Form.HEADING:
            open_.clear()
            parents.append(item["parent"])
            continue
        while open_ and (
            open_[-1][1] != src["file"]
            or open_[-1][2] != item["section"]
            or open_[-1][3] < max(src["end_line"], src["line"])
        ):
            open_.pop()
        parents.append(open_[-1][0] if open_ else item["section"])
        open_.append((item["id"], src["file"], item["section"], max(src["end_line"], src["line"])))
    return parents


def _own_text(
    text: str, children: list[tuple[KindSpec, Mapping[str, Any]]]
) -> tuple[str, tuple[Block, ...]]:
    """The text left when each child's text is cut out of `text`, and the blocks: paragraphs of
    what is left, a `NodeBlock` where each child stood."""
    blocks: list[Block] = []
    kept: list[str] = []
    cursor = 0

    def keep(piece: str) -> None:
        for paragraph in piece.split("\n\n"):
            if paragraph.strip("\n"):
                kept.append(paragraph.strip("\n"))
                blocks.append(Paragraph(paragraph.strip("\n")))

    for _, child in children:
        found = text.find(child["text"], cursor) if child["text"] else -1
        if found >= 0:
            keep(text[cursor:found])
            cursor = found + len(child["text"])
        blocks.append(NodeBlock(child["id"]))
    keep(text[cursor:])
    return "\n\n".join(kept), tuple(blocks)


def _orders(
    nodes: list[Node], kinds: Mapping[str, KindSpec], kind_of: Mapping[str, str]
) -> tuple[Order, ...]:
    orders = []
    for node in nodes:
        spec = kinds[node.kind].order
        if spec is None:
            continue
        levels = node.fields.get(spec.levels)
        mode = node.fields.get(spec.mode)
        if not isinstance(levels, tuple) or mode not in tuple(str(m) for m in Mode):
            continue
        order, _ = build_order(node.id, Mode(str(mode)), levels, kind_of)  # type: ignore[arg-type]
        if order is not None:
            orders.append(order)
    return tuple(orders)
