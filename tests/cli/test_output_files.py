"""`compile -o` and `diff -o`: a regular file is replaced atomically; stdout, pipes and character
devices are written through; links, directories and other special files are refused, never
replaced; a full or read-only disk is a coded diagnostic with the earlier output untouched."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.cli import run_cli as run

from compiler.cli import cli

DATA = Path(__file__).resolve().parents[1] / "data" / "diff"
BASE = DATA / "base.md"
REWORDED = DATA / "reword-definition" / "new.md"


def expected_json() -> bytes:
    return CliRunner().invoke(cli, ["compile", str(BASE)]).stdout_bytes


def constitution(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    return subprocess.run(
        [sys.executable, "-m", "compiler", *map(str, args)],
        check=False,
        **streams,  # type: ignore[call-overload]
    )


def test_dash_is_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["compile", str(BASE), "-o", "-"])
    assert result.exit_code == 0 and result.stdout_bytes == expected_json()
    assert list(tmp_path.iterdir()) == []  # no file named '-'


def test_a_link_to_stdout_is_written_through(tmp_path: Path) -> None:
    link = tmp_path / "out"
    link.symlink_to("/dev/stdout")
    done = constitution("compile", BASE, "-o", link)
    assert done.returncode == 0 and done.stdout == expected_json()
    assert link.is_symlink() and os.readlink(link) == "/dev/stdout"


def test_dev_stdout_redirected_to_a_file(tmp_path: Path) -> None:
    # The shell's `> file`: /dev/stdout leads to a regular file, which is stdout all the same.
    link = tmp_path / "out"
    link.symlink_to("/dev/stdout")
    with (tmp_path / "redirected.json").open("wb") as handle:
        done = constitution("compile", BASE, "-o", link, stdout=handle)
    assert done.returncode == 0 and done.stderr == b""
    assert (tmp_path / "redirected.json").read_bytes() == expected_json()
    assert link.is_symlink()


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # open first: the writer never blocks
    try:
        done = constitution("compile", BASE, "-o", fifo, timeout=120)
        received = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert done.returncode == 0 and received == expected_json()
    assert fifo.is_fifo()


@pytest.mark.parametrize("command", ["compile", "diff"])
def test_a_link_to_a_file_is_refused(tmp_path: Path, command: str) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text("precious")
    link = tmp_path / "out.json"
    link.symlink_to(target)
    args = [BASE] if command == "compile" else [BASE, REWORDED]
    code, out, err = run(command, *args, "-o", link)
    assert code == 1 and out == ""
    assert err.startswith(
        f"{link}:0:1: CC510 will not replace {link}: it is a symbolic link\n"
        "    hint: write to a regular file (or '-' for stdout); a link is never replaced"
    )
    assert link.is_symlink() and target.read_text() == "precious"


def test_a_dangling_link_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "nowhere" / "x.json")
    code, _, err = run("compile", BASE, "-o", link)
    assert code == 1 and "CC510" in err
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.json"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        code, _, err = run("compile", BASE, "-o", path)
    assert code == 1 and f"CC510 will not replace {path}: it is not a regular file" in err


@pytest.mark.parametrize(
    ("call", "number", "text"),
    [
        ("fsync", errno.ENOSPC, "No space left on device"),
        ("replace", errno.EROFS, "Read-only file system"),
        ("mkdir", errno.EACCES, "Permission denied"),
    ],
)
@pytest.mark.parametrize("command", ["compile", "diff"])
def test_a_full_or_read_only_disk(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    call: str,
    number: int,
    text: str,
) -> None:
    out = tmp_path / ("new" if call == "mkdir" else "") / "out.json"
    if call != "mkdir":
        out.write_text("earlier")

    def failing(*args: object, **kwargs: object) -> None:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(os, call, failing)
    args = [BASE] if command == "compile" else [BASE, REWORDED]
    code, stdout, err = run(command, *args, "-o", out)
    monkeypatch.undo()
    assert code == 1 and stdout == ""
    assert f"{out}:0:1: CC512 cannot write {out}: {text}" in err
    assert "earlier outputs were left as they were" in err
    if call == "mkdir":
        assert not out.parent.exists()
    else:
        assert sorted(p.name for p in out.parent.iterdir()) == ["out.json"]  # no temp file
        assert out.read_text() == "earlier"


def test_the_diagnostic_as_json(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "x")
    code, _, err = run("compile", BASE, "-o", link, "--format", "json")
    assert code == 1 and '"code": "CC510"' in err


# --- stdout on a full disk, or closed -----------------------------------------------------


def test_stdout_on_a_full_disk_or_closed(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:  # every write fails with ENOSPC
        compiled = constitution("compile", BASE, stdout=full)
        diffed = constitution("diff", BASE, REWORDED, stdout=full)
    assert compiled.returncode == 1
    assert compiled.stderr.decode().startswith(
        "<stdout>:0:1: CC512 cannot write <stdout>: No space left on device\n"
    )
    assert diffed.returncode == 1
    assert diffed.stderr.decode() == (
        "constitution: CC512 cannot write the output: No space left on device\n"
        "    hint: free some disk space, or write where it is not read-only, and run again\n"
    )
    # A reader that went away (`constitution compile | head`) is no disk problem: a quiet exit.
    read, write = os.pipe()
    os.close(read)
    try:
        closed = constitution("compile", BASE, stdout=write)
    finally:
        os.close(write)
    assert closed.returncode == 1 and closed.stderr == b""
