"""The plain data every stage shares: where a thing came from (`SourceSpan`), attributes as
written (`Attributes`) and one source file (`Chapter`). The document's nodes are in
`compiler.document`, the kinds in the grammar (`compiler.grammar`).
"""

from __future__ import annotations

from msgspec import Struct


class SourceSpan(Struct, frozen=True):
    """A place in the spec's sources."""

    file: str
    """Path relative to the spec root, with `/` separators."""
    line: int
    """1-based first line."""
    column: int = 1
    """1-based column of the first character."""
    end_line: int = 0
    """1-based last line (inclusive); equal to `line` for one-line nodes."""

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "end_line": max(self.end_line, self.line),
        }


class Attributes(Struct, frozen=True):
    """Attributes written as ``{#id .class key=value}``."""

    id: str | None = None
    """The ``#id``, if any."""
    classes: tuple[str, ...] = ()
    """The ``.class`` names, in source order."""
    values: tuple[tuple[str, str], ...] = ()
    """The ``key=value`` pairs, in source order."""

    def get(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.values:
            if k == key:
                return v
        return default

    def as_dict(self) -> dict[str, str]:
        return dict(self.values)


class Chapter(Struct, frozen=True):
    """One source file of the spec."""

    file: str
    """Path relative to the spec root."""
    sha256: str
    """SHA-256 of the normalised text (UTF-8, LF line endings, no byte-order mark)."""
    title: str | None
    """The file's first heading, or its front matter ``title``."""
    number: int | None
    """Front matter ``chapter``."""
    reading_time: int | None
    """Front matter ``reading_time``, in minutes."""
    metadata: tuple[tuple[str, object], ...] = ()
    """The whole front matter, validated."""
