"""The blocks of a node while its file is walked, and their frozen form in the model.

A paragraph is kept as pieces, each with the span node it belongs to, because a placeholder link
``[?](#id)`` reads as its target's title, which is known only once every file is read: `freeze`
resolves placeholders and turns builders into `compiler.document` blocks, whose plain text
(`compiler.document.block_text`: paragraphs as they read, list items on lines of their own, code
verbatim, table rows with cells joined by ``" | "``; a child node adds nothing) is the node's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from msgspec import Struct, field

from ..document import (
    Admonition,
    Block,
    Code,
    Item,
    ListBlock,
    NodeBlock,
    Paragraph,
    Part,
    Quote,
    Table,
)


class Placeholder(Struct, frozen=True):
    """A link written ``[?](#id)``: it reads as the title of the node it names."""

    target: str


Piece = str | Placeholder
Titles = Callable[[str], str | None]
"""The title of a node by id (None: it has none, or no such node)."""


class ParagraphBuilder(Struct):
    pieces: list[tuple[Piece, str | None]] = field(default_factory=list)
    """Each piece of text with the id of the span node it is in (None: none)."""


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
    return piece


def freeze(blocks: Sequence[BlockBuilder], titles: Titles) -> tuple[Block, ...]:
    """The model's blocks: placeholders read as titles, paragraphs with parts where spans are."""
    return tuple(_freeze(block, titles) for block in blocks)


def _freeze(block: BlockBuilder, titles: Titles) -> Block:
    if isinstance(block, ParagraphBuilder):
        plain = [piece for piece, node in block.pieces if node is None and type(piece) is str]
        if len(plain) == len(block.pieces):  # no span, no placeholder: the common case
            return Paragraph("".join(plain))
        parts: list[Part] = []
        for piece, node in block.pieces:
            text = piece_text(piece, titles)
            if parts and parts[-1].node == node:
                parts[-1] = Part(parts[-1].text + text, node)
            elif text or node is not None:
                parts.append(Part(text, node))
        text = "".join(part.text for part in parts)
        spanned = any(part.node is not None for part in parts)
        return Paragraph(text, tuple(parts) if spanned else ())
    if isinstance(block, ListBuilder):
        return ListBlock(block.ordered, tuple(Item(freeze(item, titles)) for item in block.items))
    if isinstance(block, QuoteBuilder):
        return Quote(freeze(block.blocks, titles))
    if isinstance(block, AdmonitionBuilder):
        return Admonition(block.variant, block.title, freeze(block.blocks, titles))
    return block


def has_content(blocks: Sequence[BlockBuilder]) -> bool:
    """True when the blocks hold a child node or any text that is not blank."""
    for block in blocks:
        if isinstance(block, NodeBlock | Code | Table):
            return True
        if isinstance(block, ParagraphBuilder):
            if any(not isinstance(p, str) or p.strip() for p, _ in block.pieces):
                return True
        elif isinstance(block, ListBuilder):
            if any(has_content(item) for item in block.items):
                return True
        elif has_content(block.blocks):
            return True
    return False
