"""Sliding an insertion or a deletion to where a reader expects it, as diff-match-patch's
``diff_cleanupSemanticLossless`` does: ``The c[+at c+]ame`` and ``The [+cat +]came`` say the
same, the second at word boundaries. Each edit between two unchanged runs moves to the place,
among those that say the same, that best matches a boundary: the text's edge, then a blank line,
a line break, the end of a sentence, a space, punctuation. Each edit slides at most `MAX_SLIDE`
characters either way, so the cost stays linear.
"""

from __future__ import annotations

from collections.abc import Sequence

from .moves import Run

#: How far an edit may slide either way.
MAX_SLIDE = 256


class _Text:
    """Three strings read as one, without joining them."""

    def __init__(self, *parts: str) -> None:
        self.parts = parts
        self.length = sum(len(part) for part in parts)

    def __getitem__(self, position: int) -> str:
        for part in self.parts:
            if position < len(part):
                return part[position]
            position -= len(part)
        raise IndexError(position)


def _score(text: _Text, cut: int) -> int:
    """How good a boundary the cut between ``text[cut - 1]`` and ``text[cut]`` is."""
    if cut <= 0 or cut >= text.length:
        return 6
    before, after = text[cut - 1], text[cut]
    space_before = before.isspace()
    space_after = after.isspace()
    if (before == "\n" and cut >= 2 and text[cut - 2] == "\n") or (
        after == "\n" and cut + 1 < text.length and text[cut + 1] == "\n"
    ):
        return 5
    if before == "\n" or after == "\n":
        return 4
    if not before.isalnum() and not space_before and space_after:
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
        text = _Text(before[1], edit[1], after[1])
        start, size = len(before[1]), len(edit[1])
        limit = 0
        while limit < MAX_SLIDE and start > 0 and text[start - 1] == text[start + size - 1]:
            start, limit = start - 1, limit + 1
        best, best_score = start, _score(text, start) + _score(text, start + size)
        limit = 0
        while (
            limit < MAX_SLIDE and start + size < text.length and text[start] == text[start + size]
        ):
            start, limit = start + 1, limit + 1
            score = _score(text, start) + _score(text, start + size)
            if score >= best_score:  # later is better among equals: spaces trail the edit
                best, best_score = start, score
        if best == len(before[1]):
            continue
        whole = before[1] + edit[1] + after[1]
        result[position - 1] = ("equal", whole[:best], -1)
        result[position] = (edit[0], whole[best : best + size], -1)
        result[position + 1] = ("equal", whole[best + size :], -1)
    return [run for run in result if run[1] or run[0] != "equal"]
