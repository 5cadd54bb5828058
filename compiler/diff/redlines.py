"""Redlines: what was deleted and inserted between two texts, grouped into readable runs.

`redline(old, new)` matches lines first, then the words of each changed block of lines, as
``git diff --word-diff`` does, and then groups the edits as diff-match-patch's semantic cleanup
does: an unchanged stretch no longer than the edits on both sides of it is folded into them, so
a rewritten phrase reads as one deletion and one insertion, not as alternating words; a lone
insertion or deletion slides to word and line boundaries (`lossless`), and a block of lines
moved elsewhere is shown once (`moves`). The cost is linear in the texts' length, and the
result the same on every machine (`align`).

How a redline is shown (context, JSON, lines) is in `compiler.diff.redline_views`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from msgspec import Struct

from .align import Opcode, align
from .lossless import slide
from .moves import MOVED_AWAY, MOVED_HERE, Run, moved_lines, place
from .words import common_ends

#: Unchanged runs keep this many words on either side of an edit in reports.
CONTEXT_WORDS = 12

_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


class Segment(Struct, frozen=True):
    """One run of a redline."""

    op: str
    """``equal``, ``delete`` (only in the old text), ``insert`` (only in the new text), a
    block of lines that moved: ``moved-away`` (where it was), ``moved-here`` (where it is), or
    `SKIP`: text left out of a part of a redline (`compiler.diff.hunks`)."""
    text: str
    partner: int = -1
    """For a moved block, the index of its other half in the redline."""
    skip: tuple[int, int] = (0, 0)
    """For `SKIP`, how much of the old and of the new text it leaves out."""


#: A run that leaves text out: a part of a redline starts after it, at its offsets.
SKIP = "skip"
#: How text left out between the parts of a redline is shown.
ELLIPSIS = " … "


def redline(old: str, new: str) -> tuple[Segment, ...]:
    """The redline from `old` to `new`: equal runs, each changed phrase as one deletion followed
    by one insertion, and moved blocks of lines. The equal, deleted and moved-away runs make
    `old`; the equal, inserted and moved-here runs make `new`."""
    if old == new:
        return (Segment("equal", old),) if old else ()
    prefix, suffix = _common_lines(old, new)
    old_middle, new_middle = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    runs: list[Run] = [("equal", old[:prefix], -1)]
    old_lines, new_lines = _LINE.findall(old_middle), _LINE.findall(new_middle)
    opcodes = _through_blank_lines(align(old_lines, new_lines), old_lines)
    away, here = moved_lines(old_lines, new_lines, opcodes)
    for op, i1, i2, j1, j2 in opcodes:
        if op == "equal":
            runs.append(("equal", "".join(old_lines[i1:i2]), -1))
        else:
            runs += _replaced(old_lines[i1:i2], new_lines[j1:j2], i1, j1, away, here)
    runs.append(("equal", old[len(old) - suffix :], -1))
    grouped = slide(_grouped(runs))
    return _linked(grouped)


def _through_blank_lines(opcodes: list[Opcode], old_lines: Sequence[str]) -> list[Opcode]:
    """The opcodes with replaced blocks that only blank lines separate made one block: which
    blank line the line diff keeps is arbitrary, and a paragraph reworded beside one inserted
    must meet its new wording in one block to be paired with it (`_paired`)."""
    merged: list[Opcode] = []
    for opcode in opcodes:
        if (
            opcode[0] == "replace"
            and len(merged) >= 2
            and merged[-1][0] == "equal"
            and merged[-2][0] == "replace"
            and not "".join(old_lines[merged[-1][1] : merged[-1][2]]).strip()
        ):
            first = merged[-2]
            merged[-2:] = [("replace", first[1], opcode[2], first[3], opcode[4])]
        else:
            merged.append(opcode)
    return merged


def _common_lines(old: str, new: str) -> tuple[int, int]:
    """The lengths of the texts' common head and tail, cut back to whole lines."""
    prefix, suffix = common_ends(old, new)
    prefix = old.rfind("\n", 0, prefix) + 1
    if suffix:
        line_break = old.find("\n", len(old) - suffix)
        suffix = len(old) - line_break - 1 if line_break >= 0 else 0
    return prefix, suffix


def _replaced(
    old_lines: Sequence[str],
    new_lines: Sequence[str],
    i1: int,
    j1: int,
    away: dict[int, int],
    here: dict[int, int],
) -> list[Run]:
    """The runs of a block of replaced lines: the lines that did not move, diffed word by word,
    with the moved ones put back in their places."""
    kept_old, moved_old = _split(old_lines, i1, away, MOVED_AWAY)
    kept_new, moved_new = _split(new_lines, j1, here, MOVED_HERE)
    runs: list[Run] = []
    for old_text, new_text in _paired(_LINE.findall(kept_old), _LINE.findall(kept_new)):
        a, b = _TOKEN.findall(old_text), _TOKEN.findall(new_text)
        for op, k1, k2, m1, m2 in align(a, b):
            if op == "equal":
                runs.append(("equal", "".join(a[k1:k2]), -1))
            else:
                runs.append(("delete", "".join(a[k1:k2]), -1))
                runs.append(("insert", "".join(b[m1:m2]), -1))
    return place([run for run in runs if run[1]], moved_old, moved_new)


#: Blocks of replaced lines are paired line by line when they have at most this many pairs of
#: lines to weigh (one old line against one new), and lines no longer than this; else the block
#: is diffed word by word as a whole. Both are counts: the result is the same everywhere.
PAIRED_LINES = 144
PAIRED_LINE_CHARS = 4000
#: Two lines are the same line reworded when this share of their words is common to both.
SIMILAR = 0.5


def _paired(old_lines: Sequence[str], new_lines: Sequence[str]) -> list[tuple[str, str]]:
    """The block as pieces to diff word by word: each old line paired with the new line that
    rewords it (the most similar, in order), and the lines between pairs as pieces of their own,
    so that a paragraph reworded beside one inserted is shown as a rewording and an insertion,
    not as one paragraph replaced by another. Large blocks, and a block with one line on a side
    (a line split or joined: its words diffed with the paragraph break), are one piece."""
    if (
        len(old_lines) * len(new_lines) > PAIRED_LINES
        or sum(1 for line in old_lines if line.strip()) < 2
        or sum(1 for line in new_lines if line.strip()) < 2
        or max(map(len, [*old_lines, *new_lines])) > PAIRED_LINE_CHARS
    ):
        return [("".join(old_lines), "".join(new_lines))]
    scores = [[_similarity(a, b) for b in new_lines] for a in old_lines]
    rows, cols = len(old_lines), len(new_lines)
    # best[i][j]: the greatest total similarity of pairs among old_lines[i:], new_lines[j:].
    best = [[0.0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            pair = scores[i][j] + best[i + 1][j + 1] if scores[i][j] >= SIMILAR else -1.0
            best[i][j] = max(pair, best[i + 1][j], best[i][j + 1])
    pieces: list[tuple[str, str]] = []
    i = j = 0
    pending_old: list[str] = []
    pending_new: list[str] = []
    while i < rows and j < cols:
        if scores[i][j] >= SIMILAR and best[i][j] == scores[i][j] + best[i + 1][j + 1]:
            if pending_old or pending_new:
                pieces.append(("".join(pending_old), "".join(pending_new)))
                pending_old, pending_new = [], []
            pieces.append((old_lines[i], new_lines[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            pending_old.append(old_lines[i])
            i += 1
        else:
            pending_new.append(new_lines[j])
            j += 1
    pending_old += old_lines[i:]
    pending_new += new_lines[j:]
    if pending_old or pending_new:
        pieces.append(("".join(pending_old), "".join(pending_new)))
    return pieces


def _similarity(old: str, new: str) -> float:
    """The share of two lines' words that the two have in common, in order (0 to 1); two blank
    lines are the same line."""
    a, b = old.split(), new.split()
    if not a and not b:
        return 1.0
    if not a or not b:
        return 0.0
    common = sum(size for op, i1, i2, _, _ in align(a, b) if op == "equal" for size in [i2 - i1])
    return 2 * common / (len(a) + len(b))


def _split(
    lines: Sequence[str], first: int, moved: dict[int, int], op: str
) -> tuple[str, list[tuple[int, Run]]]:
    """The text of the lines that stay, and each moved block as a run at its offset in it."""
    kept: list[str] = []
    size = 0
    blocks: list[tuple[int, Run]] = []
    for number, line in enumerate(lines, first):
        block = moved.get(number, -1)
        if block < 0:
            kept.append(line)
            size += len(line)
        elif blocks and blocks[-1][1][2] == block:
            offset, (_, text, _) = blocks[-1]
            blocks[-1] = (offset, (op, text + line, block))
        else:
            blocks.append((size, (op, line, block)))
    return "".join(kept), blocks


def _linked(runs: Sequence[Run]) -> tuple[Segment, ...]:
    """The runs as segments, each moved block's two halves pointing at each other."""
    halves: dict[int, list[int]] = {}
    for position, (_, _, block) in enumerate(runs):
        if block >= 0:
            halves.setdefault(block, []).append(position)
    partner = {
        a: b for first, second in halves.values() for a, b in ((first, second), (second, first))
    }
    return tuple(
        Segment(op, text, partner.get(position, -1)) for position, (op, text, _) in enumerate(runs)
    )


def _joined_runs(runs: Sequence[Run]) -> list[Run]:
    """Adjacent equal runs as one, empty runs left out."""
    result: list[Run] = []
    for run in runs:
        if not run[1]:
            continue
        if result and run[0] == "equal" and result[-1][0] == "equal":
            result[-1] = ("equal", result[-1][1] + run[1], -1)
        else:
            result.append(run)
    return result


class _Change(Struct):
    start: int
    """Index of its first run."""
    end: int
    deleted: int
    """Characters only in the old text, folded equalities included."""
    inserted: int

    def outweighs(self, length: int) -> bool:
        return length <= max(self.deleted, self.inserted)


def _grouped(runs: Sequence[Run]) -> list[Run]:
    """Fold every equal run that is no longer than the edits on both sides of it into them
    (diff-match-patch's ``diff_cleanupSemantic`` rule, on a stack so it stays linear), within a
    line: an equal run holding a line break, or a moved block, is never folded."""
    runs = _joined_runs(runs)
    stack: list[_Change | int] = []  # an int is the index of an equal or moved run
    position = 0
    while position < len(runs):
        op, text, _ = runs[position]
        if op not in ("delete", "insert"):
            if text:
                stack.append(position)
            position += 1
            continue
        change = _Change(position, position, 0, 0)
        while position < len(runs) and runs[position][0] in ("delete", "insert"):
            op, text, _ = runs[position]
            if op == "delete":
                change.deleted += len(text)
            else:
                change.inserted += len(text)
            position += 1
        change.end = position
        while len(stack) >= 2:
            equal, before = stack[-1], stack[-2]
            if not (isinstance(equal, int) and isinstance(before, _Change)):
                break
            op, text, _ = runs[equal]
            length = len(text)
            # A line break is structure: edits on two lines (two paragraphs) stay apart.
            if op != "equal" or "\n" in text:
                break
            if not (before.outweighs(length) and change.outweighs(length)):
                break
            stack.pop()
            stack.pop()
            change = _Change(
                before.start,
                change.end,
                before.deleted + length + change.deleted,
                before.inserted + length + change.inserted,
            )
        stack.append(change)
    result: list[Run] = []
    for item in stack:
        if isinstance(item, int):
            result.append(runs[item])
            continue
        span = runs[item.start : item.end]
        deleted = "".join(text for op, text, _ in span if op != "insert")
        inserted = "".join(text for op, text, _ in span if op != "delete")
        result += [
            (op, text, -1) for op, text in (("delete", deleted), ("insert", inserted)) if text
        ]
    return result


def joined(segments: Iterable[Segment]) -> list[Segment]:
    """Adjacent runs of one kind as one run."""
    result: list[Segment] = []
    for segment in segments:
        if result and result[-1].op == segment.op and segment.op in ("equal", "delete", "insert"):
            result[-1] = Segment(segment.op, result[-1].text + segment.text)
        elif segment.text or segment.op == SKIP:
            result.append(segment)
    return result


# --- context -------------------------------------------------------------------------------
