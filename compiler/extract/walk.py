"""The token walk: nodes and their blocks from markdown-it tokens, one `Extractor` per compile.

One walk over each file's token stream. Blocks go to the innermost open container: a node (a
section, a fenced annotation, an annotated list item), a list item, a quote or an admonition.
A node opened inside another leaves a `NodeBlock` where it stands, so a node's own text never
holds its children's; a span's words stay in its paragraph. Every node names its parent (the
innermost open node, else its section), and nodes are kept in the order they open: document
order. Headings open sections (`sections.py`), annotations open nodes (`annotate.py`), the end
of a file dates its sections and records its chapter (`chapters.py`). Every problem becomes a
`Diagnostic`; none is raised. `finish` (in `finish.py`) resolves what needs every file: links,
placeholders, references and orders.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

from ..diagnostics import Diagnostic
from ..document import Code, Table
from ..grammar.types import Grammar
from ..model import Chapter
from ..reader import SourceFile
from ..spec_files import SpecFiles
from ..syntax.limits import MAX_NESTING
from .annotate import Annotations
from .blocks import AdmonitionBuilder, ListBuilder, QuoteBuilder, paragraph
from .chapters import chapter, end_sections
from .frames import FileState, Frame, Walk, line_of, stray_fences
from .front_matter import read_front_matter
from .ids import IdRegistry
from .inline import InlineReader
from .nodes import Context, NodeBuilder, close_node
from .sections import Sections


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
        self.file_names: set[str] = set()
        self.chapters: list[Chapter] = []
        self.metadata: dict[str, object] = {}
        self.title: str | None = None
        self.version: str | None = None
        self.walk = Walk(self.context)
        self.sections = Sections(self.walk, reserved)
        self.annotations = Annotations(self.walk)
        self.inline = InlineReader(self.context, self.annotations)
        self._item_spans = self.annotations.item_spans
        """The same dict: `Annotations.open_item` puts a span in, `_inline` takes it out."""

    @property
    def nodes(self) -> list[NodeBuilder]:
        """Every node, in document order."""
        return self.walk.nodes

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.context.diagnostics

    @property
    def grammar(self) -> Grammar:
        return self.context.grammar

    def extract_file(self, source: SourceFile, tokens: Sequence[Token], first: bool) -> None:
        self.file_names.add(source.name)
        self.walk.displays[source.name] = source.display
        preamble = self.sections.preamble(source)
        state = FileState(source, source.text.split("\n"), [Frame(preamble.blocks, "")], preamble)
        self.walk.file = state
        first_node = len(self.nodes)
        metadata: dict[str, object] = {}
        first_heading: str | None = None
        if not source.text or source.text.isspace():  # strip() would copy the whole text
            self.walk.error(
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
                    self.walk.error(
                        "CC104",
                        f"blocks are nested deeper than the limit of {MAX_NESTING} levels; "
                        "what is nested deeper is not read",
                        line_of(token),
                        1,
                        "flatten the nesting of lists, block quotes and annotations",
                    )
            if kind == "heading_open":
                title = self.inline.read(tokens[index + 1], source, state.lines, None).text
                self.sections.open(token, title)
                first_heading = first_heading or title
                index += 3  # heading_open, inline, heading_close
                continue
            if kind == "front_matter":
                metadata = read_front_matter(token.content, source, first, self.walk.error_at)
                state.normative = metadata.get("normative") is not False
                preamble.normative = state.normative
            else:
                index = self._block(tokens, index)
            index += 1
        while len(state.frames) > 1:  # markdown-it closes every block; this is a safeguard
            self._close_frame(state.frames.pop())
        self.sections.close_file(state, preamble, first_node, metadata.get("title"))
        end_sections(self.nodes[first_node:], state.lines)
        self.chapters.append(chapter(source, metadata, first_heading, first))
        if first:
            self.metadata = dict(metadata)
            doc_title = metadata.get("title")
            self.title = str(doc_title) if doc_title is not None else first_heading
            version = metadata.get("version")
            self.version = str(version) if version is not None else None
        self.walk.file = None

    def _block(self, tokens: Sequence[Token], index: int) -> int:
        """Read the block token at `index`; the index of the last token read."""
        state = self.walk.file
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
            self.annotations.open_item(tokens, index)
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
            self.annotations.open_block(token)
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
        state = self.walk.file
        assert state is not None
        owner = state.owner()
        item_span = self._item_spans.pop(id(token), None) if self._item_spans else None
        read = self.inline.read(token, state.source, state.lines, owner, item_span)
        if state.row is not None:
            state.row.append(read.text)
            return
        if ":::" in token.content:
            stray_fences(self.walk, token)
        if not owner.seen_inline and owner.lead is None and owner.granularity == "block":
            from .inline import lead_phrase

            owner.lead = lead_phrase(token.children or [])
        owner.seen_inline = True
        state.frames[-1].blocks.append(paragraph(read.pieces, read.edges))

    def _close_frame(self, frame: Frame) -> None:
        if frame.node is not None:
            close_node(self.context, frame.node)
