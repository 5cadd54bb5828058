"""Where `constitution build` may write the site: the site directory's policy.

The build stages the site beside its target and swaps it in whole (`compiler.fsutil`); it
replaces only a directory it made (recorded in `record_path`, beside it), and never writes
outside the project.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..diagnostics import Diagnostic

#: The file that marks a directory `build` is writing (`.site.XXXXXXXX.tmp`), so that the next
#: build may delete it if this one is killed. Sites built before `record_path` existed hold it too.
MARKER = ".constitution-build"
MARKER_TEXT = (
    b"This directory was written by 'constitution build', which replaces it whole on the next "
    b"build.\n"
)
RECORD_TEXT = (
    b"The site directory beside this file was written by 'constitution build', which replaces "
    b"it whole on the next build.\n"
)
#: What a site built before the marker existed always holds (the plugin publishes them).
PUBLISHED = ("constitution.json", "schemas/constitution.schema.json")


def record_path(target: Path) -> Path:
    """The file beside the site directory `target` (``.site.constitution-build``) that records
    that `build` made it; beside it, not in it, as everything in the site is published."""
    return target.parent / f".{target.name}{MARKER}"


def record_text(directory: Path) -> bytes:
    """What `record_path` holds for `directory`: which directory it is (device and inode, which
    a rename keeps), so a directory made in its place later is not taken for the site."""
    info = os.stat(directory, follow_symlinks=False)
    return RECORD_TEXT + f"directory {info.st_dev}:{info.st_ino}\n".encode()


def write_record(target: Path, staged: Path) -> None:
    """Record that `staged`, about to become `target`, is a site `build` made (never through a
    link: O_NOFOLLOW)."""
    record = record_path(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    fd = os.open(record, flags, 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(record_text(staged))


def _recorded(target: Path) -> bool:
    record = record_path(target)
    try:
        if record.is_symlink() or not record.is_file():
            return False
        return record.read_bytes() == record_text(target)
    except OSError:
        return False


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
        hint=hint
        + f"; 'build' replaces only a directory it made (recorded in {record_path(target).name})",
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
    if not any(target.iterdir()):
        return None
    if _recorded(target):
        return None
    marker = target / MARKER
    if marker.is_file() and not marker.is_symlink():
        return None  # built before the record beside it existed
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
