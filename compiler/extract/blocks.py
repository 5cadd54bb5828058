"""The blocks of a node while its file is walked, and their frozen form in the model.

A paragraph that needs nothing from other files is the model's `Paragraph` as soon as it is read
(`settled`); another is kept as pieces, each with the span node it belongs to, because a
placeholder link ``[?](#id)`` reads as its target's title, which is known only once every file is
read (and a link's resolved href too); its inline formatting is kept as `Edge` pieces where a mark
opens and closes. `freeze` resolves placeholders, turns edges into `Mark`s over the final text and
builders into `compiler.document` blocks, whose plain text
(`compiler.document.block_text`: paragraphs as they read, list items on lines of their own, code
verbatim, table rows with cells joined by ``" | "``; a child node adds nothing) is the node's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate

from msgspec import Struct, field

from ..document import (
    Admonition,
    Block,
    Code,
    Item,
    ListBlock,
    Mark,
    NodeBlock,
    Paragraph,
    Part,
    Quote,
    Table,
)


class Placeholder(Struct, frozen=True):
    """A link written ``[?](#id)``: it reads as the title of the node it names."""

    target: str


class LinkTarget(Struct):
    """Where a link goes, once every file is read (`compiler.extract.finish`): ``#id`` for a
    link into the spec, the URL as written for another, None for a link refused."""

    href: str | None = None


class Edge(Struct, frozen=True):
    """Where a mark (``em``, ``strong``, ``strike``, ``code``, ``link``) opens or closes in a
    paragraph's pieces; it adds no text."""

    type: str
    opening: bool
    link: LinkTarget | None = None
    """A link's target (on its opening edge)."""


#: The edges of the marks without a target, made once.
EDGES = {(kind, opening): Edge(kind, opening) for kind in ("em", "strong", "strike", "code")
         for opening in (True, False)}  # fmt: skip

Piece = str | Placeholder | Edge
SpanRange = tuple[int, int, int, int, str]
"""Where a span node's text is in its paragraph's texts and edges, while it is read: its first
text, its first edge, the text and the edge after its last, and the node's id."""
Titles = Callable[[str], str | None]
"""The title of a node by id (None: it has none, or no such node)."""


#: A mark as its paragraph is read: start, end, type and a link's target (its href is known
#: once every file is read).
PendingMark = tuple[int, int, str, LinkTarget | None]


#: What a placeholder link reads as until every file is read.
PLACEHOLDER = "?"


class ParagraphBuilder(Struct):
    pieces: Sequence[tuple[Piece, str | None]] = ()
    """Each piece of text with the id of the span node it is in (None: none); none when the
    paragraph was settled as it was read."""
    text: str | None = None
    """Its text, when it was settled as it was read (`settled`)."""
    marks: tuple[PendingMark, ...] = ()
    """A settled paragraph's marks (one at least is a link's: else it is a `Paragraph`)."""


Read = Paragraph | ParagraphBuilder
"""A paragraph as it is read: already the model's when it needs nothing from other files."""


def reads(paragraph: Read) -> str:
    """A paragraph's text as read, a placeholder as "?"."""
    if isinstance(paragraph, Paragraph):
        return paragraph.text
    if paragraph.text is not None:
        return paragraph.text
    return "".join(
        p if type(p) is str else "" if type(p) is Edge else PLACEHOLDER for p, _ in paragraph.pieces
    )


def settled(
    texts: list[str],
    edges: list[tuple[Edge, int]],
    placeholders: dict[int, Placeholder],
    spans: Sequence[SpanRange] = (),
) -> Read:
    """A paragraph from its `texts` (a placeholder reads "?", and is at its index in
    `placeholders`), its marks' `edges`, each with the index of the text it precedes, and the
    `spans` in it: settled at once (its text joined, its marks found) unless it holds a span or
    a placeholder, which need every file read: most paragraphs, whose pieces would otherwise be
    kept until the end of the compile. Without a link either, it is the model's `Paragraph`."""
    if placeholders or spans:
        nodes: list[str | None] = [None] * len(texts)
        for first, _, end, _, ident in spans:
            nodes[first:end] = [ident] * (end - first)
        pieces: list[tuple[Piece, str | None]] = []
        done = 0
        for edge, index in edges:  # an edge's node is never read: it adds no text
            pieces += [(placeholders.get(i, texts[i]), nodes[i]) for i in range(done, index)]
            pieces.append((edge, None))
            done = index
        pieces += [(placeholders.get(i, texts[i]), nodes[i]) for i in range(done, len(texts))]
        return ParagraphBuilder(pieces)
    if not edges:
        return Paragraph("".join(texts))
    ends = [0, *accumulate(map(len, texts))]
    marks = _marks([(edge, ends[index]) for edge, index in edges])
    for mark in marks:
        if mark[3] is not None:  # a link's: its href is known once every file is read
            return ParagraphBuilder((), "".join(texts), marks)
    return Paragraph(
        "".join(texts), (), tuple([Mark(kind, start, end) for start, end, kind, _ in marks])
    )


def _marks(edges: Iterable[tuple[Edge, int]]) -> tuple[PendingMark, ...]:
    """The marks of a paragraph's edges, each with its offset in the text: a closing edge closes
    the innermost open mark of its type (markdown-it nests them; an edge without its pair adds
    nothing). By start, the outer of two marks first (of two over the same text, the one opened
    first)."""
    opened: list[tuple[Edge, int, int]] = []
    found: list[tuple[int, int, int, PendingMark]] = []
    for sequence, (edge, at) in enumerate(edges):
        if edge.opening:
            opened.append((edge, at, sequence))
            continue
        kind, index = edge.type, len(opened) - 1
        while index >= 0 and opened[index][0].type != kind:
            index -= 1
        if index >= 0:
            opening, start, order = opened.pop(index)
            if at > start:
                found.append((start, -at, order, (start, at, kind, opening.link)))
    found.sort()
    return tuple([mark[3] for mark in found])


class ListBuilder(Struct):
    ordered: bool
    items: list[list[BlockBuilder]] = field(default_factory=list)


class QuoteBuilder(Struct):
    blocks: list[BlockBuilder] = field(default_factory=list)


class AdmonitionBuilder(Struct):
    variant: str
    title: str | None = None
    blocks: list[BlockBuilder] = field(default_factory=list)


BlockBuilder = (
    Paragraph
    | ParagraphBuilder
    | ListBuilder
    | QuoteBuilder
    | AdmonitionBuilder
    | Code
    | Table
    | NodeBlock
)


def piece_text(piece: Piece, titles: Titles) -> str:
    if isinstance(piece, Placeholder):
        return titles(piece.target) or "?"
    if isinstance(piece, Edge):
        return ""
    return piece


def freeze(blocks: Sequence[BlockBuilder], titles: Titles) -> tuple[Block, ...]:
    """The model's blocks: placeholders read as titles, paragraphs with parts where spans are."""
    return tuple([_freeze(block, titles) for block in blocks])


def _freeze(block: BlockBuilder, titles: Titles) -> Block:
    if type(block) is Paragraph:  # read as it is: most
        return block
    if isinstance(block, ParagraphBuilder):
        if block.text is not None:  # settled as it was read: the common case
            if not block.marks:
                return Paragraph(block.text)
            return Paragraph(block.text, (), _resolved(block.marks))
        parts: list[Part] = []
        edges: list[tuple[Edge, int]] = []
        at = 0
        for piece, node in block.pieces:
            if type(piece) is Edge:
                edges.append((piece, at))
                continue
            text = piece_text(piece, titles)
            at += len(text)
            if parts and parts[-1].node == node:
                parts[-1] = Part(parts[-1].text + text, node)
            elif text or node is not None:
                parts.append(Part(text, node))
        text = "".join(part.text for part in parts)
        spanned = any(part.node is not None for part in parts)
        return Paragraph(text, tuple(parts) if spanned else (), _resolved(_marks(edges)))
    if isinstance(block, ListBuilder):
        return ListBlock(block.ordered, tuple(Item(freeze(item, titles)) for item in block.items))
    if isinstance(block, QuoteBuilder):
        return Quote(freeze(block.blocks, titles))
    if isinstance(block, AdmonitionBuilder):
        return Admonition(block.variant, block.title, freeze(block.blocks, titles))
    return block


def _resolved(marks: Sequence[PendingMark]) -> tuple[Mark, ...]:
    """The marks with their links' hrefs; a link refused (an unsafe URL) is no mark."""
    return tuple(
        [
            Mark(kind, start, end, None if link is None else link.href)
            for start, end, kind, link in marks
            if link is None or link.href is not None
        ]
    )


_WHOLE = (NodeBlock, Code, Table)
"""Blocks that are content whatever they hold."""


def has_content(blocks: Sequence[BlockBuilder]) -> bool:
    """True when the blocks hold a child node or any text that is not blank."""
    for block in blocks:
        if isinstance(block, _WHOLE):
            return True
        if isinstance(block, Paragraph):
            if block.text.strip():
                return True
        elif isinstance(block, ParagraphBuilder):
            if block.text is not None:
                if block.text.strip():
                    return True
            elif any(
                isinstance(p, Placeholder) or (type(p) is str and p.strip())
                for p, _ in block.pieces
            ):
                return True
        elif isinstance(block, ListBuilder):
            if any(has_content(item) for item in block.items):
                return True
        elif has_content(block.blocks):
            return True
    return False
