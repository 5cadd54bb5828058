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

from ..grammar.load import default_grammar
from ..grammar.orders import Order, build_order
from ..grammar.types import FieldType, FieldValue, Form, KindSpec, Mode
from .model import (
    Admonition,
    Block,
    Code,
    Document,
    ListBlock,
    Node,
    NodeBlock,
    Paragraph,
    Quote,
    Reference,
    Table,
    title_attribute,
)
from .v2 import document_info, source_span, typed_value

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
    if not children:  # most nodes: one run of paragraphs
        kept = _paragraphs(text)
        return "\n\n".join(kept), tuple(map(Paragraph, kept))
    blocks: list[Block] = []
    every: list[str] = []
    cursor = 0
    for _, child in children:
        found = text.find(child["text"], cursor) if child["text"] else -1
        if found >= 0:
            kept = _paragraphs(text[cursor:found])
            every += kept
            blocks += map(Paragraph, kept)
            cursor = found + len(child["text"])
        blocks.append(NodeBlock(child["id"]))
    kept = _paragraphs(text[cursor:])
    every += kept
    blocks += map(Paragraph, kept)
    return "\n\n".join(every), tuple(blocks)


def _paragraphs(piece: str) -> list[str]:
    """The paragraphs of a piece of 1.x text (blank-line separated), without the line breaks at
    their ends, empty ones left out."""
    return [paragraph for part in piece.split("\n\n") if (paragraph := part.strip("\n"))]


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


# --- writing the 1.x shape (an adapter for consumers not yet on the model) ----------------------

V1_SCHEMA = "https://constitution-compiler.dev/schemas/constitution/1.1.0/constitution.schema.json"


def to_v1(doc: Document) -> dict[str, Any]:
    """`doc` in the shape of schema 1.1.0, for consumers that still read JSON dicts (the diff):
    each node in the array of its kind's key, with its own text (so that two documents compare
    as content whichever schema they were read from); nodes of kinds 1.x does not know are left
    out, and an order's levels are flattened."""
    builtin = default_grammar().kinds
    data: dict[str, Any] = {
        "$schema": V1_SCHEMA,
        "document": {
            "title": doc.info.title,
            "version": doc.info.version,
            "generator": dict(doc.info.generator),
            "metadata": dict(doc.info.metadata),
            "sources": [
                {
                    "file": s.file,
                    "sha256": s.sha256,
                    "title": s.title,
                    "chapter": s.chapter,
                    "reading_time": s.reading_time,
                }
                for s in doc.info.sources
            ],
        },
    }
    for kind in builtin.values():
        data[kind.key] = []
    for node in doc.nodes:
        known = builtin.get(node.kind)
        if known is not None and known.form is not Form.LINK:
            data[known.key].append(_v1_node(known, node))
    for kind in builtin.values():  # 1.x lists a ranked kind (the properties) by rank
        ranked_by = kind.order.ranked_by if kind.order is not None else None
        if ranked_by is not None and ranked_by.kind in builtin:
            items = data[builtin[ranked_by.kind].key]
            items.sort(key=lambda item: item.get(ranked_by.field) or 0)
    reference = next(k for k in builtin.values() if k.form is Form.LINK)
    origin, target = _REFERENCE_KEYS["origin"], _REFERENCE_KEYS["target"]
    data[reference.key] = [
        {origin: r.origin, target: r.target, "text": r.text, "source": r.source.to_json()}
        for r in doc.references
    ]
    return data


def _v1_node(kind: KindSpec, node: Node) -> dict[str, Any]:
    item: dict[str, Any] = {"id": node.id}
    if kind.form is Form.HEADING:
        item |= {"title": node.title, "level": node.level, "parent": node.parent}
        item["auto_id"] = node.auto_id
    else:
        attribute = title_attribute(kind)
        if attribute is not None:
            item[attribute] = node.title
        for spec in kind.fields:
            value = node.fields.get(spec.name)
            if value is None:
                item[spec.name] = [] if spec.many else None
            elif spec.type is FieldType.REFERENCE and spec.ordered and isinstance(value, tuple):
                item[spec.name] = [i for level in value for i in level]  # type: ignore[union-attr]
            else:
                item[spec.name] = list(value) if isinstance(value, tuple) else value
        item["text"] = v1_text(node.blocks)
        item["section"] = node.section
    item["classes"] = list(node.classes)
    item["attributes"] = dict(node.attributes)
    if kind.form is Form.HEADING:
        item["text"] = v1_text(node.blocks)
    item["source"] = node.source.to_json()
    if kind.form is Form.HEADING and not node.normative:
        item["normative"] = False
    return item


def v1_text(blocks: tuple[Block, ...]) -> str:
    """Text as 1.x wrote it: every paragraph, list item, table row, code block and admonition
    title a paragraph of its own (a blank line between them); child nodes left out."""
    return "\n\n".join(_v1_chunks(blocks))


def _v1_chunks(blocks: tuple[Block, ...]) -> list[str]:
    chunks: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph | Code):
            chunks.append(block.text)
        elif isinstance(block, Table):
            rows = (block.header, *block.rows) if block.header else block.rows
            chunks.extend(" | ".join(row) for row in rows)
        elif isinstance(block, ListBlock):
            for entry in block.items:
                chunks.extend(_v1_chunks(entry.blocks))
        elif isinstance(block, Admonition):
            chunks.extend([block.title] if block.title else [])
            chunks.extend(_v1_chunks(block.blocks))
        elif isinstance(block, Quote):
            chunks.extend(_v1_chunks(block.blocks))
    return [chunk for chunk in chunks if chunk]
