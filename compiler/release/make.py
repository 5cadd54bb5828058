"""`constitution release VERSION`: compile the spec, verify every earlier release, diff against the
latest and, when the version is greater and its bump big enough, write the artifact and the index.

Writing is safe under concurrency and interruption. Runs take an exclusive lock on the releases
directory and write only if the index is still the one they verified, so of two runs at once one
is refused. The artifact is written first, then the index: a run killed between the two leaves
an artifact the index does not list, which a retry of the same release (same bytes) takes up; any
other unlisted file blocks releasing until someone looks at it. Temporary files left by a killed
write are removed under the lock.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from ..diagnostics import Diagnostic, Severity, has_errors
from ..diff import DEFAULT_LEVELS, DiffResult, Level, Levels, diff_documents, side_of
from ..document import from_json
from ..emit import dumps
from ..fsutil import Busy, OutputError, atomic_write, locked, remove_stale_temp_files, write_failure
from ..pipeline import compile_spec
from ..versions import (
    Version,
    bump_between,
    bump_suffices,
    next_version,
    release_date,
    require_version,
)
from .index import INDEX_FILE, ReleaseEntry, ReleaseIndex, load_index, read_regular
from .verify import unlisted, unlisted_artifacts, verify_index


class ReleaseOutcome(Struct):
    """What `make_release` did, or why it refused."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    entry: ReleaseEntry | None = None
    """The index entry of the release (also on a dry run); None when it was refused."""
    diff: DiffResult | None = None
    """The changes since the latest release; None for the first release."""
    path: Path | None = None
    """The artifact written; None on a dry run or a refusal."""


def make_release(
    version: str,
    spec: Path,
    releases_dir: Path,
    *,
    date: str | None = None,
    dry_run: bool = False,
    levels: Levels = DEFAULT_LEVELS,
) -> ReleaseOutcome:
    """Compile `spec`, verify the releases, diff against the latest release and, if `version` is
    greater and big enough for the changes, write `releases_dir/VERSION.json` and the updated
    index (unless `dry_run`: then every check runs and nothing is written). The bump the
    changes need is the one at the project's `levels` (its ``constitution.yaml``).

    A version or date that is not one raises `VersionError` (a usage error); every other refusal
    is a diagnostic, and `releases_dir` is untouched unless everything succeeded.
    """
    key = require_version(version)
    when = release_date(date)
    if releases_dir.is_symlink():
        return ReleaseOutcome([_linked(releases_dir)])
    if not releases_dir.is_dir():  # the first release: locked when the directory is made
        return _release(
            version, key, when, spec, releases_dir, dry_run, levels, locked_already=False
        )
    try:
        with locked(releases_dir, shared=dry_run):
            return _release(
                version, key, when, spec, releases_dir, dry_run, levels, locked_already=True
            )
    except Busy:
        return ReleaseOutcome(
            [_busy(releases_dir / INDEX_FILE, "is being written by another release right now")]
        )
    except OSError as err:
        return ReleaseOutcome([write_failure(releases_dir, err).diagnostic])


def _release(
    version: str,
    key: Version,
    when: str,
    spec: Path,
    releases_dir: Path,
    dry_run: bool,
    levels: Levels,
    *,
    locked_already: bool,
) -> ReleaseOutcome:
    outcome = ReleaseOutcome()
    index, problems = load_index(releases_dir)
    documents, artifact_problems = verify_index(index)
    target = releases_dir / f"{version}.json"
    orphans = unlisted_artifacts(index)
    problems += artifact_problems + [unlisted(path) for path in orphans if path != target]
    if has_errors(problems):
        outcome.diagnostics = problems
        return outcome
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
    if latest is not None:
        previous = from_json(documents[latest.version])  # whatever schema it was released in
        diff = diff_documents(
            previous,
            from_json(document),
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
    adopt = os.path.lexists(target)
    if adopt:
        if not _holds(target, data):
            outcome.diagnostics = [_unlisted_differs(version, target)]
            return outcome
        outcome.diagnostics = [_adopted(version, target)]
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
    updated = index.with_release(entry)
    refusal = _write(index, updated, version, data, adopt=adopt, locked_already=locked_already)
    if refusal is not None:
        outcome.diagnostics.append(refusal)
        outcome.entry = None
        return outcome
    outcome.entry = updated.get(version)
    outcome.path = target
    return outcome


def _holds(path: Path, data: bytes) -> bool:
    """True when `path` is a regular file (not a link) holding exactly `data`."""
    try:
        return read_regular(path, len(data)) == data
    except OSError:
        return False


def _write(
    index: ReleaseIndex,
    updated: ReleaseIndex,
    version: str,
    data: bytes,
    *,
    adopt: bool,
    locked_already: bool,
) -> Diagnostic | None:
    """Write the artifact (unless adopted) and the index, under the releases directory's lock
    (taken here when the directory is new); a refusal or a failed write is returned as a
    diagnostic and leaves everything as it was."""
    directory = index.directory
    target = directory / f"{version}.json"
    created = not directory.exists()
    writing = directory
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with contextlib.nullcontext() if locked_already else locked(directory):
            if _current(index.path) != index.raw:
                return _busy(index.path, "changed while this release was prepared")
            remove_stale_temp_files(directory, [INDEX_FILE, target.name])
            if adopt and not _holds(target, data):
                return _unlisted_differs(version, target)
            if not adopt:
                writing = target
                try:
                    atomic_write(target, data, overwrite=False)
                except FileExistsError:
                    return _unlisted_differs(version, target)
            writing = index.path
            try:
                atomic_write(index.path, updated.to_bytes())
            except BaseException:
                if not adopt:
                    target.unlink(missing_ok=True)
                raise
    except Busy:
        return _busy(index.path, "is being written by another release right now")
    except OSError as err:
        if created:
            _remove_if_empty(directory)
        return write_failure(writing, err).diagnostic
    return None


def _linked(directory: Path) -> Diagnostic:
    return OutputError(
        "CC510",
        f"will not write releases into {directory}: it is a symbolic link",
        directory,
        "releases are written into a directory of the project, never where a link leads",
    ).diagnostic


def _current(path: Path) -> bytes | None:
    try:
        return read_regular(path)
    except FileNotFoundError:
        return None


def _remove_if_empty(directory: Path) -> None:
    with contextlib.suppress(OSError):
        directory.rmdir()


def _busy(path: Path, what: str) -> Diagnostic:
    return Diagnostic(
        "CC515",
        f"{path} {what}; nothing was written",
        str(path),
        0,
        hint="let the other release finish, then run 'constitution release' again: it checks "
        "the version against the new latest release",
    )


def _unlisted_differs(version: str, target: Path) -> Diagnostic:
    return Diagnostic(
        "CC501",
        f"release {version} already exists: {target.name} is not in the index (left by an "
        "interrupted release, or written by hand) and differs from this release",
        str(target),
        0,
        hint=f"look at {target}, remove it if nobody released it, and release again",
    )


def _adopted(version: str, target: Path) -> Diagnostic:
    return Diagnostic(
        "CC521",
        f"taking up {target.name}, written by an interrupted release of {version}: it holds "
        "exactly this release",
        str(target),
        0,
        hint="nothing to do; the index now lists it",
        severity=Severity.WARNING,
    )


def _refuse_version(
    version: str, key: Version, index: ReleaseIndex, target: Path
) -> Diagnostic | None:
    latest = index.latest
    if index.get(version) is not None:
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
            hint=f"release a version after {latest.version}, e.g. "
            f"{next_version(latest.key, 'patch')}",
        )
    return None


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
    needed = next_version(latest.key, diff.bump)
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
