"""How a redline (`compiler.diff.redlines`) is shown: `elide` shortens the unchanged runs to a
few words of context; `redline_json` gives the runs with their offsets in both texts;
`redline_lines` cuts the runs at line breaks, so that every format keeps the paragraphs; `shown`
writes a moved block once, where it now is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

from .moves import MOVED_AWAY, MOVED_HERE
from .redlines import CONTEXT_WORDS, ELLIPSIS, SKIP, Segment, joined

_WORD_RUN = re.compile(r"\s*\S+\s*")


def _context(
    text: str, first: bool, last: bool, context: int, slack: int = 0
) -> tuple[str, str] | None:
    """The head and tail an equal run keeps (the run first or last in its redline keeps only
    the side next to an edit), or None when it is short enough to keep whole (with `slack`
    words to spare: a cut that would save no more is not worth a mark)."""
    keep_head = 0 if first else context
    keep_tail = 0 if last else context
    if _words_up_to(text, keep_head + keep_tail + slack + 1) is None:
        return None
    head = _words_up_to(text, keep_head) or ""
    return head, _last_words(text, keep_tail)


@cache
def _first_words(count: int) -> re.Pattern[str]:
    # Possessive: a word is never split, and a failed match never backtracks.
    return re.compile(rf"\s*+(?:\S++\s*+){{{count}}}")


def _words_up_to(text: str, count: int) -> str | None:
    """The start of `text` up to the end of its `count`-th word (and the spaces after it), or
    None when it has fewer words; the cost grows with `count`, not with the text."""
    if count == 0:
        return ""
    match = _first_words(count).match(text)
    return match.group() if match else None


def _last_words(text: str, count: int) -> str:
    """The end of `text` from the start of its `count`-th word from the end (with the spaces
    before it), reading only as much of the text as it needs."""
    if count == 0:
        return ""
    window = 64 * count
    while True:
        part = text[-window:]
        words = _WORD_RUN.findall(part)
        # The first word found may be cut by the window: it does not count, unless all is read.
        usable = words if len(part) == len(text) else words[1:]
        if len(usable) >= count or len(part) == len(text):
            return "".join(usable[len(usable) - count :]) if len(usable) >= count else part
        window *= 4


def elide(segments: Sequence[Segment], context: int = CONTEXT_WORDS) -> list[Segment]:
    """Equal runs shortened to `context` words either side of an edit, the cut shown as ``…``;
    text left out between parts (`SKIP`) shown once as ``…``, and not at all at the edges."""
    result: list[Segment] = []
    last = len(segments) - 1
    for position, segment in enumerate(segments):
        if segment.op == SKIP:
            if _inner_skip(segments, position):
                result.append(Segment("equal", ELLIPSIS))
            continue
        after_gap = position > 0 and _inner_skip(segments, position - 1)
        before_gap = position < last and _inner_skip(segments, position + 1)
        first = position == 0 or segments[position - 1].op == SKIP
        final = position == last or segments[position + 1].op == SKIP
        cut = _context(segment.text, first, final, context, slack=1)
        if segment.op != "equal" or cut is None:
            result.append(segment)
            continue
        head, tail = cut
        if head and tail:
            shortened = f"{head}… {tail}"
        elif head:
            shortened = head.rstrip() if before_gap else f"{head.rstrip()} …"
        else:
            shortened = tail.lstrip() if after_gap else f"…{tail}"
        result.append(Segment("equal", shortened))
    return joined(result)


def _inner_skip(segments: Sequence[Segment], position: int) -> bool:
    """True for a `SKIP` between two parts (not before the first or after the last)."""
    if segments[position].op != SKIP:
        return False
    before = any(s.op != SKIP for s in segments[:position])
    return before and any(s.op != SKIP for s in segments[position + 1 :])


def gaps(segments: Sequence[Segment]) -> list[Segment]:
    """The redline with text left out between parts (`SKIP`) shown as ``…`` and none at its
    edges, nothing else shortened."""
    return joined(
        Segment("equal", ELLIPSIS) if segment.op == SKIP else segment
        for position, segment in enumerate(segments)
        if segment.op != SKIP or _inner_skip(segments, position)
    )


#: How `redline_json` writes each kind of run.
JSON_OPS = {"equal": "=", "delete": "-", "insert": "+", MOVED_AWAY: "<", MOVED_HERE: ">"}


def redline_json(segments: Sequence[Segment], context: int) -> list[dict[str, Any]]:
    """The redline for tools, as hunks: ``{"old", "new", "runs"}``, a hunk starting at those
    offsets (in code points) in the old and the new text, its runs following each other in both.
    Runs are ``["=", text]``, ``["-", text]``, ``["+", text]``, a moved block as
    ``[">", text, old offset]`` where it is now and ``["<", length, new offset]`` where it was.
    Edits are whole; unchanged text is cut to `context` words next to the edits, and where some
    is left out, a new hunk starts."""
    hunks: list[dict[str, Any]] = []
    runs: list[list[Any]] | None = None
    old_at = new_at = 0
    at = starts(segments)
    last = len(segments) - 1

    def add(run: list[Any]) -> None:
        nonlocal runs
        if runs is None:
            runs = []
            hunks.append({"old": old_at, "new": new_at, "runs": runs})
        runs.append(run)

    for position, segment in enumerate(segments):
        text, op = segment.text, segment.op
        if op == SKIP:
            runs = None
            old_at, new_at = old_at + segment.skip[0], new_at + segment.skip[1]
            continue
        if op == "equal":
            first = position == 0 or segments[position - 1].op == SKIP
            final = position == last or segments[position + 1].op == SKIP
            cut = _context(text, first, final, context)
            if cut is None:
                add(["=", text])
            else:
                head, tail = cut
                if head:
                    add(["=", head])
                runs = None
                old_at, new_at = old_at + len(text) - len(tail), new_at + len(text) - len(tail)
                if tail:
                    add(["=", tail])
                old_at, new_at = old_at + len(tail), new_at + len(tail)
                continue
        elif op == MOVED_AWAY:
            add(["<", len(text), at[segment.partner][1]])
        elif op == MOVED_HERE:
            add([">", text, at[segment.partner][0]])
        else:
            add([JSON_OPS[op], text])
        if op in ("equal", "delete", MOVED_AWAY):
            old_at += len(text)
        if op in ("equal", "insert", MOVED_HERE):
            new_at += len(text)
    return hunks


def starts(segments: Sequence[Segment]) -> list[tuple[int, int]]:
    """Where each run starts in the old and the new text."""
    result: list[tuple[int, int]] = []
    old_at = new_at = 0
    for segment in segments:
        result.append((old_at, new_at))
        if segment.op == SKIP:
            old_at, new_at = old_at + segment.skip[0], new_at + segment.skip[1]
        if segment.op in ("equal", "delete", MOVED_AWAY):
            old_at += len(segment.text)
        if segment.op in ("equal", "insert", MOVED_HERE):
            new_at += len(segment.text)
    return result


def shown(segments: Sequence[Segment]) -> list[Segment]:
    """The redline for people: a moved block in full where it is now, under a note saying
    where from, and as a one-line note where it was (text left out, `SKIP`, is kept)."""
    if all(segment.partner < 0 for segment in segments):
        return list(segments)
    result: list[Segment] = []
    for position, segment in enumerate(segments):
        if segment.partner < 0:
            result.append(segment)
            continue
        text = segment.text
        body = text.lstrip("\n")
        lead = text[: len(text) - len(body)]  # the blank lines before the block stay before
        if segment.op == MOVED_AWAY:
            where = "below" if segment.partner > position else "above"
            words = " ".join(body.split()[:8])
            trail = "\n" if body.endswith("\n") else ""
            result.append(Segment("delete", f"{lead}(moved {where}: {words} …){trail}"))
        elif segment.op == MOVED_HERE:
            where = "above" if segment.partner < position else "below"
            result.append(Segment("insert", f"{lead}(moved here from {where})\n{body}"))
    return joined(result)


# --- structure -----------------------------------------------------------------------------

#: A paragraph break added or removed with nothing else is shown as this mark.
PILCROW = "¶"


def redline_lines(segments: Sequence[Segment]) -> list[list[Segment]]:
    """The runs cut at line breaks, one list per line of the new text (deleted lines are kept,
    in place): every format shows the paragraphs, and no edit marker spans a line break. A
    break that was only added or only removed, with nothing else, is shown as `PILCROW`."""
    lines: list[list[Segment]] = [[]]
    for segment in segments:
        text, op = segment.text, segment.op
        if "\n" not in text:
            lines[-1].append(segment)
            continue
        if op != "equal" and not text.strip():
            lines[-1].append(Segment(op, PILCROW))
            if op == "delete":
                continue  # the new text goes on in the same line
        parts = text.split("\n")
        if parts[0]:
            lines[-1].append(Segment(op, parts[0]))
        for part in parts[1:]:
            lines.append([Segment(op, part)] if part and (op == "equal" or part.strip()) else [])
    return lines


def edge_spaces(text: str) -> tuple[str, str, str]:
    """An edit's text as (leading whitespace, the rest, trailing whitespace), so that the marks
    around it go inside its spaces; an edit of whitespace alone is kept whole."""
    if not (text[:1].isspace() or text[-1:].isspace()):
        return "", text, ""
    core = text.strip()
    if not core:
        return "", text, ""
    start = len(text) - len(text.lstrip())
    return text[:start], core, text[start + len(core) :]
