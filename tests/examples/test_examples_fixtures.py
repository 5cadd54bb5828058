"""Data-driven example fixtures: every spec in `data/examples/valid/` exports without a single
diagnostic to the `.jsonl` beside it, and every spec in `data/examples/invalid/` gives exactly the
diagnostics in its `.err`, as `constitution examples` prints them. A spec is a `.md` file (read
with `data/examples/constitution.yaml`, the Model Spec's syntax) or a folder with its own
`constitution.yaml`.

Regenerate expectations after an intended change with
`UPDATE_FIXTURES=1 pytest tests/examples/test_examples_fixtures.py`, then review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from compiler.diagnostics import render
from compiler.examples.export import dumps_jsonl, schema
from compiler.pipeline import ExamplesResult, compile_examples

DATA = Path(__file__).resolve().parent.parent / "data" / "examples"
UPDATE = bool(os.environ.get("UPDATE_FIXTURES"))


def _specs(folder: Path) -> list[Path]:
    files = folder.glob("*.md")
    folders = (p for p in folder.iterdir() if (p / "constitution.yaml").is_file())
    return sorted([*files, *folders])


VALID = _specs(DATA / "valid")
INVALID = _specs(DATA / "invalid")


def _compile(spec: Path, monkeypatch: pytest.MonkeyPatch) -> ExamplesResult:
    monkeypatch.chdir(spec.parent)
    grammar = None if spec.is_dir() else Path("../constitution.yaml")
    return compile_examples(Path(spec.name), grammar)


def test_fixtures_were_found() -> None:
    assert len(VALID) >= 2 and any(p.is_dir() for p in VALID)
    assert len(INVALID) >= 6 and any(p.is_dir() for p in INVALID)


@pytest.mark.parametrize("spec", VALID, ids=[p.stem for p in VALID])
def test_valid_fixture(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _compile(spec, monkeypatch)
    assert render(result.diagnostics, "text") == ""
    assert result.examples is not None
    data = dumps_jsonl(result.examples)
    validator = jsonschema.Draft202012Validator(schema())
    for line in data.decode("utf-8").splitlines():
        validator.validate(json.loads(line))
    expected = spec.parent / f"{spec.stem}.jsonl"
    if UPDATE:
        expected.write_bytes(data)
    assert data.decode("utf-8") == expected.read_text("utf-8")


@pytest.mark.parametrize("spec", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture(spec: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _compile(spec, monkeypatch)
    assert not result.ok
    assert result.examples is None
    expected = spec.parent / f"{spec.stem}.err"
    if UPDATE:
        expected.write_text(render(result.diagnostics, "text"), "utf-8")
    assert render(result.diagnostics, "text") == expected.read_text("utf-8")
