"""The blocks of a node while its file is walked, and their frozen form in the model.

A paragraph is kept as pieces, each with the span node it belongs to, because a placeholder link
``[?](#id)`` reads as its target's title, which is known only once every file is read (and a
link's resolved href too); its inline formatting is kept as `Edge` pieces where a mark opens and
closes. `freeze` resolves placeholders, turns edges into `Mark`s over the final text and builders
into `compiler.document` blocks, whose plain text
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
Titles = Callable[[str], str | None]
"""The title of a node by id (None: it has none, or no such node)."""


#: A mark as its paragraph is read: start, end, type and a link's target (its href is known
#: once every file is read).
PendingMark = tuple[int, int, str, LinkTarget | None]


class ParagraphBuilder(Struct):
    pieces: Sequence[tuple[Piece, str | None]] = ()
    """Each piece of text with the id of the span node it is in (None: none); none when the
    paragraph was settled as it was read."""
    text: str | None = None
    """Its text, when it was settled as it was read (`paragraph`)."""
    marks: tuple[PendingMark, ...] = ()
    """A settled paragraph's marks."""


def paragraph(
    pieces: list[tuple[Piece, str | None]], edges: Sequence[int] | None = None
) -> ParagraphBuilder:
    """A paragraph of the pieces read; settled at once (its text joined, its marks found, its
    pieces let go) unless it holds a span or a placeholder, which need every file read: most
    paragraphs, whose pieces would otherwise be kept until the end of the compile. `edges`:
    where the reader put the marks' edges in `pieces`, when it found no span or placeholder."""
    if edges is None:
        if any(node is not None or type(piece) is Placeholder for piece, node in pieces):
            return ParagraphBuilder(pieces)
        edges = [index for index, (piece, _) in enumerate(pieces) if type(piece) is Edge]
    texts = [piece if type(piece) is str else "" for piece, _ in pieces]
    if not edges:
        return ParagraphBuilder((), "".join(texts))
    ends = list(accumulate(map(len, texts)))  # an edge adds no text: its end is its offset
    marks = _marks([(pieces[index][0], ends[index]) for index in edges])  # type: ignore[misc]
    return ParagraphBuilder((), "".join(texts), marks)


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
        for index in range(len(opened) - 1, -1, -1):
            opening, start, order = opened[index]
            if opening.type == edge.type:
                del opened[index]
                if at > start:
                    found.append((start, -at, order, (start, at, edge.type, opening.link)))
                break
    found.sort()
    return tuple([mark for *_, mark in found])


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
    ParagraphBuilder | ListBuilder | QuoteBuilder | AdmonitionBuilder | Code | Table | NodeBlock
)


def piece_text(piece: Piece, titles: Titles) -> str:
    if isinstance(piece, Placeholder):
        return titles(piece.target) or "?"
    if isinstance(piece, Edge):
        return ""
    return piece


def freeze(blocks: Sequence[BlockBuilder], titles: Titles) -> tuple[Block, ...]:
    """The model's blocks: placeholders read as titles, paragraphs with parts where spans are."""
    return tuple(_freeze(block, titles) for block in blocks)


def _freeze(block: BlockBuilder, titles: Titles) -> Block:
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


def has_content(blocks: Sequence[BlockBuilder]) -> bool:
    """True when the blocks hold a child node or any text that is not blank."""
    for block in blocks:
        if isinstance(block, NodeBlock | Code | Table):
            return True
        if isinstance(block, ParagraphBuilder):
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
