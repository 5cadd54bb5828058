"""Escaping and the small pieces of HTML every page of the site is made of: text, names that
wrap between their parts, tables, anchors, tooltips.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

#: The class of the box around every table of the site (a phone shows its rows as cards).
TABLE_CLASS = "cc-table"

#: Longest hover text for a link to a definition or property, in characters.
TOOLTIP_CHARS = 320

_DATA_KEY = re.compile(r"[^a-z0-9_-]")


def escape(text: str) -> str:
    """Escape text for HTML element content and double-quoted attribute values."""
    return html.escape(text, quote=True)


#: Where a long name or path in code may wrap: after these separators, never inside a word.
_BREAK_AFTER = re.compile(r"([./_,=:]+)(?=\w)")
#: Code shorter than this never needs a break of its own.
_BREAKABLE_CHARS = 20


def breakable(text: str) -> str:
    """`text`, escaped, with a line-break opportunity (`<wbr>`) after each separator of a long
    name, path or URL (``.``, ``/``, ``_``, ``,``, ``=``, ``:``), so that it wraps between its
    parts rather than inside a word."""
    if len(text) < _BREAKABLE_CHARS:
        return escape(text)
    return _BREAK_AFTER.sub(r"\1<wbr>", escape(text))


def table_html(kind: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table as the site shows every table: `headers` are text, cells are HTML; each cell
    names its column (`data-label`), which a phone shows beside it when the rows become cards.
    `kind` is a class for the box, beside `TABLE_CLASS`."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    labels = [f' data-label="{escape(header)}"' for header in headers]
    body = "".join(
        "<tr>"
        + "".join(f"<td{label}>{cell}</td>" for label, cell in zip(labels, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return (
        f'<div class="{TABLE_CLASS} {kind}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>\n"
    )


def unique_anchor(base: str, used: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... if the page already has it; recorded in `used`."""
    ident, n = base, 1
    while ident in used:
        n += 1
        ident = f"{base}-{n}"
    used.add(ident)
    return ident


def shorten(text: str, limit: int = TOOLTIP_CHARS) -> str:
    """One line of at most `limit` characters, cut at a word boundary."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", 0, limit - 1)
    return line[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


# --- what the renderer knows about the whole spec ----------------------------------------------


def _class_attr(classes: Sequence[str]) -> str:
    return f' class="{escape(" ".join(classes))}"' if classes else ""


def _data_key(key: str) -> str:
    return _DATA_KEY.sub("-", key.lower()).strip("-")
