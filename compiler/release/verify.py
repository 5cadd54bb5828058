"""`constitution verify`: the index (its structure, order, links and hash chain), every artifact
against it, and no artifact outside it.

What the chain can tell without an anchor: an entry edited, reordered or deleted in the middle,
or the first release deleted, unless whoever did it also recomputed every hash after it (nothing
here is secret). What it cannot tell alone: the index rewritten whole, or its newest releases cut
off. Pinning the head (`verify --head`, from a copy kept elsewhere) closes both.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, Severity, has_errors
from .index import (
    INDEX_FILE,
    INDEX_FORMAT,
    LEGACY_FORMATS,
    ReleaseEntry,
    ReleaseIndex,
    chain_head,
    load_index,
    parse_artifact,
    read_regular,
)


def check_artifact(
    index: ReleaseIndex, entry: ReleaseEntry
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The released document of `entry`, read once (never through a link) and checked: its
    SHA-256 is the indexed one, it is a valid compiled constitution, and of its version."""
    path = index.directory / entry.file
    display = str(path)
    try:
        data = read_regular(path)
    except FileNotFoundError:
        return None, [
            Diagnostic(
                "CC506",
                f"release {entry.version} is missing its artifact {entry.file}",
                display,
                0,
                hint="restore it from version control; a release must never be deleted",
            )
        ]
    except OSError as err:
        why = "it is a symbolic link" if path.is_symlink() else (err.strerror or str(err))
        return None, [
            Diagnostic(
                "CC506",
                f"release {entry.version}'s artifact cannot be read: {why}",
                display,
                0,
                hint="restore the artifact, a regular file, from version control",
            )
        ]
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.sha256:
        return None, [
            Diagnostic(
                "CC505",
                f"release {entry.version} was modified: sha256 {digest[:12]}… is not the "
                f"indexed {entry.sha256[:12]}…",
                display,
                0,
                hint="restore the artifact from version control; to change a release, "
                "release a new version",
            )
        ]
    document, problems = parse_artifact(data, display)
    if document is not None and not has_errors(problems):
        written = (document.get("document") or {}).get("version")
        if written != entry.version:
            problems.append(
                Diagnostic(
                    "CC505",
                    f"release {entry.version} says it is version {written}",
                    display,
                    0,
                    hint="restore the artifact from version control",
                )
            )
    return (document if not has_errors(problems) else None), problems


def unlisted_artifacts(index: ReleaseIndex) -> list[Path]:
    """`*.json` files in the releases directory that the index does not list."""
    if not index.directory.is_dir():
        return []
    listed = {entry.file for entry in index.entries}
    return sorted(
        path
        for path in index.directory.glob("*.json")
        if not path.name.startswith(".") and path.name not in (INDEX_FILE, *listed)
    )


def unlisted(path: Path) -> Diagnostic:
    return Diagnostic(
        "CC507",
        f"{path.name} is not in the release index",
        str(path),
        0,
        hint="release with 'constitution release VERSION' (a release interrupted before it "
        "wrote the index is taken up by running it again); remove files written by hand",
    )


def verify_index(index: ReleaseIndex) -> tuple[dict[str, dict[str, Any]], list[Diagnostic]]:
    """Every listed artifact checked (`check_artifact`): the documents that passed, by
    version, and every problem."""
    documents: dict[str, dict[str, Any]] = {}
    problems: list[Diagnostic] = []
    for entry in index.entries:
        document, found = check_artifact(index, entry)
        problems.extend(found)
        if document is not None:
            documents[entry.version] = document
    return documents, problems


def verify_releases(
    releases_dir: Path, *, pinned_head: str | None = None
) -> tuple[list[ReleaseEntry], list[Diagnostic]]:
    """Check the index and re-hash every artifact against it; report missing, changed and
    unlisted files, and (with `pinned_head`) a chain that does not end where it was pinned."""
    index, problems = load_index(releases_dir)
    if index.raw is None and not problems:
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
    if index.format in LEGACY_FORMATS and not has_errors(problems):
        problems.append(
            Diagnostic(
                "CC518",
                f"release index format {index.format} has no hash chain, so edits to its "
                "entries cannot be told",
                str(index.path),
                1,
                hint=f"the next 'constitution release' rewrites it as format {INDEX_FORMAT}, "
                "keeping every artifact as it is",
                severity=Severity.WARNING,
            )
        )
    head = chain_head(index.entries)
    if pinned_head is not None and pinned_head != head:
        problems.append(
            Diagnostic(
                "CC520",
                f"the release chain ends at {head or 'nothing'}, not at the pinned head "
                f"{pinned_head}: releases were cut off, added or rewritten",
                str(index.path),
                0,
                hint="restore releases/ from version control, or pin the head of a release "
                "you trust",
            )
        )
    problems.extend(verify_index(index)[1])
    problems.extend(unlisted(path) for path in unlisted_artifacts(index))
    return index.entries, problems
