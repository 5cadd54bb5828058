"""Sliding an insertion or a deletion to where a reader expects it, as diff-match-patch's
``diff_cleanupSemanticLossless`` does: ``The c[+at c+]ame`` and ``The [+cat +]came`` say the
same, the second at word boundaries. Each edit between two unchanged runs moves to the place,
among those that say the same, that best matches a boundary: the text's edge, then a blank line,
a line break, the end of a sentence, a space, punctuation. Each edit slides at most `MAX_SLIDE`
characters either way, so the cost stays linear.

The text's edges count as the best boundary only where the runs really end; elsewhere a
sentinel stands for the text beyond the window.
"""

from __future__ import annotations

from collections.abc import Sequence

from .moves import Run

#: How far an edit may slide either way.
MAX_SLIDE = 64


def _score(text: str, cut: int) -> int:
    """How good a boundary the cut between ``text[cut - 1]`` and ``text[cut]`` is."""
    if cut <= 0 or cut >= len(text):
        return 6
    before, after = text[cut - 1], text[cut]
    if (before == "\n" and text[cut - 2 : cut] == "\n\n") or text[cut : cut + 2] == "\n\n":
        return 5
    if before == "\n" or after == "\n":
        return 4
    space_before, space_after = before.isspace(), after.isspace()
    if space_after and not space_before and not before.isalnum():
        return 3
    if space_before or space_after:
        return 2
    if not before.isalnum() or not after.isalnum():
        return 1
    return 0


def slide(runs: Sequence[Run]) -> list[Run]:
    """The runs with every lone edit (an insertion or a deletion between two equal runs) moved
    to its best place; an equal run emptied by the move is dropped."""
    result = list(runs)
    for position in range(1, len(result) - 1):
        before, edit, after = result[position - 1], result[position], result[position + 1]
        if edit[0] not in ("delete", "insert") or before[0] != "equal" or after[0] != "equal":
            continue
        # The edit and what it can slide over; at the texts' edges, the edge is part of it.
        reach = MAX_SLIDE + 2
        left = before[1][-reach:]
        at_start = len(left) == len(before[1]) and position == 1
        at_end = len(after[1]) <= reach and position + 2 == len(result)
        window = (
            ("" if at_start else "\0")
            + left
            + edit[1]
            + after[1][:reach]
            + ("" if at_end else "\0")
        )
        origin = len(left) + (0 if at_start else 1)
        start, size = origin, len(edit[1])
        low = max(origin - MAX_SLIDE, 1 if not at_start else 0)
        while start > low and window[start - 1] == window[start + size - 1]:
            start -= 1
        best, best_score = start, _score(window, start) + _score(window, start + size)
        high = min(origin + MAX_SLIDE, len(window) - size - (0 if at_end else 1))
        while start < high and window[start] == window[start + size]:
            start += 1
            score = _score(window, start) + _score(window, start + size)
            if score >= best_score:  # later is better among equals: spaces trail the edit
                best, best_score = start, score
        if best == origin:
            continue
        shift = best - origin
        whole = before[1] + edit[1] + after[1]
        cut = len(before[1]) + shift
        result[position - 1] = ("equal", whole[:cut], -1)
        result[position] = (edit[0], whole[cut : cut + size], -1)
        result[position + 1] = ("equal", whole[cut + size :], -1)
    return [run for run in result if run[1] or run[0] != "equal"]
