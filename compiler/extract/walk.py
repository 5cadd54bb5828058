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
import weakref
from collections.abc import Sequence

from markdown_it.token import Token

from ..diagnostics import Diagnostic
from ..document import Code, Table
from ..grammar.types import Grammar, Granularity, KindSpec
from ..links import slugify
from ..model import Attributes, Chapter, SourceSpan
from ..reader import SourceFile
from ..spec_files import SpecFiles
from ..syntax.attributes import AttributeError_
from ..syntax.limits import MAX_NESTING
from .annotate import AnnotationReader
from .blocks import (
    AdmonitionBuilder,
    ListBuilder,
    ParagraphBuilder,
    QuoteBuilder,
    has_content,
)
from .frames import FileState, Frame, end_line, indent, line_of
from .front_matter import read_front_matter
from .ids import IdRegistry
from .inline import InlineReader
from .nodes import Context, NodeBuilder, close_node

_FENCE_ONLY = re.compile(r"^:{3,}$")
_WHAT = {
    Granularity.BLOCK: "a fenced block",
    Granularity.ITEM: "a list item",
    Granularity.SPAN: "a span",
}


class Extractor(AnnotationReader):
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
        # A proxy, not `self`: a reference cycle would make the whole extraction (every builder
        # and chapter) garbage only the cycle collector frees.
        self.inline = InlineReader(self.context, weakref.proxy(self))
        self.displays: dict[str, str] = {}
        self._suffixes: dict[str, int] = {}
        self._file: FileState | None = None
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
        state = FileState(source, source.text.split("\n"), [Frame(preamble.blocks, "")], preamble)
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
                        line_of(token),
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
            frames.append(Frame([], kind.replace("_open", "_close"), list_=built))
        elif kind == "list_item_open":
            self._open_item(tokens, index)
        elif kind == "blockquote_open":
            quote = QuoteBuilder()
            frames[-1].blocks.append(quote)
            frames.append(Frame(quote.blocks, "blockquote_close"))
        elif kind == "admonition_open":
            admonition = AdmonitionBuilder(str(token.meta.get("tag", "")) or "note")
            frames[-1].blocks.append(admonition)
            frames.append(Frame(admonition.blocks, "admonition_close"))
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

            raw_html(self.context, state.source, line_of(token), 1, token.content)
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

    def _heading_kind(self) -> KindSpec:
        """The kind of headings (built in: a spec cannot redeclare or remove it)."""
        kind = self.grammar.heading_kind
        assert kind is not None  # every grammar holds the built-in kinds
        return kind

    def _open_section(self, token: Token, title: str, metadata: dict[str, object]) -> None:
        state = self._file
        assert state is not None
        lines, line = state.lines, line_of(token)
        attributes: Attributes = token.meta.get("attributes", Attributes())
        errors: list[AttributeError_] = token.meta.get("attribute_errors", [])
        raw = lines[line - 1] if line - 1 < len(lines) else ""
        start = raw.rfind("{") + 1
        for error in errors:
            self._attribute_error(error, line, start + 1 + error.offset)
        level = int(token.tag[1])
        span = SourceSpan(state.source.name, line, indent(lines, line) + 1, end_line(token))
        kind = self._heading_kind()
        if attributes.id:
            ident, auto = attributes.id, False
        else:
            ident, auto = self._auto_id(title), True
        self._register(ident, kind.name, span)
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
        state.frames[0] = Frame(section.blocks, "", section)
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

    # --- closing ----------------------------------------------------------------------------

    def _close_frame(self, frame: Frame) -> None:
        if frame.node is not None:
            close_node(self.context, frame.node)

    def _finish_file(
        self,
        state: FileState,
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
            self._register(preamble.id, self._heading_kind().name, preamble.source)
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
        first = line_of(token)
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


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
