"""`constitution diff` through click's CliRunner: every kind of side (spec file or directory,
compiled JSON, released version, git revision), every output format, --fail-on, errors."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from compiler.cli import cli
from compiler.diff import schema

DATA = Path(__file__).resolve().parents[1] / "data" / "diff"
BASE = DATA / "base.md"
REWORDED = DATA / "reword-definition" / "new.md"
REORDERED = DATA / "reorder-properties" / "new.md"
TYPO_OLD, TYPO_NEW = DATA / "typo-fix" / "old.md", DATA / "typo-fix" / "new.md"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_text_report() -> None:
    code, out, err = run("diff", BASE, REWORDED)
    assert code == 0 and err == ""
    assert out.startswith(f"diff {BASE} (version 1.0.0) → {REWORDED} (version 1.0.0)\n")
    assert "SUBSTANTIVE definition-text-changed: definition 'oversight': text changed" in out
    assert "understand{+, adjust+} and correct" in out
    assert out.endswith(
        "1 change (0 breaking, 1 substantive, 0 editorial); required version bump: minor\n"
    )
    assert "\x1b[" not in out


def test_colour_on_request() -> None:
    code, out, _ = run("diff", "--color", BASE, REWORDED)
    assert code == 0 and "\x1b[" in out
    code, out, _ = run("diff", "--no-color", BASE, REWORDED)
    assert "\x1b[" not in out


@pytest.mark.parametrize(
    ("fail_on", "new", "code"),
    [
        ("breaking", REORDERED, 1),
        ("breaking", REWORDED, 0),
        ("substantive", REWORDED, 1),
        ("substantive", REORDERED, 1),
        ("substantive", TYPO_NEW, 0),
        ("editorial", TYPO_NEW, 1),
        ("editorial", BASE, 0),
    ],
)
def test_fail_on(fail_on: str, new: Path, code: int) -> None:
    old = TYPO_OLD if new == TYPO_NEW else BASE
    assert run("diff", "--fail-on", fail_on, old, new)[0] == code


def test_json_follows_its_schema(tmp_path: Path) -> None:
    code, out, _ = run("diff", "--format", "json", BASE, REORDERED)
    assert code == 0
    document = json.loads(out)
    assert list(Draft202012Validator(schema()).iter_errors(document)) == []
    assert document["summary"] == {
        "breaking": 3,
        "substantive": 0,
        "editorial": 0,
        "total": 3,
        "ignored": 0,
        "bump": "major",
    }
    assert document["old"] == {"label": str(BASE), "title": "Test constitution", "version": "1.0.0"}
    change = document["changes"][0]
    # In document order: the first property, at line 14, comes first.
    assert change["rule"] == "rank-changed" and change["old"] == {"file": "base.md", "line": 14}


def test_json_passes_ajv(tmp_path: Path, ajv, repo_root: Path) -> None:  # type: ignore[no-untyped-def]
    schema_path = repo_root / "schemas" / "diff.schema.json"
    compiled = ajv.compile(schema_path)
    assert compiled.returncode == 0, compiled.stderr
    outputs = []
    for case in sorted(p for p in DATA.iterdir() if p.is_dir()):
        old = case / "old.md" if (case / "old.md").exists() else BASE
        code, out, _ = run("diff", "--format", "json", old, case / "new.md")
        assert code == 0
        path = tmp_path / f"{case.name}.json"
        path.write_text(out, "utf-8")
        outputs.append(path)
    checked = ajv.validate(schema_path, outputs)
    assert checked.returncode == 0, checked.stderr


def test_markdown_and_html(tmp_path: Path) -> None:
    code, out, _ = run("diff", "--format", "markdown", BASE, REORDERED)
    assert code == 0 and out.startswith("## Changes:")
    assert "### Breaking" in out and "`priority-order-changed`" in out
    target = tmp_path / "diff.html"
    code, out, err = run("diff", "--format", "html", "-o", target, BASE, REWORDED)
    assert code == 0 and out == ""
    assert "required version bump: minor" in err
    page = target.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<ins class="critic">, adjust</ins>' in page


def test_compiled_json_sides(tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    assert run("compile", BASE, "-o", old)[0] == 0
    assert run("compile", REORDERED, "-o", new)[0] == 0
    code, out, _ = run("diff", old, new)
    assert code == 0 and "required version bump: major" in out
    assert run("diff", old, REORDERED)[1].splitlines()[1:] == out.splitlines()[1:]


def test_a_side_with_errors_gives_its_diagnostics(tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("# Title\n\nSee [x](#nowhere).\n", "utf-8")
    code, out, err = run("diff", BASE, broken)
    assert code == 1 and out == ""
    assert f"{broken}:3:5: CC302 link to unknown id '#nowhere'" in err


def test_a_json_side_that_is_not_a_constitution(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"hello": 1}\n', "utf-8")
    code, _, err = run("diff", bogus, BASE)
    assert code == 1 and "CC403" in err


@pytest.mark.parametrize(
    ("side", "message"),
    [
        ("no/such/spec", "'no/such/spec' is not a file, a directory, a released version"),
        ("9.9.9", "no release 9.9.9"),
        ("git:", "names no revision"),
    ],
)
def test_sides_that_name_nothing_are_usage_errors(side: str, message: str, tmp_path: Path) -> None:
    code, _, err = run("diff", "--releases-dir", tmp_path, side, BASE)
    assert code == 2 and message in err and "Traceback" not in err


def test_without_releases_old_is_required(tmp_path: Path) -> None:
    code, _, err = run("diff", "--releases-dir", tmp_path)
    assert code == 2 and "nothing is released to compare with" in err


def test_rules() -> None:
    code, out, _ = run("diff", "--rules")
    assert code == 0 and "| `rank-changed` | breaking |" in out


# --- git sides -----------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with spec/ committed twice: base, then the reworded definition."""
    root = tmp_path / "repo"
    (root / "spec").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "spec" / "01-base.md").write_text(BASE.read_text("utf-8"), "utf-8")
    git(root, "add", "spec")
    git(root, "commit", "-q", "-m", "one")
    git(root, "tag", "v1")
    (root / "spec" / "01-base.md").write_text(REWORDED.read_text("utf-8"), "utf-8")
    (root / "other.md").write_text(REORDERED.read_text("utf-8"), "utf-8")
    git(root, "add", "spec", "other.md")
    git(root, "commit", "-q", "-m", "two")
    monkeypatch.chdir(root)
    return root


def test_git_revisions(repo: Path) -> None:
    code, out, _ = run("diff", "git:HEAD~1", "git:HEAD")
    assert code == 0
    assert out.startswith("diff git:HEAD~1 (version 1.0.0) → git:HEAD (version 1.0.0)\n")
    assert "definition-text-changed" in out and "01-base.md:45 → 01-base.md:45" in out


def test_git_revision_against_the_working_tree(repo: Path) -> None:
    (repo / "spec" / "01-base.md").write_text(TYPO_OLD.read_text("utf-8"), "utf-8")
    code, out, _ = run("diff", "--fail-on", "substantive", "git:v1")
    assert code == 0 and out.count("text-editorial") == 2 and "substantive:" not in out
    assert run("diff", "--fail-on", "editorial", "git:v1")[0] == 1


def test_git_revision_with_a_path(repo: Path) -> None:
    code, out, _ = run("diff", "git:v1:spec/01-base.md", "git:main:other.md")
    assert code == 0 and "priority-order-changed" in out


def test_git_from_a_subdirectory(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "spec")
    assert run("diff", "git:HEAD~1", "git:HEAD")[0] == 0


@pytest.mark.parametrize(
    ("side", "message"),
    [
        ("git:nonsense", "unknown git revision 'nonsense'"),
        ("git:HEAD:missing", "'missing' does not exist at git revision 'HEAD'"),
    ],
)
def test_bad_git_sides(repo: Path, side: str, message: str) -> None:
    code, _, err = run("diff", side, "spec")
    assert code == 2 and message in err


def test_git_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, _, err = run("diff", "git:HEAD", BASE)
    assert code == 2 and "not inside a git repository" in err


def test_a_git_side_with_errors_names_the_revision(repo: Path) -> None:
    (repo / "spec" / "01-base.md").write_text("# T\n\n[x](#nope)\n", "utf-8")
    git(repo, "commit", "-q", "-am", "broken")
    code, _, err = run("diff", "git:HEAD~1", "git:HEAD")
    assert code == 1
    assert "git:HEAD:spec/01-base.md:3:1: CC302" in err
    assert os.sep + "tmp" not in err.split("CC302")[0]


def test_git_sides_are_read_as_committed(repo: Path) -> None:
    # `git archive` would leave out export-ignore'd files; the diff reads the tree itself.
    (repo / ".gitattributes").write_text("spec/** export-ignore\n", "utf-8")
    assert run("compile", "other.md", "-o", "other.json")[0] == 0
    git(repo, "add", ".gitattributes", "other.json")
    git(repo, "commit", "-q", "-m", "attributes and a compiled file")
    code, out, _ = run("diff", "git:HEAD~2", "git:HEAD")
    assert code == 0 and "definition-text-changed" in out
    code, out, _ = run("diff", "git:HEAD:other.json", "other.md")
    assert code == 0 and "0 changes" in out
