"""Control characters in a spec's text: C0 and C1 controls (CC107) and the bidirectional
embeddings, overrides and isolates (CC108), found in a file's text as read, and in the YAML
values whose escapes (``"\\e[31m"``, ``"\\u202e"``) make one after parsing. Invisible in most
editors, they would drive a reader's terminal or show text in another order than the JSON and
the diff hold it, so each is reported at its line and column.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from msgspec import structs

from .diagnostics import Diagnostic

#: Characters a text file has no use for: C0 controls other than tab and line feed (a carriage
#: return is gone after `normalise`), DEL and the C1 controls. Printed by a command, an escape
#: sequence (ESC) would drive the reader's terminal; on the site it is invisible.
_CONTROL = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: Bidirectional embeddings, overrides and isolates: they make text display in another order
#: than the one it is stored and compared in ("Trojan Source"), so a reader and a tool would not
#: see the same words. Legitimate right-to-left text needs none of them.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Every byte but the C0 controls (NUL, tab, line feed and carriage return aside: the reader
#: reports or normalises those) and DEL: deleting them leaves the controls a file's bytes hold.
_NOT_C0 = bytes(byte for byte in range(256) if byte in b"\x00\t\n\r" or 0x1F < byte != 0x7F)
#: The C1 controls and the bidirectional characters as UTF-8: a literal lead byte, which the
#: regular expression engine skips to far faster than it tests every character against a set.
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_BIDI_UTF8 = re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def may_hold_controls(data: bytes) -> bool:
    """False when the UTF-8 bytes `data` hold none of the characters `control_characters`
    reports: a few fast scans of the bytes (a search of the decoded text for the set takes
    several times as long, and almost every file holds none)."""
    return bool(
        data.translate(None, _NOT_C0)
        or (b"\xc2" in data and _C1_UTF8.search(data))
        or _BIDI_UTF8.search(data)
    )


def control_characters(text: str, display: str, where: str = "in this file") -> list[Diagnostic]:
    """CC107 for the first control character of `text` (and how many there are `where`), CC108
    for the first bidirectional control; one search over the text when it holds none."""
    found = _CONTROL.search(text)
    if found is None:
        return []
    problems: list[Diagnostic] = []
    controls = list(_CONTROL.finditer(text, found.start()))
    for bidi, code, what, hint in (
        (
            False,
            "CC107",
            "control character",
            "a text file holds no control characters; delete it (an editor's 'show invisibles' "
            "finds it)",
        ),
        (
            True,
            "CC108",
            "bidirectional control character",
            "it shows the text in another order than the one the JSON and the diff hold; delete "
            "it (right-to-left text needs no such character)",
        ),
    ):
        same = [m for m in controls if (m.group() in _BIDI) is bidi]
        if not same:
            continue
        first = same[0].start()
        line = text.count("\n", 0, first) + 1
        column = first - text.rfind("\n", 0, first)
        more = f" (and {len(same) - 1:,} more {where})" if len(same) > 1 else ""
        problems.append(
            Diagnostic(
                code,
                f"{what} U+{ord(text[first]):04X}{more}",
                display,
                line,
                column,
                hint=hint,
            )
        )
    return problems


_ESCAPE_HINTS = {
    "CC107": "a value holds no control characters; remove the escape (such as \\e, \\a or "
    "\\x07) from the quoted text",
    "CC108": "it shows the text in another order than the one the JSON and the diff hold; remove "
    "the escape (such as \\u202e) from the quoted text",
}


def escaped_controls(root: Any, text: str, display: str, first_line: int = 1) -> list[Diagnostic]:
    """CC107 and CC108 (as `control_characters`) for each scalar of the YAML node tree `root`
    whose escapes make a control character: a double-quoted value ("\\e[31m", "\\u202e",
    "\\x07") holds one that its file's text, checked when it was read, does not. At the
    scalar's line and column; `first_line` is the line of `text` (the YAML) in its file.

    Tab and newline stay allowed. Each node is visited once, whatever aliases repeat it."""
    problems: list[Diagnostic] = []
    seen: set[int] = set()
    stack = [root] if root is not None and "\\" in text else []  # an escape starts with a backslash
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in reversed(node.value) for part in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
        elif node.style == '"' and _CONTROL.search(node.value):
            start, end = node.start_mark, node.end_mark
            written = set(_CONTROL.findall(text, start.index, end.index))  # reported already
            escaped = "".join(c for c in _CONTROL.findall(node.value) if c not in written)
            problems.extend(
                structs.replace(
                    problem,
                    message=f"{problem.message}, written as an escape in a quoted YAML value",
                    line=start.line + first_line,
                    column=start.column + 1,
                    hint=_ESCAPE_HINTS[problem.code],
                )
                for problem in control_characters(escaped, display, "in this value")
            )
    return problems
