"""The benchmark runner and its corpus generator work (no timing is asserted: speed lives in
benchmarks/, and its figures depend on the machine)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from compiler.diff import diff_documents, side_of
from compiler.pipeline import compile_examples, compile_spec

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
_spec = importlib.util.spec_from_file_location("benchmark_corpus", BENCHMARKS / "corpus.py")
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = corpus  # dataclasses look their module up there
_spec.loader.exec_module(corpus)

ROWS = (
    "compile (parse..emit)",
    "compile with examples (Model Spec)",
    "constitution check spec/",
    "constitution --help",
    "constitution build",
    "constitution build of spec/",
    "diff of two versions",
    "diff when the input doubles",
    "compile when the input doubles",
    "peak memory of the compile",
    "adversarial inputs when they double",
)


def test_generated_spec_compiles_without_errors(tmp_path: Path) -> None:
    spec = corpus.generate(1_000_000, tmp_path / "spec")
    files = sorted(spec.glob("*.md"))
    assert len(files) > 5
    assert sum(f.stat().st_size for f in files) >= 1_000_000
    result = compile_spec(spec)
    assert [d.format() for d in result.diagnostics] == []
    assert result.model is not None
    # Copies of the real spec bring their properties, ranked 1..n without gaps or repeats.
    ranks = sorted(int(p.fields["rank"]) for p in result.model.by_key("properties"))  # type: ignore[call-overload]
    assert ranks == list(range(1, len(ranks) + 1))
    assert len(ranks) >= 8
    assert len(result.model.by_key("priorities")) >= 2


def test_generation_is_deterministic(tmp_path: Path) -> None:
    one = corpus.generate(100_000, tmp_path / "one")
    two = corpus.generate(100_000, tmp_path / "two")
    assert [f.read_bytes() for f in sorted(one.glob("*.md"))] == [
        f.read_bytes() for f in sorted(two.glob("*.md"))
    ]


def test_second_version_compiles_and_differs_realistically(tmp_path: Path) -> None:
    spec = corpus.generate(600_000, tmp_path / "v1")
    edited = corpus.edit_version(spec, tmp_path / "v2")
    old, new = compile_spec(spec), compile_spec(edited)
    assert [d.format() for d in new.diagnostics] == []
    assert old.document is not None and new.document is not None
    result = diff_documents(
        old.document, new.document, side_of("v1", old.document), side_of("v2", new.document)
    )
    rules = {change.rule for change in result.changes}
    assert "section-added" in rules
    assert any("renamed" in rule or "moved" in rule for rule in rules), rules
    assert any("text" in rule or "reworded" in rule for rule in rules), rules


def test_adversarial_cases_are_of_their_size_and_exercise_their_command(tmp_path: Path) -> None:
    _adversarial_spec = importlib.util.spec_from_file_location(
        "benchmark_adversarial", BENCHMARKS / "adversarial.py"
    )
    assert _adversarial_spec is not None and _adversarial_spec.loader is not None
    adversarial = importlib.util.module_from_spec(_adversarial_spec)
    sys.modules[_adversarial_spec.name] = adversarial
    _adversarial_spec.loader.exec_module(adversarial)
    size = 100_000
    assert len(adversarial.CASES) >= 7
    for case in adversarial.CASES:
        files = case.make(size)
        assert files == case.make(size), f"{case.name}: not deterministic"
        written = sum(len(text.encode("utf-8")) for text in files.values())
        assert size * 0.8 <= written <= size * 1.3, (case.name, written)
        directory = tmp_path / case.make.__name__
        directory.mkdir()
        for name, text in files.items():
            (directory / name).write_text(text, "utf-8")
        if case.command == "check":
            compile_spec(directory / "spec.md")
        elif case.command == "examples":
            found = compile_examples(directory / "spec.md", directory / "constitution.yaml")
            assert found.syntax is not None and found.diagnostics, case.name
        else:
            old, new = (compile_spec(directory / f"{side}.md") for side in ("old", "new"))
            assert old.document is not None and new.document is not None, case.name
            assert old.document["nodes"][0]["text"] != new.document["nodes"][0]["text"]


@pytest.mark.slow
def test_quick_run_prints_every_row_and_the_summary(tmp_path: Path) -> None:
    runner = BENCHMARKS / "run.py"
    done = subprocess.run(
        [sys.executable, str(runner), "--quick", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    # 0: every figure within target; 1: some figure missed it (the machine decides, not the test).
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    summary = lines[-1]
    assert summary.startswith("summary: ")
    for name in ROWS:
        assert name in summary
        assert any(line.startswith(name) for line in lines[:-1]), name
    assert summary.endswith(f"/{len(ROWS)} pass")
