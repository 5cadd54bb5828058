"""Examples and prompts on the site: each example's conversation in place of its fence, folded
in a ``<details>`` under its provision; each prompts file listed after the passage naming it.

Everything shown from the input is escaped: a turn that holds ``<script>`` shows the word.
Verdicts are said in words (Good, Acceptable, Bad) as well as by colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..grammar.examples import example_syntax
from .model import Example, ExampleSet, PromptFile, Reply, Turn, Verdict
from .nodes import example_set

if TYPE_CHECKING:
    from ..pipeline import CompileResult

_VERDICTS = {Verdict.GOOD: "Good", Verdict.ACCEPTABLE: "Acceptable", Verdict.BAD: "Bad"}
_MARKS = {Verdict.GOOD: "✓", Verdict.ACCEPTABLE: "~", Verdict.BAD: "✗"}


def site_examples(spec: Path, result: CompileResult) -> ExampleSet | None:
    """The examples of the spec being published, from its own compile, when its declarations
    file declares an example syntax. Conversations with problems are shown as far as they were
    read: `constitution examples` and `check` report the problems."""
    syntax = example_syntax(result.grammar) if result.grammar is not None else None
    if syntax is None or result.model is None:
        return None
    return example_set(result.model)  # the compile made them nodes


class ExamplesView:
    """What a chapter's page shows of its examples and prompts (`render.PageContext.extras`)."""

    def __init__(self, found: ExampleSet) -> None:
        self.fences = {(e.source.file, e.source.end_line): e for e in found.examples}
        self.passages: dict[tuple[str, int], list[PromptFile]] = {}
        for prompts in found.prompts:
            where = prompts.passage.source
            self.passages.setdefault((where.file, where.line), []).append(prompts)

    def fence(self, file: str | None, last_line: int) -> str | None:
        """The conversation that the fence ending at `last_line` (1-based) holds, or None."""
        example = self.fences.get((file or "", last_line))
        return None if example is None else conversation_html(example)

    def after_paragraph(self, file: str | None, first: int, last: int) -> str:
        """The prompts files named in the paragraph on lines `first`..`last` (1-based)."""
        found = [
            p for line in range(first, last + 1) for p in self.passages.get((file or "", line), ())
        ]
        return "".join(prompts_html(prompts) for prompts in found)


def conversation_html(example: Example) -> str:
    judged = len(example.replies)
    summary = f"{len(example.turns)} turn{'s' * (len(example.turns) != 1)}"
    if judged:
        summary += f", {judged} judged repl{'ies' if judged != 1 else 'y'}"
    body = _turns_html(example.turns, example.replies)
    return (
        f'<details class="cc-example" id="{escape(example.id)}">\n'
        f'<summary><span class="cc-example__label">Conversation</span> '
        f'<span class="cc-example__count">{summary}</span></summary>\n{body}</details>\n'
    )


def prompts_html(prompts: PromptFile) -> str:
    count = len(prompts.prompts)
    items = "".join(
        f"<li><p>{escape(p.title or p.id)}</p>\n{_turns_html(p.turns, p.replies)}</li>\n"
        for p in prompts.prompts
    )
    return (
        f'<details class="cc-prompts" id="{escape(prompts.id)}">\n'
        f'<summary><span class="cc-example__label">Evaluation prompts</span> '
        f'<span class="cc-example__count">{count} for [^{escape(prompts.key)}]</span></summary>\n'
        f'<ol class="cc-prompts__list">\n{items}</ol>\n</details>\n'
    )


def _turns_html(turns: Sequence[Turn], replies: Sequence[Reply]) -> str:
    parts = ['<ol class="cc-conversation">\n']
    by_place: dict[int, list[Reply]] = {}
    for reply in replies:
        by_place.setdefault(reply.after, []).append(reply)
    for place in range(len(turns) + 1):
        if place in by_place:
            parts.append(_comparison_html(by_place[place]))
        if place < len(turns):
            parts.append(f"<li>{_turn_html(turns[place])}</li>\n")
    parts.append("</ol>\n")
    return "".join(parts)


def _turn_html(turn: Turn, extra_class: str = "", verdict: str = "") -> str:
    attributes = " ".join(f"{name}={value}" for name, value in turn.attributes)
    shown = f' <span class="cc-turn__attrs">{escape(attributes)}</span>' if attributes else ""
    return (
        f'<div class="cc-turn cc-turn--{escape(turn.role)}{extra_class}">'
        f'<div class="cc-turn__head">{verdict}<span class="cc-turn__role">'
        f"{escape(turn.role.capitalize())}</span>{shown}</div>"
        f'<div class="cc-turn__content">{escape(turn.content)}</div></div>'
    )


def _comparison_html(replies: Sequence[Reply]) -> str:
    shown = []
    for reply in replies:
        name = "unlabelled" if reply.verdict is None else str(reply.verdict)
        word = "Not judged" if reply.verdict is None else _VERDICTS[reply.verdict]
        mark = "?" if reply.verdict is None else _MARKS[reply.verdict]
        reason = (
            f' <span class="cc-verdict__reason">{escape(reply.reason)}</span>'
            if reply.reason
            else ""
        )
        verdict = (
            f'<span class="cc-verdict cc-verdict--{name}"><span aria-hidden="true">{mark}</span> '
            f"{word}</span>{reason} "
        )
        shown.append(f"<li>{_turn_html(reply.turn, f' cc-reply cc-reply--{name}', verdict)}</li>\n")
    return f'<li class="cc-comparison"><ul class="cc-comparison__replies">\n{"".join(shown)}</ul></li>\n'
