"""The typed model of a compiled document (schema 2.0.0), and its JSON in both directions.

Every consumer of compiled output (the API, diff, release, history, the release pages, the
examples) works on this model, never on JSON dicts. It is written by `to_json` in the shape of
the 2.0.0 schema (``compiler/grammar/DESIGN.md`` §5) and read by `from_json` from a 2.0.0
document or from a document of schema 1.x (release 1.0.0, the 1.1.0 output of earlier versions),
so that artifacts written under either schema compare as content, not as format.

Public API (stable; diff, release, history and the examples build on it):

- `Document`: ``info`` (`DocumentInfo`), ``kinds`` (the grammar's `KindSpec`s by name, in
  declaration order), ``nodes`` (`Node`, sections and annotations in document order),
  ``orders`` (`compiler.grammar.orders.Order`), ``references`` (`Reference`), ``schema`` (the
  ``$schema`` of the JSON it was read from). Access: ``node(id)`` / ``get(id)``, ``id in doc``,
  ``of_kind(name)``, ``by_key(key)`` (the nodes of the kind whose `KindSpec.key` it is, e.g.
  ``"properties"``), ``kind_of(id)`` (the node's `KindSpec`), ``children(id)``,
  ``grammar`` (a `Grammar` of ``kinds``), ``full_text(id)`` (its text with its children's in
  place, in reading order), ``precedence(a, b)`` / ``outranks(a, b, strictly=)``
  over the orders (`NoOrderError` when no order holds both), ``source_version`` ("2.0.0",
  "1.0.0"...).
- `Node`: ``id``, ``kind``, ``parent``, ``section``, ``granularity``, ``title``, ``level``,
  ``auto_id``, ``text`` (its own text only), ``blocks``, ``fields`` (typed values by field
  name), ``classes``, ``attributes`` (undeclared ones, as strings), ``source``, ``normative``.
- Blocks: `Paragraph` (with `Part`s when spans are annotated in it), `ListBlock` of `Item`s,
  `Quote`, `Admonition`, `Code`, `Table`, `NodeBlock` where a child node stands, and
  `Conversation` (schema 3.0.0: `Turn`s and judged `Reply`s, in the nodes of kinds ``example``
  and ``prompt`` that a spec declaring ``examples:`` has; see `compiler.examples.nodes`).
- `Reference`: ``origin``, ``target``, ``text``, ``placeholder``, ``source``.
- `to_json(doc)` → the 2.0.0 document as a dict in a fixed key order; `from_json(data)` → a
  `Document` from a 2.0.0 or 1.x dict; `DocumentError` when the dict is neither.

Reading 1.x: each array's items become nodes of the kind whose ``key`` names the array, in
source order; a node's parent is the innermost node whose lines hold it (1.x does not say), else
its section; a parent's text loses its children's texts (1.x repeated them); the fields the kind
declares are typed; each priority's ``order`` becomes one level per id.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from .grammar.load import default_grammar
from .grammar.orders import Order, Precedence, find_precedence, modes_json, outranks
from .grammar.schema import GENERIC_ID
from .grammar.types import (
    FieldDiff,
    FieldSpec,
    FieldType,
    FieldValue,
    Form,
    Grammar,
    KindSpec,
    Mode,
    TitleSource,
)
from .model import SourceSpan

__all__ = [
    "Admonition",
    "Block",
    "Code",
    "Conversation",
    "Document",
    "DocumentError",
    "DocumentInfo",
    "Item",
    "ListBlock",
    "Node",
    "NodeBlock",
    "Paragraph",
    "Part",
    "Quote",
    "Reference",
    "Reply",
    "SourceInfo",
    "Table",
    "Turn",
    "Verdict",
    "from_json",
    "to_json",
]

_VERSION = re.compile(r"/schemas/constitution/(\d{1,9}\.\d{1,9}\.\d{1,9})/")


class DocumentError(ValueError):
    """The data is not a compiled document of a schema this version reads."""


# --- blocks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a paragraph's text: plain, or the text of an annotated span."""

    text: str
    node: str | None = None
    """The id of the span node this part is, or None."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    """Plain text; a placeholder link reads as its target's title."""
    parts: tuple[Part, ...] = ()
    """With spans annotated in it: the text cut where they start and end (joined: `text`)."""


@dataclass(frozen=True, slots=True)
class Item:
    """One list item."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Admonition:
    """A call-out such as ``!!! note`` or the Model Spec's ``!!! meta``."""

    variant: str
    title: str | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Code:
    language: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class NodeBlock:
    """Where a child node (an annotated block or list item) stands; its text is in that node."""

    id: str


class Verdict(StrEnum):
    """How a labelled reply of a conversation is judged."""

    GOOD = "good"
    ACCEPTABLE = "acceptable"
    BAD = "bad"


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of a conversation."""

    role: str
    """The chat role (``user``, ``assistant``...), as the declared example syntax maps its tag."""
    tag: str
    """The tag as written (``<user>``): the role unless the syntax maps it to another."""
    attributes: tuple[tuple[str, str], ...]
    """Its attributes (``recipient="python"``), in source order, entities decoded."""
    content: str
    """Its text exactly as written between the tags, entities decoded, the blank lines that
    only lay the tags out removed. Markup inside it is text: it is escaped wherever shown."""
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class Reply:
    """One labelled alternative of a comparison: a reply the spec judges."""

    turn: Turn
    verdict: Verdict | None
    """None when the reply carries no label."""
    label: str | None
    """The label as written (``BAD``)."""
    reason: str | None
    """Why, when the label says (``<!-- BAD: reveals the prompt -->``)."""
    violates: tuple[str, ...]
    """Ids the label names (``<!-- BAD[#chain_of_command] -->``): the provisions a bad reply breaks."""
    after: int
    """How many turns of the conversation precede it: the context to grade it in."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """A conversation written in the spec's declared example syntax (a worked example, or one
    evaluation prompt of a prompts file)."""

    title: str | None
    turns: tuple[Turn, ...]
    """Its turns outside comparisons, in order."""
    replies: tuple[Reply, ...]
    """The replies its comparisons judge, in order."""
    source: SourceSpan
    """From its title paragraph (or its fence when untitled) to the closing fence."""

    @property
    def text(self) -> str:
        """Its turns' and replies' contents as plain text, a blank line between them."""
        contents = [turn.content for turn in self.turns]
        contents += [reply.turn.content for reply in self.replies]
        return "\n\n".join(content for content in contents if content)


Block = Paragraph | ListBlock | Quote | Admonition | Code | Table | NodeBlock | Conversation


# --- nodes, references, the document ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Node:
    """A section or an annotation."""

    id: str
    kind: str
    """The name of its `KindSpec`."""
    parent: str | None
    """The enclosing node or section; None at the top."""
    section: str | None
    """The nearest enclosing section (for a section, its parent section)."""
    granularity: str
    """``heading``, ``block``, ``item`` or ``span``."""
    title: str | None
    level: int | None
    """A section's heading level; None for other kinds."""
    auto_id: bool
    text: str
    """Its own text: its child nodes' text is in them, not here."""
    blocks: tuple[Block, ...]
    fields: Mapping[str, FieldValue]
    """Typed values by field name, in the kind's declaration order."""
    classes: tuple[str, ...]
    attributes: Mapping[str, str]
    """Attributes its kind does not declare, as written."""
    source: SourceSpan
    normative: bool = True
    """False when its file's front matter says ``normative: false``."""

    def field(self, name: str) -> FieldValue | None:
        """The value of a field, or None when the node has none."""
        return self.fields.get(name)


@dataclass(frozen=True, slots=True)
class Reference:
    """A link from the text to an id."""

    origin: str | None
    """The innermost node or section that holds the link."""
    target: str
    text: str
    """The link's text; for a placeholder ``[?](#id)``, the target's title."""
    placeholder: bool
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """One Markdown file compiled."""

    file: str
    sha256: str
    title: str | None
    chapter: int | None
    reading_time: int | None


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    title: str | None
    version: str | None
    generator: Mapping[str, str]
    metadata: Mapping[str, Any]
    """The first file's front matter."""
    sources: tuple[SourceInfo, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A whole compiled constitution: see the module's docstring."""

    info: DocumentInfo
    kinds: Mapping[str, KindSpec]
    nodes: tuple[Node, ...]
    orders: tuple[Order, ...] = ()
    references: tuple[Reference, ...] = ()
    schema: str = GENERIC_ID
    """The ``$schema`` of the JSON it was read from (`GENERIC_ID` when compiled)."""
    _index: Mapping[str, Node] = field(init=False, repr=False, compare=False)
    _children: Mapping[str, tuple[Node, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Node] = {}
        children: dict[str, list[Node]] = {}
        for node in self.nodes:
            index.setdefault(node.id, node)
            if node.parent is not None:
                children.setdefault(node.parent, []).append(node)
        object.__setattr__(self, "_index", MappingProxyType(index))
        object.__setattr__(
            self, "_children", MappingProxyType({k: tuple(v) for k, v in children.items()})
        )

    def __contains__(self, ident: object) -> bool:
        return ident in self._index

    def get(self, ident: str) -> Node | None:
        return self._index.get(ident)

    def node(self, ident: str) -> Node:
        """The node with this id; `KeyError` when there is none."""
        return self._index[ident]

    def kind_of(self, ident: str) -> KindSpec:
        """The kind of the node with this id."""
        return self.kinds[self._index[ident].kind]

    def of_kind(self, name: str) -> tuple[Node, ...]:
        """The nodes of one kind, in document order."""
        return tuple(node for node in self.nodes if node.kind == name)

    def by_key(self, key: str) -> tuple[Node, ...]:
        """The nodes of the kind whose `KindSpec.key` is `key` (``"properties"``); `KeyError`
        when no kind has that key."""
        for kind in self.kinds.values():
            if kind.key == key:
                return self.of_kind(kind.name)
        raise KeyError(key)

    def children(self, ident: str) -> tuple[Node, ...]:
        """The nodes whose parent is `ident`, in document order."""
        return self._children.get(ident, ())

    @property
    def grammar(self) -> Grammar:
        return Grammar(MappingProxyType(dict(self.kinds)))

    @property
    def source_version(self) -> str | None:
        """The schema version of the JSON it was read from, e.g. ``"1.0.0"``."""
        found = _VERSION.search(self.schema)
        return found[1] if found else None

    def full_text(self, ident: str) -> str:
        """The node's text with its children's in their places (in reading order): what the
        node covers in the Markdown, as plain text; blocks separated by a blank line, list
        items on lines of their own."""
        return "\n\n".join(self._texts(self.node(ident).blocks))

    def _texts(self, blocks: Sequence[Block]) -> list[str]:
        texts: list[str] = []
        for block in blocks:
            if isinstance(block, NodeBlock):
                child = self.get(block.id)
                texts.extend(self._texts(child.blocks) if child is not None else ())
            elif isinstance(block, ListBlock):
                lines = ("\n".join(self._texts(item.blocks)) for item in block.items)
                texts.append("\n".join(line for line in lines if line))
            elif isinstance(block, Quote | Admonition):
                texts.append("\n\n".join(self._texts(block.blocks)))
            elif isinstance(block, Table):
                rows = (block.header, *block.rows) if block.header else block.rows
                texts.append("\n".join(" | ".join(row) for row in rows))
            else:
                texts.append(block.text)
        return [text for text in texts if text]

    def precedence(self, a: str, b: str) -> Precedence:
        """How `a` and `b` relate in the orders that hold both (``unrelated`` when none does)."""
        return find_precedence(self.orders, a, b)

    def outranks(self, a: str, b: str, *, strictly: bool = False) -> bool:
        """True when an order puts `a` above `b` (with `strictly`, a strict one); raises
        `compiler.grammar.orders.NoOrderError` when no order holds both."""
        return outranks(self.orders, a, b, strictly=strictly)


# --- writing ---------------------------------------------------------------------------------


def _value_json(value: FieldValue) -> Any:
    if isinstance(value, tuple):
        return [_value_json(item) for item in value]
    return value


def block_json(block: Block) -> dict[str, Any]:
    """One block as the 2.0.0 document writes it."""
    if isinstance(block, Paragraph):
        data: dict[str, Any] = {"type": "paragraph", "text": block.text}
        if block.parts:
            data["parts"] = [{"text": p.text, "node": p.node} for p in block.parts]
        return data
    if isinstance(block, ListBlock):
        items = [{"blocks": [block_json(b) for b in item.blocks]} for item in block.items]
        return {"type": "list", "ordered": block.ordered, "items": items}
    if isinstance(block, Quote):
        return {"type": "quote", "blocks": [block_json(b) for b in block.blocks]}
    if isinstance(block, Admonition):
        return {
            "type": "admonition",
            "variant": block.variant,
            "title": block.title,
            "blocks": [block_json(b) for b in block.blocks],
        }
    if isinstance(block, Code):
        return {"type": "code", "language": block.language, "text": block.text}
    if isinstance(block, Table):
        return {
            "type": "table",
            "header": list(block.header),
            "rows": [list(r) for r in block.rows],
        }
    if isinstance(block, Conversation):
        return {
            "type": "conversation",
            "title": block.title,
            "turns": [_turn_json(turn) for turn in block.turns],
            "replies": [
                {
                    "verdict": None if reply.verdict is None else str(reply.verdict),
                    "label": reply.label,
                    "reason": reply.reason,
                    "violates": list(reply.violates),
                    "after": reply.after,
                    "turn": _turn_json(reply.turn),
                }
                for reply in block.replies
            ],
            "source": block.source.to_json(),
        }
    return {"type": "node", "id": block.id}


def _turn_json(turn: Turn) -> dict[str, Any]:
    return {
        "role": turn.role,
        "tag": turn.tag,
        "attributes": dict(turn.attributes),
        "content": turn.content,
        "source": turn.source.to_json(),
    }


def _turn(data: Mapping[str, Any]) -> Turn:
    return Turn(
        data["role"],
        data["tag"],
        tuple(data["attributes"].items()),
        data["content"],
        source_span(data["source"]),
    )


def node_json(node: Node) -> dict[str, Any]:
    """One node as the 2.0.0 document writes it."""
    data: dict[str, Any] = {
        "id": node.id,
        "kind": node.kind,
        "parent": node.parent,
        "section": node.section,
        "granularity": node.granularity,
        "title": node.title,
        "level": node.level,
        "auto_id": node.auto_id,
        "text": node.text,
        "blocks": [block_json(block) for block in node.blocks],
        "fields": {name: _value_json(value) for name, value in node.fields.items()},
        "classes": list(node.classes),
        "attributes": dict(node.attributes),
        "source": node.source.to_json(),
    }
    if not node.normative:
        data["normative"] = False
    return data


def to_json(doc: Document) -> dict[str, Any]:
    """The 2.0.0 document: a plain dict, its keys in a fixed order (equal models, equal dicts)."""
    info = doc.info
    return {
        "$schema": GENERIC_ID,
        "document": {
            "title": info.title,
            "version": info.version,
            "generator": dict(info.generator),
            "metadata": dict(info.metadata),
            "sources": [dataclasses.asdict(source) for source in info.sources],
        },
        "kinds": [kind.to_json() for kind in doc.kinds.values()],
        "modes": modes_json(),
        "nodes": [node_json(node) for node in doc.nodes],
        "orders": [order.to_json() for order in doc.orders],
        "references": [
            {
                "origin": r.origin,
                "target": r.target,
                "text": r.text,
                "placeholder": r.placeholder,
                "source": r.source.to_json(),
            }
            for r in doc.references
        ],
    }


# --- reading ---------------------------------------------------------------------------------


def from_json(data: Mapping[str, Any]) -> Document:
    """The model of a compiled document of schema 2.0.0 or 1.x (assumed valid against its
    schema); `DocumentError` for anything else."""
    if not isinstance(data, Mapping):
        raise DocumentError("a compiled document is a JSON object")
    schema = data.get("$schema")
    found = _VERSION.search(schema) if isinstance(schema, str) else None
    if found is None:
        raise DocumentError(f"not a compiled constitution: $schema is {schema!r}")
    major = found[1].split(".", 1)[0]
    try:
        if major in ("2", "3"):  # 3.0.0 adds conversation blocks and the example kinds
            return _from_v2(data, str(schema))
        if major == "1":
            from .document_v1 import from_v1

            return from_v1(data, str(schema))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        if isinstance(err, DocumentError):
            raise
        raise DocumentError(
            f"the document does not follow schema {found[1]}: {type(err).__name__} {err}"
        ) from err
    raise DocumentError(f"schema version {found[1]} is not one this version reads (1.x, 2.x, 3.x)")


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


def block_from_json(data: Mapping[str, Any]) -> Block:
    kind = data["type"]
    if kind == "paragraph":
        parts = data.get("parts")
        if not parts:
            return Paragraph(data["text"])
        return Paragraph(data["text"], tuple([Part(p["text"], p["node"]) for p in parts]))
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


def _blocks(items: Sequence[Mapping[str, Any]]) -> tuple[Block, ...]:
    return tuple([block_from_json(item) for item in items])  # a list is built faster


def kinds_from_json(items: Sequence[Mapping[str, Any]]) -> dict[str, KindSpec]:
    """The kinds a document describes. A built-in kind keeps what the JSON does not state (its
    title, order, page...) from the default grammar; a declared kind gets the defaults."""
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
            kinds[item["name"]] = dataclasses.replace(base, **values)
        else:
            kinds[item["name"]] = KindSpec(**values)
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
        return dataclasses.replace(base, **values)
    return FieldSpec(**values)


def _from_v2(data: Mapping[str, Any], schema: str) -> Document:
    kinds = kinds_from_json(data["kinds"])
    nodes = []
    for item in data["nodes"]:
        kind = kinds.get(item["kind"])
        nodes.append(
            Node(
                id=item["id"],
                kind=item["kind"],
                parent=item["parent"],
                section=item["section"],
                granularity=item["granularity"],
                title=item["title"],
                level=item["level"],
                auto_id=bool(item["auto_id"]),
                text=item["text"],
                blocks=_blocks(item["blocks"]),
                fields=MappingProxyType(
                    {
                        name: typed_value(kind.field(name) if kind else None, value)
                        for name, value in item["fields"].items()
                    }
                ),
                classes=tuple(item["classes"]),
                attributes=MappingProxyType(dict(item["attributes"])),
                source=source_span(item["source"]),
                normative=item.get("normative", True) is not False,
            )
        )
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


def title_attribute(kind: KindSpec) -> str | None:
    """The attribute that holds a kind's title, when it takes it from one."""
    return kind.title.attribute if TitleSource.ATTRIBUTE in kind.title.sources else None


def walk_blocks(blocks: Sequence[Block]) -> Iterator[Block]:
    """Every block, nested ones included, in document order."""
    for block in blocks:
        yield block
        if isinstance(block, ListBlock):
            for item in block.items:
                yield from walk_blocks(item.blocks)
        elif isinstance(block, Quote | Admonition):
            yield from walk_blocks(block.blocks)
