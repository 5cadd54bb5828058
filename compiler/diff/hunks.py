"""A text's redline cut into hunks: each changed sentence (or run of changed words within one
sentence) on its own, so that a diff reports every rewording where it is, with its own level and
its own line, rather than one entry for a whole node whose sentences changed in several places.

A hunk runs from the start of the sentence that holds its first edit to the end of the sentence
that holds its last: edits in one sentence are one hunk, and so are edits of one nature (see
below) in neighbouring sentences or lines, with no unchanged sentence between them; a rewritten
passage is one hunk, not one per line. Hunks of one nature are then separated by an unchanged
sentence, so there are at most about twice as many as unchanged sentences, whatever the edits. Each hunk's redline starts with a `SKIP` run over the text before
it, so that its offsets stay those of the whole texts (`redline_json`); where hunks are shown
together, `SKIP` runs between them stand for the text left out. A redline with a moved block is
one hunk (the block's two halves point at each other across the whole text).

`classify` says what a hunk is: typography only (quotes, apostrophes, spaces, invisible and
compatibility characters: the words and punctuation a reader reads are the same), editorial
(`is_editorial`: punctuation, case, spelling fixes) or a change of wording.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from enum import Enum
from itertools import pairwise

from msgspec import Struct

from .moves import MOVED_AWAY, MOVED_HERE
from .redline_views import starts
from .redlines import SKIP, Segment
from .words import is_editorial

#: Where a sentence or a paragraph ends: a line break, or ``.``, ``!`` or ``?`` (with closing
#: quotes or brackets) followed by white space.
_BOUNDARY = re.compile("\n|[.!?][\"'”’)\\]]*\\s")


class Nature(Enum):
    TYPOGRAPHY = "typography"
    EDITORIAL = "editorial"
    WORDING = "wording"


class Hunk(Struct, frozen=True):
    """One changed sentence (or several sentences changed as one edit)."""

    segments: tuple[Segment, ...]
    """Its redline, after a `SKIP` over the text before it."""
    old_at: int
    """Where its first edit starts in the old text."""
    new_at: int
    old: str
    """Its sentence(s) in the old text."""
    new: str


def hunks(segments: Sequence[Segment]) -> list[Hunk]:
    """The hunks of a redline (of whole texts), in order; empty when nothing changed."""
    return [hunk for hunk, _ in classified_hunks(segments)]


def classified_hunks(segments: Sequence[Segment]) -> list[tuple[Hunk, Nature]]:
    """`hunks`, each with what it is (`classify`): each hunk is classified once."""
    edits = [position for position, segment in enumerate(segments) if segment.op != "equal"]
    if not edits:
        return []
    at = starts(segments)
    if any(segment.partner >= 0 for segment in segments):
        whole = _hunk(tuple(segments), 0, 0, at[edits[0]])
        return [(whole, classify(whole))]
    groups: list[list[int]] = [[edits[0]]]
    for before, after in pairwise(edits):
        if _BOUNDARY.search(_probe(_between(segments, before, after), segments[before])[0]):
            groups.append([after])
        else:
            groups[-1].append(after)
    # Neighbouring sentences changed in the same way (no unchanged sentence between them) are
    # one hunk: a rewritten passage is one entry, not one per line.
    built = [_built(segments, groups, number, at) for number in range(len(groups))]
    natures = [classify(hunk) for hunk in built]
    merged: list[list[int]] = [groups[0]]
    held: list[list[int]] = [[0]]  # the groups each hunk holds
    for number in range(1, len(groups)):
        if natures[number] is natures[number - 1] and not _separated(
            segments, groups[number - 1][-1], groups[number][0]
        ):
            merged[-1] = merged[-1] + groups[number]
            held[-1].append(number)
        else:
            merged.append(groups[number])
            held.append([number])
    if len(merged) == len(groups):
        return list(zip(built, natures, strict=True))
    result: list[tuple[Hunk, Nature]] = []
    for number, numbers in enumerate(held):
        if len(numbers) == 1:  # the same neighbours, so the same hunk as built
            result.append((built[numbers[0]], natures[numbers[0]]))
        else:
            hunk = _built(segments, merged, number, at)
            result.append((hunk, classify(hunk)))
    return result


def _built(
    segments: Sequence[Segment], groups: Sequence[list[int]], number: int, at: list[tuple[int, int]]
) -> Hunk:
    """The hunk of group `number`: its edits, from the start of the first one's sentence to the
    end of the last one's."""
    group = groups[number]
    first, last = group[0], group[-1]
    previous = groups[number - 1][-1] if number else -1
    following = groups[number + 1][0] if number + 1 < len(groups) else len(segments)
    lead = _between(segments, previous, first)
    lead = lead[_last_start(lead, segments[previous] if previous >= 0 else None) :]
    trail = _between(segments, last, following)
    trail = trail[: _first_end(trail, segments[last])]
    runs = (
        *((Segment("equal", lead),) if lead else ()),
        *segments[first : last + 1],
        *((Segment("equal", trail),) if trail else ()),
    )
    old_at, new_at = at[first]
    return _hunk(runs, old_at - len(lead), new_at - len(lead), at[first])


def _between(segments: Sequence[Segment], before: int, after: int) -> str:
    """The unchanged text between two runs."""
    return "".join(segment.text for segment in segments[before + 1 : after])


def _probe(text: str, edit: Segment | None) -> tuple[str, int]:
    """`text` after the last character of `edit` (a sentence may end in an edit), and that
    character's length."""
    last = edit.text[-1:] if edit is not None else ""
    return last + text, len(last)


def _separated(segments: Sequence[Segment], before: int, after: int) -> bool:
    """True when a whole sentence or line that did not change stands between two edits: they
    are then two hunks (edits in neighbouring sentences or lines make one)."""
    text, _ = _probe(_between(segments, before, after), segments[before])
    first = _BOUNDARY.search(text)
    if first is None:
        return False
    start = first.end()
    for found in _BOUNDARY.finditer(text, start):
        if text[start : found.start() + 1].strip():
            return True
        start = found.end()
    return False


def _last_start(text: str, edit: Segment | None) -> int:
    """Where the last sentence of `text` (after `edit`) starts, white space skipped; 0 when it
    holds no sentence end. Read from the end, in windows that double: the cost grows with the
    last sentence, not with the text before it."""
    window = 256
    while True:
        at = max(len(text) - window, 0)
        probe, extra = _probe(text, edit) if at == 0 else (text[at:], 0)
        start = -1
        for match in _BOUNDARY.finditer(probe):
            start = at + match.end() - extra
        if start >= 0 or at == 0:
            break
        window *= 4
    start = max(start, 0)
    rest = text[start : start + 256]
    while rest and rest.isspace():  # white space runs on past the window: read further
        rest = text[start : start + 4 * len(rest)]
        if len(rest) == len(text) - start:
            break
    return start + len(rest) - len(rest.lstrip())


def _first_end(text: str, edit: Segment) -> int:
    """Where the sentence that `text` continues ends: before the white space that follows its
    closing punctuation, or at a line break; the whole of `text` when it does not end there."""
    probe, extra = _probe(text, edit)
    found = _BOUNDARY.search(probe)
    if found is None:
        return len(text)
    return max(found.end() - extra - 1, 0)


def _hunk(
    segments: tuple[Segment, ...], start_old: int, start_new: int, first: tuple[int, int]
) -> Hunk:
    old = "".join(s.text for s in segments if s.op in ("equal", "delete", MOVED_AWAY))
    new = "".join(s.text for s in segments if s.op in ("equal", "insert", MOVED_HERE))
    skip = (Segment(SKIP, "", skip=(start_old, start_new)),) if start_old or start_new else ()
    return Hunk((*skip, *segments), first[0], first[1], old, new)


_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
    }
)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")


def typography(text: str) -> str:
    """`text` as a reader reads it: quotes and apostrophes straight, hyphens plain, white space
    single, invisible characters gone, compatibility forms (non-breaking spaces, ligatures,
    ellipses) plain (NFKC)."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).translate(_QUOTES)
    return _SPACES.sub(" ", text).strip()


def classify(hunk: Hunk) -> Nature:
    if typography(hunk.old) == typography(hunk.new):
        return Nature.TYPOGRAPHY
    if is_editorial(hunk.old, hunk.new):
        return Nature.EDITORIAL
    return Nature.WORDING


def together(parts: Sequence[Hunk]) -> tuple[Segment, ...]:
    """Several hunks of one text as one redline: each after a `SKIP` from the end of the one
    before it (offsets stay those of the whole texts)."""
    result: list[Segment] = []
    old_at = new_at = 0
    for hunk in parts:
        for segment in hunk.segments:
            if segment.op == SKIP:
                old_to, new_to = segment.skip
                result.append(Segment(SKIP, "", skip=(old_to - old_at, new_to - new_at)))
                old_at, new_at = old_to, new_to
                continue
            result.append(segment)
            if segment.op in ("equal", "delete", MOVED_AWAY):
                old_at += len(segment.text)
            if segment.op in ("equal", "insert", MOVED_HERE):
                new_at += len(segment.text)
    return tuple(result)
