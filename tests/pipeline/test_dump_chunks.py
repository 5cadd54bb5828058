"""`constitution compile -o FILE` writes the compiled JSON in pieces (`compiler.emit.dump_chunks`,
one node at a time, for its peak memory): the pieces make exactly the bytes `dumps` makes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from compiler.cli import cli
from compiler.emit import dump_chunks, dumps
from compiler.pipeline import compile_spec

VALID = Path(__file__).resolve().parents[1] / "data" / "valid"


@pytest.mark.parametrize("source", sorted(VALID.glob("*.md")), ids=lambda path: path.stem)
def test_the_pieces_are_the_bytes_of_dumps(source: Path) -> None:
    document = compile_spec(source).document
    assert document is not None
    assert b"".join(dump_chunks(document)) == dumps(document)


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"a": [], "b": {}, "c": [[]], "d": None},
        {"a": [1, {"b": [2, "x\ny"]}], "c": "é 😀 \u2028", "d": 1.5, "e": [{}]},
        {"document": {"metadata": {"big": 2**70, "small": 1e16}}, "nodes": [{"n": 1}, {"n": 2}]},
    ],
    ids=["empty", "empty-values", "nested", "beyond-64-bits"],
)
def test_edge_cases_make_the_same_bytes(document: dict[str, Any]) -> None:
    assert b"".join(dump_chunks(document)) == dumps(document)
    assert json.loads(b"".join(dump_chunks(document))) == document


def test_the_nodes_are_written_one_at_a_time() -> None:
    document = compile_spec(VALID / "marks.md").document
    assert document is not None
    pieces = list(dump_chunks(document))
    assert len(pieces) >= len(document["nodes"]) + len(document)
    assert max(map(len, pieces)) < len(dumps(document)) / 2


def test_compile_writes_the_file_dumps_makes(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    done = CliRunner().invoke(cli, ["compile", str(VALID / "marks.md"), "-o", str(out)])
    assert done.exit_code == 0, done.output
    document = compile_spec(VALID / "marks.md").document
    assert document is not None
    assert out.read_bytes() == dumps(document)
    to_stdout = CliRunner().invoke(cli, ["compile", str(VALID / "marks.md")])
    assert to_stdout.stdout_bytes == dumps(document)
