"""The state of one file's walk: the open containers (`Frame`) and the file (`FileState`), and
small helpers on markdown-it tokens' positions."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it.token import Token

from ..reader import SourceFile
from .blocks import BlockBuilder, ListBuilder
from .nodes import NodeBuilder


@dataclass(slots=True)
class Frame:
    """An open container: where blocks go until the token `closes` comes."""

    blocks: list[BlockBuilder]
    closes: str
    node: NodeBuilder | None = None
    """The node it opened, closed with it."""
    list_: ListBuilder | None = None


@dataclass(slots=True)
class FileState:
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

    def owner(self) -> NodeBuilder:
        """The innermost open node."""
        for frame in reversed(self.frames):
            if frame.node is not None:
                return frame.node
        return self.section


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
