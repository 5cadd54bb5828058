"""A judged reply's label: the comment right after a reply's tag in a comparison, which says how
the spec judges it (``<!-- BAD[#id]: why -->``), read against the labels the syntax declares.

Like the tags (`conversation`), the comment is read by possessive regular expressions bounded by
the reply's first line: linear in the fence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from ..diagnostics import Severity, suggest
from ..grammar.examples import ExampleSyntax
from .model import Reply, Turn

_COMMENT = re.compile(r"[ \t]*+<!--(?P<body>[^\n]*?)-->[ \t]*+")
_LABEL = re.compile(
    r"^\s*+(?P<word>[A-Za-z][A-Za-z_-]*+)(?P<refs>(?:\[[^\]]*+\])*+)\s*+(?:[:,]\s*+(?P<reason>.*?))?\s*$"
)
_REF = re.compile(r"#?([^\s#,\[\]]++)")

Label = tuple[str, re.Match[str] | None, int]
"""A label comment: its text, that text read as a label (None: it does not read as one), and
the offset of the text in the fence."""


class Report(Protocol):
    """Reports a problem at an offset of the fence's content."""

    def __call__(
        self, offset: int, code: str, message: str, hint: str, severity: Severity = ...
    ) -> None: ...


def read_label(text: str, start: int, end: int) -> tuple[Label | None, int]:
    """The label comment that opens a reply's content (`text[start:end]`), on its first line,
    and where the content starts after it."""
    line_end = text.find("\n", start, end)
    comment = _COMMENT.match(text, start, end if line_end < 0 else line_end)
    if comment is None:
        return None, start
    body = comment["body"]
    return (body, _LABEL.match(body), comment.start("body")), comment.end()


def judged_reply(
    turn: Turn,
    label: Label | None,
    offset: int,
    after: int,
    syntax: ExampleSyntax,
    known_ids: Callable[[str], bool],
    report: Report,
) -> Reply:
    """The reply `turn` (its tag at `offset`; `after` turns come before it), judged as its label
    says; a missing or unknown label and ids the spec does not define are reported."""
    if label is None:
        report(
            offset,
            "CC809",
            "a reply in a comparison without a label",
            f"label it after its tag, e.g. <!-- {next(iter(syntax.labels), 'GOOD')} -->",
            Severity.WARNING,
        )
        return Reply(turn, None, None, None, (), after)
    body, parsed, at = label
    words = list(syntax.labels)
    if parsed is None or parsed["word"] not in syntax.labels:
        word = parsed["word"] if parsed is not None else body.strip()[:40]
        hint = (suggest(word, words) if parsed is not None else "") or (
            f"begin the comment with one of {', '.join(words)}, e.g. <!-- {words[0]}: why -->"
        )
        report(at, "CC805", f"unknown label '{word}'", hint)
        return Reply(turn, None, None, body.strip() or None, (), after)
    violates = tuple(_REF.findall(parsed["refs"] or ""))
    for ident in violates:
        if not known_ids(ident):
            report(
                at,
                "CC810",
                f"the label names an unknown id '#{ident}'",
                "name a heading's {#id}",
            )
    reason = parsed["reason"] or None
    return Reply(turn, syntax.labels[parsed["word"]], parsed["word"], reason, violates, after)
