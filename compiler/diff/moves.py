"""Moved blocks in a redline: whole lines deleted in one place and inserted, unchanged, in
another, shown once as moved (as a word processor's track changes does) rather than twice.

Only blocks of at least `MOVE_MIN_CHARS` characters count (a paragraph or an example, not a
repeated short line), found from lines that occur once among the deleted and once among the
inserted ones; the work is linear in the number of lines.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from .align import Opcode

#: A moved block holds at least this many characters.
MOVE_MIN_CHARS = 160
MOVED_AWAY = "moved-away"
MOVED_HERE = "moved-here"

Run = tuple[str, str, int]
"""``(op, text, block)``: block is the moved block's number for a moved run, else -1."""


def moved_lines(
    old_lines: Sequence[str], new_lines: Sequence[str], opcodes: Sequence[Opcode]
) -> tuple[dict[int, int], dict[int, int]]:
    """The lines of replaced runs that moved: old line -> block number, new line -> block
    number. Lines count when they end with a line break."""
    deleted = [i for op, i1, i2, _, _ in opcodes if op == "replace" for i in range(i1, i2)]
    inserted = [j for op, _, _, j1, j2 in opcodes if op == "replace" for j in range(j1, j2)]
    away_set, here_set = set(deleted), set(inserted)

    def whole(lines: Sequence[str], index: int) -> bool:
        return lines[index].endswith("\n")

    once_new = _unique(new_lines, inserted, whole)
    away: dict[int, int] = {}
    here: dict[int, int] = {}
    number = 0
    for i in _unique(old_lines, deleted, whole).values():
        j = once_new.get(old_lines[i])
        if j is None or i in away or j in here:
            continue
        first_i, first_j = i, j
        while (
            first_i - 1 in away_set
            and first_j - 1 in here_set
            and first_i - 1 not in away
            and first_j - 1 not in here
            and whole(old_lines, first_i - 1)
            and old_lines[first_i - 1] == new_lines[first_j - 1]
        ):
            first_i, first_j = first_i - 1, first_j - 1
        end_i, end_j = i + 1, j + 1
        while (
            end_i in away_set
            and end_j in here_set
            and end_i not in away
            and end_j not in here
            and whole(old_lines, end_i)
            and whole(new_lines, end_j)
            and old_lines[end_i] == new_lines[end_j]
        ):
            end_i, end_j = end_i + 1, end_j + 1
        if sum(len(line) for line in old_lines[first_i:end_i]) < MOVE_MIN_CHARS:
            continue
        away.update((k, number) for k in range(first_i, end_i))
        here.update((k, number) for k in range(first_j, end_j))
        number += 1
    return away, here


def _unique(
    lines: Sequence[str], indexes: Sequence[int], whole: Callable[[Sequence[str], int], bool]
) -> dict[str, int]:
    """Whole, non-blank lines found once among `indexes`: text -> index, in order."""
    seen: dict[str, int] = {}
    for index in indexes:
        line = lines[index]
        if line.strip() and whole(lines, index):
            seen[line] = -1 if line in seen else index
    return {line: index for line, index in seen.items() if index >= 0}


def place(
    runs: Sequence[Run], away: Sequence[tuple[int, Run]], here: Sequence[tuple[int, Run]]
) -> list[Run]:
    """`runs` (of texts without the moved lines) with the moved runs put back: each of `away`
    at its offset in the old text, each of `here` at its offset in the new text (splitting a
    run that spans the place)."""
    pending_away, pending_here = deque(sorted(away)), deque(sorted(here))
    out: list[Run] = []
    old_at = new_at = 0
    for op, text, block in runs:
        while True:
            if pending_away and pending_away[0][0] == old_at:
                out.append(pending_away.popleft()[1])
                continue
            if pending_here and pending_here[0][0] == new_at:
                out.append(pending_here.popleft()[1])
                continue
            cuts = []
            if op != "insert" and pending_away and pending_away[0][0] < old_at + len(text):
                cuts.append(pending_away[0][0] - old_at)
            if op != "delete" and pending_here and pending_here[0][0] < new_at + len(text):
                cuts.append(pending_here[0][0] - new_at)
            if not cuts:
                break
            cut = min(cuts)
            out.append((op, text[:cut], block))
            text = text[cut:]
            old_at += cut if op != "insert" else 0
            new_at += cut if op != "delete" else 0
        out.append((op, text, block))
        old_at += len(text) if op != "insert" else 0
        new_at += len(text) if op != "delete" else 0
    out.extend(run for _, run in pending_away)
    out.extend(run for _, run in pending_here)
    return out
