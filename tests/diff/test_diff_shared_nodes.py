"""The diff of two compiled JSON documents reads them together (`compiler.document.read_pair`: a
node whose JSON is the same on both sides is one model, compared only for what it names). Its
result must be the one of the two documents read apart, whatever touches a shared node from
outside: a node it names renamed, its links retargeted, lines shifted around it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from compiler.diff import DiffResult, Side, diff_documents, render_json, render_text
from compiler.document import from_json

ROOT = Path(__file__).resolve().parents[2]
RELEASE = json.loads((ROOT / "releases" / "2.0.0.json").read_text("utf-8"))


def _node(data: dict[str, Any], ident: str) -> dict[str, Any]:
    return next(node for node in data["nodes"] if node["id"] == ident)


def _rename_a_named_property(data: dict[str, Any]) -> None:
    """A property renamed while the priority and constraints that name it (and the links to
    it) are left as they were: their JSON is the same on both sides."""
    _node(data, "broadly-ethical")["id"] = "broadly-ethical-renamed"


def _retarget_a_link(data: dict[str, Any]) -> None:
    """A link of an unchanged node pointing elsewhere (its text is the same)."""
    reference = next(r for r in data["references"] if r["origin"] == "summary")
    reference["target"] = "being-broadly-safe"


def _shift_lines(data: dict[str, Any]) -> None:
    """Every node of a file after its third moved two lines down (their JSON differs only in
    where they are), and one paragraph reworded."""
    nodes = [n for n in data["nodes"] if n["source"]["file"] == "01-overview.md"]
    for node in nodes[3:]:
        node["source"]["line"] += 2
        node["source"]["end_line"] += 2
    node = _node(data, "mission")
    old = node["blocks"][0]["text"]
    node["blocks"][0]["text"] = node["text"] = old.replace("the world", "our world", 1)


EDITS: dict[str, tuple[Callable[[dict[str, Any]], None], list[str]]] = {
    "a named node renamed": (
        _rename_a_named_property,
        [
            "property-renamed",
            "priority-order-changed",
            *["constraint-concerns-narrowed"] * 7,
            "link-changed",
        ],
    ),
    "a link retargeted": (_retarget_a_link, ["link-changed"]),
    "lines shifted": (_shift_lines, ["section-text-changed"]),
}


def _both_ways(old: dict[str, Any], new: dict[str, Any]) -> tuple[DiffResult, DiffResult]:
    together = diff_documents(old, new, Side("old"), Side("new"))
    apart = diff_documents(from_json(old), from_json(new), Side("old"), Side("new"))
    return together, apart


@pytest.mark.parametrize("name", list(EDITS))
def test_read_together_the_diff_is_the_one_read_apart(name: str) -> None:
    edit, rules = EDITS[name]
    new = copy.deepcopy(RELEASE)
    edit(new)
    for old, edited in ((RELEASE, new), (new, RELEASE)):
        together, apart = _both_ways(old, edited)
        assert render_json(together) == render_json(apart)
        assert render_text(together) == render_text(apart)
    together, _ = _both_ways(RELEASE, new)
    assert [change.rule for change in together.changes] == rules
