"""Sections: a heading opens one, which the next heading of its level or higher closes; a file's
text before its first heading is its preamble; a heading without an {#id} gets one from its
title."""

from __future__ import annotations

from markdown_it.token import Token

from ..grammar.types import Grammar, KindSpec
from ..links import slugify
from ..model import Attributes, SourceSpan
from ..reader import SourceFile
from ..syntax.attributes import AttributeError_
from .blocks import has_content
from .frames import FileState, Frame, Walk, end_line, indent, line_of
from .nodes import NodeBuilder, close_node


def heading_kind(grammar: Grammar) -> KindSpec:
    """The kind of headings (built in: a spec cannot redeclare or remove it)."""
    kind = grammar.heading_kind
    assert kind is not None  # every grammar holds the built-in kinds
    return kind


class Sections:
    """Opens and closes the sections of one compile, and makes their ids from titles."""

    def __init__(self, walk: Walk, reserved: set[str]) -> None:
        self.walk = walk
        self.reserved = reserved
        """Explicit ids, so that ids made from titles never take one."""
        self.kind = heading_kind(walk.context.grammar)
        """The kind of sections (found once: the grammar holds it among its kinds)."""
        self._suffixes: dict[str, int] = {}

    def preamble(self, source: SourceFile) -> NodeBuilder:
        """The section of a file's text before its first heading (a node only if it has text)."""
        return NodeBuilder(
            self.kind, None, "heading", Attributes(),
            SourceSpan(source.name, 1, 1, 1), source.display, None, None, level=1, auto_id=True,
        )  # fmt: skip

    def open(self, token: Token, title: str) -> None:
        """The section of the heading `token`, whose title reads `title`."""
        walk, state = self.walk, self.walk.file
        assert state is not None
        lines, line = state.lines, line_of(token)
        attributes: Attributes = token.meta.get("attributes", Attributes())
        errors: list[AttributeError_] = token.meta.get("attribute_errors", [])
        raw = lines[line - 1] if line - 1 < len(lines) else ""
        start = raw.rfind("{") + 1
        for error in errors:
            walk.attribute_error(error, line, start + 1 + error.offset)
        level = int(token.tag[1])
        span = SourceSpan(state.source.name, line, indent(lines, line) + 1, end_line(token))
        kind = self.kind
        if attributes.id:
            ident, auto = attributes.id, False
        else:
            ident, auto = self.auto_id(title), True
        walk.register(ident, kind.name, span)
        if not title.strip():
            walk.error("CC305", "heading has no title", line, span.column,
                       "write the heading's title after the '#'")  # fmt: skip
        while state.sections and (state.sections[-1].level or 0) >= level:
            state.sections.pop()
        parent = state.sections[-1] if state.sections else None
        section = NodeBuilder(
            kind, ident, "heading", attributes, span, state.source.display, parent, parent,
            header=(line, start, raw), title=title.strip(), level=level, auto_id=auto,
            normative=state.normative,
        )  # fmt: skip
        state.sections.append(section)
        if state.section.id is not None:  # the preamble is closed with its file
            self.close(state.section)
        state.section = section
        state.frames[0] = Frame(section.blocks, "", section)
        walk.nodes.append(section)

    def close(self, section: NodeBuilder) -> None:
        if not section.closed and section.id is not None:
            close_node(self.walk.context, section)

    def close_file(
        self, state: FileState, preamble: NodeBuilder, first_node: int, title: object
    ) -> None:
        """At the end of a file: its preamble, when it has text, becomes the file's first node
        (titled `title`, else after the file), and its last section is closed."""
        if has_content(preamble.blocks):
            source = state.source
            stem = source.name.rsplit("/", 1)[-1].removesuffix(".md")
            preamble.title = str(title or stem)
            preamble.id = self.auto_id(stem)
            self.walk.register(preamble.id, self.kind.name, preamble.source)
            self.walk.nodes.insert(first_node, preamble)
            close_node(self.walk.context, preamble)
        if state.section is not preamble:
            self.close(state.section)

    def auto_id(self, title: str) -> str:
        """An id made from `title` that no node has taken and no heading has written."""
        base = slugify(title)
        # Start from the last suffix given for this base: thousands of equal titles stay linear.
        ident, n = base, self._suffixes.get(base, 1)
        if n > 1:
            ident = f"{base}-{n}"
        while ident in self.walk.context.registry.kinds or ident in self.reserved:
            n += 1
            ident = f"{base}-{n}"
        self._suffixes[base] = n
        return ident
