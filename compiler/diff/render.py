"""A diff for people and tools: text for a terminal, Markdown for a pull request, JSON, and (in
`compiler.diff.html`) HTML. Each keeps the paragraphs of the redline and marks every edit; none
holds command-line code (colour is plain ANSI, added only on request).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from ..diagnostics import escape_controls
from .html import render_html
from .redline_views import edge_spaces, elide, redline_lines, shown
from .redlines import CONTEXT_WORDS, Segment
from .result import DiffResult, heading, where
from .rules import KINDS, LEVELS, Level, node_rule

#: Whole texts of added or removed nodes are not worth repeating in text and Markdown output.
NO_REDLINE = frozenset(
    node_rule(kind, what) for kind in (*KINDS, "") for what in ("added", "removed")
)


def summary_line(result: DiffResult) -> str:
    counts = result.counts()
    parts = ", ".join(f"{counts[level.value]} {level.value}" for level in LEVELS)
    total = len(result.changes)
    noun = "change" if total == 1 else "changes"
    ignored = f"; {len(result.ignored)} ignored" if result.ignored else ""
    return f"{total} {noun} ({parts}{ignored}); required version bump: {result.bump}"


# --- text ----------------------------------------------------------------------------------


def terminal_safe(text: str) -> str:
    """`text` with every character that a terminal would act on written as an escape
    (``\\x1b``, ``\\u202e``), so that input can neither colour, move nor reorder the output.
    Line breaks and tabs are kept: the one escaping of `diagnostics.escape_controls`."""
    return escape_controls(text, keep_layout=True)


_STYLES = {
    "delete": "31;9",  # red, struck through
    "insert": "32;4",  # green, underlined
    Level.BREAKING: "1;31",
    Level.SUBSTANTIVE: "1;33",
    Level.EDITORIAL: "1;36",
}


def _style(text: str, key: str) -> str:
    return f"\x1b[{_STYLES[key]}m{text}\x1b[0m"


_TEXT_MARKS = {"delete": ("[-", "-]"), "insert": ("{+", "+}")}


def redline_text(
    segments: Sequence[Segment], *, color: bool = False, context: int = CONTEXT_WORDS
) -> str:
    """``[-deleted-]{+inserted+}`` (git's word-diff), in red and green when `color`; one line
    per line of the text, spaces at the edges of an edit outside its marks."""
    lines: list[str] = []
    for line in redline_lines(elide(shown(segments), context)):
        parts: list[str] = []
        for segment in line:
            text = terminal_safe(segment.text)
            if segment.op == "equal":
                parts.append(text)
                continue
            lead, core, trail = edge_spaces(text)
            opening, closing = _TEXT_MARKS[segment.op]
            marked = f"{opening}{core}{closing}"
            parts.append(lead + (_style(marked, segment.op) if color else marked) + trail)
        lines.append("".join(parts))
    return "\n".join(lines)


def render_text(result: DiffResult, *, color: bool = False, context: int = CONTEXT_WORDS) -> str:
    """For a terminal: one block per change, most severe first, and a summary line."""
    lines = [f"diff {terminal_safe(heading(result))}"]
    for change in result.changes:
        level = change.level.value.upper()
        tag = _style(level, change.level) if color else level
        lines.append(f"{tag} {change.rule}: {terminal_safe(change.message)}")
        place = where(change)
        if place:
            lines.append(f"    at {terminal_safe(place)}")
        if change.redline and change.rule not in NO_REDLINE:
            body = redline_text(change.redline, color=color, context=context)
            lines.extend(f"    | {line}".rstrip() for line in body.split("\n"))
    for change, entry in result.ignored:
        lines.append(
            f"IGNORED {change.rule}: {terminal_safe(change.message)} "
            f"({terminal_safe(entry.origin)}: {terminal_safe(entry.reason)})"
        )
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


# --- Markdown ------------------------------------------------------------------------------

_MD_ESCAPES = {ord(char): "\\" + char for char in "\\`*_{}[]<>()#+!|~&"}
#: What would start a list, a heading or a thematic break at the start of a line (the rest of
#: Markdown's block syntax is escaped everywhere).
_MD_LINE_START = re.compile(r"[-=]|\d{1,9}[.)]")
_MD_MARKS = {"delete": "~~", "insert": "**"}
_HTML_MARKS = {"delete": ("<del>", "</del>"), "insert": ("<ins>", "</ins>")}


def md_escape(text: str) -> str:
    """`text` with everything Markdown would read as markup escaped (line breaks as spaces), and
    every control character a viewer would act on (bidi controls that reorder the line, ANSI
    escapes) written as an escape, as in the text output (`terminal_safe`)."""
    return terminal_safe(text.translate(_MD_ESCAPES).replace("\n", " "))


def _punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _can_open(before: str, first: str) -> bool:
    """CommonMark: a delimiter run opens emphasis only if left-flanking."""
    return not _punctuation(first) or not before or before.isspace() or _punctuation(before)


def _can_close(last: str, after: str) -> bool:
    return not _punctuation(last) or not after or after.isspace() or _punctuation(after)


def _markdown_line(line: Sequence[Segment]) -> str:
    out = ""
    for position, segment in enumerate(line):
        text = md_escape(segment.text)
        if segment.op == "equal":
            out += text
            continue
        lead, core, trail = edge_spaces(text)
        if not core.strip():  # only spaces changed: Markdown cannot mark them
            out += text
            continue
        following = line[position + 1] if position + 1 < len(line) else None
        after = trail[:1] or (
            "" if following is None else "*" if following.op != "equal" else following.text[:1]
        )
        out += lead
        mark = _MD_MARKS[segment.op]
        if _can_open(out[-1:], core[0]) and _can_close(core[-1], after):
            out += f"{mark}{core}{mark}"
        else:  # emphasis would not open or close here: the tags always do
            opening, closing = _HTML_MARKS[segment.op]
            out += f"{opening}{core}{closing}"
        out += trail
    return _block_safe(out)


def _block_safe(line: str) -> str:
    """A line that cannot start a list, a heading, a thematic break or a code block."""
    stripped = line.lstrip()
    indent = "&nbsp;" * (len(line) - len(stripped))
    match = _MD_LINE_START.match(stripped)
    if match:
        cut = match.end() - 1
        stripped = stripped[:cut] + "\\" + stripped[cut:]
    return indent + stripped


def redline_markdown(segments: Sequence[Segment], context: int = CONTEXT_WORDS) -> list[str]:
    """The redline as the lines of a Markdown block quote's body: ``~~deleted~~ **inserted**``
    (``<del>``/``<ins>`` where emphasis could not open or close), paragraphs kept, a line break
    inside a paragraph kept as a hard break, the text's own Markdown escaped."""
    lines = [_markdown_line(line) for line in redline_lines(elide(shown(segments), context))]
    while lines and not lines[-1]:
        lines.pop()
    out: list[str] = []
    for position, line in enumerate(lines):
        following = lines[position + 1] if position + 1 < len(lines) else ""
        out.append(line + ("\\" if line and following else ""))
    return out


def render_markdown(result: DiffResult, *, context: int = CONTEXT_WORDS) -> str:
    """For a pull request comment or a changelog: a summary table and one entry per change."""
    counts = result.counts()
    lines = [
        f"## Changes: {md_escape(heading(result))}",
        "",
        f"Required version bump: **{result.bump}**",
        "",
        "| level | changes |",
        "|---|---|",
        *(f"| {level.value} | {counts[level.value]} |" for level in LEVELS),
        "",
    ]
    for level in LEVELS:
        changes = [c for c in result.changes if c.level is level]
        if not changes:
            continue
        lines += [f"### {level.value.capitalize()}", ""]
        for change in changes:
            lines.append(
                f"- `{change.rule}` {md_escape(change.message)} ({md_escape(where(change))})"
            )
            if change.redline and change.rule not in NO_REDLINE:
                lines.append("")
                lines += [
                    f"  > {line}".rstrip() for line in redline_markdown(change.redline, context)
                ]
                lines.append("")
        lines.append("")
    if result.ignored:
        lines += ["### Ignored", ""]
        lines += [
            f"- `{change.rule}` {md_escape(change.message)}: {md_escape(entry.reason)} "
            f"({md_escape(entry.origin)})"
            for change, entry in result.ignored
        ]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip("\n") + "\n"


# --- JSON ----------------------------------------------------------------------------------


def render_json(result: DiffResult) -> str:
    """The schema's document, compact: one line per member, and per change (no indentation:
    it would cost more than the text itself)."""
    document = result.to_json()
    lines = []
    for key, value in document.items():
        if isinstance(value, list) and value:
            items = ",\n".join(_compact(item) for item in value)
            lines.append(f"{_compact(key)}:[\n{items}\n]")
        else:
            lines.append(f"{_compact(key)}:{_compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _compact(value: Any) -> str:
    try:
        return orjson.dumps(value).decode("utf-8")
    except orjson.JSONEncodeError:  # integers beyond 64 bits, which front matter can hold
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


RENDERERS: dict[str, Callable[[DiffResult], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}
