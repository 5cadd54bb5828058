"""The typed model of a compiled document: its blocks, nodes, references and the `Document`
that indexes them (parents, children, orders). Plain frozen data; JSON lives in `write`/`read`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from types import MappingProxyType
from typing import Any

from msgspec import Struct

from ..grammar.examples import Verdict
from ..grammar.orders import Order, Precedence, find_precedence, outranks
from ..grammar.schema import GENERIC_ID
from ..grammar.types import FieldValue, Grammar, KindSpec, TitleSource
from ..model import SourceSpan

#: The version in a document's ``$schema`` URL.
SCHEMA_VERSION = re.compile(r"/schemas/constitution/(\d{1,9}\.\d{1,9}\.\d{1,9})/")


#: The first schema whose documents record their paragraphs' inline formatting (`Mark`).
FORMATTING_SINCE = (3, 2, 0)


class DocumentError(ValueError):
    """The data is not a compiled document of a schema this version reads."""


# --- blocks ---------------------------------------------------------------------------------


class Part(Struct, frozen=True):
    """A piece of a paragraph's text: plain, or the text of an annotated span."""

    text: str
    node: str | None = None
    """The id of the span node this part is, or None."""


class Mark(Struct, frozen=True):
    """Inline formatting over a range of a paragraph's plain text: emphasis, strong, strike,
    inline code or a link."""

    type: str
    """One of `compiler.grammar.schema_parts.MARK_TYPES`."""
    start: int
    """Where it starts in the text, in Unicode code points (a Python `str` index)."""
    end: int
    """Where it ends (exclusive), in code points; greater than `start`."""
    href: str | None = None
    """A link's resolved URL: ``#id`` for a link into the spec, else the URL as written (only
    what `compiler.links.safe_href` accepts); None for other marks."""


class Paragraph(Struct, frozen=True, tag="paragraph", tag_field="type"):
    text: str
    """Plain text; a placeholder link reads as its target's title."""
    parts: tuple[Part, ...] = ()
    """With spans annotated in it: the text cut where they start and end (joined: `text`)."""
    marks: tuple[Mark, ...] = ()
    """Its inline formatting, ordered by start, the outer of two marks first; empty for plain
    text (and for a document of schema 3.1 or older, which records none)."""


class Item(Struct, frozen=True):
    """One list item."""

    blocks: tuple[Block, ...]


class ListBlock(Struct, frozen=True, tag="list", tag_field="type"):
    ordered: bool
    items: tuple[Item, ...]


class Quote(Struct, frozen=True, tag="quote", tag_field="type"):
    blocks: tuple[Block, ...]


class Admonition(Struct, frozen=True, tag="admonition", tag_field="type"):
    """A call-out such as ``!!! note`` or the Model Spec's ``!!! meta``."""

    variant: str
    title: str | None
    blocks: tuple[Block, ...]


class Code(Struct, frozen=True, tag="code", tag_field="type"):
    language: str | None
    text: str


class Table(Struct, frozen=True, tag="table", tag_field="type"):
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


class NodeBlock(Struct, frozen=True, tag="node", tag_field="type"):
    """Where a child node (an annotated block or list item) stands; its text is in that node."""

    id: str


class Turn(Struct, frozen=True):
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


class Reply(Struct, frozen=True):
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


class Conversation(Struct, frozen=True, tag="conversation", tag_field="type"):
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
"""A block of a node's content. Each class is tagged with its JSON ``type``, so that a document's
blocks are read by msgspec in one call (`compiler.document.v2.blocks_from_json`)."""


# --- nodes, references, the document ---------------------------------------------------------


class Node(Struct, frozen=True):
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


class Reference(Struct, frozen=True):
    """A link from the text to an id."""

    origin: str | None
    """The innermost node or section that holds the link."""
    target: str
    text: str
    """The link's text; for a placeholder ``[?](#id)``, the target's title."""
    placeholder: bool
    source: SourceSpan


class SourceInfo(Struct, frozen=True):
    """One Markdown file compiled."""

    file: str
    sha256: str
    title: str | None
    chapter: int | None
    reading_time: int | None


class DocumentInfo(Struct, frozen=True):
    title: str | None
    version: str | None
    generator: Mapping[str, str]
    metadata: Mapping[str, Any]
    """The first file's front matter."""
    sources: tuple[SourceInfo, ...]


class Document(Struct, frozen=True, dict=True):
    """A whole compiled constitution: see the module's docstring."""

    info: DocumentInfo
    kinds: Mapping[str, KindSpec]
    nodes: tuple[Node, ...]
    orders: tuple[Order, ...] = ()
    references: tuple[Reference, ...] = ()
    schema: str = GENERIC_ID
    """The ``$schema`` of the JSON it was read from (`GENERIC_ID` when compiled)."""

    # Indexes computed on first use and kept in the instance's __dict__ (`dict=True`): not
    # fields, so they are neither compared nor shown nor passed to the constructor.
    @cached_property
    def _index(self) -> Mapping[str, Node]:
        index: dict[str, Node] = {}
        for node in self.nodes:
            index.setdefault(node.id, node)
        return MappingProxyType(index)

    @cached_property
    def _children(self) -> Mapping[str, tuple[Node, ...]]:
        children: dict[str, list[Node]] = {}
        for node in self.nodes:
            if node.parent is not None:
                children.setdefault(node.parent, []).append(node)
        return MappingProxyType({k: tuple(v) for k, v in children.items()})

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
        found = SCHEMA_VERSION.search(self.schema)
        return found[1] if found else None

    @property
    def records_formatting(self) -> bool:
        """True when its paragraphs' `marks` say how they are formatted: compiled here, or read
        from a JSON of schema 3.2.0 or later (an earlier one records plain text only)."""
        found = self.source_version
        version = tuple(int(part) for part in found.split(".")) if found else (0,)
        return version >= FORMATTING_SINCE

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
            elif isinstance(block, _CONTAINERS):
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
        elif isinstance(block, _CONTAINERS):
            yield from walk_blocks(block.blocks)


#: Classes tested together (a union written in an `isinstance` call is made at every call).
_TEXTS = (Paragraph, Code)
_CONTAINERS = (Quote, Admonition)


def block_text(block: Block) -> str:
    """The plain text of one block: a list's items a line each, a table's rows a line each with
    " | " between cells, a child node (`NodeBlock`) or a conversation nothing."""
    if isinstance(block, _TEXTS):
        return block.text
    if isinstance(block, ListBlock):
        lines = (
            "\n".join(text for b in item.blocks if (text := block_text(b))) for item in block.items
        )
        return "\n".join(line for line in lines if line)
    if isinstance(block, _CONTAINERS):
        return blocks_text(block.blocks)
    if isinstance(block, Table):
        rows = (block.header, *block.rows) if block.header else block.rows
        return "\n".join(" | ".join(row) for row in rows)
    return ""


def blocks_text(blocks: Sequence[Block]) -> str:
    """A node's own text: its blocks' texts, a blank line between them."""
    texts: list[str] = []
    for block in blocks:  # a paragraph's or code's text without a call (most blocks)
        text = block.text if isinstance(block, _TEXTS) else block_text(block)
        if text:
            texts.append(text)
    return "\n\n".join(texts)
