"""Aligning two sequences (of lines, or of words) at a cost that stays linear in their length.

`align(a, b)` returns the runs that are equal in both and the runs that differ. Small regions
are diffed exactly (Myers' algorithm, from diff-match-patch's C++ port); larger ones are cut at
items that occur exactly once in each side and keep their order (patience diff, as git offers),
then each piece is aligned again. Every bound is a count, never a clock, so the result is the
same on every machine: a region too large for the exact diff and without any such anchor, or
met after the work budget is spent, is reported as replaced whole.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Sequence
from typing import Literal

from fast_diff_match_patch import diff as _myers

#: Regions with at most this many items (both sides together) are diffed exactly; Myers' cost
#: is at most the square of this, so the exact diffs of a text cost at most this much per item.
EXACT_ITEMS = 400
#: Patience passes may visit each item this many times in all before the rest is replaced whole.
PATIENCE_VISITS = 12
#: The exact diff codes items as characters of Unicode's private use area (U+E000..U+F8FF); an
#: exact region has at most `EXACT_ITEMS` distinct items, well within its 6,400 characters.
_PRIVATE_USE = 0xE000

#: The characters items are coded as, in order of first appearance (`EXACT_ITEMS` at most).
_CODES = [chr(_PRIVATE_USE + n) for n in range(EXACT_ITEMS)]

Op = Literal["equal", "replace"]
Opcode = tuple[Op, int, int, int, int]
"""``(op, i1, i2, j1, j2)``: ``a[i1:i2]`` equals, or is replaced by, ``b[j1:j2]``."""


def align(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[Opcode]:
    """The equal and replaced runs that turn `a` into `b`, in order, covering both wholly.

    Adjacent replaced runs are merged; a replaced run may be empty on one side (an insertion or
    a deletion). The same inputs give the same runs everywhere.
    """
    aligner = _Aligner(a, b)
    aligner.region(0, len(a), 0, len(b))
    return _merged(aligner.opcodes)


class _Aligner:
    def __init__(self, a: Sequence[Hashable], b: Sequence[Hashable]) -> None:
        self.a, self.b = a, b
        self.opcodes: list[Opcode] = []
        self.budget = PATIENCE_VISITS * (len(a) + len(b)) + EXACT_ITEMS

    def region(self, i1: int, i2: int, j1: int, j2: int) -> None:
        """Align ``a[i1:i2]`` with ``b[j1:j2]``, appending opcodes in order.

        A stack of pending work instead of recursion: patience passes may nest deeply.
        """
        pending: list[Opcode] = [("replace", i1, i2, j1, j2)]
        while pending:
            op, i1, i2, j1, j2 = pending.pop()
            if op == "equal":
                self.opcodes.append((op, i1, i2, j1, j2))
            else:
                pending.extend(reversed(self._step(i1, i2, j1, j2)))

    def _step(self, i1: int, i2: int, j1: int, j2: int) -> list[Opcode]:
        """Align what can be aligned at once; return the rest, in order: ``equal`` runs to
        emit and ``replace`` runs to align further."""
        a, b = self.a, self.b
        if i1 == i2 or j1 == j2:
            self.opcodes.append(("replace", i1, i2, j1, j2))
            return []
        if (i2 - i1) + (j2 - j1) <= EXACT_ITEMS:
            self._exact(i1, i2, j1, j2)  # Myers finds the common ends itself, faster
            return []
        head: list[Opcode] = []
        tail: list[Opcode] = []
        start_i, start_j = i1, j1
        while i1 < i2 and j1 < j2 and a[i1] == b[j1]:
            i1, j1 = i1 + 1, j1 + 1
        if i1 > start_i:
            head.append(("equal", start_i, i1, start_j, j1))
        end_i, end_j = i2, j2
        while i2 > i1 and j2 > j1 and a[i2 - 1] == b[j2 - 1]:
            i2, j2 = i2 - 1, j2 - 1
        if i2 < end_i:
            tail.append(("equal", i2, end_i, j2, end_j))
        size = (i2 - i1) + (j2 - j1)
        if i1 == i2 or j1 == j2:
            self.opcodes.extend(head)
            self.opcodes.append(("replace", i1, i2, j1, j2))
            return tail
        if size <= EXACT_ITEMS:
            self.opcodes.extend(head)
            self._exact(i1, i2, j1, j2)
            return tail
        anchors = _unique_anchors(a, b, i1, i2, j1, j2) if self.budget >= size else []
        self.budget -= size
        if not anchors:
            self.opcodes.extend(head)
            self.opcodes.append(("replace", i1, i2, j1, j2))
            return tail
        pieces = head
        i, j = i1, j1
        for anchor_i, anchor_j in anchors:
            pieces.append(("replace", i, anchor_i, j, anchor_j))
            pieces.append(("equal", anchor_i, anchor_i + 1, anchor_j, anchor_j + 1))
            i, j = anchor_i + 1, anchor_j + 1
        pieces.append(("replace", i, i2, j, j2))
        return pieces + tail

    def _exact(self, i1: int, i2: int, j1: int, j2: int) -> None:
        a, b = self.a[i1:i2], self.b[j1:j2]
        codes = dict(zip(dict.fromkeys([*a, *b]), _CODES, strict=False))
        left = "".join(map(codes.__getitem__, a))
        right = "".join(map(codes.__getitem__, b))
        i, j = i1, j1
        for op, length in _myers(left, right, timelimit=0, checklines=False, cleanup="No"):
            if op == "=":
                self.opcodes.append(("equal", i, i + length, j, j + length))
                i, j = i + length, j + length
            elif op == "-":
                self.opcodes.append(("replace", i, i + length, j, j))
                i += length
            else:
                self.opcodes.append(("replace", i, i, j, j + length))
                j += length


def _unique_anchors(
    a: Sequence[Hashable], b: Sequence[Hashable], i1: int, i2: int, j1: int, j2: int
) -> list[tuple[int, int]]:
    """Items found exactly once in each region, as position pairs, longest run kept in order."""
    in_a: dict[Hashable, int] = {}
    for i in range(i1, i2):
        item = a[i]
        in_a[item] = -1 if item in in_a else i
    in_b: dict[Hashable, int] = {}
    for j in range(j1, j2):
        item = b[j]
        if in_a.get(item, -1) >= 0:
            in_b[item] = -1 if item in in_b else j
    pairs = [(in_a[item], j) for item, j in in_b.items() if j >= 0]
    pairs.sort()
    keep = longest_increasing([j for _, j in pairs])
    return [pair for position, pair in enumerate(pairs) if position in keep]


def longest_increasing(values: Sequence[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting, n log n)."""
    tails: list[int] = []
    tail_positions: list[int] = []
    previous = [-1] * len(values)
    for position, value in enumerate(values):
        slot = bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_positions.append(position)
        else:
            tails[slot] = value
            tail_positions[slot] = position
        previous[position] = tail_positions[slot - 1] if slot else -1
    keep: set[int] = set()
    position = tail_positions[-1] if tail_positions else -1
    while position >= 0:
        keep.add(position)
        position = previous[position]
    return keep


def _merged(opcodes: list[Opcode]) -> list[Opcode]:
    result: list[Opcode] = []
    for opcode in opcodes:
        op, i1, i2, j1, j2 = opcode
        if i1 == i2 and j1 == j2:
            continue
        if result and result[-1][0] == op:
            _, start_i, _, start_j, _ = result[-1]
            result[-1] = (op, start_i, i2, start_j, j2)
        else:
            result.append(opcode)
    return result
