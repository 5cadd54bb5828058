"""A released constitution shown as its chapters are: the same renderer, the same annotation
labels and relations, from the release's JSON read into the typed model
(`compiler.document.from_json`, either schema).

A release keeps each node's own text, its blocks (paragraphs, lists, quotes, code, where each
child stands) and its typed fields, not its Markdown: the page is rebuilt as a token stream
(headings, paragraphs, lists, annotation fences, spans) and rendered by `compiler.site.render`, so that
its inline formatting comes from each paragraph's marks (schema 3.2.0), so the text reads as the
chapter it came from did; a release of an earlier schema records plain text only, and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from markdown_it.token import Token
from msgspec import Struct

from ..document import (
    Admonition,
    Block,
    Code,
    Conversation,
    Document,
    ListBlock,
    Node,
    NodeBlock,
    Paragraph,
    Quote,
    Table,
)
from ..examples.model import Example
from ..examples.render import conversation_html
from ..grammar.types import Form, TitleSource
from ..grammar.values import written
from ..model import Attributes
from ..syntax.annotations import AnnotationInfo
from .render import PageContext, RenderedPage, SiteIndex, TocEntry, escape, render_tokens


class ReleaseFacts(Struct, frozen=True):
    """What the release page says about the release, and where its redline is."""

    version: str
    date: str
    sha256: str
    changes_path: str
    """Docs-relative path of the page with its redline against the release before it."""


def release_builder(
    path: str, facts: ReleaseFacts, document: Document
) -> Callable[[PageContext], RenderedPage]:
    """A builder of the release page at `path` (a docs-relative page path): its title, what it
    is (with links to the current text and to its redline), then the released text rendered
    like a chapter. Every id of the release is local to the page."""

    def build(context: PageContext) -> RenderedPage:
        index = SiteIndex.from_model(document)
        for node in index.nodes.values():
            node.file = path  # the whole release is one page
        shown = _Conversations()
        local = PageContext(
            index, path, context.url_of_file, anchors=True, highlight=context.highlight,
            extras=shown,
        )  # fmt: skip
        sections = [n for n in document.nodes if document.kinds[n.kind].form is Form.HEADING]
        tokens = list(_tokens(document, sections, shown))
        page = render_tokens(tokens, local, [n.id for n in sections])
        title = f"{document.info.title or 'Constitution'} {facts.version}"
        toc = [TocEntry(1, "release", title, page.toc)]
        head = _head(title, facts, context, document.records_formatting)
        return RenderedPage(head + page.html, toc, title)

    return build


def _head(title: str, facts: ReleaseFacts, context: PageContext, formatted: bool) -> str:
    links = []
    current = context.url_of_file("index.md")
    if current is not None:
        links.append(f'<a href="{escape(current)}">the current text</a>')
    redline = context.url_of_file(facts.changes_path)
    if redline is not None:
        links.append(f'<a href="{escape(redline)}">what changed in {escape(facts.version)}</a>')
    see = f" See {' and '.join(links)}." if links else ""
    # Before schema 3.2.0 a release's file kept the words only, not their emphasis or links.
    plain = (
        ""
        if formatted
        else "; this release's file records plain text only, without its emphasis, code or links"
    )
    return (
        f'<h1 id="release">{escape(title)}<a class="headerlink" href="#release" '
        'title="Permanent link">¶</a></h1>\n'
        f'<p class="cc-chapter-meta">Released {escape(facts.date)} · SHA-256 '
        f'<code title="{escape(facts.sha256)}">{escape(facts.sha256[:12])}…</code></p>\n'
        f'<p class="cc-archived" data-search-exclude>This is release {escape(facts.version)} as '
        f"it was published, read from its JSON{plain}.{see}</p>\n"
    )


class _Conversations:
    """The release's worked examples, shown as conversations where their nodes stand, as on a
    chapter (`compiler.examples.render`). The whole release is one page, so a conversation's
    fence token is keyed by its place in the page (its `map`), not by a source line."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    def fence_token(self, node: Node, conversation: Conversation) -> Token:
        example = Example(
            node.id, conversation.title, None, conversation.turns, conversation.replies,
            conversation.source,
        )  # fmt: skip
        self.shown.append(conversation_html(example))
        token = Token("fence", "code", 0, block=True, content=conversation.text)
        token.map = [len(self.shown) - 1, len(self.shown)]
        return token

    def fence(self, file: str | None, last_line: int) -> str | None:
        return self.shown[last_line - 1] if 0 < last_line <= len(self.shown) else None

    def after_paragraph(self, file: str | None, first: int, last: int) -> str:
        return ""  # prompts files are files of their own, not part of a release's chapters


def _tokens(document: Document, sections: Sequence[Node], shown: _Conversations) -> Iterator[Token]:
    for section in sections:
        tag = f"h{min((section.level or 1) + 1, 6)}"
        opening = Token("heading_open", tag, 1, block=True)
        opening.meta["attributes"] = Attributes(section.id)
        yield opening
        yield _inline(section.title or "")
        yield Token("heading_close", tag, -1, block=True)
        yield from _blocks(document, section.blocks, shown)


def _blocks(
    document: Document, blocks: Sequence[Block], shown: _Conversations, lead: str | None = None
) -> Iterator[Token]:
    """Tokens for `blocks`; a child node that is not a section as an annotation fence (a
    section comes with its own heading). With `lead`, a first paragraph that opens with it and a
    colon shows it bold (the node's title, as it was written)."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield from _paragraph(document, block, lead)
        elif isinstance(block, ListBlock):
            name = "ordered_list" if block.ordered else "bullet_list"
            tag = "ol" if block.ordered else "ul"
            yield Token(f"{name}_open", tag, 1, block=True)
            for item in block.items:
                yield Token("list_item_open", "li", 1, block=True)
                yield from _blocks(document, item.blocks, shown)
                yield Token("list_item_close", "li", -1, block=True)
            yield Token(f"{name}_close", tag, -1, block=True)
        elif isinstance(block, (Quote, Admonition)):
            yield Token("blockquote_open", "blockquote", 1, block=True)
            yield from _blocks(document, block.blocks, shown)
            yield Token("blockquote_close", "blockquote", -1, block=True)
        elif isinstance(block, Code):
            fence = Token("fence", "code", 0, block=True, content=block.text)
            fence.info = block.language or ""
            yield fence
        elif isinstance(block, Table):
            for row in (block.header, *block.rows):
                yield from _paragraph(document, Paragraph(" | ".join(row)), None)
        elif isinstance(block, NodeBlock):
            yield from _annotation(document, block.id, shown)
        lead = None


def _annotation(document: Document, ident: str, shown: _Conversations) -> Iterator[Token]:
    node = document.get(ident)
    if node is None or document.kinds[node.kind].form is Form.HEADING:
        return
    kind = document.kinds[node.kind]
    if kind.form is Form.EXAMPLE:  # a worked example (its title is its section's paragraph)
        for conversation in (b for b in node.blocks if isinstance(b, Conversation)):
            yield shown.fence_token(node, conversation)
        return
    lead = node.title if TitleSource.LEAD in kind.title.sources and node.title else None
    first = next((b for b in node.blocks if isinstance(b, Paragraph)), None)
    opens_with_title = lead is not None and first is not None and first.text.startswith(f"{lead}:")
    values = tuple((name, written(value)) for name, value in node.fields.items())
    if node.title and not opens_with_title and TitleSource.ATTRIBUTE in kind.title.sources:
        values += ((kind.title.attribute, node.title),)
    attributes = Attributes(node.id, node.classes, values + tuple(node.attributes.items()))
    opening = Token("container_annotation_open", "div", 1, block=True)
    opening.info = node.kind
    opening.meta["annotation"] = AnnotationInfo(node.kind, attributes, (), 0)
    yield opening
    yield from _blocks(document, node.blocks, shown, lead if opens_with_title else None)
    yield Token("container_annotation_close", "div", -1, block=True)


def _paragraph(document: Document, paragraph: Paragraph, lead: str | None) -> Iterator[Token]:
    if paragraph.marks:
        token = _inline(paragraph.text)
        token.children = list(_formatted(document, paragraph))
        yield from _wrapped(token)
        return
    text = " ".join(paragraph.text.split())
    if not text:
        return
    token = _inline(text)
    children: list[Token] = []
    if paragraph.parts:
        for part in paragraph.parts:
            node = document.get(part.node) if part.node else None
            if node is None:
                children.append(Token("text", "", 0, content=part.text))
                continue
            children += [_span_open(node), Token("text", "", 0, content=part.text)]
            children.append(Token("span_close", "span", -1))
    elif lead is not None and text.startswith(f"{lead}:"):
        children = [
            Token("strong_open", "strong", 1),
            Token("text", "", 0, content=lead),
            Token("strong_close", "strong", -1),
            Token("text", "", 0, content=text[len(lead) :]),
        ]
    if children:
        token.children = children
    yield from _wrapped(token)


def _wrapped(token: Token) -> Iterator[Token]:
    yield Token("paragraph_open", "p", 1, block=True)
    yield token
    yield Token("paragraph_close", "p", -1, block=True)


def _span_open(node: Node) -> Token:
    opening = Token("span_open", "span", 1)
    opening.meta["attributes"] = Attributes(node.id, (node.kind,))
    return opening


#: The inline tokens of each mark type but code (one token) and link (an href): their tag.
_MARK_TAGS = {"em": "em", "strong": "strong", "strike": "s"}


def _formatted(document: Document, paragraph: Paragraph) -> Iterator[Token]:
    """The inline tokens of a paragraph with marks, as markdown-it reads its Markdown: its spans
    and marks nested (a range that would cross the one around it is cut at its end: only a
    hand-made JSON has one), a line break where the text has one. The renderer escapes the
    text and checks every href (`compiler.site.render.inline`), as on a chapter."""
    text, length = paragraph.text, len(paragraph.text)
    ranges: list[tuple[int, int, int, Token]] = []  # start, end, order, opening
    at = 0
    for part in paragraph.parts:
        node = document.get(part.node) if part.node else None
        if node is not None and part.text:
            ranges.append((at, at + len(part.text), len(ranges), _span_open(node)))
        at += len(part.text)
    for mark in paragraph.marks:
        start, end = max(mark.start, 0), min(mark.end, length)
        if start >= end:
            continue
        if mark.type == "code":
            opening = Token("code_inline", "code", 0, content=text[start:end], markup="`")
        elif mark.type == "link" and mark.href is not None:
            opening = Token("link_open", "a", 1)
            opening.attrs["href"] = mark.href
        elif mark.type in _MARK_TAGS:
            opening = Token(f"{_MARK_TAGS[mark.type]}_open", _MARK_TAGS[mark.type], 1)
        else:
            continue  # a type this version does not know: its text stays plain
        ranges.append((start, end, len(ranges), opening))
    ranges.sort(key=lambda found: (found[0], -found[1], found[2]))
    stack: list[tuple[int, Token]] = []  # the open ranges: their end, their opening
    at = 0

    def text_to(stop: int) -> Iterator[Token]:
        nonlocal at
        if stop > at and not (stack and stack[-1][1].type == "code_inline"):
            lines = text[at:stop].split("\n")
            for index, line in enumerate(lines):
                if index:
                    yield Token("hardbreak", "br", 0)
                if line:
                    yield Token("text", "", 0, content=line)
        at = max(at, stop)

    def close_to(position: int) -> Iterator[Token]:
        while stack and stack[-1][0] <= position:
            end, opening = stack.pop()
            yield from text_to(end)
            if opening.type != "code_inline":
                yield Token(opening.type.replace("_open", "_close"), opening.tag, -1)

    for start, end, _, opening in ranges:
        yield from close_to(start)
        if stack and stack[-1][1].type == "code_inline":
            continue  # nothing nests inside code
        if opening.type == "link_open" and any(o.type == "link_open" for _, o in stack):
            continue  # nor a link inside a link
        end = min(end, stack[-1][0]) if stack else end
        yield from text_to(start)
        yield opening
        stack.append((end, opening))
        if opening.type == "code_inline":
            at = end
    yield from close_to(length)
    yield from text_to(length)


def _inline(text: str) -> Token:
    token = Token("inline", "", 0, content=text)
    token.children = [Token("text", "", 0, content=text)]
    return token
