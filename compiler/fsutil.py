"""Writing outputs safely: atomic file writes, outputs that are streams, directories built beside
their target and swapped in, locks, and leftovers of killed runs.

A failed or interrupted run never leaves a half-written output behind, and nothing here replaces
what the compiler did not make: a symbolic link, a device, a directory of someone else's files.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .diagnostics import Diagnostic


class OutputError(Exception):
    """An output that may not, or could not, be written: a coded problem at its path."""

    def __init__(self, code: str, message: str, path: str | os.PathLike[str], hint: str) -> None:
        super().__init__(message)
        self.diagnostic = Diagnostic(code, message, str(path), 0, hint=hint)


def write_failure(path: str | os.PathLike[str], err: OSError) -> OutputError:
    """An OSError from writing `path` (a full or read-only disk...) as a CC512 problem."""
    hints = {
        errno.ENOSPC: "free some disk space and run again",
        errno.EDQUOT: "free some disk space (you are over quota) and run again",
        errno.EROFS: "the file system is read-only; write somewhere else",
        errno.EACCES: "you may not write there; check its permissions",
        errno.EPERM: "you may not write there; check its permissions",
    }
    why = err.strerror or str(err)
    return OutputError(
        "CC512",
        f"cannot write {path}: {why}",
        path,
        hints.get(err.errno or 0, "check the disk and the path, and run again")
        + "; earlier outputs were left as they were",
    )


#: What a writer takes: the bytes, or the bytes in pieces (`compiler.emit.dump_chunks`).
Data = bytes | Iterable[bytes]


def _pieces(data: Data) -> Iterable[bytes]:
    return (data,) if isinstance(data, bytes) else data


def atomic_write(path: str | os.PathLike[str], data: Data, *, overwrite: bool = True) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk, then rename it over `path`.

    With ``overwrite=False`` an existing `path` is never replaced: `FileExistsError` is raised.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(_pieces(data))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # unlike a rename, fails when the target exists
            Path(tmp).unlink()
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _temp_name(name: str) -> re.Pattern[str]:
    """The names `tempfile` gives beside `name` with prefix ``.NAME.``: 8 random characters."""
    return re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.(?:tmp|old)", re.ASCII)


def write_output(path: str, data: Data) -> None:
    """Write an output the user named with ``-o``.

    ``-`` is stdout; a path naming this process's stdout or stderr (``/dev/stdout``, even when it
    leads to a redirected file) writes to that stream; a character device or a pipe
    (``/dev/null``, a FIFO) is written to as it is. A regular file is replaced atomically and a
    missing one created. Anything else, a symbolic link to a file, a directory, a block device, a
    socket, is refused (`OutputError`, CC510) rather than replaced. A write that fails (a full or
    read-only disk) is `OutputError` CC512, with the earlier file left as it was.
    """
    if path == "-":
        _write_stream(sys.stdout.buffer, data, "<stdout>")
        return
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise write_failure(path, err) from err
    if info is None or stat.S_ISREG(info.st_mode):
        try:
            atomic_write(path, data)
        except OSError as err:
            raise write_failure(path, err) from err
        return
    try:
        final = os.stat(path)
    except OSError:
        final = None
    for stream in (sys.stdout, sys.stderr):
        if final is not None and _same_file(final, stream):
            stream.flush()
            _write_stream(stream.buffer, data, path)
            return
    if final is not None and (stat.S_ISCHR(final.st_mode) or stat.S_ISFIFO(final.st_mode)):
        try:
            with open(path, "wb") as handle:  # a stream: no temp file, no rename
                handle.writelines(_pieces(data))
        except BrokenPipeError:
            raise
        except OSError as err:
            raise write_failure(path, err) from err
        return
    what = (
        "a symbolic link"
        if stat.S_ISLNK(info.st_mode)
        else "a directory"
        if stat.S_ISDIR(info.st_mode)
        else "a block device"
        if stat.S_ISBLK(info.st_mode)
        else "not a regular file"
    )
    raise OutputError(
        "CC510",
        f"will not replace {path}: it is {what}",
        path,
        "write to a regular file (or '-' for stdout); a link is never replaced, name the "
        "file it leads to if that is what you mean",
    )


def _same_file(info: os.stat_result, stream: object) -> bool:
    try:
        fileno = stream.fileno()  # type: ignore[attr-defined]
        other = os.fstat(fileno)
    except (AttributeError, OSError, ValueError):
        return False
    return (info.st_dev, info.st_ino) == (other.st_dev, other.st_ino)


def _write_stream(stream: object, data: Data, path: str) -> None:
    try:
        stream.writelines(_pieces(data))  # type: ignore[attr-defined]
        stream.flush()  # type: ignore[attr-defined]
    except BrokenPipeError:
        raise  # the reader went away: click stops the command quietly
    except OSError as err:
        raise write_failure(path, err) from err


# --- locks ---------------------------------------------------------------------------------


class Busy(Exception):
    """Another process holds the lock."""


@contextmanager
def locked(directory: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold a lock on `directory`, exclusive unless `shared` (flock on the directory itself: no
    lock file is left behind, and the kernel lets go when the process dies). Raises `Busy` at
    once when another process holds it exclusively (or, for an exclusive lock, at all)."""
    import fcntl

    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise Busy(str(directory)) from err
        yield
    finally:
        os.close(fd)


def remove_stale_temp_files(directory: Path, names: list[str]) -> None:
    """Remove the temporary files `atomic_write` left beside each of `names` when a run was
    killed. Only call it holding the lock of whatever writes them."""
    patterns = [_temp_name(name) for name in names]
    for entry in os.scandir(directory):
        if entry.is_file(follow_symlinks=False) and any(p.fullmatch(entry.name) for p in patterns):
            Path(entry.path).unlink(missing_ok=True)


# --- directories built beside their target ---------------------------------------------------


class StagedDirectory:
    """A new directory beside `target` (``.NAME.XXXXXXXX.tmp``), locked and marked as ours from
    its first moment, to be swapped in for `target` when complete.

    The marker (a file named `marker`) stays in `target` afterwards, so that the next run knows
    the directory is one it may replace; the lock tells a concurrent run's directory from one
    left by a killed run, which `remove_stale` deletes.
    """

    def __init__(self, target: Path, marker: str, marker_text: bytes) -> None:
        self.target = target
        self.marker = marker
        self.path = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        )
        self._fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        import fcntl

        fcntl.flock(self._fd, fcntl.LOCK_EX)
        (self.path / marker).write_bytes(marker_text)

    def swap_in(self) -> None:
        """Replace `target` with the staged directory: two renames, so `target` is never
        half-written; the old one is deleted after."""
        self.path.chmod(0o755)
        if not os.path.lexists(self.target):
            os.replace(self.path, self.target)
            return
        old = Path(
            tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".old", dir=self.target.parent)
        )
        old.rmdir()
        os.replace(self.target, old)
        try:
            os.replace(self.path, self.target)
        except BaseException:
            os.replace(old, self.target)
            raise
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def close(self) -> None:
        os.close(self._fd)


def remove_stale(target: Path, marker: str) -> list[Path]:
    """Delete the ``.NAME.XXXXXXXX.tmp`` and ``.old`` directories beside `target` that killed
    runs left: only directories (not links) holding `marker` whose lock nobody holds."""
    import fcntl

    pattern = _temp_name(target.name)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        if not (pattern.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)):
            continue
        path = Path(entry.path)
        if not (path / marker).is_file() or (path / marker).is_symlink():
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        except BlockingIOError:
            pass  # a build running now
        finally:
            os.close(fd)
    return removed
