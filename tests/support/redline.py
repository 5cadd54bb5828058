"""Checks on diff redlines shared by the diff tests: both texts rebuilt from the segments, and
every JSON run found at its offsets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from compiler.diff import Segment
from compiler.diff.moves import MOVED_AWAY, MOVED_HERE


def sides(segments: Sequence[Segment]) -> tuple[str, str]:
    """The old and the new text a redline stands for."""
    old = "".join(s.text for s in segments if s.op in ("equal", "delete", MOVED_AWAY))
    new = "".join(s.text for s in segments if s.op in ("equal", "insert", MOVED_HERE))
    return old, new


def check_offsets(hunks: Sequence[dict[str, Any]], old: str, new: str) -> None:
    """Every run of the JSON redline stands in the old or new text where its hunk says."""
    for hunk in hunks:
        at_old, at_new = hunk["old"], hunk["new"]
        for run in hunk["runs"]:
            op = run[0]
            if op in ("=", "-"):
                assert old[at_old : at_old + len(run[1])] == run[1]
            if op in ("=", "+", ">"):
                assert new[at_new : at_new + len(run[1])] == run[1]
            if op == ">":
                assert old[run[2] : run[2] + len(run[1])] == run[1]
            if op == "<":
                assert new[run[2] : run[2] + run[1]] == old[at_old : at_old + run[1]]
            at_old += len(run[1]) if op in ("=", "-") else run[1] if op == "<" else 0
            at_new += len(run[1]) if op in ("=", "+", ">") else 0
