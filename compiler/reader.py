"""Read a spec (a directory of Markdown files, or one file) into normalised text.

Text is decoded as strict UTF-8, a byte-order mark is dropped and line endings become LF, so the
same words give the same JSON whatever editor saved them.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from msgspec import Struct

from .controls import control_characters, may_hold_controls
from .diagnostics import Diagnostic
from .digests import sha256_hex
from .images import check_asset
from .spec_files import (
    DECLARATIONS_FILE,
    SpecFiles,
    collisions,
    is_chapter,
    refusal,
)

#: A file larger than this is refused (CC104) rather than risking an out-of-memory kill.
MAX_FILE_BYTES = 32 * 1024 * 1024
#: The whole spec may not be larger than this.
MAX_SPEC_BYTES = 128 * 1024 * 1024
#: Files read at most from one spec directory.
MAX_FILES = 10_000


class SourceFile(Struct, frozen=True):
    """One Markdown file of a spec."""

    name: str
    """Path relative to the spec root, with `/` separators; what the JSON records."""
    display: str
    """Path as the user would type it (the spec argument joined with `name`); what diagnostics show."""
    text: str
    """Normalised text: no byte-order mark, LF line endings."""
    readable: bool = True
    """False for a file of the spec that could not be read at all (a diagnostic says why): its
    name is known, so links to it are not reported as links to a missing file, but it has no
    text. A file that is not valid UTF-8 is read, its bad bytes replaced, so that its content is
    checked in the same pass."""
    sha256: str | None = None
    """The SHA-256 of `text` as UTF-8, when the reader hashed the bytes it read (they were that
    text exactly); None: hashed from the text when needed."""


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key: numbers in names compare as numbers, and `index.md` comes first in its folder."""
    parts: list[tuple[int, int | str]] = []
    for i, part in enumerate(name.split("/")):
        if i == name.count("/") and part == "index.md":
            parts.append((0, ""))
            continue
        for chunk in re.split(r"(\d+)", part):
            if chunk.isdigit():
                parts.append((1, int(chunk)))
            elif chunk:
                parts.append((2, chunk.casefold()))
        parts.append((3, "/"))
    return tuple(parts)


def normalise(text: str) -> str:
    """Drop a byte-order mark and turn CRLF and CR line endings into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def decode(data: bytes, display: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode strict UTF-8 and refuse NUL bytes, reporting the line and column of each problem."""
    problems: list[Diagnostic] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Its NUL bytes and odd offsets would only add noise: name the encoding instead.
        problem = Diagnostic(
            "CC101",
            "file is encoded as UTF-16, not UTF-8",
            display,
            1,
            1,
            hint="save the file as UTF-8; most editors offer it in 'Save with encoding'",
        )
        return None, [problem]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, col = _byte_position(data, err.start)
        problems.append(
            Diagnostic(
                "CC101",
                f"file is not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})",
                display,
                line,
                col,
                hint="save the file as UTF-8; most editors offer it in 'Save with encoding'",
            )
        )
        text = None
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(data, nul)
        problems.append(
            Diagnostic(
                "CC102",
                "file contains a NUL byte",
                display,
                line,
                col,
                hint="a Markdown file holds text only; remove the NUL byte (is this a binary file?)",
            )
        )
        text = None
    if text is None:
        return None, problems
    text = normalise(text)
    if may_hold_controls(data):
        problems.extend(control_characters(text, display))
    return text, problems


def decode_leniently(data: bytes) -> str:
    """The text of a file `decode` refused, for checking the rest of it in the same pass: bytes
    that are not UTF-8 and NUL bytes become U+FFFD, and a UTF-16 file is read as UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return normalise(data.decode("utf-16", errors="replace").replace("\x00", "\ufffd"))
    return normalise(data.decode("utf-8", errors="replace").replace("\x00", "\ufffd"))


def _byte_position(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    line = data.count(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def read_spec(spec: Path) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Read every Markdown file of `spec` in the defined order; never raises for bad input. The
    diagnostics include the files a spec may not hold (see `read_spec_files`)."""
    files, listing, problems = read_spec_files(spec)
    return files, problems + list(listing.problems if listing is not None else ())


def read_spec_files(spec: Path) -> tuple[list[SourceFile], SpecFiles | None, list[Diagnostic]]:
    """The Markdown files of `spec`, read in the defined order; every other file of it, sorted
    by `spec_files` (images checked, the rest refused, collisions found); and the problems that
    stop the compile. The listing's own problems (`SpecFiles.problems`) do not: the chapters are
    still checked. Hidden files and folders (`.git`, `.DS_Store`) are left alone, and never
    published. A single Markdown file has no listing (None)."""
    if not spec.is_dir():  # a file, a missing path, or a pipe or device (refused when read)
        files, read_problems = _read_files([(spec.name, spec, str(spec))], chapters=True)
        return files, None, read_problems
    root = spec.resolve()
    found: list[tuple[str, Path, str]] = []
    unread: list[SourceFile] = []
    others: list[tuple[str, Path, str]] = []
    refused: list[Diagnostic] = []
    names: set[str] = set()
    problems: list[Diagnostic] = []
    for dirpath, dirnames, filenames in os.walk(spec, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath)
        for entry in sorted(dirnames + filenames):
            path = base / entry
            if entry.startswith(".") or not path.is_symlink():
                continue
            target = _link_target(path)
            if target is None:
                problems.append(
                    Diagnostic(
                        "CC106",
                        "symbolic link loops back on itself",
                        str(path),
                        1,
                        hint="remove the link, or point it at a file in the spec directory",
                    )
                )
            elif not target.is_relative_to(root):
                display = str(path)
                problems.append(
                    Diagnostic(
                        "CC105",
                        f"symbolic link points outside the spec directory (to {target})",
                        display,
                        1,
                        hint="copy the file into the spec directory instead of linking to it",
                    )
                )
        for filename in filenames:
            if filename.startswith("."):
                continue
            path = base / filename
            rel = path.relative_to(spec).as_posix()
            if path.is_symlink():
                target = _link_target(path)
                if target is None or not target.is_relative_to(root):
                    if is_chapter(rel):  # reported above: its name is known, its text is not
                        unread.append(SourceFile(rel, str(path), "", readable=False))
                    continue
            names.add(rel)
            if is_chapter(rel):
                found.append((rel, path, str(path)))
                continue
            refusal_ = refusal(rel, _printable(str(path)))
            if refusal_ is not None:
                refused.append(refusal_)
            else:
                others.append((rel, path, str(path)))
    if len(found) > MAX_FILES:
        problems.append(
            Diagnostic(
                "CC104",
                f"the spec has {len(found)} Markdown files, more than the limit of {MAX_FILES}",
                str(spec),
                1,
                hint="point the compiler at the directory that holds the constitution only",
            )
        )
        return [], SpecFiles(names=frozenset(names)), problems
    if not found and not problems:
        problems.append(
            Diagnostic(
                "CC103",
                "no Markdown files (*.md) in the spec directory",
                str(spec),
                1,
                hint="add the constitution's chapters as .md files, or name the right directory",
            )
        )
    # The name itself breaks ties (`B.md`, `b.md`), whatever order the file system lists them in.
    found.sort(key=lambda item: (natural_key(item[0]), item[0]))
    others.sort(key=lambda item: (natural_key(item[0]), item[0]))
    listing = _sort_other_files(found, others[:MAX_FILES], refused, names)
    files, read_problems = _read_files(found, chapters=True)
    if unread:
        files = sorted(
            [*files, *unread], key=lambda source: (natural_key(source.name), source.name)
        )
    return files, listing, problems + read_problems


def _sort_other_files(
    found: list[tuple[str, Path, str]],
    others: list[tuple[str, Path, str]],
    refused: list[Diagnostic],
    names: set[str],
) -> SpecFiles:
    """The spec's files beside its chapters, read (bounded) and sorted by `sort_files`."""
    contents: list[tuple[str, str, bytes | Diagnostic]] = []
    total = 0
    for name, path, display in others:
        data = _read_other(path, display, MAX_SPEC_BYTES - total)
        if not isinstance(data, Diagnostic):
            total += len(data)
        contents.append((name, display, data))
    chapters = [(name, shown) for name, _, shown in found]
    return sort_files(chapters, contents, refused, names)


def sort_files(
    chapters: list[tuple[str, str]],
    others: list[tuple[str, str, bytes | Diagnostic]],
    refused: list[Diagnostic],
    names: set[str],
) -> SpecFiles:
    """The spec's files beside its chapters (name, display), from what was read of each (name,
    display, its bytes or why it could not be read): images checked, `constitution.yaml` read,
    and the addresses of everything the site would publish compared. No I/O: a spec read from
    elsewhere (a git commit) is sorted by the same rules."""
    problems = list(refused)
    assets: list[str] = []
    declarations: str | None = None
    for name, display, data in others:
        if isinstance(data, Diagnostic):
            problems.append(data)
            continue
        if name == DECLARATIONS_FILE:  # read, with its problems, by the grammar
            problem, declarations = None, name
        else:
            problem = check_asset(name, data, display)
            if problem is None:
                assets.append(name)
        if problem is not None:
            problems.append(problem)
    displays = {name: shown for name, shown in chapters}
    displays.update({name: shown for name, shown, _ in others})
    chapter_names = [name for name, _ in chapters]
    clashes, unpublished = collisions(chapter_names, assets, displays)
    return SpecFiles(
        tuple(chapter_names),
        tuple(name for name in assets if name not in unpublished),
        declarations,
        frozenset(unpublished),
        tuple(problems + clashes),
        frozenset(names),
    )


def _read_other(path: Path, display: str, budget: int) -> bytes | Diagnostic:
    """The bytes of an image or `constitution.yaml`, bounded like a chapter's; a diagnostic for
    a file that is not a regular file, too large or unreadable."""
    limit = min(MAX_FILE_BYTES, budget)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            problem = "not a regular file (a device, pipe or socket)"
        else:
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
            if len(data) <= limit:
                return data
            return other_too_large(display, limit)
    except OSError as err:
        problem = f"cannot read file: {err.strerror or err}"
    return Diagnostic("CC106", problem, display, 1, hint=_OTHER_HINT)


_OTHER_HINT = "a spec holds ordinary, reasonably small files"


def other_too_large(display: str, limit: int) -> Diagnostic:
    """CC104 for an image or `constitution.yaml` of more than `limit` bytes."""
    return Diagnostic(
        "CC104", f"file is larger than the limit of {limit:,} bytes", display, 1, hint=_OTHER_HINT
    )


def _is_utf8(name: str) -> bool:
    """False for a name with bytes that are not UTF-8 (os.fsdecode keeps them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _printable(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _link_target(path: Path) -> Path | None:
    """Where a symbolic link leads, or None when it loops (RuntimeError before Python 3.13)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def name_problem(name: str, display: str) -> Diagnostic | None:
    """CC101 for a file name that is not UTF-8: the JSON records names, and JSON is UTF-8."""
    if _is_utf8(name):
        return None
    return Diagnostic(
        "CC101",
        "file name is not valid UTF-8",
        _printable(display),
        1,
        hint="rename the file; names are recorded in the JSON, which is UTF-8",
    )


class SizeBudget:
    """The size limits over the files of one spec, taken in reading order (also by sources
    that are not directories, such as a git commit)."""

    def __init__(self) -> None:
        self.total = 0
        self.exhausted = False
        """True once the spec passed `MAX_SPEC_BYTES`: read no further file."""

    def refuse(self, size: int, display: str) -> Diagnostic | None:
        """CC104 when a file of `size` bytes may not be read, else None (and it is counted)."""
        if size > MAX_FILE_BYTES:
            return Diagnostic(
                "CC104",
                f"file is {size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}",
                display,
                1,
                hint="split the file into chapters",
            )
        self.total += size
        if self.total <= MAX_SPEC_BYTES:
            return None
        self.exhausted = True
        return Diagnostic(
            "CC104",
            f"the spec is more than {MAX_SPEC_BYTES:,} bytes in all",
            display,
            1,
            hint="compile a smaller spec, or split it into several",
        )


def read_files(found: list[tuple[str, Path, str]]) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Read files listed elsewhere, each as (name, path, display), with the limits of a spec's
    own files (the prompts files its examples name: `compiler.examples.collect`)."""
    return _read_files(found)


def _read_files(
    found: list[tuple[str, Path, str]], chapters: bool = False
) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Read each file; one that cannot be read is reported and the others are still read (and
    it is returned unreadable, so that its name is known), so one pass reports every problem.
    A chapter's digest (its `Chapter` records it) is taken from its bytes when they are its text
    exactly, rather than from its text encoded again."""
    files: list[SourceFile] = []
    problems: list[Diagnostic] = []
    budget = SizeBudget()
    for name, path, display in found:
        problem = name_problem(name, display)
        if problem is not None:
            # The JSON records the name, and JSON is UTF-8: such a name cannot be written. The
            # file is still read and checked, under a printable name.
            name, display = _printable(name), _printable(display)
            problems.append(problem)
        if budget.exhausted:  # reported once, at the file that went over the limit
            files.append(SourceFile(name, display, "", readable=False))
            continue
        data, problem = _read_file(path, display, budget)
        if data is None:
            problems.extend([problem] if problem else [])
            files.append(SourceFile(name, display, "", readable=False))
            continue
        text, decode_problems = decode(data, display)
        problems.extend(decode_problems)
        if text is None:
            files.append(SourceFile(name, display, decode_leniently(data)))
            continue
        same = chapters and b"\r" not in data and not data.startswith(_UTF8_BOM)
        files.append(SourceFile(name, display, text, sha256=sha256_hex(data) if same else None))
    return files, problems


_UTF8_BOM = "\ufeff".encode()


def _read_file(
    path: Path, display: str, budget: SizeBudget
) -> tuple[bytes | None, Diagnostic | None]:
    """The bytes of one file, or the problem that kept it from being read; the spec's size
    limits are taken from `budget`."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device named *.md would block the read or never end.
            return None, Diagnostic(
                "CC106",
                "not a regular file (a device, pipe or socket)",
                display,
                1,
                hint="a spec holds ordinary Markdown files only",
            )
        problem = budget.refuse(info.st_size, display)
        if problem is not None:
            return None, problem
        with path.open("rb") as handle:
            # Bounded: a file that grew since stat() is still refused instead of read whole.
            # Asked for its size first: a read of the whole bound allocates 32 MB for every file.
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as err:
        return None, Diagnostic(
            "CC106",
            f"cannot read file: {err.strerror or err}",
            display,
            1,
            hint="check that the file exists and is readable",
        )
    if len(data) > MAX_FILE_BYTES:
        return None, Diagnostic(
            "CC104",
            f"file is more than the limit of {MAX_FILE_BYTES:,} bytes",
            display,
            1,
            hint="split the file into chapters",
        )
    return data, None
