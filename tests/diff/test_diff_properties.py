"""Contracts of the diff under random edits of a real spec: it never fails, a version diffed with
itself has no changes, every redline rebuilds both texts, the JSON follows its schema, swapping
the sides swaps additions and removals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from support.redline import check_offsets, sides

from compiler.diff import Side, diff_documents, render_json, schema
from compiler.pipeline import compile_sources
from compiler.reader import SourceFile

BASE = (Path(__file__).resolve().parents[1] / "data" / "diff" / "base.md").read_text("utf-8")
LINES = BASE.split("\n")
#: Prose lines: editing them keeps the spec valid whatever the words.
PROSE = [
    i
    for i, line in enumerate(LINES)
    if line
    and not line.startswith(("#", ":::", "---", "title:", "version:", "**"))
    and "](" not in line
]
WORDS = st.sampled_from(
    ["not", "always", "the", "model", "safe", "—", "“quoted”", "teh", "must", "3", ",", "…", "  "]
)
EDIT = st.tuples(st.sampled_from(PROSE), st.sampled_from(["insert", "delete", "replace"]), WORDS)


def apply(edits: list[tuple[int, str, str]]) -> str:
    lines = list(LINES)
    for index, op, word in edits:
        words = lines[index].split(" ")
        position = len(words) // 2
        if op == "insert":
            words.insert(position, word)
        elif op == "delete" and len(words) > 2:
            del words[position]
        else:
            words[position] = word
        lines[index] = " ".join(words)
    return "\n".join(lines)


def compiled(text: str) -> dict[str, Any]:
    result = compile_sources([SourceFile("spec.md", "spec.md", text)])
    assert result.document is not None, [d.format() for d in result.diagnostics]
    return result.document


ORIGINAL = compiled(BASE)
VALIDATOR = Draft202012Validator(schema())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EDIT, min_size=1, max_size=6))
def test_random_edits(edits: list[tuple[int, str, str]]) -> None:
    edited = compiled(apply(edits))
    result = diff_documents(ORIGINAL, edited, Side("old"), Side("new"))
    assert list(VALIDATOR.iter_errors(json.loads(render_json(result)))) == []
    document = json.loads(render_json(result))
    for change, written in zip(result.changes, document["changes"], strict=True):
        if change.field == "text":
            old, new = sides(change.redline)
            assert old != new
            check_offsets(written["redline"], old, new)
    assert {c.rule for c in result.changes} <= {
        "section-text-changed",
        "property-text-changed",
        "priority-text-changed",
        "constraint-text-changed",
        "definition-text-changed",
        "rationale-text-changed",
        "text-editorial",
    }
    back = diff_documents(edited, ORIGINAL, Side("new"), Side("old"))
    assert sorted((c.id, c.level) for c in back.changes) == sorted(
        (c.id, c.level) for c in result.changes
    )
    assert diff_documents(edited, edited, Side("a"), Side("a")).changes == []


def test_a_version_diffed_with_itself_has_no_changes(repo_root: Path) -> None:
    from compiler.pipeline import compile_spec

    document = compile_spec(repo_root / "spec").document
    assert document is not None
    assert diff_documents(document, document, Side("a"), Side("b")).changes == []
