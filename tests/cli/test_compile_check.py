"""`constitution compile` and `constitution check` through click's CliRunner and a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import cli

ROOT = Path(__file__).resolve().parents[2]
BAD = "# T {#t}\n\n::: propertty {#x}\nSee [nowhere](#nope).\n:::\n"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_compile_to_stdout_is_the_json(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["compile", str(ROOT / "spec")])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert next(n["id"] for n in document["nodes"] if n["kind"] == "property") == "broadly-safe"
    assert result.stderr == ""


def test_compile_to_file_twice_gives_identical_bytes(runner: CliRunner, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert runner.invoke(cli, ["compile", str(ROOT / "spec"), "-o", str(first)]).exit_code == 0
    assert runner.invoke(cli, ["compile", str(ROOT / "spec"), "-o", str(second)]).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().endswith(b"}\n")


def test_errors_exit_1_and_write_nothing(runner: CliRunner, tmp_path: Path) -> None:
    spec = tmp_path / "bad.md"
    spec.write_text(BAD)
    out = tmp_path / "out.json"
    result = runner.invoke(cli, ["compile", str(spec), "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    assert result.stdout == ""
    assert result.stderr == (
        f"{spec}:3:5: CC204 unknown annotation kind 'propertty'\n"
        "    hint: did you mean 'property'?\n"
        f"{spec}:4:5: CC302 link to unknown id '#nope'\n"
        "    hint: link to the id of a heading ({#id}) or an annotation\n"
        "2 errors, 0 warnings\n"
    )


def test_failed_compile_leaves_earlier_output_untouched(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert runner.invoke(cli, ["compile", str(ROOT / "spec"), "-o", str(out)]).exit_code == 0
    before = out.read_bytes()
    spec = tmp_path / "bad.md"
    spec.write_text(BAD)
    assert runner.invoke(cli, ["compile", str(spec), "-o", str(out)]).exit_code == 1
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_check_passes_on_the_spec(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", str(ROOT / "spec")])
    assert (result.exit_code, result.output) == (0, "")


def test_check_json_format(runner: CliRunner, tmp_path: Path) -> None:
    spec = tmp_path / "bad.md"
    spec.write_text(BAD)
    result = runner.invoke(cli, ["check", str(spec), "--format", "json"])
    assert result.exit_code == 1
    diagnostics = json.loads(result.stderr)
    assert [(d["code"], d["line"], d["column"]) for d in diagnostics] == [
        ("CC204", 3, 5),
        ("CC302", 4, 5),
    ]
    assert diagnostics[0]["hint"] == "did you mean 'property'?"
    assert diagnostics[0]["severity"] == "error"


def test_check_json_format_when_clean(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["check", str(ROOT / "spec"), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stderr) == []


def test_check_github_format(runner: CliRunner, tmp_path: Path) -> None:
    spec = tmp_path / "bad.md"
    spec.write_text(BAD)
    result = runner.invoke(cli, ["check", str(spec), "--format", "github"])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith("::error file=")
    assert first.endswith(
        ",line=3,col=5,title=CC204::unknown annotation kind 'propertty' (hint: did you mean 'property'?)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compile", "no/such/spec"], "Path 'no/such/spec' does not exist."),
        (["check", "--format", "yaml"], "'yaml' is not one of 'text', 'json', 'github'."),
        (["compile", "--bogus"], "No such option '--bogus'."),
        (["frobnicate"], "No such command 'frobnicate'."),
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Usage: ")
    assert lines[-1].startswith("Error: ") and lines[-1].endswith(message), result.stderr
    assert "Traceback" not in result.stderr


def test_help_and_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "compile" in result.output and "check" in result.output
    assert runner.invoke(cli, ["--version"]).output.startswith("constitution, version ")


def test_default_spec_is_spec_dir(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    # The same run on an empty directory fails: the default really is ./spec.
    monkeypatch.chdir(ROOT / "tests")
    assert runner.invoke(cli, ["check"]).exit_code == 2


def test_real_process_no_traceback_on_a_directory_of_garbage(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "b.md").write_text("::: \n:::\n")
    process = subprocess.run(
        [sys.executable, "-m", "compiler", "compile", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 1
    assert "Traceback" not in process.stderr
    assert f"{tmp_path / 'a.md'}:1:1: CC101" in process.stderr
    assert process.stdout == ""


def test_empty_directory(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path}:1:1: CC103 no Markdown files")


def test_compile_accepts_a_compiled_json_and_writes_it_canonically(
    runner: CliRunner, tmp_path: Path
) -> None:
    first = tmp_path / "a.json"
    assert runner.invoke(cli, ["compile", str(ROOT / "spec"), "-o", str(first)]).exit_code == 0
    result = runner.invoke(cli, ["compile", str(first)])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == first.read_bytes()
    broken = tmp_path / "broken.json"
    broken.write_text('{"document": 1}\n')
    result = runner.invoke(cli, ["compile", str(broken), "-o", str(tmp_path / "out.json")])
    assert result.exit_code == 1
    assert f"{broken}:1:" in result.stderr
    assert not (tmp_path / "out.json").exists()


def test_check_reports_the_inputs_problems_without_validating_the_output(tmp_path: Path) -> None:
    """`check` runs on every save: it compiles and reports, but leaves validating the compiled
    document against the schema (a check of the compiler, CC401) to `compile` and `build`,
    which write it; so it never loads the validator. The same problems either way."""
    spec = tmp_path / "spec.md"
    spec.write_text("# A {#a}\n\nSee [nowhere](#missing).\n", "utf-8")
    script = (
        "import sys; from compiler.cli import main\n"
        "try:\n    main(['check', sys.argv[1]])\n"
        "except SystemExit as stop:\n"
        "    print(stop.code, 'jsonschema_rs' in sys.modules, file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(spec)], capture_output=True, text=True, check=False
    )
    assert run.stderr.splitlines()[-1] == "1 False", run.stderr
    assert "CC302 link to unknown id '#missing'" in run.stderr
    compiled = CliRunner().invoke(cli, ["compile", str(spec), "-o", str(tmp_path / "a.json")])
    assert compiled.exit_code == 1 and "CC302" in compiled.stderr
