"""`constitution examples`: the export on stdout or in a file, diagnostics on stderr, exit 1 on
errors with nothing written, exit 2 on usage errors; the harness type-checks strictly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import cli

DATA = Path(__file__).resolve().parent.parent / "data" / "examples"
REPO = DATA.parent.parent.parent


def test_the_export_goes_to_stdout_and_the_warnings_to_stderr() -> None:
    run = CliRunner().invoke(cli, ["examples", str(DATA / "valid" / "other-syntax")])
    assert run.exit_code == 0, run.output
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["type"], r["id"]) for r in lines] == [
        ("example", "honest-example-1"),
        ("prompt", "prompts-lies-1"),
        ("prompt", "prompts-lies-2"),
    ]
    assert run.stderr == ""


def test_errors_write_nothing_and_leave_an_earlier_output(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    output.write_text("earlier\n", "utf-8")
    spec = DATA / "invalid" / "unclosed-tag.md"
    grammar = DATA / "constitution.yaml"
    args = ["examples", str(spec), "--grammar", str(grammar), "-o", str(output)]
    run = CliRunner().invoke(cli, args)
    assert run.exit_code == 1
    assert f"{spec}:6:1: CC802 <user> is never closed" in run.stderr
    assert output.read_text("utf-8") == "earlier\n"
    run = CliRunner().invoke(cli, [*args, "--diagnostics", "json"])
    assert [d["code"] for d in json.loads(run.stderr)] == ["CC802", "CC802"]


def test_a_spec_without_an_example_syntax_is_told_how_to_declare_one(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n", "utf-8")
    run = CliRunner().invoke(cli, ["examples", str(tmp_path)])
    assert run.exit_code == 1
    assert run.stderr.startswith(
        f"{tmp_path / 'constitution.yaml'}:0:1: CC814 the spec declares no example syntax"
    )
    assert run.stdout == ""


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["examples", str(tmp_path / "missing")])
    assert run.exit_code == 2
    run = CliRunner().invoke(cli, ["examples", str(DATA / "valid"), "--format", "csv"])
    assert run.exit_code == 2


def test_a_bad_example_syntax_is_reported_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n", "utf-8")
    (tmp_path / "constitution.yaml").write_text(
        "examples:\n  fence: xml\n  roles: [User]\n", "utf-8"
    )
    run = CliRunner().invoke(cli, ["examples", str(tmp_path)])
    assert run.exit_code == 1
    assert f"{tmp_path / 'constitution.yaml'}:3:11: CC800 'User' is not a valid role" in run.stderr


def test_the_harness_type_checks_strictly() -> None:
    harness = REPO / "examples" / "grading_cases.py"
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(harness)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_harness_refuses_what_is_not_an_export(tmp_path: Path) -> None:
    harness = REPO / "examples" / "grading_cases.py"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "example"}\n', "utf-8")
    run = subprocess.run(
        [sys.executable, str(harness), str(bad)], capture_output=True, text=True, check=False
    )
    assert (run.returncode, run.stderr) == (
        1,
        f"grading_cases.py: {bad}: line 1: not a line of the examples export\n",
    )
    run = subprocess.run(
        [sys.executable, str(harness)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 2
