"""`constitution release` under concurrency, interruption, tampering and failing disks, and the
version and date strings it accepts: every refusal a coded diagnostic, nothing half-written."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support.cli import run_cli as run

from compiler.release import load_index, make_release

DATA = Path(__file__).resolve().parents[1] / "data" / "diff"
BASE = (DATA / "base.md").read_text("utf-8")
REORDERED = (DATA / "reorder-properties" / "new.md").read_text("utf-8")
EDITORIAL = BASE.replace("clear and direct.", "clear and direct!")


def write_spec(project: Path, text: str, version: str, name: str = "spec") -> Path:
    spec = project / name
    spec.mkdir(exist_ok=True)
    (spec / "01-base.md").write_text(text.replace("version: 1.0.0", f"version: {version}"))
    return spec


def snapshot(directory: Path) -> dict[str, bytes]:
    if not directory.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """spec/ and releases/ with the base released as 1.0.0."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    write_spec(tmp_path, BASE, "1.0.0")
    assert run("release", "1.0.0", "--date", "2026-01-01")[0] == 0
    return tmp_path


def released(project: Path) -> list[str]:
    return [e.version for e in load_index(project / "releases")[0].entries]


# --- concurrency ---------------------------------------------------------------------------


def test_a_release_while_another_holds_the_lock_is_refused(project: Path) -> None:
    write_spec(project, EDITORIAL, "1.0.1")
    before = snapshot(project / "releases")
    fd = os.open(project / "releases", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        code, out, err = run("release", "1.0.1")
    finally:
        os.close(fd)
    assert code == 1 and out == ""
    assert err.startswith(
        "releases/index.json:0:1: CC515 releases/index.json is being written by another release "
        "right now; nothing was written\n"
    )
    assert snapshot(project / "releases") == before
    assert run("release", "1.0.1")[0] == 0  # the lock is free again


def test_a_first_release_racing_another_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compiler.release import make

    monkeypatch.chdir(tmp_path)
    write_spec(tmp_path, BASE, "1.0.0", "spec-a")
    write_spec(tmp_path, BASE, "2.0.0", "spec-b")
    real = make.compile_spec
    other: list[int] = []

    def compile_while_another_release_finishes(spec: Path) -> object:
        monkeypatch.setattr(make, "compile_spec", real)
        other.append(run("release", "1.0.0", "spec-a")[0])  # done while this one compiles
        return real(spec)

    monkeypatch.setattr(make, "compile_spec", compile_while_another_release_finishes)
    code, _, err = run("release", "2.0.0", "spec-b")
    assert other == [0] and code == 1
    assert "CC515 releases/index.json changed while this release was prepared" in err
    assert released(tmp_path) == ["1.0.0"] and run("verify")[0] == 0


def test_an_index_changed_by_hand_meanwhile_is_not_written_over(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compiler.release import make

    write_spec(project, EDITORIAL, "1.0.1")
    index = project / "releases" / "index.json"
    real = make.compile_spec

    def compile_while_someone_edits(spec: Path) -> object:
        index.write_bytes(index.read_bytes().replace(b"2026-01-01", b"2026-01-05"))
        return real(spec)

    monkeypatch.setattr(make, "compile_spec", compile_while_someone_edits)
    code, _, err = run("release", "1.0.1")
    assert code == 1 and "CC515 releases/index.json changed while this release" in err
    assert b"2026-01-05" in index.read_bytes() and released(project) == ["1.0.0"]


def test_two_release_processes_at_once(project: Path) -> None:
    write_spec(project, EDITORIAL, "1.0.1", "spec-a")
    write_spec(project, EDITORIAL, "1.1.0", "spec-b")
    command = [sys.executable, "-m", "compiler", "release"]
    runs = [
        subprocess.Popen([*command, version, spec], cwd=project, stderr=subprocess.PIPE)
        for version, spec in (("1.0.1", "spec-a"), ("1.1.0", "spec-b"))
    ]
    results = [(p.wait(timeout=120), p.stderr.read().decode() if p.stderr else "") for p in runs]
    won = [v for v, (code, _) in zip(("1.0.1", "1.1.0"), results, strict=True) if code == 0]
    # Either one was refused (CC515 or, after the other, CC502), or they ran one after the
    # other; never both "succeeded" with one of them lost.
    for code, err in results:
        assert code in (0, 1) and "Traceback" not in err and "internal error" not in err
        if code == 1:
            assert "CC515" in err or "CC502" in err, err
    assert won and set(won) <= set(released(project))
    assert run("verify")[0] == 0


# --- verified before it is diffed ------------------------------------------------------------


def test_a_tampered_previous_release_is_not_diffed_against(project: Path) -> None:
    # The attack: make 1.0.0 say what the breaking change says, so that it looks like a patch.
    artifact = project / "releases" / "1.0.0.json"
    write_spec(project, REORDERED, "1.0.0", "tampered")
    assert run("compile", "tampered", "-o", artifact)[0] == 0
    write_spec(project, REORDERED, "1.0.1")
    before = snapshot(project / "releases")
    code, out, err = run("release", "1.0.1")
    assert code == 1 and out == ""
    assert err.startswith("releases/1.0.0.json:0:1: CC505 release 1.0.0 was modified: sha256 ")
    assert snapshot(project / "releases") == before


def test_a_broken_chain_is_not_released_on(project: Path) -> None:
    index = json.loads((project / "releases" / "index.json").read_text("utf-8"))
    index["releases"][0]["date"] = "2020-01-01"
    (project / "releases" / "index.json").write_text(json.dumps(index, indent=2), "utf-8")
    write_spec(project, EDITORIAL, "1.0.1")
    code, _, err = run("release", "1.0.1")
    assert code == 1 and "CC513 release 1.0.0's entry does not match its hash" in err
    assert not (project / "releases" / "1.0.1.json").exists()


# --- interruption --------------------------------------------------------------------------

KILLED_BEFORE_THE_INDEX = textwrap.dedent(
    """\
    import os, sys
    real = os.replace
    def replace(src, dst, *args, **kwargs):
        if str(dst).endswith("index.json"):
            os._exit(137)  # killed: the artifact is written, the index is not
        return real(src, dst, *args, **kwargs)
    os.replace = replace
    from compiler.cli import main
    main(sys.argv[1:])
    """
)


def killed_release(project: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_BEFORE_THE_INDEX, "release", *args],
        cwd=project,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 137, done.stderr


def test_a_release_killed_before_its_index_is_taken_up_by_a_retry(project: Path) -> None:
    write_spec(project, EDITORIAL, "1.0.1")
    killed_release(project, "1.0.1", "--date", "2026-01-02")
    assert (project / "releases" / "1.0.1.json").exists() and released(project) == ["1.0.0"]
    leftovers = [p.name for p in (project / "releases").iterdir() if p.name.startswith(".")]
    assert len(leftovers) == 1 and leftovers[0].startswith(".index.json.")  # the unrenamed temp
    artifact = (project / "releases" / "1.0.1.json").read_bytes()
    code, out, err = run("release", "1.0.1", "--date", "2026-01-03")
    assert code == 0 and out.startswith("released 1.0.1 on 2026-01-03")
    assert err.startswith(
        "releases/1.0.1.json:0:1: CC521 warning: taking up 1.0.1.json, written by an interrupted "
        "release of 1.0.1: it holds exactly this release\n"
    )
    assert (project / "releases" / "1.0.1.json").read_bytes() == artifact
    assert released(project) == ["1.0.0", "1.0.1"]
    assert not [p for p in (project / "releases").iterdir() if p.name.startswith(".")]
    assert run("verify")[0] == 0


def test_a_leftover_that_differs_is_not_taken_up(project: Path) -> None:
    write_spec(project, EDITORIAL, "1.0.1")
    killed_release(project, "1.0.1")
    write_spec(project, EDITORIAL.replace("direct!", "direct?"), "1.0.1")  # edited meanwhile
    before = snapshot(project / "releases")
    code, _, err = run("release", "1.0.1")
    assert code == 1
    assert (
        "CC501 release 1.0.1 already exists: 1.0.1.json is not in the index (left by an "
        "interrupted release, or written by hand) and differs from this release" in err
    )
    assert snapshot(project / "releases") == before


def test_a_leftover_of_another_version_blocks_until_removed(project: Path) -> None:
    write_spec(project, EDITORIAL, "1.0.1")
    killed_release(project, "1.0.1")
    write_spec(project, EDITORIAL, "1.0.2")
    code, _, err = run("release", "1.0.2")
    assert (
        code == 1 and "releases/1.0.1.json:0:1: CC507 1.0.1.json is not in the release index" in err
    )
    (project / "releases" / "1.0.1.json").unlink()
    assert run("release", "1.0.2")[0] == 0


def test_temporary_files_of_killed_writes_are_removed(project: Path) -> None:
    releases = project / "releases"
    stale = [".index.json.ab12cd34.tmp", ".1.0.1.json.zz99_x00.tmp"]
    kept = [".keep", ".index.json.notours.tmp", "notes.txt"]
    for name in stale + kept:
        (releases / name).write_text("x")
    write_spec(project, EDITORIAL, "1.0.1")
    assert run("release", "1.0.1")[0] == 0
    assert sorted(
        p.name for p in releases.iterdir() if p.name.startswith(".") or ".txt" in p.name
    ) == sorted(kept)


# --- failing disks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "number", "message"),
    [
        ("link", errno.ENOSPC, "cannot write releases/1.0.1.json: No space left on device"),
        ("fsync", errno.EROFS, "cannot write releases/1.0.1.json: Read-only file system"),
        ("replace", errno.ENOSPC, "cannot write releases/index.json: No space left on device"),
        ("open", errno.EACCES, "cannot write releases: Permission denied"),
    ],
)
def test_a_full_or_read_only_disk(
    project: Path, monkeypatch: pytest.MonkeyPatch, call: str, number: int, message: str
) -> None:
    write_spec(project, EDITORIAL, "1.0.1")
    before = snapshot(project / "releases")
    real = getattr(os, call)

    def failing(*args: object, **kwargs: object) -> object:
        target = str(args[1] if call in ("link", "replace") else args[0])
        if call != "open" or target.endswith("releases"):
            raise OSError(number, os.strerror(number))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, call, failing)
    code, out, err = run("release", "1.0.1")
    monkeypatch.undo()
    assert code == 1 and out == ""
    assert f"CC512 {message}" in err and "earlier outputs were left as they were" in err
    assert snapshot(project / "releases") == before


def test_a_first_release_on_a_read_only_disk_leaves_no_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_spec(tmp_path, BASE, "1.0.0")
    real = os.link

    def failing(src: object, dst: object, *args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(os, "link", failing)
    code, _, err = run("release", "1.0.0")
    monkeypatch.setattr(os, "link", real)
    assert code == 1 and "CC512 cannot write releases/1.0.0.json: Read-only file system" in err
    assert not (tmp_path / "releases").exists()


def test_a_releases_directory_that_is_a_link_is_not_written(
    project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "releases"
    (project / "releases").rename(elsewhere)
    (project / "releases").symlink_to(elsewhere)
    write_spec(project, EDITORIAL, "1.0.1")
    code, _, err = run("release", "1.0.1")
    assert code == 1 and "CC510 will not write releases into releases: it is a symbolic link" in err
    assert sorted(p.name for p in elsewhere.iterdir()) == ["1.0.0.json", "index.json"]


def test_a_version_created_while_preparing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compiler.release import make

    write_spec(project, EDITORIAL, "1.0.1")
    real = make.compile_spec

    def compile_and_race(spec: Path) -> object:
        (project / "releases" / "1.0.1.json").write_text("{}")  # by hand, meanwhile
        return real(spec)

    monkeypatch.setattr(make, "compile_spec", compile_and_race)
    code, _, err = run("release", "1.0.1")
    assert code == 1 and "CC501 release 1.0.1 already exists" in err
    assert (project / "releases" / "1.0.1.json").read_text() == "{}"


# --- version and date strings ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "why"),
    [
        ("1.0.1\n", "; it holds a line break or control character"),
        ("1.0.1\r", "; it holds a line break or control character"),
        ("1.0.1١", "; write its digits as ASCII 0-9"),  # Arabic-Indic one: read as 1.0.11
        ("١.٠.٢", "; write its digits as ASCII 0-9"),
        ("1.0.１", "; write its digits as ASCII 0-9"),  # fullwidth
        ("01.0.1", ""),
        ("1.00.1", ""),
        ("1.0.1+build.5", "; pre-release (-rc.1) and build (+001) parts are not released"),
        ("1.0.1-rc.1", "; pre-release (-rc.1) and build (+001) parts are not released"),
        (" 1.0.1", ""),
        ("1.0.1/../../x", ""),
        ("1234567890.0.0", ""),
    ],
)
def test_versions_are_ascii_semver(project: Path, version: str, why: str) -> None:
    before = snapshot(project / "releases")
    code, _, err = run("release", version)
    assert code == 2
    assert f"Error: CC516 {version!r} is not a version{why}" in err
    assert "hint: write MAJOR.MINOR.PATCH in ASCII digits without leading zeros" in err
    assert snapshot(project / "releases") == before


@pytest.mark.parametrize("date", ["2026-02-30", "2026-01-0٢", "2026-1-02", "2026-01-02\n"])
def test_dates_are_ascii_and_real(project: Path, date: str) -> None:
    code, _, err = run("release", "1.0.1", "--date", date)
    assert code == 2 and f"Error: CC517 {date!r} is not a date" in err


@pytest.mark.parametrize(
    ("epoch", "message"),
    [
        ("٣", "SOURCE_DATE_EPOCH='٣' is not a number of seconds"),
        ("-1", "SOURCE_DATE_EPOCH='-1' is not a number of seconds"),
        ("", "SOURCE_DATE_EPOCH='' is not a number of seconds"),
        ("1.5e9", "SOURCE_DATE_EPOCH='1.5e9' is not a number of seconds"),
        ("1700000000\n", "SOURCE_DATE_EPOCH='1700000000\\n' is not a number of seconds"),
        ("253402300800", "SOURCE_DATE_EPOCH=253402300800 is after the year 9999"),
        ("9" * 5000, f"SOURCE_DATE_EPOCH={'9' * 40 + '…'!r} is not a number of seconds"),
    ],
)
def test_source_date_epoch_is_ascii_seconds(
    project: Path, monkeypatch: pytest.MonkeyPatch, epoch: str, message: str
) -> None:
    write_spec(project, EDITORIAL, "1.0.1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    code, _, err = run("release", "1.0.1")
    assert code == 2 and f"Error: CC517 {message}" in err
    assert released(project) == ["1.0.0"]


def test_the_last_second_of_9999(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_spec(project, EDITORIAL, "1.0.1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300800")
    assert run("release", "1.0.1")[0] == 2  # one second later: the year 10000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")
    assert run("release", "1.0.1")[0] == 0
    assert load_index(project / "releases")[0].entries[-1].date == "9999-12-31"


def test_the_library_raises_the_same_usage_error(project: Path) -> None:
    from compiler.release import VersionError

    with pytest.raises(VersionError, match="is not a version") as caught:
        make_release("1.0.1\n", project / "spec", project / "releases")
    assert caught.value.code == "CC516"
