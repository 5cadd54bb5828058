"""What a diff finds: each change with its rule, level, place and redline, and their sum.

`DiffResult.to_json` is the document `constitution diff --format json` writes, described by the
diff schema (`schema()`): edits in full, unchanged text only as a few words of context.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field

from ..packaged import packaged_schema
from .redline_views import redline_json
from .redlines import Segment
from .rules import BUMPS, LEVELS, IgnoreEntry, Level

SCHEMA_FILE = "diff.schema.json"
#: Unchanged text kept on either side of an edit in the JSON (the schema's size bound).
JSON_CONTEXT_WORDS = 6


class Position(Struct, frozen=True):
    """Where a node was written: file relative to the spec root, 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Change(Struct, frozen=True):
    """One classified difference between two versions."""

    rule: str
    """Stable rule id, a key of `RULES`."""
    level: Level
    kind: str
    """``document``, a key of `KINDS`, or the name of a kind the documents' grammar declares."""
    id: str
    """The node's id in the new version (the old id for a removed node)."""
    message: str
    """One sentence for people."""
    old_id: str | None = None
    """The node's id in the old version, when it differs (renames) or the node is new (None)."""
    field: str | None = None
    """What changed: ``text``, ``title``, ``rank``, ``order``, ``attributes.authority``..."""
    old_value: Any = None
    new_value: Any = None
    old: Position | None = None
    new: Position | None = None
    redline: tuple[Segment, ...] = ()
    kind_label: str = ""
    """How the grammar names the kind (``Instructable behavior``, ``Document``); the kind's name
    when empty."""
    ordered: tuple[str, str] | None = None
    """For a change to an order (its levels, its mode, a rank): the kind it orders and how the
    grammar names its nodes (``("property", "Core values")``); None for other changes."""

    @property
    def label(self) -> str:
        return self.kind_label or self.kind

    def to_json(self) -> dict[str, Any]:
        ordered = (
            {"ordered": {"kind": self.ordered[0], "label": self.ordered[1]}}
            if self.ordered is not None
            else {}
        )
        return {
            "rule": self.rule,
            "level": self.level.value,
            "kind": self.kind,
            "kind_label": self.label,
            "id": self.id,
            "old_id": self.old_id,
            "message": self.message,
            "field": self.field,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "old": _position_json(self.old),
            "new": _position_json(self.new),
            "redline": redline_json(self.redline, JSON_CONTEXT_WORDS),
            **ordered,
        }


class Side(Struct, frozen=True):
    """What one side of a diff is."""

    label: str
    """How the user named it: a path, ``1.0.0``, ``git:HEAD~1``..."""
    title: str | None = None
    version: str | None = None


class DiffResult(Struct):
    """Every change from `old` to `new`, most severe first, then in document order."""

    old: Side
    new: Side
    changes: list[Change] = field(default_factory=list)
    ignored: list[tuple[Change, IgnoreEntry]] = field(default_factory=list)
    """Changes the project's levels file ignores, each with its entry; not counted."""

    def counts(self) -> dict[str, int]:
        return {level.value: sum(c.level is level for c in self.changes) for level in LEVELS}

    @property
    def level(self) -> Level | None:
        """The most severe level present, or None when nothing changed."""
        return next((lvl for lvl in LEVELS if any(c.level is lvl for c in self.changes)), None)

    @property
    def bump(self) -> str:
        """``major``, ``minor``, ``patch`` or ``none``."""
        level = self.level
        return BUMPS[level] if level is not None else "none"

    def at_or_above(self, level: Level) -> list[Change]:
        limit = LEVELS.index(level)
        return [c for c in self.changes if LEVELS.index(c.level) <= limit]

    def to_json(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "$schema": schema_id(),
            "old": _side_json(self.old),
            "new": _side_json(self.new),
            "summary": {
                **counts,
                "total": len(self.changes),
                "ignored": len(self.ignored),
                "bump": self.bump,
            },
            "changes": [c.to_json() for c in self.changes],
            "ignored": [
                {
                    "rule": change.rule,
                    "kind": change.kind,
                    "kind_label": change.label,
                    "id": change.id,
                    "old_id": change.old_id,
                    "message": change.message,
                    "reason": entry.reason,
                    "origin": entry.origin,
                }
                for change, entry in self.ignored
            ],
        }


def where(change: Change) -> str:
    """Where the change is: ``old.md:3 → new.md:4``, or the one side it has."""
    if change.old is not None and change.new is not None:
        return f"{change.old} → {change.new}"
    return str(change.new or change.old or "")


def heading(result: DiffResult) -> str:
    """``OLD (version X) → NEW (version Y)``."""
    return f"{_side_name(result.old)} → {_side_name(result.new)}"


def _side_name(side: Side) -> str:
    return side.label + (f" (version {side.version})" if side.version else "")


def _position_json(position: Position | None) -> dict[str, Any] | None:
    return None if position is None else {"file": position.file, "line": position.line}


def _side_json(side: Side) -> dict[str, Any]:
    return {"label": side.label, "title": side.title, "version": side.version}


def schema() -> dict[str, Any]:
    """The JSON Schema of `DiffResult.to_json`, as shipped in the package."""
    return packaged_schema(SCHEMA_FILE)


def schema_id() -> str:
    return str(schema()["$id"])
