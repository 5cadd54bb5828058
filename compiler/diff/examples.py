"""Examples and prompts in the diff: what was added, removed, moved or changed between two
versions, as changes of the diff (`compiler.diff.Change`) under the rules of `example_rules`.

Examples are matched by their section and title (the n-th example of a title in a section with
the n-th), then by title alone (moved to another section); prompt files by their key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..document import Document
from ..examples.model import Example, ExampleSet, PromptFile, Reply, Turn
from ..examples.nodes import example_set
from .example_rules import EXAMPLE_SUBJECT, PROMPTS_SUBJECT
from .redlines import redline
from .result import Change, DiffResult, Position
from .rules import LEVELS, Facts, Levels

_Key = tuple[str, str, int]


def diff_examples(old: ExampleSet, new: ExampleSet, levels: Levels) -> list[Change]:
    """Every change to the examples and prompts from `old` to `new`, in document order."""
    differ = _Differ(levels)
    differ.examples(old.examples, new.examples)
    differ.prompts(old.prompts, new.prompts)
    return differ.changes


def add_example_changes(result: DiffResult, old: Document, new: Document, levels: Levels) -> None:
    """Adds the changes to the examples and prompts that the documents `old` and `new` hold as
    nodes (a spec compiled with an example syntax, or its compiled JSON, a release, a git
    revision) to `result`, most severe first as the diff orders its changes; the changes that
    `levels` ignore set apart."""
    found = [example_set(document) for document in (old, new)]
    if not any(s.examples or s.prompts for s in found):
        return
    changes = diff_examples(found[0], found[1], levels)
    kept = [c for c in changes if levels.ignored(c.rule, (c.id, c.old_id)) is None]
    result.ignored += [
        (c, entry) for c in changes if (entry := levels.ignored(c.rule, (c.id, c.old_id)))
    ]
    merged = [*result.changes, *kept]
    merged.sort(key=lambda c: LEVELS.index(c.level))  # stable: each list keeps its order
    result.changes[:] = merged


class _Differ:
    def __init__(self, levels: Levels) -> None:
        self.levels = levels
        self.changes: list[Change] = []

    def change(
        self,
        rule: str,
        kind: str,
        old: Example | PromptFile | None,
        new: Example | PromptFile | None,
        message: str,
        field: str | None = None,
        values: tuple[object, object] = (None, None),
        lines: tuple[str, str] | None = None,
    ) -> None:
        level = self.levels.level(rule, Facts(kind, field, False, False))
        subject = new if new is not None else old
        ident = subject.id if subject is not None else ""
        self.changes.append(
            Change(
                rule=rule,
                level=level,
                kind=kind,
                id=ident,
                message=message,
                old_id=old.id if old is not None and new is not None and old.id != new.id else None,
                field=field,
                old_value=values[0],
                new_value=values[1],
                old=_position(old, field) if old is not None else None,
                new=_position(new, field) if new is not None else None,
                redline=redline(*lines) if lines is not None else (),
            )
        )

    # --- examples ---------------------------------------------------------------------------

    def examples(self, old: Sequence[Example], new: Sequence[Example]) -> None:
        old_keys, new_keys = _keyed(old), _keyed(new)
        pairs = [(old_keys[k], new_keys[k]) for k in new_keys if k in old_keys]
        removed = [e for k, e in old_keys.items() if k not in new_keys]
        added = [e for k, e in new_keys.items() if k not in old_keys]
        by_title: dict[str | None, list[Example]] = {}
        for example in removed:
            by_title.setdefault(example.title, []).append(example)
        for example in added:
            candidates = by_title.get(example.title)
            if example.title is not None and candidates:
                moved = candidates.pop(0)
                pairs.append((moved, example))
                self.change(
                    "example-moved",
                    EXAMPLE_SUBJECT,
                    moved,
                    example,
                    f"example '{example.title}' moved from {_section(moved)} to {_section(example)}",
                    "provision",
                    (_section(moved), _section(example)),
                )
            else:
                self.change(
                    "example-added",
                    EXAMPLE_SUBJECT,
                    None,
                    example,
                    f"example {_name(example)} added",
                )
        matched = {id(a) for a, _ in pairs}
        for example in removed:
            if id(example) not in matched:
                self.change(
                    "example-removed",
                    EXAMPLE_SUBJECT,
                    example,
                    None,
                    f"example {_name(example)} removed",
                )
        for old_example, new_example in sorted(pairs, key=lambda p: p[1].source.line):
            self._compare(old_example, new_example)

    def _compare(self, old: Example, new: Example) -> None:
        name = _name(new)
        if old.title != new.title:
            self.change(
                "example-title-changed",
                EXAMPLE_SUBJECT,
                old,
                new,
                f"example {name} retitled",
                "title",
                (old.title, new.title),
            )
        if _turns(old.turns) != _turns(new.turns):
            self.change(
                "example-conversation-changed",
                EXAMPLE_SUBJECT,
                old,
                new,
                f"the conversation of example {name} changed",
                "turns",
                lines=(_text(old.turns), _text(new.turns)),
            )
        old_replies = _replies_keyed(old)
        flipped = [
            (old_replies[key], reply)
            for key, reply in _replies_keyed(new).items()
            if key in old_replies and old_replies[key].verdict != reply.verdict
        ]
        for before, after in flipped:
            self.change(
                "example-verdict-changed",
                EXAMPLE_SUBJECT,
                old,
                new,
                f"example {name}: a reply judged {before.verdict} is now judged {after.verdict}",
                "verdict",
                (str(before.verdict), str(after.verdict)),
            )
        if _replies(old) != _replies(new) and not (
            flipped
            and len(old.replies) == len(new.replies)
            and _replies(old, False) == _replies(new, False)
        ):
            self.change(
                "example-replies-changed",
                EXAMPLE_SUBJECT,
                old,
                new,
                f"the replies of example {name} changed",
                "replies",
                lines=(_reply_text(old), _reply_text(new)),
            )

    # --- prompts ----------------------------------------------------------------------------

    def prompts(self, old: Sequence[PromptFile], new: Sequence[PromptFile]) -> None:
        old_keys = {p.key: p for p in old}
        new_keys = {p.key: p for p in new}
        for key, file in old_keys.items():
            if key not in new_keys:
                self.change(
                    "prompts-removed",
                    PROMPTS_SUBJECT,
                    file,
                    None,
                    f"prompts file {file.source.file} removed",
                )
        for key, file in new_keys.items():
            before = old_keys.get(key)
            if before is None:
                self.change(
                    "prompts-added",
                    PROMPTS_SUBJECT,
                    None,
                    file,
                    f"prompts file {file.source.file} added",
                )
                continue
            old_section = before.passage.provision.id if before.passage.provision else None
            new_section = file.passage.provision.id if file.passage.provision else None
            if old_section != new_section:
                self.change(
                    "prompts-moved",
                    PROMPTS_SUBJECT,
                    before,
                    file,
                    f"the footnote [^{key}] moved from section {old_section} to {new_section}",
                    "provision",
                    (old_section, new_section),
                )
            if before.passage.text != file.passage.text:
                self.change(
                    "prompts-passage-changed",
                    PROMPTS_SUBJECT,
                    before,
                    file,
                    f"the passage that names {file.source.file} ([^{key}]) was reworded",
                    "passage",
                    lines=(before.passage.text, file.passage.text),
                )
            if _prompt_text(before) != _prompt_text(file):
                self.change(
                    "prompts-changed",
                    PROMPTS_SUBJECT,
                    before,
                    file,
                    f"the prompts of {file.source.file} changed",
                    PROMPTS_SUBJECT,
                    lines=(_prompt_text(before), _prompt_text(file)),
                )


def _keyed(examples: Iterable[Example]) -> dict[_Key, Example]:
    keyed: dict[_Key, Example] = {}
    counts: dict[tuple[str, str], int] = {}
    for example in examples:
        base = (example.provision.id if example.provision else "", example.title or example.id)
        counts[base] = counts.get(base, 0) + 1
        keyed[(*base, counts[base])] = example
    return keyed


def _replies_keyed(example: Example) -> dict[tuple[int, str, int], Reply]:
    """Replies by what they answer and say (the n-th reply saying the same thing to the same
    turns: one example may judge the same words twice, differently)."""
    keyed: dict[tuple[int, str, int], Reply] = {}
    counts: dict[tuple[int, str], int] = {}
    for reply in example.replies:
        base = (reply.after, reply.turn.content)
        counts[base] = counts.get(base, 0) + 1
        keyed[(*base, counts[base])] = reply
    return keyed


def _section(example: Example) -> str:
    return example.provision.id if example.provision else "(before the first heading)"


def _name(example: Example) -> str:
    return f"'{example.title}'" if example.title else example.id


def _turns(turns: Sequence[Turn]) -> list[tuple[str, tuple[tuple[str, str], ...], str]]:
    return [(t.role, t.attributes, t.content) for t in turns]


def _text(turns: Sequence[Turn]) -> str:
    """A conversation as lines of text, for the redline."""
    return "\n".join(
        f"{t.role}{''.join(f' {k}={v}' for k, v in t.attributes)}: {t.content}" for t in turns
    )


def _replies(example: Example, verdicts: bool = True) -> list[tuple[object, ...]]:
    return [
        (
            str(r.verdict) if verdicts else "",
            r.reason,
            r.violates,
            r.after,
            r.turn.attributes,
            r.turn.content,
        )
        for r in example.replies
    ]


def _reply_text(example: Example) -> str:
    return "\n".join(
        f"{r.label or '(no label)'}{': ' + r.reason if r.reason else ''} -> {r.turn.content}"
        for r in example.replies
    )


def _prompt_text(file: PromptFile) -> str:
    return "\n\n".join(f"{p.title or ''}\n{_text(p.turns)}" for p in file.prompts)


def _position(node: Example | PromptFile, field: str | None) -> Position:
    """Where the change is: a prompts file's footnote when its passage or section changed."""
    if isinstance(node, PromptFile) and field in ("passage", "provision"):
        return Position(node.passage.source.file, node.passage.source.line)
    return Position(node.source.file, node.source.line)
