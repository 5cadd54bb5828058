"""The site's release pages: Versions, Changes (a redline per release) and each release in full,
with every released JSON published at `releases/VERSION.json`.

`compiler.site` calls `site_pages(project_dir, spec_dir)` once per build, through
`compiler.site.releases` (its extension point), which loads this module only for a project that
has releases.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path

from ..api import read_document
from ..diagnostics import has_errors, render
from ..diff import (
    DEFAULT_LEVELS,
    LEVELS,
    SCHEMA_FILE,
    DiffResult,
    Levels,
    diff_documents,
    levels_file,
    load_levels,
    render_html_fragment,
    rules_table,
    side_of,
)
from ..document import (
    Document,
    from_json,
)
from ..release import (
    DEFAULT_RELEASES_DIR,
    INDEX_FILE,
    ReleaseEntry,
    ReleaseIndex,
    chain_head,
    verify_releases,
)
from .generated import GeneratedPage
from .release_view import ReleaseFacts, release_builder
from .render import TocEntry, escape

log = logging.getLogger("mkdocs.plugins.constitution")

VERSIONS_PAGE = "versions.md"
CHANGES_PAGE = "changes.md"


def changes_page_path(version: str) -> str:
    return f"changes/{version}.md"


def version_page_path(version: str) -> str:
    return f"versions/{version}.md"


def artifact_path(version: str) -> str:
    """Where the released JSON is published on the site (stable: tools may pin it)."""
    return f"releases/{version}.json"


def site_pages(project_dir: Path, spec_dir: Path | None = None) -> list[GeneratedPage]:
    """The release pages for the releases in `project_dir/releases`: none when nothing is
    released; none, with a warning (an error in mkdocs' strict mode), when the releases do not
    verify, so a tampered release is never published."""
    directory = project_dir / DEFAULT_RELEASES_DIR
    if not (directory / INDEX_FILE).exists():
        return []
    entries, problems = verify_releases(directory)
    if has_errors(problems):
        log.warning(
            "the releases do not verify; the Versions pages are left out:\n%s",
            render(problems, "text").rstrip("\n"),
        )
        return []
    index = ReleaseIndex(directory, list(entries))
    artifacts: dict[str, bytes] = {}
    documents: dict[str, Document] = {}
    for entry in index.entries:
        artifacts[entry.version] = (directory / entry.file).read_bytes()
        document, _ = read_document(directory / entry.file)
        if document is None:  # verified just now; only a concurrent change gets here
            return []
        documents[entry.version] = from_json(document)  # 1.x or 2.0.0: one typed model
    return release_pages(index, artifacts, documents, _project_levels(spec_dir))


def _project_levels(spec_dir: Path | None) -> Levels:
    """The levels the spec's ``constitution.yaml`` sets, as `constitution diff` weighs changes
    with them; the defaults, with a warning (an error in mkdocs' strict mode), when it has
    problems."""
    levels, problems = load_levels(levels_file(None, spec_dir))
    if has_errors(problems):
        log.warning(
            "the diff levels in constitution.yaml have errors; the Changes pages use the "
            "defaults:\n%s",
            render(problems, "text").rstrip("\n"),
        )
    return levels


def release_pages(
    index: ReleaseIndex,
    artifacts: Mapping[str, bytes],
    documents: Mapping[str, Document],
    levels: Levels = DEFAULT_LEVELS,
) -> list[GeneratedPage]:
    """The pages for `index`, given each release's bytes and its typed model (whatever schema
    it was written in); changes are weighed at the project's `levels`."""
    diffs: dict[str, DiffResult] = {}
    previous: ReleaseEntry | None = None
    for entry in index.entries:
        if previous is not None:
            diffs[entry.version] = diff_documents(
                documents[previous.version],
                documents[entry.version],
                side_of(previous.version, documents[previous.version]),
                side_of(entry.version, documents[entry.version]),
                levels,
            )
        previous = entry
    files = {artifact_path(version): data for version, data in artifacts.items()}
    files[f"releases/{INDEX_FILE}"] = index.to_bytes()
    # The schema of `constitution diff --format json`, beside the constitution's own.
    files[f"schemas/{SCHEMA_FILE}"] = (
        resources.files("compiler").joinpath("schemas", SCHEMA_FILE).read_bytes()
    )
    newest_first = list(reversed(index.entries))
    pages = [
        GeneratedPage(
            VERSIONS_PAGE, "Versions", markdown=versions_markdown(newest_first, diffs, levels)
        ),
        GeneratedPage(
            CHANGES_PAGE,
            "Changes",
            html=changelog_html(newest_first, diffs),
            toc=tuple(TocEntry(2, _anchor(e.version), e.version) for e in newest_first),
            files=files,
            archive=True,
        ),
    ]
    for entry in newest_first:
        pages.append(
            GeneratedPage(
                changes_page_path(entry.version),
                f"Changes in {entry.version}",
                html=changes_html(entry, diffs.get(entry.version)),
                nav=False,
                archive=True,
            )
        )
        path = version_page_path(entry.version)
        facts = ReleaseFacts(
            entry.version, entry.date, entry.sha256, changes_page_path(entry.version)
        )
        pages.append(
            GeneratedPage(
                path,
                f"Version {entry.version}",
                build=release_builder(path, facts, documents[entry.version]),
                archive=True,
                release=entry.version,
                nav_group="Releases",
            )
        )
    return pages


def _anchor(version: str) -> str:
    """`1.0.0` -> `v1-0-0`: letters, digits and `-` only, whatever the index holds."""
    return "v" + re.sub(r"[^A-Za-z0-9]+", "-", version)


def _counts(entry: ReleaseEntry, diff: DiffResult | None) -> str:
    if diff is None:
        return "first release"
    counts = diff.counts()
    return ", ".join(f"{counts[level.value]} {level.value}" for level in LEVELS)


def versions_markdown(
    entries: Sequence[ReleaseEntry],
    diffs: Mapping[str, DiffResult],
    levels: Levels = DEFAULT_LEVELS,
) -> str:
    """The Versions page: every release, newest first, with its download and change counts."""
    lines = [
        "# Versions",
        "",
        "Every release of this constitution, newest first. A release never changes: its JSON is "
        "published at a stable address, and its SHA-256 is recorded in "
        f"[releases/{INDEX_FILE}](releases/{INDEX_FILE}).",
        "",
        "| version | date | changes | bump | JSON | SHA-256 |",
        "|---|---|---|---|---|---|",
    ]
    for entry in entries:
        diff = diffs.get(entry.version)
        version = entry.version
        lines.append(
            f"| [{version}]({version_page_path(version)}) | {entry.date} "
            f"| [{_counts(entry, diff)}]({changes_page_path(version)}) "
            f"| {diff.bump if diff is not None else '—'} "
            f"| [{version}.json]({artifact_path(version)}) | `{entry.sha256}` |"
        )
    head = chain_head(list(reversed(entries)))
    lines += [
        "",
        f"The release chain ends at `{head}`: each entry of the index holds the hash of the one "
        "before it, so this one hash fixes every release listed. Keep it where this site cannot "
        f"change it, and check a copy of the releases against it with "
        f"`constitution verify --head {head}`.",
    ]
    lines += [
        "",
        "Breaking changes need a new major version, substantive ones a new minor version, and "
        "wording-only (editorial) ones a new patch version. Compare any two versions with "
        "`constitution diff OLD NEW`.",
        "",
        "## How changes are classified",
        "",
        rules_table(levels),
    ]
    return "\n".join(lines)


def changes_html(entry: ReleaseEntry, diff: DiffResult | None) -> str:
    """One release's Changes page: the redline against the release before it."""
    head = (
        f'<h1 id="{_anchor(entry.version)}">Changes in {escape(entry.version)}</h1>\n'
        f'<p class="cc-release-meta">Released {escape(entry.date)} · SHA-256 '
        f"<code>{escape(entry.sha256)}</code></p>\n"
    )
    return head + _changes_body(entry, diff)


def _changes_body(entry: ReleaseEntry, diff: DiffResult | None) -> str:
    if diff is None:
        return "<p>The first release: everything in it is new.</p>\n"
    intro = f"<p>Compared with {escape(entry.previous or '')}.</p>\n"
    return intro + render_html_fragment(diff)


def changelog_html(entries: Sequence[ReleaseEntry], diffs: Mapping[str, DiffResult]) -> str:
    """Every release's changes on one page, newest first."""
    parts = ["<h1>Changes</h1>\n"]
    for entry in entries:
        parts.append(
            f'<h2 id="{_anchor(entry.version)}">{escape(entry.version)}</h2>\n'
            f'<p class="cc-release-meta">Released {escape(entry.date)}</p>\n'
            + _changes_body(entry, diffs.get(entry.version))
        )
    return "".join(parts)
