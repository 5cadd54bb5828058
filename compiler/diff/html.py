"""A diff as HTML: the fragment the site's Changes pages embed, and the standalone page of
``constitution diff --format html``. Every text from the input is escaped; no scripts, nothing
loaded from elsewhere."""

from __future__ import annotations

import html
from collections.abc import Sequence

from .redline_views import edge_spaces, gaps, redline_lines, shown
from .redlines import Segment
from .result import DiffResult, heading, where
from .rules import LEVELS, Level

_TAGS = {
    "delete": ('<del class="critic">', "</del>"),
    "insert": ('<ins class="critic">', "</ins>"),
}


def redline_html(segments: Sequence[Segment]) -> str:
    """The redline as escaped HTML, one ``<p>`` per paragraph (a line break inside one as
    ``<br>``), with ``<del>`` and ``<ins>`` around the edits and their edge spaces outside."""
    paragraphs: list[list[str]] = [[]]
    for line in redline_lines(gaps(shown(segments))):
        if not line:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        parts: list[str] = []
        for segment in line:
            text = html.escape(segment.text)
            if segment.op == "equal":
                parts.append(text)
                continue
            lead, core, trail = edge_spaces(text)
            opening, closing = _TAGS[segment.op]
            parts.append(f"{lead}{opening}{core}{closing}{trail}")
        paragraphs[-1].append("".join(parts))
    return "".join(f"<p>{'<br>'.join(lines)}</p>" for lines in paragraphs if lines)


def render_html_fragment(result: DiffResult) -> str:
    """The changes as an HTML fragment (for the site's Changes pages and `--format html`)."""
    counts = result.counts()
    out = [
        '<div class="cc-diff">',
        '<p class="cc-diff-summary">'
        + ", ".join(
            f'<span class="cc-level cc-{level.value}">{counts[level.value]} {level.value}</span>'
            for level in LEVELS
        )
        + (f", {len(result.ignored)} ignored" if result.ignored else "")
        + f"; required version bump: <strong>{result.bump}</strong></p>",
    ]
    for change in result.changes:
        level = change.level.value
        out.append(
            f'<div class="admonition {_ADMONITIONS[change.level]} cc-change cc-{level}" '
            f'data-rule="{change.rule}" data-level="{level}">\n'
            f'<p class="admonition-title">{level}: <code>{change.rule}</code></p>\n'
            f"<p>{html.escape(change.message)}"
            f' <span class="cc-where">{html.escape(where(change))}</span></p>'
        )
        if change.redline:
            out.append(f'<div class="cc-redline">{redline_html(change.redline)}</div>')
        out.append("</div>")
    for change, entry in result.ignored:
        out.append(
            f'<p class="cc-ignored">ignored: <code>{change.rule}</code> '
            f"{html.escape(change.message)}: {html.escape(entry.reason)} "
            f'<span class="cc-where">{html.escape(entry.origin)}</span></p>'
        )
    out.append("</div>")
    return "\n".join(out) + "\n"


#: mkdocs-material admonition types, so the site colours each change by its level.
_ADMONITIONS = {Level.BREAKING: "danger", Level.SUBSTANTIVE: "warning", Level.EDITORIAL: "info"}

_HTML_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
del { background: #fdd; color: #900; } ins { background: #dfd; color: #060; text-decoration: none; }
.admonition { border-left: 4px solid #888; margin: 1em 0; padding: .1em 1em; background: #fafafa; }
.admonition-title { font-weight: bold; text-transform: capitalize; }
.admonition-title code { text-transform: none; }
.danger { border-color: #c00; } .warning { border-color: #d80; } .info { border-color: #08a; }
.cc-where { color: #666; font-size: .9em; }
.cc-redline p { white-space: pre-wrap; }
"""


def render_html(result: DiffResult) -> str:
    """A standalone HTML page (no scripts, no external resources)."""
    title = html.escape(f"Changes: {heading(result)}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"<style>{_HTML_STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        f"{render_html_fragment(result)}</body>\n</html>\n"
    )
