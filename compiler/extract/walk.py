"""The token walk: nodes and their blocks from markdown-it tokens, one `Extractor` per compile.

One walk over each file's token stream. Blocks go to the innermost open container: a node (a
section, a fenced annotation, an annotated list item), a list item, a quote or an admonition.
A node opened inside another leaves a `NodeBlock` where it stands, so a node's own text never
holds its children's; a span's words stay in its paragraph. Every node names its parent (the
innermost open node, else its section), and nodes are kept in the order they open: document
order. Every problem becomes a `Diagnostic`; none is raised. `finish` (in `finish.py`) resolves
what needs every file: links, placeholders, references and orders.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from ..diagnostics import Diagnostic, shorten, suggest
from ..document import Code, NodeBlock, Table
from ..grammar.types import Form, Grammar, Granularity, KindSpec
from ..links import slugify
from ..model import Attributes, Chapter, SourceSpan
from ..reader import SourceFile
from ..spec_files import SpecFiles
from ..syntax.annotations import annotation_info
from ..syntax.attributes import AttributeError_
from ..syntax.limits import MAX_NESTING
from .blocks import (
    AdmonitionBuilder,
    BlockBuilder,
    ListBuilder,
    ParagraphBuilder,
    Piece,
    QuoteBuilder,
    has_content,
)
from .front_matter import read_front_matter
from .ids import IdRegistry
from .inline import InlineReader, position
from .nodes import Context, NodeBuilder, close_node

_FENCE_ONLY = re.compile(r"^:{3,}$")
_WHAT = {
    Granularity.BLOCK: "a fenced block",
    Granularity.ITEM: "a list item",
    Granularity.SPAN: "a span",
}


@dataclass(slots=True)
class _Frame:
    """An open container: where blocks go until the token `closes` comes."""

    blocks: list[BlockBuilder]
    closes: str
    node: NodeBuilder | None = None
    """The node it opened, closed with it."""
    list_: ListBuilder | None = None


@dataclass(slots=True)
class _File:
    """The state of one file's walk."""

    source: SourceFile
    lines: list[str]
    frames: list[_Frame]
    section: NodeBuilder
    """The current section (the preamble's until the first heading)."""
    sections: list[NodeBuilder] = field(default_factory=list)
    table: tuple[list[str], list[list[str]]] | None = None
    row: list[str] | None = None
    in_head: bool = False
    normative: bool = True

    def owner(self) -> NodeBuilder:
        """The innermost open node."""
        return next((f.node for f in reversed(self.frames) if f.node is not None), self.section)


class Extractor:
    """Builds the nodes of a whole spec, one file at a time."""

    def __init__(
        self,
        registry: IdRegistry,
        reserved: set[str],
        files: SpecFiles | None = None,
        grammar: Grammar | None = None,
    ) -> None:
        from ..grammar.load import default_grammar

        self.context = Context(grammar or default_grammar(), registry)
        self.files = files
        """The spec directory's files, to check links to images and other files against."""
        self.registry = registry
        self.reserved = reserved
        """Explicit ids, so that ids made from titles never take one."""
        self.file_names: set[str] = set()
        self.nodes: list[NodeBuilder] = []
        """Every node, in document order."""
        self.chapters: list[Chapter] = []
        self.metadata: dict[str, object] = {}
        self.title: str | None = None
        self.version: str | None = None
        self.inline = InlineReader(self.context, self)
        self.displays: dict[str, str] = {}
        self._suffixes: dict[str, int] = {}
        self._file: _File | None = None
        self._item_spans: dict[int, Token] = {}
        """Spans that stand for their whole list item, by the id() of their inline token."""
        self._annotation_kinds = [k.name for k in self.context.grammar.annotation_kinds()]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.context.diagnostics

    @property
    def grammar(self) -> Grammar:
        return self.context.grammar

    # --- one file -------------------------------------------------------------------------

    def extract_file(self, source: SourceFile, tokens: Sequence[Token], first: bool) -> None:
        self.file_names.add(source.name)
        self.displays[source.name] = source.display
        section_kind = self._heading_kind()
        preamble = NodeBuilder(
            section_kind, None, "heading", Attributes(), SourceSpan(source.name, 1, 1, 1),
            source.display, None, None, level=1, auto_id=True,
        )  # fmt: skip
        state = _File(source, source.text.split("\n"), [_Frame(preamble.blocks, "")], preamble)
        self._file = state
        first_node = len(self.nodes)
        metadata: dict[str, object] = {}
        first_heading: str | None = None
        if not source.text.strip():
            self._error(
                "CC305", "file is empty", 1, 1, "add the chapter's text, or delete the file"
            )
        index, count, too_deep = 0, len(tokens), False
        while index < count:
            token = tokens[index]
            kind = token.type
            if token.nesting == 1 and token.level >= MAX_NESTING - 1 and not too_deep:
                # markdown-it skips what is nested deeper than its limit; say so, never drop silently.
                too_deep = tokens[index + 1].nesting == -1
                if too_deep:
                    self._error(
                        "CC104",
                        f"blocks are nested deeper than the limit of {MAX_NESTING} levels; "
                        "what is nested deeper is not read",
                        _line(token),
                        1,
                        "flatten the nesting of lists, block quotes and annotations",
                    )
            if kind == "heading_open":
                title = self.inline.read(tokens[index + 1], source, state.lines, None).text
                self._open_section(token, title, metadata)
                first_heading = first_heading or title
                index += 3  # heading_open, inline, heading_close
                continue
            if kind == "front_matter":
                metadata = read_front_matter(token.content, source, first, self._error_at)
                state.normative = metadata.get("normative") is not False
                preamble.normative = state.normative
            else:
                index = self._block(tokens, index)
            index += 1
        while len(state.frames) > 1:  # markdown-it closes every block; this is a safeguard
            self._close_frame(state.frames.pop())
        self._finish_file(state, preamble, first_node, metadata, first_heading, first)

    def _block(self, tokens: Sequence[Token], index: int) -> int:
        """Read the block token at `index`; the index of the last token read."""
        state = self._file
        assert state is not None
        token, frames = tokens[index], state.frames
        kind = token.type
        if frames[-1].closes == kind:
            self._close_frame(frames.pop())
        elif kind == "inline":
            self._inline(token)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            built = ListBuilder(kind == "ordered_list_open")
            frames[-1].blocks.append(built)
            frames.append(_Frame([], kind.replace("_open", "_close"), list_=built))
        elif kind == "list_item_open":
            self._open_item(tokens, index)
        elif kind == "blockquote_open":
            quote = QuoteBuilder()
            frames[-1].blocks.append(quote)
            frames.append(_Frame(quote.blocks, "blockquote_close"))
        elif kind == "admonition_open":
            admonition = AdmonitionBuilder(str(token.meta.get("tag", "")) or "note")
            frames[-1].blocks.append(admonition)
            frames.append(_Frame(admonition.blocks, "admonition_close"))
            if index + 2 < len(tokens) and tokens[index + 1].type == "admonition_title_open":
                title = self.inline.read(tokens[index + 2], state.source, state.lines, None).text
                admonition.title = title or None
                return index + 3
        elif kind == "container_annotation_open":
            self._open_annotation(token)
        elif kind in ("fence", "code_block"):
            language = token.info.strip().split(" ", 1)[0] if token.info.strip() else None
            frames[-1].blocks.append(Code(language, token.content.rstrip("\n")))
        elif kind == "html_block":
            from .inline import raw_html

            raw_html(self.context, state.source, _line(token), 1, token.content)
        elif kind == "table_open":
            state.table = ([], [])
        elif kind in ("thead_open", "thead_close"):
            state.in_head = kind == "thead_open"
        elif kind == "tr_open":
            state.row = []
        elif kind == "tr_close" and state.table is not None and state.row is not None:
            if state.in_head:
                state.table[0].extend(state.row)
            else:
                state.table[1].append(state.row)
            state.row = None
        elif kind == "table_close" and state.table is not None:
            header, rows = state.table
            frames[-1].blocks.append(Table(tuple(header), tuple(tuple(r) for r in rows)))
            state.table = None
        return index

    def _inline(self, token: Token) -> None:
        state = self._file
        assert state is not None
        owner = state.owner()
        item_span = self._item_spans.pop(id(token), None) if self._item_spans else None
        read = self.inline.read(token, state.source, state.lines, owner, item_span)
        if state.row is not None:
            state.row.append(read.text)
            return
        if ":::" in token.content:
            self._stray_fences(token)
        if not owner.seen_inline and owner.lead is None and owner.granularity == "block":
            from .inline import lead_phrase

            owner.lead = lead_phrase(token.children or [])
        owner.seen_inline = True
        state.frames[-1].blocks.append(ParagraphBuilder(read.pieces))

    # --- sections -------------------------------------------------------------------------

    def _heading_kind(self) -> KindSpec | None:
        return next((k for k in self.grammar.kinds.values() if k.form is Form.HEADING), None)

    def _open_section(self, token: Token, title: str, metadata: dict[str, object]) -> None:
        state = self._file
        assert state is not None
        lines, line = state.lines, _line(token)
        attributes: Attributes = token.meta.get("attributes", Attributes())
        errors: list[AttributeError_] = token.meta.get("attribute_errors", [])
        raw = lines[line - 1] if line - 1 < len(lines) else ""
        start = raw.rfind("{") + 1
        for error in errors:
            self._attribute_error(error, line, start + 1 + error.offset)
        level = int(token.tag[1])
        span = SourceSpan(state.source.name, line, _indent(lines, line) + 1, _end_line(token))
        kind = self._heading_kind()
        if attributes.id:
            ident, auto = attributes.id, False
        else:
            ident, auto = self._auto_id(title), True
        self._register(ident, kind.name if kind else "section", span)
        if not title.strip():
            self._error("CC305", "heading has no title", line, span.column,
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
            self._close_section(state.section)
        state.section = section
        state.frames[0] = _Frame(section.blocks, "", section)
        self.nodes.append(section)

    def _close_section(self, section: NodeBuilder) -> None:
        if not section.closed and section.id is not None:
            close_node(self.context, section)

    def _auto_id(self, title: str) -> str:
        base = slugify(title)
        # Start from the last suffix given for this base: thousands of equal titles stay linear.
        ident, n = base, self._suffixes.get(base, 1)
        if n > 1:
            ident = f"{base}-{n}"
        while ident in self.registry.kinds or ident in self.reserved:
            n += 1
            ident = f"{base}-{n}"
        self._suffixes[base] = n
        return ident

    # --- annotations: fenced blocks, list items, spans ---------------------------------------

    def _annotation_kind(
        self, name: str, granularity: Granularity, line: int, column: int
    ) -> KindSpec | None:
        """The annotation kind called `name`, when it may cover text of this granularity."""
        kind = self.grammar.kind(name)
        if kind is None or kind.form is not Form.ANNOTATION:
            known = self._annotation_kinds
            hint = suggest(name, known) or f"known kinds: {', '.join(known)}"
            message = (
                f"unknown annotation kind '{shorten(name)}'" if name else "annotation has no kind"
            )
            self._error("CC204", message, line, column, hint)
            return None
        if granularity not in kind.granularity:
            may = ", ".join(_WHAT[g] for g in kind.granularity) or "nothing"
            self._error(
                "CC731",
                f"a {kind.name} cannot be {_WHAT[granularity]}",
                line,
                column,
                f"a {kind.name} may cover {may} (its 'granularity' in the grammar)",
            )
            return None
        return kind

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
        state = self._file
        assert state is not None
        ident = attributes.id
        if kind is not None and ident is None:
            self._error("CC306", f"{kind.name} has no id", span.line, span.column,
                        f"add an id: '{example}'")  # fmt: skip
        elif kind is not None and ident is not None:
            self._register(ident, kind.name, span)
        node = NodeBuilder(
            kind, ident, str(granularity), attributes, span, state.source.display,
            state.owner(), state.section, header=header, normative=state.normative,
        )  # fmt: skip
        if node.kept:
            self.nodes.append(node)
            if place:  # a span's words stay in its paragraph
                state.frames[-1].blocks.append(NodeBlock(ident or ""))
        return node

    def _open_annotation(self, token: Token) -> None:
        state = self._file
        assert state is not None
        lines, line = state.lines, _line(token)
        column = _indent(lines, line) + 1
        info = annotation_info(token)
        info_column = column + len(token.markup)
        for error in info.errors:
            self._attribute_error(error, line, info_column + info.body_offset + error.offset)
        end = token.map[1] if token.map else line
        closing = lines[end].strip() if end < len(lines) else ""
        if not (closing.startswith(token.markup) and not closing.strip(":")):
            self._error(
                "CC205",
                f"annotation fence '{token.markup} {info.kind}' is never closed",
                line,
                column,
                f"close the block with a line '{token.markup}'; to nest blocks, give the outer one more colons",
            )
        span = SourceSpan(state.source.name, line, column, end + 1)
        kind = None
        if info.kind or not info.errors:  # a header that could not be read is reported above
            kind = self._annotation_kind(info.kind, Granularity.BLOCK, line, info_column + 1)
        raw = lines[line - 1] if 0 < line <= len(lines) else ""
        if kind is not None and any(e.code == "CC208" for e in info.errors):
            kind = None  # its id could not be read: reported above
        example = f"{token.markup} {info.kind} {{#some-id}}"
        node = self._new_node(
            kind, info.attributes, Granularity.BLOCK, span, (line, column, raw), example
        )
        blocks = node.blocks if node.kept else state.frames[-1].blocks
        state.frames.append(
            _Frame(blocks, "container_annotation_close", node if node.kept else None)
        )

    def _open_item(self, tokens: Sequence[Token], index: int) -> None:
        """A list item; when its first paragraph is one span of a kind that may cover a list
        item, the item is that kind's node."""
        state = self._file
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
                self._item_spans[id(inline)] = span
                line, column = position(inline, state.lines, 0)
                end = _last_line(state.lines, token)
                source = SourceSpan(state.source.name, line, column, end)
                header = (
                    *position(inline, state.lines, span.meta["body_offset"]),
                    state.lines[line - 1],
                )
                attributes = _without_kind(span.meta["attributes"], kind.name)
                self._span_errors(span, inline)
                frames.append(_Frame(item, ""))  # the NodeBlock goes into the item
                node = self._new_node(kind, attributes, Granularity.ITEM, source, header,
                                      f"[text]{{#some-id .{kind.name}}}")  # fmt: skip
                frames.pop()
                from .inline import lead_phrase

                children = inline.children or []
                node.lead = lead_phrase(children[children.index(span) + 1 :])
                node.seen_inline = True
                if node.kept:
                    frames.append(_Frame(node.blocks, "list_item_close", node))
                    return
        frames.append(_Frame(item, "list_item_close"))

    # the span host, for `InlineReader`

    def open_span(
        self, token: Token, source: SourceFile, line: int, column: int, lead: str | None
    ) -> NodeBuilder | None:
        state = self._file
        assert state is not None
        attributes: Attributes = token.meta["attributes"]
        kind_name = _span_kind(attributes, self.grammar)
        raw = state.lines[line - 1] if 0 < line <= len(state.lines) else ""
        body_column = column + (token.meta.get("body_offset", 0) - token.meta.get("offset", 0))
        for error in token.meta.get("attribute_errors", []):
            self._attribute_error(error, line, body_column + error.offset)
        if kind_name is None:
            classes = attributes.classes
            near = next((s for c in classes if (s := suggest(c, self._annotation_kinds))), None)
            self._error(
                "CC730",
                "a span with attributes but no kind is not read as an annotation",
                line,
                column,
                near
                or f"name its kind as a class: [text]{{#id .kind}}; kinds: {', '.join(self._annotation_kinds)}",
            )
            return None
        kind = self._annotation_kind(kind_name, Granularity.SPAN, line, column)
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

    def close_span(self, node: NodeBuilder, pieces: list[Piece]) -> None:
        node.blocks.append(ParagraphBuilder([(piece, None) for piece in pieces]))
        close_node(self.context, node)

    def _span_errors(self, span: Token, inline: Token) -> None:
        state = self._file
        assert state is not None
        line, column = position(inline, state.lines, span.meta["body_offset"])
        for error in span.meta.get("attribute_errors", []):
            self._attribute_error(error, line, column + error.offset)

    # --- closing ----------------------------------------------------------------------------

    def _close_frame(self, frame: _Frame) -> None:
        if frame.node is not None:
            close_node(self.context, frame.node)

    def _finish_file(
        self,
        state: _File,
        preamble: NodeBuilder,
        first_node: int,
        metadata: dict[str, object],
        first_heading: str | None,
        first: bool,
    ) -> None:
        source = state.source
        lines = state.lines
        if has_content(preamble.blocks):
            stem = source.name.rsplit("/", 1)[-1].removesuffix(".md")
            preamble.title = str(metadata.get("title") or stem)
            preamble.id = self._auto_id(stem)
            kind = preamble.kind
            self._register(preamble.id, kind.name if kind else "section", preamble.source)
            self.nodes.insert(first_node, preamble)
            close_node(self.context, preamble)
        if state.section is not preamble:
            self._close_section(state.section)
        # A section runs to the line before the next heading, or to the end of the file.
        last_line = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
        sections = [n for n in self.nodes[first_node:] if n.granularity == "heading"]
        for position_, section in enumerate(sections):
            nxt = (
                sections[position_ + 1].source.line - 1
                if position_ + 1 < len(sections)
                else last_line
            )
            span = section.source
            section.source = SourceSpan(span.file, span.line, span.column, max(nxt, span.line))
        self.chapters.append(
            Chapter(
                file=source.name,
                sha256=hashlib.sha256(source.text.encode("utf-8")).hexdigest(),
                title=str(metadata["title"])
                if not first and "title" in metadata
                else first_heading,
                number=_int_or_none(metadata.get("chapter")),
                reading_time=_int_or_none(metadata.get("reading_time")),
                metadata=tuple(metadata.items()),
            )
        )
        if first:
            self.metadata = dict(metadata)
            doc_title = metadata.get("title")
            self.title = str(doc_title) if doc_title is not None else first_heading
            version = metadata.get("version")
            self.version = str(version) if version is not None else None
        self._file = None

    def _stray_fences(self, token: Token) -> None:
        """A line of colons in a paragraph closes nothing: an opening fence is missing (and
        without this check the colons would pass into the text silently)."""
        state = self._file
        assert state is not None
        first = _line(token)
        for offset, text in enumerate(token.content.split("\n")):
            if _FENCE_ONLY.match(text.strip()):
                line = first + offset
                raw = state.lines[line - 1] if 0 < line <= len(state.lines) else ""
                self._error(
                    "CC205",
                    "closing annotation fence without an opening one",
                    line,
                    raw.find(":") + 1 or 1,
                    "remove this line, or open the block with '::: kind {#id}'; "
                    "to nest blocks, give the outer fence more colons",
                )

    # --- helpers --------------------------------------------------------------------------

    def _register(self, ident: str, kind: str, span: SourceSpan) -> None:
        self.context.register(ident, kind, self.displays.get(span.file, span.file), span)

    def _error(self, code: str, message: str, line: int, column: int, hint: str) -> None:
        state = self._file
        display = state.source.display if state is not None else ""
        self.context.error(code, message, display, line, column, hint)

    def _error_at(
        self, code: str, message: str, source: SourceFile, line: int, column: int, hint: str
    ) -> None:
        self.context.error(code, message, source.display, line, column, hint)

    def _attribute_error(self, error: AttributeError_, line: int, column: int) -> None:
        hint = (
            "ids may contain letters, digits, '-' and '_'"
            if error.code == "CC208"
            else 'attributes read {#id .class key=value key="quoted value"}'
        )
        self._error(error.code, error.message, line, column, hint)


def _whole_span(tokens: Sequence[Token], index: int) -> Token | None:
    """The span that is all of the first paragraph of the list item at `index`, if any."""
    if index + 2 >= len(tokens) or tokens[index + 1].type != "paragraph_open":
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


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _end_line(token: Token) -> int:
    return token.map[1] if token.map else 0


def _last_line(lines: list[str], token: Token) -> int:
    """The last line of a block that is not blank."""
    first, end = (token.map[0] + 1, token.map[1]) if token.map else (0, 0)
    while end > first and 0 < end <= len(lines) and not lines[end - 1].strip():
        end -= 1
    return max(end, first)


def _indent(lines: list[str], line: int) -> int:
    if 0 < line <= len(lines):
        text = lines[line - 1]
        return len(text) - len(text.lstrip(" \t>"))
    return 0


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
