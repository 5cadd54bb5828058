"""Inline content: a paragraph's pieces of text from its markdown-it inline tokens, with the
spans annotated in it, where its formatting (emphasis, strong, strike, code, links) opens and
closes, the links it holds (resolved once every file is read) and placeholder
links ``[?](#id)``. Raw HTML and what looks like an annotation but is not read as one (an
attribute list left in the text) are reported here.

One pass over the children: texts, edges and placeholders go to lists, and a span is kept as
where it starts and ends in them, so that a paragraph without a span or a placeholder (most)
is settled at once without a second look at its pieces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from markdown_it.token import Token
from msgspec import Struct, field

from ..reader import SourceFile
from ..syntax.limits import MAX_INLINE_CHARS
from .blocks import (
    EDGES,
    PLACEHOLDER,
    Edge,
    LinkTarget,
    Placeholder,
    Read,
    SpanRange,
    settled,
)
from .nodes import Context, NodeBuilder

#: An attribute list left in the text: ``]{#id``, ``]{.kind``, ``]{key=`` or ``{#id ...}``.
_STRAY_ATTRIBUTES = re.compile(r"\]\{\s*(?:[#.]|[A-Za-z_][\w:-]*=)|\{#[^\s{}]+[^{}\n]*\}")
#: The inline tokens that open and close a mark without a target, and their edges.
_MARK_EDGES = {
    f"{tag}_{side}": EDGES[kind, side == "open"]
    for tag, kind in (("em", "em"), ("strong", "strong"), ("s", "strike"))
    for side in ("open", "close")
}
_LINK_CLOSE = Edge("link", False)
_CODE_OPEN, _CODE_CLOSE = EDGES["code", True], EDGES["code", False]


class LinkPlace(Struct):
    href: str
    text: str
    line: int
    column: int
    parts: list[str] = field(default_factory=list)
    """The link text while it is read (joined once at the end: `+=` on a string is quadratic)."""
    start: int = 0
    """Where its text starts in the paragraph's texts."""
    edges: int = 0
    """Where its edges start in the paragraph's edges (after its own opening edge)."""
    target: LinkTarget = field(default_factory=LinkTarget)
    """Where it goes, once resolved: the href of its mark."""


class PendingLink(Struct):
    """A link, resolved once every id is known."""

    origin: NodeBuilder | None
    href: str
    source: SourceFile
    place: LinkPlace
    placeholder: bool = False
    image: bool = False


class SpanHost(Protocol):
    def open_span(
        self, token: Token, source: SourceFile, line: int, column: int, lead: str | None
    ) -> NodeBuilder | None: ...

    def close_span(self, node: NodeBuilder, text: Read) -> None: ...


class InlineReader:
    """Reads inline tokens for one compile; links are kept in `links` for `finish`."""

    def __init__(self, context: Context, host: SpanHost) -> None:
        self.context = context
        self.host = host
        self.links: list[PendingLink] = []

    def read(
        self,
        token: Token,
        source: SourceFile,
        lines: list[str],
        owner: NodeBuilder | None,
        item_span: Token | None = None,
    ) -> Read:
        """The paragraph `token` reads as (`compiler.extract.blocks.settled`): its texts, each
        mark's edge with the index of the text it follows, its placeholders and the spans in it;
        `item_span` is a span that stands for its whole list item (read as the item's node, not
        as a span)."""
        if token.meta:  # most have none
            self._check_length(token, source)
        children = token.children or []
        texts: list[str] = []
        edges: list[tuple[Edge, int]] = []
        placeholders: dict[int, Placeholder] = {}
        spans: list[SpanRange] = []
        in_span: dict[int, Placeholder] = {}  # the open span's placeholders
        link: LinkPlace | None = None
        cursor: Cursor | None = None  # made for the first link, image or raw HTML
        span: NodeBuilder | None = None
        opened: tuple[int, int] | None = None  # where the open span starts: texts, edges
        for index, child in enumerate(children):
            kind = child.type
            if kind == "text":
                content = child.content
                texts.append(content)
                if link is not None:
                    link.parts.append(content)
                if "{" in content:
                    self._stray(content, token, source, lines)
            elif kind in _MARK_EDGES:
                edges.append((_MARK_EDGES[kind], len(texts)))
            elif kind == "code_inline":
                content = child.content
                edges.append((_CODE_OPEN, len(texts)))
                texts.append(content)
                edges.append((_CODE_CLOSE, len(texts)))
                if link is not None:
                    link.parts.append(content)
            elif kind == "softbreak":
                texts.append(" ")
                if link is not None:
                    link.parts.append(" ")
            elif kind == "hardbreak":
                texts.append("\n")
            elif kind == "link_open":
                cursor = cursor or Cursor(_line(token))
                link = _link_place(child, token, lines, cursor)
                edges.append((Edge("link", True, link.target), len(texts)))
                link.start, link.edges = len(texts), len(edges)
            elif kind == "link_close" and link is not None:
                placeholder = _end_link(link)
                if placeholder:  # it reads as its target's title, "?" until every file is read
                    del texts[link.start :], edges[link.edges :]
                    while spans and spans[-1][1] >= link.edges:  # spans in its text go with it
                        spans.pop()  # (their nodes keep their text)
                    found_ = placeholders[len(texts)] = Placeholder(_fragment(link.href))
                    if opened is not None:
                        in_span[len(texts)] = found_
                    texts.append(PLACEHOLDER)
                edges.append((_LINK_CLOSE, len(texts)))
                origin = span if span is not None else owner
                self.links.append(PendingLink(origin, link.href, source, link, placeholder))
                link = None
            elif kind == "image":
                texts.append(child.content)
                cursor = cursor or Cursor(_line(token))
                self.links.append(_image(child, token, source, lines, cursor))
            elif kind == "html_inline":
                texts.append(child.content)
                cursor = cursor or Cursor(_line(token))
                line, column = locate(lines, cursor, child.content, token)
                raw_html(self.context, source, line, column, child.content)
            elif kind == "span_open" and child is not item_span:
                line, column = position(token, lines, child.meta.get("offset", 0))
                lead = lead_phrase(children, index + 1)
                span = self.host.open_span(child, source, line, column, lead)
                opened, in_span = (len(texts), len(edges)), {}
            elif kind == "span_close" and opened is not None:
                if span is not None and span.id is not None:
                    found = (*opened, len(texts), len(edges), span.id)
                    self.host.close_span(span, _span_text(texts, edges, in_span, found))
                    spans.append(found)
                span, opened = None, None
        return settled(texts, edges, placeholders, spans)

    def _check_length(self, token: Token, source: SourceFile) -> None:
        too_long = token.meta.get("too_long") if token.meta else None
        if too_long:
            self.context.error(
                "CC104",
                f"a paragraph of {too_long:,} characters is longer than the limit of "
                f"{MAX_INLINE_CHARS:,}; its text is not read",
                source.display,
                _line(token),
                1,
                "break the text into paragraphs, with a blank line between them",
            )

    def _stray(self, text: str, token: Token, source: SourceFile, lines: list[str]) -> None:
        found = _STRAY_ATTRIBUTES.search(text)
        if found is None:
            return
        at = token.content.find(found[0])
        line, column = position(token, lines, max(at, 0))
        snippet = found[0][:40]
        self.context.error(
            "CC730",
            f"'{snippet}' looks like an annotation but is not read as one: it stays in the text",
            source.display,
            line,
            column,
            "annotate a span as [text]{#id .kind key=value}, with the ']' right before the '{'; "
            "write the braces as \\{ to keep them as text",
        )


def _span_text(
    texts: list[str],
    edges: list[tuple[Edge, int]],
    placeholders: dict[int, Placeholder],
    span: SpanRange,
) -> Read:
    """The text of the span node `span` covers (with `placeholders`, the ones in it), as a
    paragraph of its own."""
    first, first_edge = span[0], span[1]
    return settled(
        texts[first:],
        [(edge, index - first) for edge, index in edges[first_edge:]],
        {index - first: found for index, found in placeholders.items()},
    )


def _link_place(child: Token, token: Token, lines: list[str], cursor: Cursor) -> LinkPlace:
    """A link opened by `child`, at the ``[`` before its ``](`` in the source."""
    href = str(child.attrs.get("href", ""))
    line, column = locate(lines, cursor, "](", token)
    raw = lines[line - 1] if 0 < line <= len(lines) else ""
    column = raw.rfind("[", 0, column - 1) + 1 or column
    return LinkPlace(href, "", line, column)


def _end_link(link: LinkPlace) -> bool:
    """Its text joined; True for a placeholder ``[?](#id)``."""
    link.text = "".join(link.parts)
    link.parts = []
    return link.text == PLACEHOLDER and "#" in link.href


def _image(
    child: Token, token: Token, source: SourceFile, lines: list[str], cursor: Cursor
) -> PendingLink:
    src = str(child.attrs.get("src", ""))
    line, column = locate(lines, cursor, "![", token)
    place = LinkPlace(src, child.content, line, column)
    return PendingLink(None, src, source, place, image=True)


def _fragment(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href.split("#", 1)[1])


def raw_html(context: Context, source: SourceFile, line: int, column: int, html: str) -> None:
    snippet = html.strip().split("\n", 1)[0][:40]
    context.error(
        "CC206",
        f"raw HTML is not allowed: {snippet!r}",
        source.display,
        line,
        column,
        "the text is published on a public site; write it as `code` or in a fenced code block, or use Markdown",
    )


def lead_phrase(children: Sequence[Token], start: int = 0) -> str | None:
    """The bold phrase that opens `children[start:]` (``**Title**:``), if any. It reads a few
    dozen tokens at most: a paragraph of many spans takes linear time."""
    found: list[Token] = []
    for index in range(start, len(children)):
        child = children[index]
        if child.type == "text" and not child.content:
            continue
        found.append(child)
        if (len(found) > 1 and child.type == "strong_close") or len(found) > 64:
            break
    if len(found) < 3 or found[0].type != "strong_open":
        return None
    parts: list[str] = []
    for child in found[1:]:
        if child.type == "strong_close":
            phrase = "".join(parts).strip().rstrip(":").strip()
            return phrase or None
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
    return None


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def position(token: Token, lines: list[str], offset: int) -> tuple[int, int]:
    """The line and column in the source of character `offset` of an inline token's content."""
    content = token.content
    row = content.count("\n", 0, offset)
    start = content.rfind("\n", 0, offset) + 1
    end = content.find("\n", start)
    line = _line(token) + row
    raw = lines[line - 1] if 0 < line <= len(lines) else ""
    head = content[start : end if end >= 0 else len(content)][:20]
    base = raw.find(head) if head else -1
    return line, max(base, 0) + offset - start + 1


class Cursor(Struct):
    """Where `locate` goes on searching in a block's source lines."""

    line: int
    offset: int = 0
    missing: set[str] = field(default_factory=set)
    """Needles not found from an earlier place to the end of the block, so not from here either:
    each is searched for once (a paragraph of reference links `[a][r]`, which have no `](`,
    searched the rest of the paragraph for each link: quadratic)."""


def locate(lines: list[str], cursor: Cursor, needle: str, token: Token) -> tuple[int, int]:
    """Find `needle` in the block's source lines from `cursor` on; best effort, for columns."""
    needle = needle.split("\n", 1)[0]  # raw HTML can span lines; its first line is enough
    last = token.map[1] if token.map else cursor.line
    line, offset = cursor.line, cursor.offset
    while needle not in cursor.missing and 0 < line <= len(lines) and line <= max(last, line):
        found = lines[line - 1].find(needle, offset)
        if found >= 0:
            cursor.line, cursor.offset = line, found + len(needle)
            return line, found + 1
        line, offset = line + 1, 0
        if line > last:
            break
    cursor.missing.add(needle)
    return cursor.line, cursor.offset + 1
