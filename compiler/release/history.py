"""`constitution history ID`: the releases in which a node was added, changed, moved, renamed or
removed, followed through its renames."""

from __future__ import annotations

from pathlib import Path

from msgspec import Struct

from ..diagnostics import Diagnostic, has_errors, suggest
from ..diff import DEFAULT_LEVELS, Change, DiffResult, Levels, Side, diff_documents
from ..diff.nodes import EMPTY
from ..document import from_json
from .index import INDEX_FILE, ReleaseEntry, load_index
from .verify import check_artifact


class HistoryEvent(Struct, frozen=True):
    """One release in which a node changed."""

    version: str
    date: str
    action: str
    """``added``, ``removed``, ``renamed``, ``moved`` or ``changed``."""
    change: Change


def _action(rule: str) -> str:
    for action in ("added", "removed", "renamed", "moved"):
        if rule.endswith(f"-{action}"):
            return action
    return "changed"


def node_history(
    ident: str, releases_dir: Path, levels: Levels = DEFAULT_LEVELS
) -> tuple[list[HistoryEvent], list[Diagnostic], list[str]]:
    """Every release in which node `ident` (or an earlier or later name of it) changed, oldest
    first, each change weighed at the project's `levels` (as `diff` and `release` weigh it);
    also any problem reading the releases, and every id ever released (for suggestions)."""
    index, problems = load_index(releases_dir)
    if has_errors(problems):
        return [], problems, []
    steps: list[tuple[ReleaseEntry, DiffResult]] = []
    previous = EMPTY
    known: set[str] = set()
    for entry in index.entries:
        document, found = check_artifact(index, entry)
        if document is None:
            problems.extend(found)
            return [], problems, []
        model = from_json(document)  # schema 1.x or 2.0.0: one typed model
        steps.append(
            (entry, diff_documents(previous, model, Side("-"), Side(entry.version), levels))
        )
        known.update(node.id for node in model.nodes)
        previous = model
    names = {ident}
    while True:  # follow renames both ways until no new name turns up
        grown = set(names)
        for _, result in steps:
            for change in result.changes:
                if change.old_id is not None and ({change.id, change.old_id} & grown):
                    grown |= {change.id, change.old_id}
        if grown == names:
            break
        names = grown
    events = [
        HistoryEvent(entry.version, entry.date, _action(change.rule), change)
        for entry, result in steps
        for change in result.changes
        if change.id in names or (change.old_id or "") in names
    ]
    return events, problems, sorted(known)


def unknown_id(ident: str, releases_dir: Path, known: list[str]) -> Diagnostic:
    return Diagnostic(
        "CC509",
        f"no release has a node with id '{ident}'",
        str(releases_dir / INDEX_FILE),
        0,
        hint=suggest(ident, known) or "give the id of a section or annotation",
    )
