"""The typed model of a compiled constitution: plain, frozen data.

Every node records where it came from (`SourceSpan`), so diagnostics, the site and diffs can
point at the Markdown line that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SourceSpan:
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


@dataclass(frozen=True, slots=True)
class Attributes:
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


@dataclass(frozen=True, slots=True)
class Chapter:
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


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the text under it up to the next heading."""

    id: str
    title: str
    level: int
    """Heading level, 1 to 6."""
    parent: str | None
    """Id of the enclosing section (the nearest earlier heading of a lower level)."""
    auto_id: bool
    """True when the id was made from the title rather than written as ``{#id}``."""
    attributes: Attributes
    text: str
    """Plain text of the section's own blocks (not its subsections'), paragraphs joined by a blank line."""
    source: SourceSpan
    normative: bool = True
    """False when its file's front matter says ``normative: false`` (not part of the official text)."""


@dataclass(frozen=True, slots=True)
class Property:
    """A core value."""

    id: str
    title: str
    rank: int
    """1 is the highest."""
    text: str
    section: str | None
    attributes: Attributes
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class Priority:
    """How properties are ordered when they conflict."""

    id: str
    mode: str
    """``holistic`` (higher priorities generally dominate, all are weighed) or ``strict`` (lexical)."""
    order: tuple[str, ...]
    """Property ids, highest first."""
    text: str
    section: str | None
    attributes: Attributes
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class Constraint:
    """A hard line."""

    id: str
    kind: str
    """``hard``, ``exception``, ``robustness`` or another word the author chose."""
    text: str
    concerns: tuple[str, ...]
    """Ids of the properties (or other nodes) it concerns."""
    section: str | None
    attributes: Attributes
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class Definition:
    """The meaning of a term."""

    id: str
    term: str
    text: str
    section: str | None
    attributes: Attributes
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class Rationale:
    """The reasons behind other nodes."""

    id: str
    text: str
    justifies: tuple[str, ...]
    section: str | None
    attributes: Attributes
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class Reference:
    """A link from the text to an id."""

    origin: str | None
    """Id of the innermost node (annotation or section) that holds the link."""
    target: str
    text: str
    source: SourceSpan


@dataclass(slots=True)
class Spec:
    """A whole compiled constitution."""

    title: str | None = None
    version: str | None = None
    metadata: dict[str, object] = field(default_factory=dict)
    chapters: list[Chapter] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)
    priorities: list[Priority] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    rationales: list[Rationale] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
