"""Data-driven fixtures: every `data/valid/*.md` compiles to the `.json` beside it, and every
`data/invalid/*.md` gives exactly the diagnostics in the `.err` beside it (as `check` prints them).

Regenerate expectations after an intended change with `UPDATE_FIXTURES=1 pytest tests/pipeline/test_fixtures.py`,
then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compiler.diagnostics import render
from compiler.pipeline import compile_spec

DATA = Path(__file__).parents[1] / "data"
VALID = sorted((DATA / "valid").glob("*.md"))
INVALID = sorted((DATA / "invalid").glob("*.md"))
UPDATE = bool(os.environ.get("UPDATE_FIXTURES"))


def test_fixtures_were_found() -> None:
    assert len(VALID) >= 5
    assert len(INVALID) >= 15


@pytest.mark.parametrize("source", VALID, ids=[p.stem for p in VALID])
def test_valid_fixture(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    result = compile_spec(source.name)
    assert render(result.diagnostics, "text") == ""
    expected = source.with_suffix(".json")
    if UPDATE:
        expected.write_bytes(result.to_json_bytes())
    assert result.to_json_bytes().decode("utf-8") == expected.read_text("utf-8")


@pytest.mark.parametrize("source", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    result = compile_spec(source.name)
    assert not result.ok
    assert result.document is None
    expected = source.with_suffix(".err")
    if UPDATE:
        expected.write_text(render(result.diagnostics, "text"), "utf-8")
    assert render(result.diagnostics, "text") == expected.read_text("utf-8")
