"""Moved blocks in a redline: whole lines deleted in one place and inserted, unchanged, in
another, shown once as moved (as a word processor's track changes does) rather than twice.

Only blocks of at least `MOVE_MIN_CHARS` characters count (a paragraph or an example, not a
repeated short line), found from lines that occur once among the deleted and once among the
inserted ones; the work is linear in the redline's length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: A moved block holds at least this many characters.
MOVE_MIN_CHARS = 160
MOVED_AWAY = "moved-away"
MOVED_HERE = "moved-here"

_LINE = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(frozen=True, slots=True)
class _Line:
    segment: int
    start: int
    """Offset in the segment's text."""
    text: str
    """Without its line break."""
    newline: bool
    """It ends with a line break of its own (else the text or the line goes on in a later run)."""
    whole: bool
    """It starts a line of the text and ends one (so a block of them can move as a whole)."""


def _sides(op: str) -> tuple[str, ...]:
    return ("old", "new") if op == "equal" else ("old",) if op == "delete" else ("new",)


def _lines(segments: Sequence[tuple[str, str]], op: str) -> list[_Line]:
    """The lines of the `op` (delete or insert) runs."""
    side = "old" if op == "delete" else "new"
    # What follows each run on this side: a line break, the end of the text, or more text.
    follows: list[bool] = [True] * len(segments)
    after = True
    for index in range(len(segments) - 1, -1, -1):
        follows[index] = after
        segment_op, text = segments[index]
        if text and side in _sides(segment_op):
            after = text.startswith("\n")
    result: list[_Line] = []
    at_line_start = True
    for index, (segment_op, text) in enumerate(segments):
        if segment_op == op:
            start = 0
            for line in _LINE.findall(text):
                newline = line.endswith("\n")
                ends = newline or (start + len(line) == len(text) and follows[index])
                begins = start > 0 or at_line_start
                body = line[:-1] if newline else line
                result.append(_Line(index, start, body, newline, begins and ends))
                start += len(line)
        if text and side in _sides(segment_op):
            at_line_start = text.endswith("\n")
    return result


def find_moves(segments: Sequence[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """The runs with moved blocks split out: ``(op, text, partner)``, where a block deleted here
    and inserted elsewhere is ``moved-away`` and its copy ``moved-here``, each with the index of
    the other in the result (-1 for every other run)."""
    deleted, inserted = _lines(segments, "delete"), _lines(segments, "insert")
    blocks = _blocks(deleted, inserted)
    if not blocks:
        return [(op, text, -1) for op, text in segments]
    cuts: dict[int, list[tuple[int, int, int, str]]] = {}
    for number, (d_from, d_to, i_from, i_to) in enumerate(blocks):
        # Both halves end with the last line's break only if both have it.
        newline = deleted[d_to - 1].newline and inserted[i_to - 1].newline
        for lines, first, last, op in (
            (deleted, d_from, d_to, MOVED_AWAY),
            (inserted, i_from, i_to, MOVED_HERE),
        ):
            head, tail = lines[first], lines[last - 1]
            end = tail.start + len(tail.text) + newline
            cuts.setdefault(head.segment, []).append((head.start, end, number, op))
    result: list[tuple[str, str, int]] = []
    placed: dict[tuple[int, str], int] = {}
    for index, (op, text) in enumerate(segments):
        position = 0
        for start, end, number, moved in sorted(cuts.get(index, [])):
            if start > position:
                result.append((op, text[position:start], -1))
            placed[(number, moved)] = len(result)
            result.append((moved, text[start:end], -1))
            position = end
        if position < len(text):
            result.append((op, text[position:], -1))
    for number in range(len(blocks)):
        away, here = placed[(number, MOVED_AWAY)], placed[(number, MOVED_HERE)]
        result[away] = (*result[away][:2], here)
        result[here] = (*result[here][:2], away)
    return result


def _blocks(deleted: list[_Line], inserted: list[_Line]) -> list[tuple[int, int, int, int]]:
    """Runs of whole lines, equal one for one, deleted at one place and inserted at another:
    ``(first, end)`` in `deleted` and in `inserted`, in the order of the deleted lines."""
    once_deleted = _unique(deleted)
    once_inserted = _unique(inserted)
    taken_d: set[int] = set()
    taken_i: set[int] = set()
    blocks: list[tuple[int, int, int, int]] = []
    for text, d in once_deleted.items():
        i = once_inserted.get(text)
        if i is None or d in taken_d or i in taken_i:
            continue
        d_from, i_from = d, i
        while (
            d_from > 0
            and i_from > 0
            and _joins(deleted, d_from - 1, d_from)
            and _joins(inserted, i_from - 1, i_from)
            and deleted[d_from - 1].text == inserted[i_from - 1].text
            and d_from - 1 not in taken_d
            and i_from - 1 not in taken_i
        ):
            d_from, i_from = d_from - 1, i_from - 1
        d_to, i_to = d + 1, i + 1
        while (
            d_to < len(deleted)
            and i_to < len(inserted)
            and _joins(deleted, d_to - 1, d_to)
            and _joins(inserted, i_to - 1, i_to)
            and deleted[d_to].text == inserted[i_to].text
            and d_to not in taken_d
            and i_to not in taken_i
        ):
            d_to, i_to = d_to + 1, i_to + 1
        if sum(len(line.text) + 1 for line in deleted[d_from:d_to]) < MOVE_MIN_CHARS:
            continue
        taken_d.update(range(d_from, d_to))
        taken_i.update(range(i_from, i_to))
        blocks.append((d_from, d_to, i_from, i_to))
    return sorted(blocks)


def _unique(lines: list[_Line]) -> dict[str, int]:
    """Whole, non-blank lines that occur once: text -> position."""
    seen: dict[str, int] = {}
    for position, line in enumerate(lines):
        if line.whole and line.text.strip():
            seen[line.text] = -1 if line.text in seen else position
    return {text: position for text, position in seen.items() if position >= 0}


def _joins(lines: list[_Line], before: int, after: int) -> bool:
    """Both lines are whole and follow each other in one run."""
    a, b = lines[before], lines[after]
    return a.whole and b.whole and a.segment == b.segment and a.newline
