"""Attribute lists, ``{#id .class key=value}``: on headings and annotation headers.

Attribute grammar (Pandoc / kramdown / attr_list)::

    attributes <- '{' space* (attribute (space+ attribute)*)? space* '}'
    attribute  <- '#' name | '.' name | key '=' (bare | '"' quoted '"')
    key        <- [A-Za-z_][A-Za-z0-9_:-]*
"""

from __future__ import annotations

import re

from msgspec import Struct

from ..diagnostics import shorten
from ..model import Attributes

#: What an id may contain: letters, digits, `-` and `_`.
ID_PATTERN = re.compile(r"^[\w-]+$")

_ATTRIBUTE = re.compile(
    r"""\#(?P<id>[^\s{}#.="]+)
      | \.(?P<cls>[^\s{}#.="]+)
      | (?P<key>[A-Za-z_][\w:-]*)=(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s{}"]+))""",
    re.VERBOSE,
)
_SPACE = re.compile(r"\s+")
#: What the inside of braces starts with when it is an attribute list.
LOOKS_LIKE_ATTRIBUTES = re.compile(r"^\s*(?:[#.]|[A-Za-z_][\w:-]*=)")


class AttributeError_(Struct, frozen=True):
    """A problem in an attribute list: where (0-based offset in the body) and what."""

    offset: int
    message: str
    code: str = "CC203"


def parse_attributes(body: str) -> tuple[Attributes, list[AttributeError_]]:
    """Parse the inside of ``{...}``; return what could be read and every problem found."""
    ident: str | None = None
    classes: list[str] = []
    values: list[tuple[str, str]] = []
    keys: set[str] = set()
    errors: list[AttributeError_] = []
    pos = 0
    end = len(body)
    while pos < end:
        space = _SPACE.match(body, pos)
        if space:
            pos = space.end()
            continue
        match = _ATTRIBUTE.match(body, pos)
        if match is None or (match.end() < end and not body[match.end()].isspace()):
            stop = _SPACE.search(body, pos)
            bad = body[pos : stop.start() if stop else end]
            if bad.startswith("#"):
                errors.append(
                    AttributeError_(
                        pos,
                        f"invalid id '{shorten(bad[1:])}'",
                        "CC208",
                    )
                )
            else:
                errors.append(AttributeError_(pos, f"cannot read attribute {shorten(bad)!r}"))
            pos = stop.end() if stop else end
            continue
        if match["id"] is not None:
            if ident is not None:
                errors.append(
                    AttributeError_(
                        pos, f"second id '#{shorten(match['id'])}' (already '#{shorten(ident)}')"
                    )
                )
            elif not ID_PATTERN.match(match["id"]):
                errors.append(
                    AttributeError_(
                        pos,
                        f"invalid id '{shorten(match['id'])}'",
                        "CC208",
                    )
                )
            else:
                ident = match["id"]
        elif match["cls"] is not None:
            classes.append(match["cls"])
        else:
            key = match["key"]
            value = match["quoted"] if match["quoted"] is not None else match["bare"]
            value = re.sub(r"\\(.)", r"\1", value)
            if key in keys:  # a set: a list scan is quadratic in a hostile, huge attribute list
                errors.append(AttributeError_(pos, f"attribute '{shorten(key)}' given twice"))
            elif key in ("id", "class"):
                errors.append(
                    AttributeError_(
                        pos, f"write '{'#' if key == 'id' else '.'}{shorten(value)}', not '{key}='"
                    )
                )
            else:
                values.append((key, value))
                keys.add(key)
        pos = match.end()
    return Attributes(ident, tuple(classes), tuple(values)), errors
