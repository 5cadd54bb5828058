"""Where `constitution build` writes: site_dir inside the project and replaced only when it is a
site the build made; the leftovers of killed builds removed; failing disks, a missing `site`
extra and a bad $SOURCE_DATE_EPOCH as coded diagnostics, the earlier site untouched."""

from __future__ import annotations

import errno
import fcntl
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_site_build import TEST_CONFIG, make_project

from compiler.cli import cli

CHAPTER = """\
---
title: Sites
version: 1.0.0
---

# Overview {#overview}

::: property {#safe rank=1}
**Safe**: the first value.
:::
"""

MARKER = ".constitution-build"


def project(root: Path, site_dir: str = "site") -> Path:
    """test_site_build's project (one chapter), its site written to `site_dir`."""
    config = TEST_CONFIG.replace("site_dir: site\n", f"site_dir: {site_dir}\n")
    return make_project(root, {"index.md": CHAPTER}, config)


def build(config: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner(env={"NO_MKDOCS_2_WARNING": "1", **(env or {})})
    result = runner.invoke(cli, ["build", "--config", str(config), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def tree(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def assert_someone_elses_directory_kept(config: Path, directory: Path) -> None:
    """`directory` holds a file nobody built (written here): the build refuses to replace it."""
    (directory / "todo.txt").write_text("do not delete")
    result = build(config)
    assert result.exit_code == 1
    assert "it is a directory of files 'build' did not write" in result.stderr
    assert tree(directory) == {"todo.txt": b"do not delete"}


# --- site_dir ------------------------------------------------------------------------------


def test_site_dir_naming_the_config_itself(tmp_path: Path) -> None:
    config = project(tmp_path, "mkdocs.yml")
    before = config.read_bytes()
    result = build(config)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(
        f"{config}:3:1: CC510 will not replace site_dir {tmp_path / 'mkdocs.yml'}: it is a file\n"
        "    hint: set site_dir to a directory of its own inside the project, e.g. 'site_dir: "
        "site'; 'build' replaces only a directory it made (recorded in "
        ".mkdocs.yml.constitution-build)\n"
    )
    assert config.read_bytes() == before and config.is_file()


def test_site_dir_naming_a_pipe(tmp_path: Path) -> None:
    config = project(tmp_path, "out")
    os.mkfifo(tmp_path / "out")
    result = build(config)
    assert result.exit_code == 1 and "it is a device, pipe or socket" in result.stderr
    assert (tmp_path / "out").is_fifo()


def test_site_dir_that_is_a_link(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "keep.txt").write_text("mine")
    config = project(tmp_path)
    (tmp_path / "site").symlink_to(elsewhere, target_is_directory=True)
    result = build(config)
    assert result.exit_code == 1
    assert f"CC510 will not replace site_dir {tmp_path / 'site'}: it is a symbolic link" in (
        result.stderr
    )
    assert (tmp_path / "site").is_symlink() and tree(elsewhere) == {"keep.txt": b"mine"}


@pytest.mark.parametrize("site_dir", ["../outside", "{elsewhere}", "site/../../outside"])
def test_site_dir_outside_the_project(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, site_dir: str
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "site"
    root = tmp_path / "project"
    config = project(root, site_dir.format(elsewhere=elsewhere))
    result = build(config)
    assert result.exit_code == 1
    assert f"{config}:3:1: CC511 site_dir " in result.stderr
    assert f"lies outside the project ({root}); nothing is written outside it" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]
    assert not elsewhere.exists()


def test_site_dir_through_a_linked_parent_is_outside(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    config = project(tmp_path, "out/site")
    (tmp_path / "out").symlink_to(elsewhere, target_is_directory=True)
    result = build(config)
    assert result.exit_code == 1 and "CC511" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_site_dir_holding_someone_elses_files(tmp_path: Path) -> None:
    config = project(tmp_path, "notes")
    (tmp_path / "notes").mkdir()
    assert_someone_elses_directory_kept(config, tmp_path / "notes")


def test_an_earlier_site_and_an_empty_directory_are_replaced(tmp_path: Path) -> None:
    config = project(tmp_path)
    (tmp_path / "site").mkdir()
    first = build(config)  # empty: replaced
    assert first.exit_code == 0, first.output
    # Everything in the site is published: the record that build made it lies beside it.
    assert not (tmp_path / "site" / MARKER).exists()
    assert (tmp_path / ".site.constitution-build").is_file()
    (tmp_path / "site" / "stale.html").write_text("old")
    second = build(config)
    assert second.exit_code == 0, second.output
    assert not (tmp_path / "site" / "stale.html").exists()
    # A site built before the record existed holds the marker, or what the plugin publishes.
    for old_site in (MARKER, None):
        (tmp_path / ".site.constitution-build").unlink()
        if old_site is not None:
            (tmp_path / "site" / old_site).write_text("")
        (tmp_path / "site" / "stale.html").write_text("old")
        again = build(config)
        assert again.exit_code == 0, again.output
        assert not (tmp_path / "site" / "stale.html").exists()
        assert not (tmp_path / "site" / MARKER).exists()


def test_a_directory_made_where_the_site_was_is_not_taken_for_it(tmp_path: Path) -> None:
    config = project(tmp_path)
    assert build(config).exit_code == 0
    # The site is moved aside and someone else's directory takes its name: the record beside
    # it names another directory, so it is not replaced.
    (tmp_path / "site").rename(tmp_path / "old-site")
    (tmp_path / "site").mkdir()
    assert_someone_elses_directory_kept(config, tmp_path / "site")


def test_the_record_beside_the_site_is_never_written_through_a_link(tmp_path: Path) -> None:
    config = project(tmp_path)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("kept")
    (tmp_path / ".site.constitution-build").symlink_to(outside)
    result = build(config)
    assert result.exit_code == 1
    assert outside.read_text() == "kept" and not (tmp_path / "site").exists()


# --- leftovers of killed builds ------------------------------------------------------------

KILLED_BUILD = textwrap.dedent(
    """\
    import os, sys
    import mkdocs.commands.build
    def killed(config, **kwargs):
        os._exit(137)  # killed halfway through the build
    mkdocs.commands.build.build = killed
    from compiler.cli import main
    main(sys.argv[1:])
    """
)


def test_a_killed_builds_directory_is_removed_by_the_next(tmp_path: Path) -> None:
    config = project(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_BUILD, "build", "--config", str(config)],
        capture_output=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode == 137, done.stderr
    (left,) = [p for p in tmp_path.iterdir() if p.name.startswith(".site.")]
    assert left.name.endswith(".tmp") and (left / MARKER).is_file()
    # Beside it: a directory of the same pattern that is not ours, one a running build holds,
    # and a link of that name.
    foreign = tmp_path / ".site.abcd1234.tmp"
    foreign.mkdir()
    (foreign / "file").write_text("not ours")
    running = tmp_path / ".site.efgh5678.tmp"
    running.mkdir()
    (running / MARKER).write_text("")
    link = tmp_path / ".site.ijkl9012.old"
    link.symlink_to(left, target_is_directory=True)
    fd = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        result = build(config)
    finally:
        os.close(fd)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")) == sorted(
        [foreign.name, running.name, link.name, ".site.constitution-build"]
    )
    assert not left.exists()


# --- failing disks -------------------------------------------------------------------------


def test_a_full_disk_during_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mkdocs.utils

    config = project(tmp_path)
    assert build(config).exit_code == 0
    before = tree(tmp_path / "site")

    def full(content: bytes, output_path: str) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), output_path)

    monkeypatch.setattr(mkdocs.utils, "write_file", full)
    (tmp_path / "docs" / "index.md").write_text(CHAPTER.replace("first", "only"), "utf-8")
    result = build(config)
    assert result.exit_code == 1
    assert ": CC512 cannot write " in result.stderr and ": No space left on device" in (
        result.stderr
    )
    assert result.stderr.endswith(f"site      {tmp_path / 'site'} was left as it was\n") or (
        result.stderr.endswith("site      site was left as it was\n")
    )
    assert tree(tmp_path / "site") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == [
        ".site.constitution-build"  # the record of the earlier build: that site is still there
    ]


def test_a_read_only_disk_when_swapping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = project(tmp_path)
    assert build(config).exit_code == 0
    before = tree(tmp_path / "site")
    real = os.replace

    def read_only(src: str, dst: str) -> None:
        if str(src).endswith(".tmp"):  # the new site, after the old one was moved aside
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        real(src, dst)

    monkeypatch.setattr(os, "replace", read_only)
    result = build(config)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert "CC512 cannot write" in result.stderr and "Read-only file system" in result.stderr
    assert tree(tmp_path / "site") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == [
        ".site.constitution-build"  # the record of the earlier build: that site is still there
    ]


def test_a_read_only_project_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    config = project(tmp_path)

    def read_only(*args: object, **kwargs: object) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    result = build(config)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert f"CC512 cannot write {tmp_path}: Read-only file system" in result.stderr
    assert not (tmp_path / "site").exists()


# --- how it is run -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "named"),
    [("mkdocs", "mkdocs"), ("material", "mkdocs-material")],
)
@pytest.mark.parametrize("command", ["build", "serve"])
def test_without_the_site_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: str, named: str, command: str
) -> None:
    config = project(tmp_path)
    monkeypatch.setitem(sys.modules, missing, None)  # as if not installed: import fails
    result = CliRunner().invoke(cli, [command, "--config", str(config)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: CC519 building the site needs {named}, which are not installed\n"
        "    hint: install the site extra: pip install 'constitution-compiler[site]' (or run "
        "scripts/setup.sh)\n"
    )
    assert not (tmp_path / "site").exists()


def test_without_the_site_extra_in_a_real_process(tmp_path: Path) -> None:
    config = project(tmp_path)
    script = "import sys; sys.modules['mkdocs'] = None; from compiler.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", script, "build", "--config", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "internal error" not in done.stderr
    assert "pip install 'constitution-compiler[site]'" in done.stderr


@pytest.mark.parametrize("epoch", ["٣", "", "-5", "99999999999999999999", "1" * 5000])
def test_a_bad_source_date_epoch(tmp_path: Path, epoch: str) -> None:
    config = project(tmp_path)
    result = build(config, env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 2
    assert "Error: CC517 SOURCE_DATE_EPOCH=" in result.stderr
    assert not (tmp_path / "site").exists()
