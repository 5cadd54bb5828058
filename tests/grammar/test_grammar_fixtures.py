"""Data-driven declarations files: every `data/grammar/valid/*.yaml` loads without a diagnostic
into the kinds in the `.json` beside it (the kinds that differ from the default grammar, and the
sections passed through), and every `data/grammar/invalid/*.yaml` gives exactly the diagnostics in
its `.err`, as `check` prints them.

Regenerate expectations after an intended change with
`UPDATE_FIXTURES=1 pytest tests/grammar/test_grammar_fixtures.py`, then review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import msgspec
import pytest

from compiler.diagnostics import render
from compiler.grammar.load import default_grammar, load_grammar
from compiler.grammar.types import Grammar

DATA = Path(__file__).resolve().parent.parent / "data" / "grammar"
VALID = sorted((DATA / "valid").glob("*.yaml"))
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
UPDATE = bool(os.environ.get("UPDATE_FIXTURES"))


def dump(grammar: Grammar) -> str:
    """What a valid declarations file changes, as JSON: whole kinds, every setting shown."""
    default = default_grammar().kinds
    changed = {
        name: msgspec.to_builtins(kind)
        for name, kind in grammar.kinds.items()
        if default.get(name) != kind
    }
    sections: dict[str, Any] = {
        "diff": grammar.diff.value if grammar.diff else None,
        "examples": grammar.examples.value if grammar.examples else None,
    }
    return json.dumps({"kinds": changed, **sections}, indent=2, ensure_ascii=False) + "\n"


def test_fixtures_were_found() -> None:
    assert len(VALID) >= 5
    assert len(INVALID) >= 20


@pytest.mark.parametrize("source", VALID, ids=[p.stem for p in VALID])
def test_valid_declarations(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    grammar, diagnostics = load_grammar(file=Path(source.name))
    assert render(diagnostics, "text") == ""
    assert grammar.file == source.name
    expected = source.with_suffix(".json")
    if UPDATE:
        expected.write_text(dump(grammar), "utf-8")
    assert dump(grammar) == expected.read_text("utf-8")


@pytest.mark.parametrize("source", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_declarations(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    _, diagnostics = load_grammar(file=Path(source.name))
    assert diagnostics
    expected = source.with_suffix(".err")
    if UPDATE:
        expected.write_text(render(diagnostics, "text"), "utf-8")
    assert render(diagnostics, "text") == expected.read_text("utf-8")
