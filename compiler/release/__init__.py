"""Versioned, immutable releases: the index and its hash chain (`index`), what a diff side names
(`sides`), releasing (`make`), verifying (`verify`) and a node's history (`history`).

A release is `releases/VERSION.json` (the compiled JSON, `document.version` = VERSION) listed in
`releases/index.json` with its date, SHA-256 and change counts; nothing here ever overwrites one.
"""

from __future__ import annotations

from ..versions import (
    VersionError,
    bump_between,
    bump_suffices,
    parse_version,
    release_date,
    valid_date,
)
from .history import HistoryEvent, node_history, unknown_id
from .index import (
    INDEX_FILE,
    INDEX_FORMAT,
    ReleaseEntry,
    ReleaseIndex,
    chain_head,
    index_schema,
    load_index,
)
from .make import ReleaseOutcome, make_release
from .sides import DEFAULT_SPEC, LoadedSide, SideError, diff_sides, load_side, side_models
from .verify import check_artifact, verify_releases

DEFAULT_RELEASES_DIR = "releases"

__all__ = [
    "DEFAULT_RELEASES_DIR",
    "DEFAULT_SPEC",
    "INDEX_FILE",
    "INDEX_FORMAT",
    "HistoryEvent",
    "LoadedSide",
    "ReleaseEntry",
    "ReleaseIndex",
    "ReleaseOutcome",
    "SideError",
    "VersionError",
    "bump_between",
    "bump_suffices",
    "chain_head",
    "check_artifact",
    "diff_sides",
    "index_schema",
    "load_index",
    "load_side",
    "make_release",
    "node_history",
    "parse_version",
    "release_date",
    "side_models",
    "unknown_id",
    "valid_date",
    "verify_releases",
]
