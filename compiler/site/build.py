"""Where `constitution build` may write the site: the site directory's policy.

The build stages the site beside its target and swaps it in whole (`compiler.fsutil`); it
replaces only a directory it made, and never writes outside the project. A directory it made is
recorded beside it, not in it (`record_path`: the directory's device, inode and top-level
names), so that nothing but the site is published; the staged directory holds `MARKER` until it
is swapped in (a killed build's leftovers are told by it), and a site built before the record
existed is told by the marker it still holds.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..diagnostics import Diagnostic

#: The file `build` writes into every site it makes: a directory holding it is one `build` may
#: replace (mkdocs never copies or cleans hidden files, so it stays).
MARKER = ".constitution-build"
MARKER_TEXT = (
    b"This directory was written by 'constitution build', which replaces it whole on the next "
    b"build.\n"
)
#: What a site built before the marker existed always holds (the plugin publishes them).
PUBLISHED = ("constitution.json", "schemas/constitution.schema.json")


def record_path(target: Path) -> Path:
    """Where `build` records the site directory it made: beside it, ``.constitution-build.NAME``
    (hidden, outside what is published, and not named like a staging directory ``.NAME.*``)."""
    return target.parent / f"{MARKER}.{target.name}"


def published(target: Path) -> None:
    """After the swap: record `target` as a site `build` made (`_identity`), and take the
    marker out of it, so that the published site holds nothing but the site. When the record
    cannot be written, the marker stays (the site is built either way)."""
    record = record_path(target)
    try:
        if record.is_symlink() or (record.exists() and not record.is_file()):
            return  # not ours to write over
        marker = target / MARKER
        if marker.is_file() and not marker.is_symlink():
            marker.unlink()
        identity = _identity(target)
        if identity is not None:
            record.write_bytes(identity + MARKER_TEXT)
    except OSError:
        return


def _recorded(target: Path) -> bool:
    """True when the record beside `target` names this very directory: the same device and
    inode, and no top-level name that the build did not write (an inode number freed and given
    to a directory of someone else's files is not taken for the site)."""
    record = record_path(target)
    if record.is_symlink() or not record.is_file():
        return False
    try:
        lines = record.read_bytes()[:_MAX_RECORD].split(b"\n")
        current = _identity(target)
    except OSError:
        return False
    if current is None:
        return False
    head, *names = current.split(b"\n")
    return lines[0] == head and set(names) <= set(lines[1:])


#: A record longer than this is not one `build` wrote.
_MAX_RECORD = 1 << 20


def _identity(target: Path) -> bytes | None:
    """``DEV INO`` and the directory's top-level names, a line each (None when a name holds a
    line break: no record then, and the next build goes by what the site holds)."""
    info = os.lstat(target)
    names = sorted(os.listdir(target))
    if any("\n" in name for name in names):
        return None
    lines = [f"{info.st_dev} {info.st_ino}", *names]
    return "\n".join(lines).encode("utf-8", "surrogateescape") + b"\n\n"


def site_dir_refusal(config_file: Path, target: Path) -> Diagnostic | None:
    """Why the build may not write `target` (the config's site_dir), or None: it must lie inside
    the config's directory (the project), below it, and be missing, empty, or a site `build`
    made; never a link, a file or a device, nor a directory of other files."""
    project = Path(os.path.realpath(config_file.parent))
    line = _config_line(config_file, "site_dir")
    place = Path(os.path.realpath(target.parent)) / target.name
    hint = "set site_dir to a directory of its own inside the project, e.g. 'site_dir: site'"
    if not place.is_relative_to(project) or place == project:
        where = "is the project directory itself" if place == project else "lies outside"
        return Diagnostic(
            "CC511",
            f"site_dir {target} {where} the project ({project}); nothing is written outside it",
            str(config_file),
            line,
            hint=hint,
        )
    why = _not_ours(target)
    if why is None:
        return None
    return Diagnostic(
        "CC510",
        f"will not replace site_dir {target}: it is {why}",
        str(config_file),
        line,
        hint=hint + f"; 'build' replaces only a directory it made (holding {MARKER})",
    )


def _not_ours(target: Path) -> str | None:
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "a file" if stat.S_ISREG(info.st_mode) else "a device, pipe or socket"
    if not any(target.iterdir()) or _recorded(target):
        return None
    marker = target / MARKER
    if marker.is_file() and not marker.is_symlink():
        return None
    if all((target / name).is_file() for name in PUBLISHED):
        return None  # built before the marker existed
    return "a directory of files 'build' did not write"


def _config_line(config_file: Path, key: str) -> int:
    """The line of a top-level `key:` in the config, or 0 when it is not set there."""
    try:
        text = config_file.read_text("utf-8", errors="replace")
    except OSError:
        return 0
    match = re.search(rf"^{re.escape(key)}[ \t]*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0
