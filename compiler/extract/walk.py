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

from collections.abc import Callable, Sequence

from markdown_it.token import Token

from ..diagnostics import Diagnostic
from ..document import Code, Table
from ..grammar.types import Grammar
from ..model import Chapter
from ..reader import SourceFile
from ..spec_files import SpecFiles
from ..syntax.limits import MAX_NESTING
from .annotate import Annotations
from .blocks import AdmonitionBuilder, ListBuilder, QuoteBuilder, reads
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
        frames = [Frame(preamble.blocks, "")]
        state = FileState(source, source.text.split("\n"), frames, preamble, first=first)
        self.walk.file = state
        first_node = len(self.nodes)
        if not source.text or source.text.isspace():  # strip() would copy the whole text
            self.walk.error(
                "CC305", "file is empty", 1, 1, "add the chapter's text, or delete the file"
            )
        # One look-up per token: most (paragraphs' open and close tokens, a heading's close)
        # have no handler and cost nothing more.
        handlers, deep = _HANDLERS, MAX_NESTING - 1
        index, count, too_deep = 0, len(tokens), False
        while index < count:
            token = tokens[index]
            if token.level >= deep and token.nesting == 1 and not too_deep:
                too_deep = self._too_deep(tokens, index)
            kind = token.type
            if frames[-1].closes == kind:
                self._close_frame(frames.pop())
            else:
                handler = handlers.get(kind)
                if handler is not None:
                    index = handler(self, tokens, index, state)
            index += 1
        while len(frames) > 1:  # markdown-it closes every block; this is a safeguard
            self._close_frame(frames.pop())
        metadata, first_heading = state.metadata, state.first_heading
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

    def _too_deep(self, tokens: Sequence[Token], index: int) -> bool:
        """markdown-it skips what is nested deeper than its limit: say so, never drop silently.
        True once said (once per file)."""
        if tokens[index + 1].nesting != -1:
            return False
        self.walk.error(
            "CC104",
            f"blocks are nested deeper than the limit of {MAX_NESTING} levels; "
            "what is nested deeper is not read",
            line_of(tokens[index]),
            1,
            "flatten the nesting of lists, block quotes and annotations",
        )
        return True

    # The handlers of block tokens: each reads the token at `index` and returns the index of
    # the last token it read.

    def _heading(self, tokens: Sequence[Token], index: int, state: FileState) -> int:
        title = reads(self.inline.read(tokens[index + 1], state.source, state.lines, None))
        self.sections.open(tokens[index], title)
        state.first_heading = state.first_heading or title
        return index + 2  # heading_open, inline, heading_close

    def _front_matter(self, tokens: Sequence[Token], index: int, state: FileState) -> int:
        content = tokens[index].content
        metadata = read_front_matter(content, state.source, state.first, self.walk.error_at)
        state.metadata = metadata
        state.normative = metadata.get("normative") is not False
        state.section.normative = state.normative  # the preamble's: front matter comes first
        return index

    def _list_item(self, tokens: Sequence[Token], index: int, state: FileState) -> int:
        self.annotations.open_item(tokens, index)
        return index

    def _admonition(self, tokens: Sequence[Token], index: int, state: FileState) -> int:
        token, frames = tokens[index], state.frames
        admonition = AdmonitionBuilder(str(token.meta.get("tag", "")) or "note")
        frames[-1].blocks.append(admonition)
        frames.append(Frame(admonition.blocks, "admonition_close"))
        if index + 2 < len(tokens) and tokens[index + 1].type == "admonition_title_open":
            title = reads(self.inline.read(tokens[index + 2], state.source, state.lines, None))
            admonition.title = title or None
            return index + 3
        return index

    def _annotation(self, tokens: Sequence[Token], index: int, state: FileState) -> int:
        self.annotations.open_block(tokens[index])
        return index

    def _html(self, tokens: Sequence[Token], index: int, state: FileState) -> int:
        from .inline import raw_html

        token = tokens[index]
        raw_html(self.context, state.source, line_of(token), 1, token.content)
        return index

    def _inline(self, tokens: Sequence[Token], index: int, state: FileState) -> int:
        token = tokens[index]
        owner = state.owner()
        item_span = self._item_spans.pop(id(token), None) if self._item_spans else None
        read = self.inline.read(token, state.source, state.lines, owner, item_span)
        if state.row is not None:
            state.row.append(reads(read))
            return index
        if ":::" in token.content:
            stray_fences(self.walk, token)
        if not owner.seen_inline and owner.lead is None and owner.granularity == "block":
            from .inline import lead_phrase

            owner.lead = lead_phrase(token.children or [])
        owner.seen_inline = True
        state.frames[-1].blocks.append(read)
        return index

    def _close_frame(self, frame: Frame) -> None:
        if frame.node is not None:
            close_node(self.context, frame.node)


# The handlers that need only the file's state.


def _list(_: Extractor, tokens: Sequence[Token], index: int, state: FileState) -> int:
    kind = tokens[index].type
    built = ListBuilder(kind == "ordered_list_open")
    state.frames[-1].blocks.append(built)
    state.frames.append(Frame([], kind.replace("_open", "_close"), list_=built))
    return index


def _quote(_: Extractor, tokens: Sequence[Token], index: int, state: FileState) -> int:
    quote = QuoteBuilder()
    state.frames[-1].blocks.append(quote)
    state.frames.append(Frame(quote.blocks, "blockquote_close"))
    return index


def _code(_: Extractor, tokens: Sequence[Token], index: int, state: FileState) -> int:
    token = tokens[index]
    language = token.info.strip().split(" ", 1)[0] if token.info.strip() else None
    state.frames[-1].blocks.append(Code(language, token.content.rstrip("\n")))
    return index


def _table(_: Extractor, tokens: Sequence[Token], index: int, state: FileState) -> int:
    state.table = ([], [])
    return index


def _table_head(_: Extractor, tokens: Sequence[Token], index: int, state: FileState) -> int:
    state.in_head = tokens[index].type == "thead_open"
    return index


def _row(_: Extractor, tokens: Sequence[Token], index: int, state: FileState) -> int:
    state.row = []
    return index


def _row_end(_: Extractor, tokens: Sequence[Token], index: int, state: FileState) -> int:
    if state.table is not None and state.row is not None:
        if state.in_head:
            state.table[0].extend(state.row)
        else:
            state.table[1].append(state.row)
        state.row = None
    return index


def _table_end(_: Extractor, tokens: Sequence[Token], index: int, state: FileState) -> int:
    if state.table is not None:
        header, rows = state.table
        state.frames[-1].blocks.append(Table(tuple(header), tuple(tuple(r) for r in rows)))
        state.table = None
    return index


_Handler = Callable[[Extractor, Sequence[Token], int, FileState], int]
#: The block tokens the walk reads, and how; it skips the others (their open or close token
#: only frames what another token holds).
_HANDLERS: dict[str, _Handler] = {
    "heading_open": Extractor._heading,
    "front_matter": Extractor._front_matter,
    "inline": Extractor._inline,
    "bullet_list_open": _list,
    "ordered_list_open": _list,
    "list_item_open": Extractor._list_item,
    "blockquote_open": _quote,
    "admonition_open": Extractor._admonition,
    "container_annotation_open": Extractor._annotation,
    "fence": _code,
    "code_block": _code,
    "html_block": Extractor._html,
    "table_open": _table,
    "thead_open": _table_head,
    "thead_close": _table_head,
    "tr_open": _row,
    "tr_close": _row_end,
    "table_close": _table_end,
}
