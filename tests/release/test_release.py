"""`constitution release`, `verify` and `history`: immutable artifacts, the index, refusals,
atomic writes, tampering, and a node followed through a rename."""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from msgspec.structs import replace
from support.cli import run_cli as run

from compiler.cli import cli
from compiler.release import load_index, make_release, node_history, verify_releases
from compiler.release import make as make_module

DATA = Path(__file__).resolve().parents[1] / "data" / "diff"
BASE = (DATA / "base.md").read_text("utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory holding spec/ (the diff tests' base spec) and no releases yet."""
    (tmp_path / "spec").mkdir()
    write_spec(tmp_path, BASE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def write_spec(project: Path, text: str, version: str | None = None) -> None:
    if version is not None:
        text = text.replace("version: 1.0.0", f"version: {version}")
    (project / "spec" / "01-base.md").write_text(text, "utf-8")


def snapshot(directory: Path) -> dict[str, bytes]:
    if not directory.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def release(version: str, date: str = "2026-01-02") -> tuple[int, str, str]:
    return run("release", version, "--date", date)


def test_first_release(project: Path) -> None:
    code, out, err = release("1.0.0")
    assert (code, err) == (0, "")
    artifact = project / "releases" / "1.0.0.json"
    data = artifact.read_bytes()
    fields = {
        "version": "1.0.0",
        "date": "2026-01-02",
        "sha256": hashlib.sha256(data).hexdigest(),
        "file": "1.0.0.json",
        "previous": None,
        "bump": "none",
        "changes": {"breaking": 0, "substantive": 0, "editorial": 0},
    }
    # The chain link: canonical JSON of the fields, the format and the previous link.
    canonical = json.dumps(
        {**fields, "format": 2, "previous_entry_sha256": None},
        sort_keys=True,
        separators=(",", ":"),
    )
    head = hashlib.sha256(canonical.encode("ascii")).hexdigest()
    assert out == (
        f"released 1.0.0 on 2026-01-02: releases/1.0.0.json\n"
        f"    sha256 {hashlib.sha256(data).hexdigest()}\n"
        f"    chain head {head}\n"
        "    the first release\n"
    )
    # The spec says version 1.0.0 itself, so the artifact is exactly what `compile` writes.
    assert data == CliRunner().invoke(cli, ["compile", "spec"]).stdout_bytes
    assert json.loads((project / "releases" / "index.json").read_text("utf-8")) == {
        "format": 2,
        "releases": [{**fields, "entry_sha256": head}],
    }
    assert run("verify") == (0, f"1 release verified; chain head {head}\n", "")


def test_the_artifact_states_its_version(project: Path) -> None:
    write_spec(project, BASE.replace("version: 1.0.0\n", ""))
    assert release("0.1.0")[0] == 0
    document = json.loads((project / "releases" / "0.1.0.json").read_text("utf-8"))
    assert document["document"]["version"] == "0.1.0"


def test_source_date_epoch(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run("release", "1.0.0")[0] == 0
    (entry,) = load_index(project / "releases")[0].entries
    assert entry.date == "2023-11-14"


def test_minor_release_with_change_counts(project: Path) -> None:
    release("1.0.0")
    reworded = (DATA / "reword-definition" / "new.md").read_text("utf-8")
    write_spec(project, reworded, "1.1.0")
    code, out, _ = release("1.1.0", "2026-02-03")
    assert code == 0
    assert "since 1.0.0: 1 change (0 breaking, 1 substantive, 0 editorial)" in out
    index = json.loads((project / "releases" / "index.json").read_text("utf-8"))
    assert [r["version"] for r in index["releases"]] == ["1.0.0", "1.1.0"]
    assert index["releases"][1]["changes"] == {"breaking": 0, "substantive": 1, "editorial": 0}
    assert index["releases"][1]["previous"] == "1.0.0"
    assert index["releases"][1]["bump"] == "minor"
    code, out, _ = run("diff", "1.0.0", "1.1.0")
    assert code == 0 and "definition-text-changed" in out
    write_spec(project, reworded.replace("rank=1}", "rank=1 title=Safety}"), "1.1.0")
    code, out, _ = run("diff")  # the latest release against spec/
    assert code == 0 and out.startswith("diff 1.1.0 (version 1.1.0) → spec (version 1.1.0)")
    assert "attribute-changed" not in out and "property-title-changed" in out


# --- refusals ------------------------------------------------------------------------------


def test_a_release_is_never_overwritten(project: Path) -> None:
    release("1.0.0")
    before = snapshot(project / "releases")
    write_spec(project, BASE + "\nMore text.\n")
    code, out, err = release("1.0.0")
    assert code == 1 and out == ""
    assert "CC501 release 1.0.0 already exists; a release is never overwritten" in err
    assert snapshot(project / "releases") == before


def test_an_unindexed_artifact_is_not_overwritten_either(project: Path) -> None:
    (project / "releases").mkdir()
    (project / "releases" / "1.0.0.json").write_text("{}", "utf-8")
    code, _, err = release("1.0.0")
    assert code == 1 and "CC501" in err
    assert (project / "releases" / "1.0.0.json").read_text("utf-8") == "{}"


def test_a_version_not_greater_than_the_latest(project: Path) -> None:
    release("1.0.0")
    write_spec(project, BASE, "0.9.0")
    before = snapshot(project / "releases")
    code, _, err = release("0.9.0")
    assert code == 1
    assert "CC502 version 0.9.0 is not greater than the latest release 1.0.0" in err
    assert "hint: release a version after 1.0.0, e.g. 1.0.1" in err
    assert snapshot(project / "releases") == before


def test_a_bump_smaller_than_the_changes_require(project: Path) -> None:
    release("1.0.0")
    reordered = (DATA / "reorder-properties" / "new.md").read_text("utf-8")
    write_spec(project, reordered, "1.1.0")
    before = snapshot(project / "releases")
    code, _, err = release("1.1.0")
    assert code == 1
    lines = [line for line in err.splitlines() if "CC503" in line]
    assert len(lines) == 3  # one per breaking change, at its line in the spec
    assert lines[0].startswith("spec/01-base.md:14:1: CC503 1.1.0 is a minor release but ")
    assert "rank-changed (breaking) requires a major release" in lines[0]
    assert "hint: release 2.0.0 instead" in err
    assert snapshot(project / "releases") == before
    write_spec(project, reordered, "2.0.0")
    assert release("2.0.0")[0] == 0


def test_a_bigger_bump_than_needed_is_allowed(project: Path) -> None:
    release("1.0.0")
    write_spec(project, BASE, "2.0.0")
    assert release("2.0.0")[0] == 0


def test_the_spec_must_say_the_version_it_is_released_as(project: Path) -> None:
    code, _, err = release("1.1.0")
    assert code == 1
    assert "spec/01-base.md:3:1: CC504 the spec says version 1.0.0, not 1.1.0" in err
    assert not (project / "releases").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1.0"], "'1.0' is not a version"),
        (["v1.0.0"], "'v1.0.0' is not a version"),
        (["1.0.0", "--date", "2026-13-01"], "'2026-13-01' is not a date"),
    ],
)
def test_usage_errors(project: Path, args: list[str], message: str) -> None:
    code, _, err = run("release", *args)
    assert code == 2 and message in err
    assert not (project / "releases").exists()


def test_a_spec_with_errors_is_not_released(project: Path) -> None:
    write_spec(project, BASE + "\nSee [x](#nowhere).\n")
    code, _, err = release("1.0.0")
    assert code == 1 and "CC302" in err
    assert not (project / "releases").exists()


def test_a_failed_index_write_leaves_releases_unchanged(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release("1.0.0")
    write_spec(project, BASE, "1.0.1")
    before = snapshot(project / "releases")
    real = make_module.atomic_write

    def failing(path: Path, data: bytes, *, overwrite: bool = True) -> None:
        if Path(path).name == "index.json":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, overwrite=overwrite)

    monkeypatch.setattr(make_module, "atomic_write", failing)
    outcome = make_release("1.0.1", Path("spec"), Path("releases"), date="2026-01-03")
    assert outcome.entry is None and outcome.path is None
    assert [d.format() for d in outcome.diagnostics] == [
        "releases/index.json:0:1: CC512 cannot write releases/index.json: No space left on device"
        "\n    hint: free some disk space and run again; earlier outputs were left as they were"
    ]
    assert snapshot(project / "releases") == before


# --- verify --------------------------------------------------------------------------------


@pytest.fixture
def released(project: Path) -> Path:
    release("1.0.0")
    write_spec(project, BASE.replace("clear and direct.", "clear and direct!"), "1.0.1")
    assert release("1.0.1")[0] == 0  # punctuation only: editorial, a patch is enough
    return project / "releases"


def test_verify(released: Path) -> None:
    code, out, err = run("verify")
    assert (code, err) == (0, "")
    head = load_index(released)[0].entries[-1].entry_sha256
    assert out == f"2 releases verified; chain head {head}\n"


def test_verify_catches_a_tampered_artifact(released: Path) -> None:
    artifact = released / "1.0.0.json"
    artifact.write_text(artifact.read_text("utf-8").replace("Safe", "Unsafe"), "utf-8")
    code, out, err = run("verify")
    assert code == 1 and out == ""
    assert err.startswith("releases/1.0.0.json:0:1: CC505 release 1.0.0 was modified: sha256 ")
    assert "1 error, 0 warnings" in err


def test_verify_catches_a_missing_and_an_unlisted_artifact(released: Path) -> None:
    (released / "1.0.1.json").rename(released / "1.0.2.json")
    code, _, err = run("verify")
    assert code == 1
    assert "CC506 release 1.0.1 is missing its artifact 1.0.1.json" in err
    assert "CC507 1.0.2.json is not in the release index" in err


def test_verify_catches_a_broken_index(released: Path) -> None:
    (released / "index.json").write_text('{"releases": [{"version": "1.0"}]}', "utf-8")
    code, _, err = run("verify")
    assert code == 1
    assert (
        "releases/index.json:1:1: CC508 release index is malformed at the top: 'format' is a "
        "required property" in err
    )
    assert (
        "releases/index.json:1:27: CC508 release index is malformed at releases/0/version: "
        '"1.0" is not a version (MAJOR.MINOR.PATCH)' in err
    )


def test_verify_without_releases(project: Path) -> None:
    code, _, err = run("verify")
    assert code == 1 and "CC508 no release index" in err


def test_verify_checks_the_artifact_is_a_constitution(released: Path) -> None:
    bogus = b'{"not": "a constitution"}\n'
    (released / "1.0.0.json").write_bytes(bogus)
    index, _ = load_index(released)
    index.entries[0] = replace(index.entries[0], sha256=hashlib.sha256(bogus).hexdigest())
    (released / "index.json").write_bytes(index.to_bytes())  # the chain recomputed, too
    entries, problems = verify_releases(released)
    assert len(entries) == 2 and [p.code for p in problems] == ["CC403"]


# --- history -------------------------------------------------------------------------------


@pytest.fixture
def renamed(project: Path) -> Path:
    """1.0.0 the base; 1.1.0 rewords the definition 'oversight'; 2.0.0 renames it."""
    release("1.0.0", "2026-01-01")
    reworded = (DATA / "reword-definition" / "new.md").read_text("utf-8")
    write_spec(project, reworded, "1.1.0")
    release("1.1.0", "2026-02-01")
    write_spec(
        project,
        reworded.replace("{#oversight ", "{#human-oversight "),
        "2.0.0",
    )
    assert release("2.0.0", "2026-03-01")[0] == 0
    return project / "releases"


@pytest.mark.parametrize("ident", ["oversight", "human-oversight"])
def test_history_follows_renames(renamed: Path, ident: str) -> None:
    code, out, _ = run("history", ident)
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[:4] for line in lines] == [
        ["1.0.0", "2026-01-01", "added", "substantive"],
        ["1.1.0", "2026-02-01", "changed", "substantive"],
        ["2.0.0", "2026-03-01", "renamed", "breaking"],
    ]
    assert "definition 'oversight' renamed to 'human-oversight'" in lines[2]


def test_history_weighs_changes_at_the_project_levels(renamed: Path) -> None:
    """The levels of the spec's constitution.yaml, as `diff` and `release` use them."""
    (renamed.parent / "spec" / "constitution.yaml").write_text(
        "diff:\n  levels:\n    - rule: definition-renamed\n      level: substantive\n", "utf-8"
    )
    code, out, _ = run("history", "oversight")
    assert code == 0 and out.splitlines()[2].split()[2:4] == ["renamed", "substantive"]
    config = renamed.parent / "levels.yaml"
    config.write_text("diff:\n  levels:\n    - rule: definition-renamed\n      level: editorial\n")
    code, out, _ = run("history", "oversight", "--config", str(config))
    assert code == 0 and out.splitlines()[2].split()[2:4] == ["renamed", "editorial"]
    config.write_text("diff:\n  levels:\n    - rule: definition-renamed\n      level: minor\n")
    code, _, err = run("history", "oversight", "--config", str(config))
    assert code == 1 and "CC606 unknown level 'minor'" in err


def test_history_as_json(renamed: Path) -> None:
    code, out, _ = run("history", "oversight", "--format", "json")
    events = json.loads(out)
    assert code == 0 and [e["action"] for e in events] == ["added", "changed", "renamed"]
    assert events[1]["rule"] == "definition-text-changed"


def test_history_of_an_unchanged_node(renamed: Path) -> None:
    events, problems, _ = node_history("safe", renamed)
    assert problems == [] and [(e.version, e.action) for e in events] == [("1.0.0", "added")]


def test_history_of_an_unknown_id(renamed: Path) -> None:
    code, _, err = run("history", "oversigth")
    assert code == 1
    assert "CC509 no release has a node with id 'oversigth'" in err
    assert "did you mean 'oversight'?" in err


def test_dry_run(project: Path) -> None:
    code, out, _ = run("release", "1.0.0", "--dry-run", "--date", "2026-01-02")
    assert code == 0 and out.startswith("would release 1.0.0 on 2026-01-02 (dry run")
    assert not (project / "releases").exists()
    release("1.0.0")
    before = snapshot(project / "releases")
    write_spec(project, (DATA / "reorder-properties" / "new.md").read_text("utf-8"), "1.0.1")
    code, _, err = run("release", "1.0.1", "--dry-run")
    assert code == 1 and "CC503" in err and "release 2.0.0 instead" in err
    write_spec(project, (DATA / "reorder-properties" / "new.md").read_text("utf-8"), "2.0.0")
    code, out, _ = run("release", "2.0.0", "--dry-run")
    assert code == 0 and "3 changes (3 breaking, 0 substantive, 0 editorial)" in out
    assert snapshot(project / "releases") == before
