"""`constitution history ID`: the releases in which a node was added, changed, moved, renamed or
removed, followed through its renames."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, has_errors, suggest
from ..diff import Change, DiffResult, Side, diff_documents
from ..document import from_json
from .index import INDEX_FILE, ReleaseEntry, load_index
from .verify import check_artifact


@dataclass(frozen=True, slots=True)
class HistoryEvent:
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
    ident: str, releases_dir: Path
) -> tuple[list[HistoryEvent], list[Diagnostic], list[str]]:
    """Every release in which node `ident` (or an earlier or later name of it) changed, oldest
    first; also any problem reading the releases, and every id ever released (for suggestions)."""
    index, problems = load_index(releases_dir)
    if has_errors(problems):
        return [], problems, []
    steps: list[tuple[ReleaseEntry, DiffResult]] = []
    previous: dict[str, Any] = {}
    known: set[str] = set()
    for entry in index.entries:
        document, found = check_artifact(index, entry)
        if document is None:
            problems.extend(found)
            return [], problems, []
        steps.append((entry, diff_documents(previous, document, Side("-"), Side(entry.version))))
        known.update(_ids(document))
        previous = document
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


def _ids(document: Mapping[str, Any]) -> Iterator[str]:
    """Every node id of a released document (schema 2.0.0 or 1.x)."""
    for node in from_json(document).nodes:
        yield node.id


def unknown_id(ident: str, releases_dir: Path, known: list[str]) -> Diagnostic:
    return Diagnostic(
        "CC509",
        f"no release has a node with id '{ident}'",
        str(releases_dir / INDEX_FILE),
        0,
        hint=suggest(ident, known) or "give the id of a section or annotation",
    )
