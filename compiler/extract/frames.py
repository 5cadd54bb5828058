"""The state of the walk: the open containers (`Frame`), the file being walked (`FileState`),
what the walk's parts share (`Walk`: the nodes, the diagnostics), and small helpers on
markdown-it tokens' positions."""

from __future__ import annotations

import re

from markdown_it.token import Token
from msgspec import Struct, field

from ..model import SourceSpan
from ..reader import SourceFile
from ..syntax.attributes import AttributeError_
from .blocks import BlockBuilder, ListBuilder
from .nodes import Context, NodeBuilder

_FENCE_ONLY = re.compile(r"^:{3,}$")


class Frame(Struct):
    """An open container: where blocks go until the token `closes` comes."""

    blocks: list[BlockBuilder]
    closes: str
    node: NodeBuilder | None = None
    """The node it opened, closed with it."""
    list_: ListBuilder | None = None


class FileState(Struct):
    """The state of one file's walk."""

    source: SourceFile
    lines: list[str]
    frames: list[Frame]
    section: NodeBuilder
    """The current section (the preamble's until the first heading)."""
    sections: list[NodeBuilder] = field(default_factory=list)
    table: tuple[list[str], list[list[str]]] | None = None
    row: list[str] | None = None
    in_head: bool = False
    normative: bool = True
    first: bool = False
    """True for the spec's first file (its front matter is the document's)."""
    metadata: dict[str, object] = field(default_factory=dict)
    """Its front matter."""
    first_heading: str | None = None
    """The title of its first heading."""

    def owner(self) -> NodeBuilder:
        """The innermost open node."""
        for frame in reversed(self.frames):
            if frame.node is not None:
                return frame.node
        return self.section


class Walk(Struct, eq=False):
    """What the parts of one compile's walk share (the `Extractor`, its `Sections` and its
    `Annotations`): each holds this, never another part, so no reference cycle keeps the whole
    extraction (every builder and chapter) alive for the cycle collector to find."""

    context: Context
    nodes: list[NodeBuilder] = field(default_factory=list)
    """Every node, in document order."""
    displays: dict[str, str] = field(default_factory=dict)
    """Each file's name as diagnostics show it, by its name."""
    file: FileState | None = None
    """The file being walked."""

    def register(self, ident: str, kind: str, span: SourceSpan) -> None:
        self.context.register(ident, kind, self.displays.get(span.file, span.file), span)

    def error(self, code: str, message: str, line: int, column: int, hint: str) -> None:
        """A problem in the file being walked."""
        display = self.file.source.display if self.file is not None else ""
        self.context.error(code, message, display, line, column, hint)

    def error_at(
        self, code: str, message: str, source: SourceFile, line: int, column: int, hint: str
    ) -> None:
        self.context.error(code, message, source.display, line, column, hint)

    def attribute_error(self, error: AttributeError_, line: int, column: int) -> None:
        hint = (
            "ids may contain letters, digits, '-' and '_'"
            if error.code == "CC208"
            else 'attributes read {#id .class key=value key="quoted value"}'
        )
        self.error(error.code, error.message, line, column, hint)


def stray_fences(walk: Walk, token: Token) -> None:
    """A line of colons in a paragraph closes nothing: an opening fence is missing (and without
    this check the colons would pass into the text silently)."""
    state = walk.file
    assert state is not None
    first = line_of(token)
    for offset, text in enumerate(token.content.split("\n")):
        if _FENCE_ONLY.match(text.strip()):
            line = first + offset
            raw = state.lines[line - 1] if 0 < line <= len(state.lines) else ""
            walk.error(
                "CC205",
                "closing annotation fence without an opening one",
                line,
                raw.find(":") + 1 or 1,
                "remove this line, or open the block with '::: kind {#id}'; "
                "to nest blocks, give the outer fence more colons",
            )


def line_of(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def end_line(token: Token) -> int:
    return token.map[1] if token.map else 0


def last_line(lines: list[str], token: Token) -> int:
    """The last line of a block that is not blank."""
    first, end = (token.map[0] + 1, token.map[1]) if token.map else (0, 0)
    while end > first and 0 < end <= len(lines) and not lines[end - 1].strip():
        end -= 1
    return max(end, first)


def indent(lines: list[str], line: int) -> int:
    if 0 < line <= len(lines):
        text = lines[line - 1]
        return len(text) - len(text.lstrip(" \t>"))
    return 0
