"""The site's release pages: Versions, Changes (a redline per release) and each release in full,
with every released JSON published at `releases/VERSION.json`.

`compiler.site` calls `site_pages(project_dir, spec_dir)` once per build (its extension point).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

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
from ..release import (
    DEFAULT_RELEASES_DIR,
    INDEX_FILE,
    ReleaseEntry,
    ReleaseIndex,
    verify_releases,
)
from ..document import (
    Admonition,
    Block,
    Code,
    Document,
    ListBlock,
    Node,
    NodeBlock,
    Paragraph,
    Quote,
    Table,
    from_json,
)
from ..grammar.types import KindSpec
from ..render import TocEntry, escape, nest_toc
from .generated import GeneratedPage

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
    documents: dict[str, dict[str, Any]] = {}
    for entry in index.entries:
        artifacts[entry.version] = (directory / entry.file).read_bytes()
        document, _ = read_document(directory / entry.file)
        if document is None:  # verified just now; only a concurrent change gets here
            return []
        documents[entry.version] = document
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
    documents: Mapping[str, dict[str, Any]],
    levels: Levels = DEFAULT_LEVELS,
) -> list[GeneratedPage]:
    """The pages for `index`, given each release's bytes and parsed document; changes are
    weighed at the project's `levels`."""
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
        GeneratedPage(VERSIONS_PAGE, "Versions", markdown=versions_markdown(newest_first, diffs, levels)),
        GeneratedPage(
            CHANGES_PAGE,
            "Changes",
            html=changelog_html(newest_first, diffs),
            toc=tuple(TocEntry(2, _anchor(e.version), e.version) for e in newest_first),
            files=files,
        ),
    ]
    for entry in newest_first:
        pages.append(
            GeneratedPage(
                changes_page_path(entry.version),
                f"Changes in {entry.version}",
                html=changes_html(entry, diffs.get(entry.version)),
                nav=False,
            )
        )
        html, toc = version_html(entry, documents[entry.version])
        pages.append(
            GeneratedPage(
                version_page_path(entry.version),
                f"Version {entry.version}",
                html=html,
                nav=False,
                toc=tuple(toc),
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


def version_html(entry: ReleaseEntry, document: Mapping[str, Any]) -> tuple[str, list[TocEntry]]:
    """A release in full: every section's heading and text, annotations boxed and labelled where
    they stand, from its JSON (schema 2.0.0 or 1.x, read into the typed model)."""
    model = from_json(document)
    title = model.info.title or "Constitution"
    parts = [
        f"<h1>{escape(title)} {escape(entry.version)}</h1>\n",
        f'<p class="cc-release-meta">Released {escape(entry.date)} · SHA-256 '
        f"<code>{escape(entry.sha256)}</code> · read from the released JSON</p>\n",
    ]
    headings: list[tuple[int, str, str]] = []
    for section in model.nodes:
        if section.level is None:
            continue
        level = min(max(section.level + 1, 2), 6)
        heading = section.title or ""
        headings.append((level, section.id, heading))
        parts.append(f'<h{level} id="{escape(section.id)}">{escape(heading)}</h{level}>\n')
        parts.append(_blocks_html(model, section.blocks))
    return "".join(parts), nest_toc(headings)


def _blocks_html(model: Document, blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(f"<p>{escape(block.text).replace(chr(10), '<br>')}</p>\n")
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{_blocks_html(model, i.blocks)}</li>" for i in block.items)
            out.append(f"<{tag}>{items}</{tag}>\n")
        elif isinstance(block, Code):
            out.append(f"<pre><code>{escape(block.text)}</code></pre>\n")
        elif isinstance(block, Table):
            rows = (block.header, *block.rows) if block.header else block.rows
            cells = "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
            )
            out.append(f"<table>{cells}</table>\n")
        elif isinstance(block, Quote | Admonition):
            out.append(f"<blockquote>{_blocks_html(model, block.blocks)}</blockquote>\n")
        elif isinstance(block, NodeBlock) and (node := model.get(block.id)) is not None:
            kind = model.kinds[node.kind]
            out.append(
                f'<div class="admonition note cc-released-{escape(kind.key)}" id="{escape(node.id)}">\n'
                f'<p class="admonition-title">{escape(_label(kind, node))}</p>\n'
                f"{_blocks_html(model, node.blocks)}</div>\n"
            )
    return "".join(out)


def _label(kind: KindSpec, node: Node) -> str:
    """'Property broadly-safe (rank 1)': the kind, the id, the typed fields in words."""
    details = [node.title] if node.title and kind.field("rank") is None else []
    for field in kind.fields:
        value = node.fields.get(field.name)
        if value is None:
            continue
        if isinstance(value, tuple) and value and isinstance(value[0], tuple):
            words = " > ".join(" ".join(level) for level in value)
        elif isinstance(value, tuple):
            words = ", ".join(map(str, value))
        else:
            words = str(value)
        details.append(f"{field.name} {words}")
    return f"{kind.label} {node.id}" + (f" ({'; '.join(details)})" if details else "")
