"""The end of a file's walk: where each of its sections ends, and its `Chapter` record (the
file, its hash, title, number and front matter)."""

from __future__ import annotations

from collections.abc import Sequence

from ..digests import sha256_hex
from ..model import Chapter, SourceSpan
from ..reader import SourceFile
from .nodes import NodeBuilder


def end_sections(nodes: Sequence[NodeBuilder], lines: list[str]) -> None:
    """A section of `nodes` (one file's) runs to the line before the next heading, or to the
    end of the file."""
    last_line = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
    sections = [n for n in nodes if n.granularity == "heading"]
    for position_, section in enumerate(sections):
        nxt = (
            sections[position_ + 1].source.line - 1 if position_ + 1 < len(sections) else last_line
        )
        span = section.source
        section.source = SourceSpan(span.file, span.line, span.column, max(nxt, span.line))


def chapter(
    source: SourceFile, metadata: dict[str, object], first_heading: str | None, first: bool
) -> Chapter:
    """The record of the file `source`; the first file's title is the document's, so its
    chapter takes the title of its first heading."""
    return Chapter(
        file=source.name,
        sha256=source.sha256 or sha256_hex(source.text.encode("utf-8")),
        title=str(metadata["title"]) if not first and "title" in metadata else first_heading,
        number=_int_or_none(metadata.get("chapter")),
        reading_time=_int_or_none(metadata.get("reading_time")),
        metadata=tuple(metadata.items()),
    )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
