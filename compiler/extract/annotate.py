"""Annotations: fenced blocks, annotated list items and bracketed spans, each read against its
kind (`compiler.grammar`): whether the kind exists, may cover that much text, and has an id.
`Annotations` opens their nodes for the `Extractor` (blocks, items) and `InlineReader` (spans)."""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

from ..diagnostics import shorten, suggest
from ..document import NodeBlock
from ..grammar.types import Form, Grammar, Granularity, KindSpec
from ..model import Attributes, SourceSpan
from ..reader import SourceFile
from ..syntax.annotations import annotation_info
from .blocks import BlockBuilder, Read
from .frames import Frame, Walk, indent, last_line, line_of
from .inline import lead_phrase, position
from .nodes import NodeBuilder, close_node

_WHAT = {
    Granularity.BLOCK: "a fenced block",
    Granularity.ITEM: "a list item",
    Granularity.SPAN: "a span",
}


class Annotations:
    """Opens the nodes of annotations; the `Extractor` walks the blocks around them."""

    def __init__(self, walk: Walk) -> None:
        self.walk = walk
        self.grammar = walk.context.grammar
        self.kinds = [k.name for k in self.grammar.annotation_kinds()]
        """The names of the annotation kinds, for hints."""
        self.item_spans: dict[int, Token] = {}
        """Spans that stand for their whole list item, by the id() of their inline token."""

    def _new_node(
        self,
        kind: KindSpec | None,
        attributes: Attributes,
        granularity: Granularity,
        span: SourceSpan,
        header: tuple[int, int, str],
        example: str,
        place: bool = True,
    ) -> NodeBuilder:
        state = self.walk.file
        assert state is not None
        ident = attributes.id
        if kind is not None and ident is None:
            self.walk.error("CC306", f"{kind.name} has no id", span.line, span.column,
                            f"add an id: '{example}'")  # fmt: skip
        elif kind is not None and ident is not None:
            self.walk.register(ident, kind.name, span)
        node = NodeBuilder(
            kind, ident, str(granularity), attributes, span, state.source.display,
            state.owner(), state.section, header=header, normative=state.normative,
        )  # fmt: skip
        if node.kept:
            self.walk.nodes.append(node)
            if place:  # a span's words stay in its paragraph
                state.frames[-1].blocks.append(NodeBlock(ident or ""))
        return node

    def open_block(self, token: Token) -> None:
        """A fenced annotation block: its node, and the frame its blocks go to."""
        state = self.walk.file
        assert state is not None
        lines, line = state.lines, line_of(token)
        column = indent(lines, line) + 1
        info = annotation_info(token)
        info_column = column + len(token.markup)
        for error in info.errors:
            self.walk.attribute_error(error, line, info_column + info.body_offset + error.offset)
        end = token.map[1] if token.map else line
        closing = lines[end].strip() if end < len(lines) else ""
        if not (closing.startswith(token.markup) and not closing.strip(":")):
            self.walk.error(
                "CC205",
                f"annotation fence '{token.markup} {info.kind}' is never closed",
                line,
                column,
                f"close the block with a line '{token.markup}'; to nest blocks, give the outer one more colons",
            )
        span = SourceSpan(state.source.name, line, column, end + 1)
        kind = None
        if info.kind or not info.errors:  # a header that could not be read is reported above
            kind = _annotation_kind(
                self.walk, self.kinds, info.kind, Granularity.BLOCK, line, info_column + 1
            )
        raw = lines[line - 1] if 0 < line <= len(lines) else ""
        if kind is not None and any(e.code == "CC208" for e in info.errors):
            kind = None  # its id could not be read: reported above
        example = f"{token.markup} {info.kind} {{#some-id}}"
        node = self._new_node(
            kind, info.attributes, Granularity.BLOCK, span, (line, column, raw), example
        )
        blocks = node.blocks if node.kept else state.frames[-1].blocks
        state.frames.append(
            Frame(blocks, "container_annotation_close", node if node.kept else None)
        )

    def open_item(self, tokens: Sequence[Token], index: int) -> None:
        """A list item; when its first paragraph is one span of a kind that may cover a list
        item, the item is that kind's node."""
        state = self.walk.file
        assert state is not None
        token, frames = tokens[index], state.frames
        item: list[BlockBuilder] = []
        if frames[-1].list_ is not None:
            frames[-1].list_.items.append(item)
        span = _whole_span(tokens, index)
        if span is not None:
            kind_name = _span_kind(span.meta["attributes"], self.grammar)
            kind = self.grammar.kind(kind_name) if kind_name else None
            if kind is not None and Granularity.ITEM in kind.granularity:
                inline = tokens[index + 2]
                self.item_spans[id(inline)] = span
                line, column = position(inline, state.lines, 0)
                end = last_line(state.lines, token)
                source = SourceSpan(state.source.name, line, column, end)
                body_line, body_column = position(inline, state.lines, span.meta["body_offset"])
                header = (body_line, body_column, state.lines[line - 1])
                attributes = _without_kind(span.meta["attributes"], kind.name)
                for error in span.meta.get("attribute_errors", []):
                    self.walk.attribute_error(error, body_line, body_column + error.offset)
                frames.append(Frame(item, ""))  # the NodeBlock goes into the item
                node = self._new_node(kind, attributes, Granularity.ITEM, source, header,
                                      f"[text]{{#some-id .{kind.name}}}")  # fmt: skip
                frames.pop()
                children = inline.children or []
                node.lead = lead_phrase(children, children.index(span) + 1)
                node.seen_inline = True
                if node.kept:
                    frames.append(Frame(node.blocks, "list_item_close", node))
                    return
        frames.append(Frame(item, "list_item_close"))

    # the span host, for `InlineReader`

    def open_span(
        self, token: Token, source: SourceFile, line: int, column: int, lead: str | None
    ) -> NodeBuilder | None:
        state = self.walk.file
        assert state is not None
        attributes: Attributes = token.meta["attributes"]
        kind_name = _span_kind(attributes, self.grammar)
        raw = state.lines[line - 1] if 0 < line <= len(state.lines) else ""
        body_column = column + (token.meta.get("body_offset", 0) - token.meta.get("offset", 0))
        for error in token.meta.get("attribute_errors", []):
            self.walk.attribute_error(error, line, body_column + error.offset)
        if kind_name is None:
            classes = attributes.classes
            near = next((s for c in classes if (s := suggest(c, self.kinds))), None)
            self.walk.error(
                "CC730",
                "a span with attributes but no kind is not read as an annotation",
                line,
                column,
                near
                or f"name its kind as a class: [text]{{#id .kind}}; kinds: {', '.join(self.kinds)}",
            )
            return None
        kind = _annotation_kind(self.walk, self.kinds, kind_name, Granularity.SPAN, line, column)
        if kind is not None and any(
            e.code == "CC208" for e in token.meta.get("attribute_errors", [])
        ):
            kind = None
        span = SourceSpan(source.name, line, column, line)
        node = self._new_node(kind, _without_kind(attributes, kind_name), Granularity.SPAN, span,
                              (line, body_column, raw), f"[text]{{#some-id .{kind_name}}}",
                              place=False)  # fmt: skip
        node.lead = lead
        node.seen_inline = True
        return node if node.kept else None

    def close_span(self, node: NodeBuilder, text: Read) -> None:
        node.blocks.append(text)
        close_node(self.walk.context, node)


def _annotation_kind(
    walk: Walk, known: list[str], name: str, granularity: Granularity, line: int, column: int
) -> KindSpec | None:
    """The annotation kind called `name`, when it may cover text of this granularity; `known`
    names every annotation kind, for the hint."""
    kind = walk.context.grammar.kind(name)
    if kind is None or kind.form is not Form.ANNOTATION:
        hint = suggest(name, known) or f"known kinds: {', '.join(known)}"
        message = f"unknown annotation kind '{shorten(name)}'" if name else "annotation has no kind"
        walk.error("CC204", message, line, column, hint)
        return None
    if granularity not in kind.granularity:
        may = ", ".join(_WHAT[g] for g in kind.granularity) or "nothing"
        walk.error(
            "CC731",
            f"a {kind.name} cannot be {_WHAT[granularity]}",
            line,
            column,
            f"a {kind.name} may cover {may} (its 'granularity' in the grammar)",
        )
        return None
    return kind


def _whole_span(tokens: Sequence[Token], index: int) -> Token | None:
    """The span that is all of the first paragraph of the list item at `index`, if any."""
    if index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open":
        return None
    if "]{" not in tokens[index + 2].content:  # no span (`compiler.syntax.spans`)
        return None
    children = [c for c in tokens[index + 2].children or [] if c.type != "text" or c.content]
    if len(children) < 2 or children[0].type != "span_open" or children[-1].type != "span_close":
        return None
    depth = 0
    for position_, child in enumerate(children):
        depth += child.nesting if child.type in ("span_open", "span_close") else 0
        if depth == 0 and position_ < len(children) - 1:
            return None
    return children[0]


def _span_kind(attributes: Attributes, grammar: Grammar) -> str | None:
    """The kind a span names: the first class that is an annotation kind, else its first class
    (reported as unknown), else None."""
    for name in attributes.classes:
        kind = grammar.kind(name)
        if kind is not None and kind.form is Form.ANNOTATION:
            return name
    return attributes.classes[0] if attributes.classes else None


def _without_kind(attributes: Attributes, kind: str) -> Attributes:
    classes = list(attributes.classes)
    if kind in classes:
        classes.remove(kind)
    return Attributes(attributes.id, tuple(classes), attributes.values)
