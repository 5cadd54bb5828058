"""Documents of schema 2.x and 3.x read into the model (3.0.0 adds conversation blocks and
the example kinds), and the readers of the parts every schema shares (`document_info`,
`source_span`, typed field values), which the 1.x reader uses too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import msgspec
from msgspec import Struct, structs

from ..grammar.examples import Verdict
from ..grammar.load import default_grammar
from ..grammar.orders import Order
from ..grammar.types import FieldDiff, FieldSpec, FieldType, FieldValue, Form, KindSpec, Mode
from ..model import SourceSpan
from .model import (
    Admonition,
    Block,
    Code,
    Conversation,
    Document,
    DocumentError,
    DocumentInfo,
    Item,
    ListBlock,
    Mark,
    Node,
    NodeBlock,
    Paragraph,
    Part,
    Quote,
    Reference,
    Reply,
    SourceInfo,
    Table,
    Turn,
)


def source_span(data: Mapping[str, Any]) -> SourceSpan:
    return SourceSpan(data["file"], data["line"], data["column"], data["end_line"])


def document_info(data: Mapping[str, Any]) -> DocumentInfo:
    """The ``document`` object, the same in 1.x and 2.0.0."""
    return DocumentInfo(
        title=data["title"],
        version=data["version"],
        generator=MappingProxyType(dict(data["generator"])),
        metadata=MappingProxyType(dict(data["metadata"])),
        sources=tuple(
            SourceInfo(s["file"], s["sha256"], s["title"], s["chapter"], s["reading_time"])
            for s in data["sources"]
        ),
    )


def typed_value(spec: FieldSpec | None, value: Any) -> FieldValue:
    """A field's JSON value as the model holds it: arrays as tuples (levels as tuples of
    tuples)."""
    if isinstance(value, list):
        return tuple(typed_value(spec, item) for item in value)  # type: ignore[return-value]
    if spec is not None and spec.type is FieldType.INTEGER and isinstance(value, float):
        return int(value)
    result: FieldValue = value
    return result


def mark_from_json(data: Mapping[str, Any]) -> Mark:
    """A mark (schema 3.2.0); a link's href as written (the site checks it again)."""
    href = data.get("href")
    return Mark(str(data["type"]), int(data["start"]), int(data["end"]), href)


def block_from_json(data: Mapping[str, Any]) -> Block:
    kind = data["type"]
    if kind == "paragraph":
        parts, marks = data.get("parts"), data.get("marks")
        if not parts and not marks:
            return Paragraph(data["text"])
        return Paragraph(
            data["text"],
            tuple([Part(p["text"], p["node"]) for p in parts or ()]),
            tuple([mark_from_json(m) for m in marks or ()]),
        )
    if kind == "list":
        items = tuple([Item(_blocks(item["blocks"])) for item in data["items"]])
        return ListBlock(bool(data["ordered"]), items)
    if kind == "quote":
        return Quote(_blocks(data["blocks"]))
    if kind == "admonition":
        return Admonition(data["variant"], data["title"], _blocks(data["blocks"]))
    if kind == "code":
        return Code(data["language"], data["text"])
    if kind == "table":
        return Table(tuple(data["header"]), tuple(tuple(row) for row in data["rows"]))
    if kind == "node":
        return NodeBlock(data["id"])
    if kind == "conversation":
        replies = tuple(
            Reply(
                _turn(r["turn"]),
                None if r["verdict"] is None else Verdict(r["verdict"]),
                r["label"],
                r["reason"],
                tuple(r["violates"]),
                int(r["after"]),
            )
            for r in data["replies"]
        )
        return Conversation(
            data["title"],
            tuple(_turn(t) for t in data["turns"]),
            replies,
            source_span(data["source"]),
        )
    raise DocumentError(f"unknown block type {kind!r}")


def blocks_from_json(
    lists: Sequence[Sequence[Mapping[str, Any]]],
) -> list[tuple[Block, ...]]:
    """The blocks of each list of JSON blocks, as `block_from_json` reads them. msgspec reads
    them all in one call, in C, by the tag each block class declares (its ``type``): a third of
    the time, for the same blocks. Whatever it does not read exactly as its fields are typed
    (a conversation, whose turns' attributes are an object in JSON; a value of another type
    than the schema's) is read by `block_from_json`, which also reports what is wrong."""
    try:
        return msgspec.convert(lists, list[tuple[Block, ...]])
    except msgspec.ValidationError:
        return [_blocks(items) for items in lists]


def _blocks(items: Sequence[Mapping[str, Any]]) -> tuple[Block, ...]:
    return tuple([block_from_json(item) for item in items])  # a list is built faster


def kinds_from_json(items: Sequence[Mapping[str, Any]]) -> dict[str, KindSpec]:
    """The kinds a document describes. A built-in kind keeps what the JSON does not state (its
    title, order, page...) from the default grammar; a declared kind gets the defaults. A
    built-in kind the JSON leaves out is the default grammar's (every grammar extends it), so
    that a document always has them."""
    builtin = default_grammar().kinds
    kinds: dict[str, KindSpec] = {}
    for item in items:
        base = builtin.get(item["name"])
        fields = []
        for data in item["fields"]:
            known = base.field(data["name"]) if base is not None else None
            fields.append(_field_from_json(data, known))
        values = {
            "name": item["name"],
            "key": item["key"],
            "label": item["label"],
            "plural": item["plural"],
            "description": item["description"],
            "form": Form(item["form"]),
            "binding": bool(item["binding"]),
            "granularity": tuple(item["granularity"]),
            "fields": tuple(fields),
        }
        if base is not None:
            kinds[item["name"]] = structs.replace(base, **values)
        else:
            kinds[item["name"]] = KindSpec(**values)
    for name, kind in builtin.items():
        kinds.setdefault(name, kind)
    return kinds


def _field_from_json(data: Mapping[str, Any], base: FieldSpec | None) -> FieldSpec:
    values: dict[str, Any] = {
        "name": data["name"],
        "type": FieldType(data["type"]),
        "many": bool(data["many"]),
        "required": bool(data["required"]),
        "label": data["label"],
        "description": data["description"],
    }
    if "default" in data:
        values["default"] = typed_value(None, data["default"])
    for key in ("minimum", "maximum", "ordered"):
        if key in data:
            values[key] = data[key]
    if "values" in data:
        values["values"] = tuple(data["values"])
    if "aliases" in data:
        values["aliases"] = tuple(data["aliases"].items())
    if "targets" in data:
        values["targets"] = tuple(data["targets"])
    if "diff" in data:  # since 3.1.0
        values["diff"] = FieldDiff.from_json(data["diff"])
    if base is not None:
        return structs.replace(base, **values)
    return FieldSpec(**values)


class Earlier(Struct, frozen=True):
    """A document of schema 2.x or 3.x read before (its JSON nodes, and the model `from_v2` read
    from them), whose nodes the next document read may share (`from_v2`)."""

    items: Sequence[Mapping[str, Any]]
    document: Document


def from_v2(data: Mapping[str, Any], schema: str, earlier: Earlier | None = None) -> Document:
    """The model of a 2.x or 3.x document. With `earlier`, a node whose JSON equals that of
    the earlier document's node of the same id (and of a kind declared alike) is that node, and
    a node whose blocks' JSON equals theirs has their blocks: a node is made from its JSON and
    its kind alone, so the model is the same (JSON values equal as Python compares them: 1 and
    1.0 are one value), and comparing JSON costs a fraction of making it (the two versions of a
    diff share most of their nodes)."""
    kinds = kinds_from_json(data["kinds"])
    shared = _shared(earlier, kinds) if earlier is not None else {}
    # Each node is the earlier one, or is made with the earlier one's blocks, or with blocks
    # read from its JSON: those are read for all the nodes at once (`blocks_from_json`).
    items = data["nodes"]
    made: list[Node | tuple[Block, ...] | None] = []
    unread: list[Sequence[Mapping[str, Any]]] = []
    for item in items:
        before = shared.get(item["id"])
        # A node moved by an edit above it differs in its source alone: its position is
        # compared first, so that its blocks are compared once, not twice.
        if before is not None and before[0]["source"] == item["source"] and before[0] == item:
            made.append(before[1])
        elif before is not None and before[0]["blocks"] == item["blocks"]:
            made.append(before[1].blocks)
        else:
            made.append(None)
            unread.append(item["blocks"])
    read = iter(blocks_from_json(unread))
    nodes = [
        found
        if isinstance(found, Node)
        else _node(item, kinds.get(item["kind"]), next(read) if found is None else found)
        for item, found in zip(items, made, strict=True)
    ]
    orders = tuple(
        Order(
            o["id"],
            o["kind"],
            Mode(o["mode"]),
            tuple(tuple(level) for level in o["levels"]),
        )
        for o in data["orders"]
    )
    references = tuple(
        Reference(
            r["origin"], r["target"], r["text"], bool(r["placeholder"]), source_span(r["source"])
        )
        for r in data["references"]
    )
    return Document(
        document_info(data["document"]), kinds, tuple(nodes), orders, references, schema
    )


def _shared(
    earlier: Earlier, kinds: Mapping[str, KindSpec]
) -> dict[str, tuple[Mapping[str, Any], Node]]:
    """The earlier document's nodes by id, with their JSON, that a node of the same JSON may
    be: those of a kind both documents declare alike (its fields' types type the values)."""
    alike: dict[str, bool] = {}
    shared: dict[str, tuple[Mapping[str, Any], Node]] = {}
    for item, node in zip(earlier.items, earlier.document.nodes, strict=True):
        same = alike.get(node.kind)
        if same is None:
            same = alike[node.kind] = kinds.get(node.kind) == earlier.document.kinds.get(node.kind)
        if same:
            shared[node.id] = (item, node)
    return shared


def _node(item: Mapping[str, Any], kind: KindSpec | None, blocks: tuple[Block, ...]) -> Node:
    fields = item["fields"]
    attributes = item["attributes"]
    return Node(
        id=item["id"],
        kind=item["kind"],
        parent=item["parent"],
        section=item["section"],
        granularity=item["granularity"],
        title=item["title"],
        level=item["level"],
        auto_id=bool(item["auto_id"]),
        text=item["text"],
        blocks=blocks,
        fields=MappingProxyType(
            {
                name: typed_value(kind.field(name) if kind else None, value)
                for name, value in fields.items()
            }
        )
        if fields
        else _NOTHING,
        classes=tuple(item["classes"]),
        attributes=MappingProxyType(dict(attributes)) if attributes else _NOTHING,
        source=source_span(item["source"]),
        normative=item.get("normative", True) is not False,
    )


#: The fields or attributes of a node that has none (most have none): one mapping for all.
_NOTHING: Mapping[str, Any] = MappingProxyType({})


def _turn(data: Mapping[str, Any]) -> Turn:
    return Turn(
        data["role"],
        data["tag"],
        tuple(data["attributes"].items()),
        data["content"],
        source_span(data["source"]),
    )
