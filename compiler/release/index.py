"""`releases/index.json`: every release, oldest first, each entry bound to the one before it by a
hash chain, so that editing, reordering or deleting entries is evident.

Format 2 (written since the chain) reads ``{"format": 2, "releases": [{"version", "date",
"sha256", "file", "previous", "bump", "changes": {"breaking", "substantive", "editorial"},
"entry_sha256"}, ...]}``; `schemas/release-index.schema.json` describes it. An entry's
`entry_sha256` is the SHA-256 of the canonical JSON (sorted keys, no spaces, ASCII) of its other
fields plus ``"format": 2`` and ``"previous_entry_sha256"`` (the previous entry's hash, null for
the first). The last entry's hash, the *head*, therefore stands for the whole index: pin it.
Format 1 (before the chain) has no `entry_sha256`; it is read, and the next release rewrites the
index as format 2 with the same entries (the artifacts never change).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from msgspec import Struct, field
from msgspec.structs import replace

from ..diagnostics import Diagnostic
from ..diff import BUMPS, LEVELS
from ..emit import dumps
from ..json_input import JsonPositions, parse_json
from ..packaged import packaged_schema
from ..reader import decode
from ..versions import Version, bump_between, bump_suffices, parse_version, valid_date

INDEX_FILE = "index.json"
INDEX_FORMAT = 2
LEGACY_FORMATS = (1,)
SCHEMA_FILE = "release-index.schema.json"
#: An index or artifact larger than this is refused unread.
MAX_RELEASE_BYTES = 64 * 1024 * 1024

_RESTORE = "restore releases/index.json from version control"


class ReleaseEntry(Struct, frozen=True):
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
    entry_sha256: str = ""
    """This entry's link in the hash chain (see the module docstring); empty until chained."""

    @property
    def key(self) -> Version:
        return parse_version(self.version) or (0, 0, 0)

    def fields(self) -> dict[str, Any]:
        """Every field but the chain link: what the link hashes."""
        return {
            "version": self.version,
            "date": self.date,
            "sha256": self.sha256,
            "file": self.file,
            "previous": self.previous,
            "bump": self.bump,
            "changes": {level.value: int(self.changes.get(level.value, 0)) for level in LEVELS},
        }

    def to_json(self) -> dict[str, Any]:
        return {**self.fields(), "entry_sha256": self.entry_sha256}

    def link(self, previous_entry_sha256: str | None) -> str:
        """The chain hash of this entry after an entry whose hash is `previous_entry_sha256`."""
        payload = {
            **self.fields(),
            "format": INDEX_FORMAT,
            "previous_entry_sha256": previous_entry_sha256,
        }
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def chain(entries: Sequence[ReleaseEntry]) -> list[ReleaseEntry]:
    """`entries` (oldest first) with every `entry_sha256` computed from its fields."""
    linked: list[ReleaseEntry] = []
    for entry in entries:
        linked.append(
            replace(entry, entry_sha256=entry.link(linked[-1].entry_sha256 if linked else None))
        )
    return linked


def chain_head(entries: Sequence[ReleaseEntry]) -> str | None:
    """The hash of the last entry: it fixes every entry before it."""
    return entries[-1].entry_sha256 if entries else None


class ReleaseIndex(Struct):
    """Every release, oldest first, as the index lists them."""

    directory: Path
    entries: list[ReleaseEntry] = field(default_factory=list)
    format: int = INDEX_FORMAT
    """The format the index was read in (1 before the hash chain)."""
    raw: bytes | None = None
    """The index's bytes as read (None when there was none): a writer compares them under its
    lock, so that it never writes over an index that changed since it read it."""

    @property
    def path(self) -> Path:
        return self.directory / INDEX_FILE

    @property
    def latest(self) -> ReleaseEntry | None:
        return max(self.entries, key=lambda e: e.key) if self.entries else None

    @property
    def head(self) -> str | None:
        return chain_head(self.entries)

    def get(self, version: str) -> ReleaseEntry | None:
        return next((e for e in self.entries if e.version == version), None)

    def with_release(self, entry: ReleaseEntry) -> ReleaseIndex:
        """A copy with `entry` appended and chained (always written in the current format)."""
        entries = chain(sorted([*self.entries, entry], key=lambda e: e.key))
        return ReleaseIndex(self.directory, entries, INDEX_FORMAT, self.raw)

    def to_bytes(self) -> bytes:
        entries = chain(sorted(self.entries, key=lambda e: e.key))
        return dumps({"format": INDEX_FORMAT, "releases": [e.to_json() for e in entries]})


def index_schema() -> dict[str, Any]:
    """`schemas/release-index.schema.json` (JSON Schema 2020-12)."""
    return packaged_schema(SCHEMA_FILE)


def read_regular(path: Path, limit: int = MAX_RELEASE_BYTES) -> bytes:
    """The bytes of `path`, which must be a regular file and not a symbolic link (a release is
    read from the releases directory, never from where a link leads). Raises OSError."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{path} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"{path} is larger than {limit:,} bytes")
    return data


def _unreadable(path: Path, err: OSError) -> str:
    if path.is_symlink():
        return "it is a symbolic link"
    return err.strerror or str(err)


def load_index(directory: Path) -> tuple[ReleaseIndex, list[Diagnostic]]:
    """The index of `directory` (empty when there is none yet) and every problem with it: its
    structure (the schema), its format, the order and links of its entries, the hash chain."""
    index = ReleaseIndex(directory)
    path = index.path
    display = str(path)
    if not os.path.lexists(path):
        return index, []
    try:
        data = read_regular(path)
    except OSError as err:
        return index, [
            Diagnostic(
                "CC508",
                f"release index cannot be read: {_unreadable(path, err)}",
                display,
                0,
                hint=_RESTORE,
            )
        ]
    index.raw = data
    text, problems = decode(data, display)
    if text is None:
        return index, [replace(p, code="CC508") for p in problems]
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        return index, [
            Diagnostic(
                "CC508",
                f"release index is not valid JSON: {getattr(err, 'msg', type(err).__name__)}",
                display,
                getattr(err, "lineno", 1),
                getattr(err, "colno", 1),
                hint=_RESTORE,
            )
        ]
    positions = JsonPositions(text, display)
    fmt = document.get("format") if isinstance(document, dict) else None
    if (
        isinstance(document, dict)
        and "format" in document
        and fmt not in (INDEX_FORMAT, *LEGACY_FORMATS)
    ):
        return index, [
            positions.at(
                "CC514",
                ["format"],
                f"release index format {json.dumps(fmt)} is not one this version reads "
                f"({', '.join(map(str, (*LEGACY_FORMATS, INDEX_FORMAT)))})",
                "upgrade constitution-compiler, or " + _RESTORE,
            )
        ]
    problems = list(_schema_problems(document, positions))
    if problems:
        return index, problems
    index.format = document["format"]
    index.entries = [_entry(item) for item in document["releases"]]
    if fmt in LEGACY_FORMATS:
        index.entries = chain(index.entries)
    problems.extend(_link_problems(index.entries, positions, chained=fmt == INDEX_FORMAT))
    return index, problems


def _schema_problems(document: Any, positions: JsonPositions) -> list[Diagnostic]:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(index_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    problems = []
    for error in errors:
        where = "/".join(map(str, error.absolute_path)) or "the top"
        message = error.message
        if error.validator == "pattern":
            field = str(error.absolute_path[-1]) if error.absolute_path else ""
            message = (
                f"{json.dumps(error.instance)} is not {_FORMS.get(field, 'of the right form')}"
            )
        if len(message) > 200:
            message = message[:200] + "…"
        problems.append(
            positions.at(
                "CC508",
                list(error.absolute_path),
                f"release index is malformed at {where}: {message}",
                f"see {SCHEMA_FILE}; " + _RESTORE,
            )
        )
    return problems


_FORMS = {
    "version": "a version (MAJOR.MINOR.PATCH)",
    "previous": "a version (MAJOR.MINOR.PATCH)",
    "date": "a date (YYYY-MM-DD)",
    "file": "an artifact name (VERSION.json)",
    "sha256": "a SHA-256 (64 lower-case hex digits)",
    "entry_sha256": "a SHA-256 (64 lower-case hex digits)",
}


def _entry(item: Mapping[str, Any]) -> ReleaseEntry:
    return ReleaseEntry(
        item["version"],
        item["date"],
        item["sha256"],
        item["file"],
        item["previous"],
        item["bump"],
        dict(item["changes"]),
        item.get("entry_sha256", ""),
    )


def _link_problems(
    entries: Sequence[ReleaseEntry], positions: JsonPositions, *, chained: bool
) -> list[Diagnostic]:
    """What the schema cannot say: each entry is a real version and date, comes after the one
    before it and names it as its previous release, has a bump its version allows, and (in a
    chained index) its hash matches its fields and the previous entry's hash."""
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    before: ReleaseEntry | None = None
    for position, entry in enumerate(entries):
        pointer: list[Any] = ["releases", position]

        def problem(code: str, key: str, message: str, hint: str, at: list[Any] = pointer) -> None:
            problems.append(positions.at(code, [*at, key], message, hint))

        key = parse_version(entry.version)
        if key is None or entry.file != f"{entry.version}.json":
            problem(
                "CC508", "version", f"release index entry {position} names no version", _RESTORE
            )
            before = None
            continue
        if not valid_date(entry.date):
            problem(
                "CC508", "date", f"release {entry.version}: '{entry.date}' is not a date", _RESTORE
            )
        if entry.version in seen:
            problem(
                "CC508",
                "version",
                f"release index lists version {entry.version} twice",
                "a version is released once; " + _RESTORE,
            )
            continue
        seen.add(entry.version)
        expected_previous = before.version if before is not None else None
        if before is not None and key <= before.key:
            problem(
                "CC513",
                "version",
                f"release {entry.version} is listed after {before.version}: the index is out of "
                "order",
                "releases are listed oldest first, each after the one it was released after; "
                + _RESTORE,
            )
        elif entry.previous != expected_previous:
            named = "no previous release" if entry.previous is None else f"'{entry.previous}'"
            problem(
                "CC513",
                "previous",
                f"release {entry.version} names {named} as its previous release, but "
                + (
                    f"the release before it is {expected_previous}"
                    if expected_previous is not None
                    else "it is the first release in the index (was an earlier one deleted?)"
                ),
                _RESTORE,
            )
        counts = entry.fields()["changes"]
        if before is None and entry.previous is None and any(counts.values()):
            problem(
                "CC513",
                "changes",
                f"release {entry.version} is the first but records changes",
                _RESTORE,
            )
        required = next((BUMPS[level] for level in LEVELS if counts[level.value]), "none")
        if entry.bump != required:
            problem(
                "CC513",
                "bump",
                f"release {entry.version} records a {entry.bump} bump, but its changes "
                f"({', '.join(f'{n} {lvl}' for lvl, n in counts.items())}) need {required}",
                _RESTORE,
            )
        elif before is not None and not bump_suffices(required, bump_between(before.key, key)):
            problem(
                "CC513",
                "bump",
                f"release {entry.version} records {required} changes, more than a "
                f"{bump_between(before.key, key)} release after {before.version} may have",
                _RESTORE,
            )
        if chained:
            link = entry.link(before.entry_sha256 if before is not None else None)
            if link != entry.entry_sha256:
                problem(
                    "CC513",
                    "entry_sha256",
                    f"release {entry.version}'s entry does not match its hash: a field of it or "
                    "of an earlier entry was changed after it was released",
                    "a release is never edited; " + _RESTORE,
                )
        before = entry
    return problems


def parse_artifact(data: bytes, display: str) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """A released artifact's bytes as a compiled document, checked like any compiled JSON."""
    text, problems = decode(data, display)
    if text is None:
        return None, problems
    return parse_json(text, display)
