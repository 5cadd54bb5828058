"""Versioned, immutable releases: what a diff side names, releasing, verifying, a node's history.

A release is `releases/VERSION.json` (the compiled JSON, `document.version` = VERSION) listed in
`releases/index.json` with its date, SHA-256 and change counts; nothing here ever overwrites one.
The index reads ``{"format": 1, "releases": [{"version", "date", "sha256", "file", "previous",
"bump", "changes": {"breaking", "substantive", "editorial"}}, ...]}``, oldest release first.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .api import read_document
from .diagnostics import Diagnostic, has_errors
from .diff import (
    DEFAULT_LEVELS,
    LEVELS,
    Change,
    DiffResult,
    Level,
    Levels,
    Side,
    diff_documents,
    side_of,
)
from .emit import dumps
from .extract import suggest
from .fsutil import atomic_write
from .pipeline import compile_spec

INDEX_FILE = "index.json"
INDEX_FORMAT = 1
DEFAULT_RELEASES_DIR = "releases"
DEFAULT_SPEC = "spec"

_SEMVER = re.compile(r"^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BUMP_ORDER = ("none", "patch", "minor", "major")


class SideError(Exception):
    """A diff side or release argument that names nothing: a usage error, not bad input."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# --- versions ------------------------------------------------------------------------------


def parse_version(text: str) -> tuple[int, int, int] | None:
    """``MAJOR.MINOR.PATCH`` (semantic versioning without pre-release or build parts)."""
    match = _SEMVER.match(text)
    if match is None:
        return None
    return int(match[1]), int(match[2]), int(match[3])


def bump_between(old: tuple[int, int, int], new: tuple[int, int, int]) -> str:
    """The bump from `old` to a greater `new`: ``major``, ``minor`` or ``patch``."""
    if new[0] != old[0]:
        return "major"
    if new[1] != old[1]:
        return "minor"
    return "patch"


def bump_suffices(required: str, allowed: str) -> bool:
    """True when a release of bump `allowed` is enough for changes that require `required`."""
    return _BUMP_ORDER.index(allowed) >= _BUMP_ORDER.index(required)


# --- the index -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReleaseEntry:
    """One release in `releases/index.json`."""

    version: str
    date: str
    """Release date, ``YYYY-MM-DD`` (UTC)."""
    sha256: str
    """SHA-256 of the artifact's bytes, lower-case hex."""
    file: str
    """The artifact's file name, relative to the releases directory: ``VERSION.json``."""
    previous: str | None = None
    """The release it was diffed against, or None for the first."""
    bump: str = "none"
    """The bump its changes required: ``major``, ``minor``, ``patch`` or ``none``."""
    changes: Mapping[str, int] = field(default_factory=dict)
    """Changes against `previous`, counted by level."""

    @property
    def key(self) -> tuple[int, int, int]:
        return parse_version(self.version) or (0, 0, 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "date": self.date,
            "sha256": self.sha256,
            "file": self.file,
            "previous": self.previous,
            "bump": self.bump,
            "changes": {level.value: int(self.changes.get(level.value, 0)) for level in LEVELS},
        }


@dataclass(slots=True)
class ReleaseIndex:
    """Every release, oldest first."""

    directory: Path
    entries: list[ReleaseEntry] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.directory / INDEX_FILE

    @property
    def latest(self) -> ReleaseEntry | None:
        return max(self.entries, key=lambda e: e.key) if self.entries else None

    def get(self, version: str) -> ReleaseEntry | None:
        return next((e for e in self.entries if e.version == version), None)

    def to_bytes(self) -> bytes:
        entries = sorted(self.entries, key=lambda e: e.key)
        return dumps({"format": INDEX_FORMAT, "releases": [e.to_json() for e in entries]})


def load_index(directory: Path) -> tuple[ReleaseIndex, list[Diagnostic]]:
    """The index of `directory` (empty when there is none yet) and any problem with it."""
    index = ReleaseIndex(directory)
    path = index.path
    if not path.exists():
        return index, []
    display = str(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        line = getattr(err, "lineno", 0)
        return index, [
            Diagnostic(
                "CC508",
                f"release index cannot be read: {err}",
                display,
                line,
                hint="restore releases/index.json from version control",
            )
        ]
    problems: list[Diagnostic] = []
    releases = data.get("releases") if isinstance(data, dict) else None
    if not isinstance(releases, list):
        return index, [
            Diagnostic(
                "CC508",
                "release index has no 'releases' list",
                display,
                1,
                hint="restore releases/index.json from version control",
            )
        ]
    seen: set[str] = set()
    for position, item in enumerate(releases):
        entry = _entry(item)
        if entry is None:
            problems.append(
                Diagnostic(
                    "CC508",
                    f"release index entry {position} is malformed",
                    display,
                    1,
                    hint="each entry needs version (X.Y.Z), date (YYYY-MM-DD), sha256 and file "
                    "(VERSION.json)",
                )
            )
        elif entry.version in seen:
            problems.append(
                Diagnostic(
                    "CC508",
                    f"release index lists version {entry.version} twice",
                    display,
                    1,
                    hint="a version is released once; restore the index from version control",
                )
            )
        else:
            seen.add(entry.version)
            index.entries.append(entry)
    index.entries.sort(key=lambda e: e.key)
    return index, problems


def _entry(item: object) -> ReleaseEntry | None:
    if not isinstance(item, dict):
        return None
    version, date, digest, file = (item.get(k) for k in ("version", "date", "sha256", "file"))
    if not (
        isinstance(version, str)
        and parse_version(version)
        and isinstance(date, str)
        and _DATE.match(date)
        and isinstance(digest, str)
        and re.fullmatch(r"[0-9a-f]{64}", digest)
        and file == f"{version}.json"
    ):
        return None
    previous = item.get("previous")
    bump = item.get("bump")
    changes = item.get("changes")
    return ReleaseEntry(
        version,
        date,
        digest,
        file,
        previous if isinstance(previous, str) else None,
        bump if bump in _BUMP_ORDER else "none",
        {k: v for k, v in changes.items() if isinstance(v, int)}
        if isinstance(changes, dict)
        else {},
    )


def read_artifact(index: ReleaseIndex, entry: ReleaseEntry) -> dict[str, Any]:
    """The released JSON of `entry`; raises OSError or ValueError when it is unreadable."""
    loaded: dict[str, Any] = json.loads((index.directory / entry.file).read_text("utf-8"))
    return loaded


# --- diff sides ----------------------------------------------------------------------------


@dataclass(slots=True)
class LoadedSide:
    """One side of a diff: its compiled document, or why there is none."""

    label: str
    document: dict[str, Any] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def side(self) -> Side:
        return side_of(self.label, self.document or {})


def load_side(argument: str, *, releases_dir: Path, cwd: Path | None = None) -> LoadedSide:
    """Resolve a diff side: ``git:REV[:PATH]``, a released ``X.Y.Z``, a compiled ``.json``, or a
    spec directory or Markdown file. Raises `SideError` when it names nothing."""
    if argument.startswith("git:"):
        return _git_side(argument, cwd or Path.cwd())
    path = Path(argument) if cwd is None else cwd / argument
    if parse_version(argument) is not None and not path.exists():
        return _release_side(argument, releases_dir)
    if not path.exists():
        raise SideError(
            f"'{argument}' is not a file, a directory, a released version or a git revision",
            "name a spec directory or file, a compiled .json, a version from "
            f"{releases_dir / INDEX_FILE}, or git:REV",
        )
    return _document_side(argument, path)


def _release_side(version: str, releases_dir: Path) -> LoadedSide:
    index, problems = load_index(releases_dir)
    entry = index.get(version)
    if entry is None:
        if has_errors(problems):
            return LoadedSide(version, None, problems)
        known = [e.version for e in index.entries]
        raise SideError(
            f"no release {version} in {index.path}",
            f"released versions: {', '.join(known)}" if known else "nothing is released yet",
        )
    return _document_side(version, index.directory / entry.file)


def _document_side(label: str, path: Path) -> LoadedSide:
    document, diagnostics = read_document(path)
    return LoadedSide(label, document, diagnostics)


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as err:
        raise SideError(f"cannot run git: {err}", "install git, or diff a directory") from err


def _git_side(argument: str, cwd: Path) -> LoadedSide:
    revision, _, inner = argument.removeprefix("git:").partition(":")
    inner = inner or DEFAULT_SPEC
    if not revision:
        raise SideError(f"'{argument}' names no revision", "write git:REV or git:REV:PATH")
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise SideError(
            f"'{argument}': {cwd} is not inside a git repository", "run from the repository"
        )
    root = Path(top.stdout.decode("utf-8", "replace").strip())
    found = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
    if found.returncode != 0:
        raise SideError(
            f"unknown git revision '{revision}'",
            "name a commit, branch or tag: git:HEAD~1, git:main, git:v1.0.0",
        )
    commit = found.stdout.decode().strip()
    with tempfile.TemporaryDirectory(prefix="constitution-git-") as tmp:
        if not _extract(root, commit, inner, Path(tmp)):
            raise SideError(
                f"'{inner}' does not exist at git revision '{revision}'",
                "give the spec's path from the repository root: git:REV:PATH",
            )
        document, problems = read_document(Path(tmp) / inner)
        prefix = f"git:{revision}:"
        diagnostics = [
            replace(d, file=prefix + os.path.relpath(d.file, tmp)) if d.file.startswith(tmp) else d
            for d in problems
        ]
    return LoadedSide(argument, document, diagnostics)


def _extract(root: Path, commit: str, inner: str, target: Path) -> bool:
    """Write the files under `inner` at `commit` below `target`, as committed: read with
    ``git ls-tree`` and ``git cat-file``, so no export filter or attribute changes them."""
    listing = _git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", inner], root)
    blobs: list[tuple[bytes, str, str]] = []
    for entry in listing.stdout.split(b"\0"):
        meta, _, raw_path = entry.partition(b"\t")
        fields = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if len(fields) == 3 and fields[1] == b"blob" and ".." not in path.split("/"):
            blobs.append((fields[0], fields[2].decode(), path))
    if listing.returncode != 0 or not blobs:
        return False
    request = "".join(f"{sha}\n" for _, sha, _ in blobs).encode()
    batch = subprocess.run(
        ["git", "cat-file", "--batch"], input=request, cwd=root, capture_output=True, check=False
    )
    data, offset = batch.stdout, 0
    for mode, _, path in blobs:
        header_end = data.index(b"\n", offset)
        size = int(data[offset:header_end].split()[2])
        content = data[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            os.symlink(content.decode("utf-8", "surrogateescape"), destination)
        else:
            destination.write_bytes(content)
    return True


def diff_sides(old: LoadedSide, new: LoadedSide, levels: Levels = DEFAULT_LEVELS) -> DiffResult:
    if old.document is None or new.document is None:
        raise ValueError("both sides must have compiled")
    return diff_documents(old.document, new.document, old.side, new.side, levels)


# --- releasing -----------------------------------------------------------------------------


@dataclass(slots=True)
class ReleaseOutcome:
    """What `make_release` did, or why it refused."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    entry: ReleaseEntry | None = None
    """The index entry of the release (also on a dry run); None when it was refused."""
    diff: DiffResult | None = None
    """The changes since the latest release; None for the first release."""
    path: Path | None = None
    """The artifact written; None on a dry run or a refusal."""


def release_date(date: str | None = None) -> str:
    """`date` if given, else the day of $SOURCE_DATE_EPOCH, else today, in UTC."""
    if date is not None:
        return date
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        if epoch and epoch.isdigit()
        else datetime.datetime.now(datetime.UTC)
    )
    return moment.date().isoformat()


def valid_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def make_release(
    version: str,
    spec: Path,
    releases_dir: Path,
    *,
    date: str | None = None,
    dry_run: bool = False,
    levels: Levels = DEFAULT_LEVELS,
) -> ReleaseOutcome:
    """Compile `spec`, diff it against the latest release and, if `version` is greater and big
    enough for the changes, write `releases_dir/VERSION.json` and the updated index (unless
    `dry_run`: then every check runs and nothing is written). The bump the changes need is
    the one at the project's `levels` (its ``constitution.yaml``).

    Refusals are diagnostics; `releases_dir` is untouched unless everything succeeded.
    """
    key = parse_version(version)
    if key is None:
        raise SideError(
            f"'{version}' is not a version", "write MAJOR.MINOR.PATCH, e.g. 1.0.0 or 1.2.3"
        )
    when = release_date(date)
    if not valid_date(when):
        raise SideError(f"'{when}' is not a date", "write YYYY-MM-DD")
    outcome = ReleaseOutcome()
    index, problems = load_index(releases_dir)
    if has_errors(problems):
        outcome.diagnostics = problems
        return outcome
    target = releases_dir / f"{version}.json"
    refusal = _refuse_version(version, key, index, target)
    if refusal is not None:
        outcome.diagnostics = [refusal]
        return outcome
    result = compile_spec(spec)
    if not result.ok or result.document is None:
        outcome.diagnostics = result.diagnostics
        return outcome
    written = result.document.get("document", {}).get("version")
    if written is not None and written != version:
        outcome.diagnostics = [_version_mismatch(spec, result.sources, written, version)]
        return outcome
    document = copy.deepcopy(result.document)
    document["document"]["version"] = version
    latest = index.latest
    previous: dict[str, Any] | None = None
    if latest is not None:
        try:
            previous = read_artifact(index, latest)
        except (OSError, ValueError) as err:
            outcome.diagnostics = [
                Diagnostic(
                    "CC506",
                    f"release {latest.version} cannot be read: {err}",
                    str(index.directory / latest.file),
                    0,
                    hint="run 'constitution verify'; restore the artifact from version control",
                )
            ]
            return outcome
        diff = diff_documents(
            previous,
            document,
            side_of(latest.version, previous),
            side_of(version, document),
            levels,
        )
        outcome.diff = diff
        allowed = bump_between(latest.key, key)
        if not bump_suffices(diff.bump, allowed):
            outcome.diagnostics = list(_bump_refusals(diff, version, allowed, latest, spec))
            return outcome
    data = dumps(document)
    counts = outcome.diff.counts() if outcome.diff is not None else {}
    entry = ReleaseEntry(
        version,
        when,
        hashlib.sha256(data).hexdigest(),
        target.name,
        latest.version if latest is not None else None,
        outcome.diff.bump if outcome.diff is not None else "none",
        counts,
    )
    outcome.entry = entry
    if dry_run:
        return outcome
    index.entries.append(entry)
    atomic_write(target, data, overwrite=False)
    try:
        atomic_write(index.path, index.to_bytes())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    outcome.path = target
    return outcome


def _refuse_version(
    version: str, key: tuple[int, int, int], index: ReleaseIndex, target: Path
) -> Diagnostic | None:
    latest = index.latest
    if index.get(version) is not None or target.exists():
        return Diagnostic(
            "CC501",
            f"release {version} already exists; a release is never overwritten",
            str(target),
            0,
            hint="release a greater version"
            + (f" than {latest.version}" if latest is not None else ""),
        )
    if latest is not None and key <= latest.key:
        return Diagnostic(
            "CC502",
            f"version {version} is not greater than the latest release {latest.version}",
            str(index.path),
            0,
            hint=f"release a version after {latest.version}, e.g. {_next(latest.key, 'patch')}",
        )
    return None


def _next(key: tuple[int, int, int], bump: str) -> str:
    major, minor, patch = key
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _version_mismatch(spec: Path, sources: list[Any], written: str, version: str) -> Diagnostic:
    display = sources[0].display if sources else str(spec)
    line = 1
    if sources:
        for number, text in enumerate(sources[0].text.split("\n"), start=1):
            if text.startswith("version:"):
                line = number
                break
    return Diagnostic(
        "CC504",
        f"the spec says version {written}, not {version}",
        display,
        line,
        hint=f"set 'version: {version}' in the front matter (or remove the key) and release again",
    )


def _bump_refusals(
    diff: DiffResult, version: str, allowed: str, latest: ReleaseEntry, spec: Path
) -> Iterator[Diagnostic]:
    level = diff.level or Level.EDITORIAL
    needed = _next(latest.key, diff.bump)
    for change in diff.at_or_above(level):
        position = change.new or change.old
        if change.new is not None:
            display = str(spec / change.new.file) if spec.is_dir() else str(spec)
        else:
            display = f"{latest.version}:{position.file if position else ''}"
        yield Diagnostic(
            "CC503",
            f"{version} is a {allowed} release but {change.rule} ({change.level.value}) requires "
            f"a {diff.bump} release: {change.message}",
            display,
            position.line if position is not None else 0,
            hint=f"release {needed} instead ({change.level.value} changes since {latest.version} "
            f"require a {diff.bump} version bump)",
        )


# --- verifying -----------------------------------------------------------------------------


def verify_releases(releases_dir: Path) -> tuple[list[ReleaseEntry], list[Diagnostic]]:
    """Re-hash every artifact against the index; report missing, changed and unlisted files."""
    index, problems = load_index(releases_dir)
    if not index.path.exists():
        problems.append(
            Diagnostic(
                "CC508",
                "no release index",
                str(index.path),
                0,
                hint="release the spec first: constitution release 1.0.0",
            )
        )
        return [], problems
    for entry in index.entries:
        path = releases_dir / entry.file
        if not path.is_file():
            problems.append(
                Diagnostic(
                    "CC506",
                    f"release {entry.version} is missing its artifact {entry.file}",
                    str(path),
                    0,
                    hint="restore it from version control; a release must never be deleted",
                )
            )
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != entry.sha256:
            problems.append(
                Diagnostic(
                    "CC505",
                    f"release {entry.version} was modified: sha256 {digest[:12]}… is not the "
                    f"indexed {entry.sha256[:12]}…",
                    str(path),
                    0,
                    hint="restore the artifact from version control; to change a release, "
                    "release a new version",
                )
            )
            continue
        loaded = _document_side(entry.version, path)
        problems.extend(loaded.diagnostics)
        if loaded.document is not None:
            written = loaded.document.get("document", {}).get("version")
            if written != entry.version:
                problems.append(
                    Diagnostic(
                        "CC505",
                        f"release {entry.version} says it is version {written}",
                        str(path),
                        0,
                        hint="restore the artifact from version control",
                    )
                )
    listed = {entry.file for entry in index.entries}
    for path in sorted(releases_dir.glob("*.json")):
        if path.name != INDEX_FILE and path.name not in listed:
            problems.append(
                Diagnostic(
                    "CC507",
                    f"{path.name} is not in the release index",
                    str(path),
                    0,
                    hint="release with 'constitution release VERSION'; remove files written by hand",
                )
            )
    return index.entries, problems


# --- history -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One release in which a node changed."""

    version: str
    date: str
    action: str
    """``added``, ``removed``, ``renamed``, ``moved`` or ``changed``."""
    change: Change


def _action(rule: str) -> str:
    for action in ("added", "removed", "renamed", "moved"):
        if rule.endswith(f"-{action}"):
            return action
    return "changed"


def node_history(
    ident: str, releases_dir: Path
) -> tuple[list[HistoryEvent], list[Diagnostic], list[str]]:
    """Every release in which node `ident` (or an earlier or later name of it) changed, oldest
    first; also any problem reading the releases, and every id ever released (for suggestions)."""
    index, problems = load_index(releases_dir)
    if has_errors(problems):
        return [], problems, []
    steps: list[tuple[ReleaseEntry, DiffResult]] = []
    previous: dict[str, Any] = {}
    known: set[str] = set()
    for entry in index.entries:
        loaded = _document_side(entry.version, releases_dir / entry.file)
        if loaded.document is None:
            problems.extend(loaded.diagnostics)
            return [], problems, []
        steps.append(
            (
                entry,
                diff_documents(previous, loaded.document, Side("-"), Side(entry.version)),
            )
        )
        known.update(_ids(loaded.document))
        previous = loaded.document
    names = {ident}
    while True:  # follow renames both ways until no new name turns up
        grown = set(names)
        for _, result in steps:
            for change in result.changes:
                if change.old_id is not None and ({change.id, change.old_id} & grown):
                    grown |= {change.id, change.old_id}
        if grown == names:
            break
        names = grown
    events = [
        HistoryEvent(entry.version, entry.date, _action(change.rule), change)
        for entry, result in steps
        for change in result.changes
        if change.id in names or (change.old_id or "") in names
    ]
    return events, problems, sorted(known)


def _ids(document: Mapping[str, Any]) -> Iterator[str]:
    for key in ("sections", "properties", "priorities", "constraints", "definitions", "rationales"):
        for node in document.get(key) or []:
            yield str(node["id"])


def unknown_id(ident: str, releases_dir: Path, known: list[str]) -> Diagnostic:
    return Diagnostic(
        "CC509",
        f"no release has a node with id '{ident}'",
        str(releases_dir / INDEX_FILE),
        0,
        hint=suggest(ident, known) or "give the id of a section or annotation",
    )
