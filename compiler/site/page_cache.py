"""The package's own pages (the authoring guide, the tool builders' page), rendered once and kept
between builds in the project's cache (``.cache/constitution/pages/``).

Their Markdown is the package's, long and mostly code: parsing and rendering it took longer than
any chapter of the constitution, in every build. It is rendered without the spec (its links go to
its own headings; an id of the spec with the same name must not take them), so its HTML depends
only on the text, on how the page is rendered (highlighted code or not; its ids and permalinks),
on the code that renders it, and on the URLs of the files it links to. An entry is keyed by a
digest of all but the last, and records the URL of each file the page asked for: it is used only
when every one is what the site answers now. The code is known by the package's version, the
versions of the libraries that parse and highlight, and the size and modification time of each
of the package's files (what Python checks its own ``.pyc`` files against). One file per page,
so the cache stays as large as the site; a damaged entry is a miss, and nothing is kept where it
cannot be written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import markdown_it
import mdit_py_plugins
from msgspec.structs import replace

from ..about import __version__
from ..fsutil import atomic_write
from .render import PageContext, RenderedPage, SiteIndex, TocEntry, render_markdown

#: The package's directory: its code and its pages.
PACKAGE = Path(__file__).resolve().parent.parent

#: Where a file's URL is asked for, what the site answered (None: it is not in the site).
Asked = dict[str, str | None]


def render_package_page(
    name: str, text: str, context: PageContext, directory: Path | None
) -> RenderedPage:
    """The package's page `name` (Markdown `text`) rendered in `context` without the spec, from
    the cache in `directory` when it holds it (None: no cache)."""
    alone = replace(context, index=SiteIndex(), extras=None, page_urls={})
    if directory is None:
        return render_markdown(text, alone)
    key = _key(text, alone)
    entry = directory / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.json"
    cached = _load(entry, key, context)
    if cached is not None:
        return cached
    asked: Asked = {}

    def url_of_file(path: str) -> str | None:
        asked[path] = context.url_of_file(path)
        return asked[path]

    page = render_markdown(text, replace(alone, url_of_file=url_of_file))
    _store(entry, key, asked, page)
    return page


def _key(text: str, context: PageContext) -> str:
    made_of = [
        __version__,
        _libraries(context.highlight),
        code_stamp(),
        context.highlight,
        context.anchors,
        context.file,
        text,
    ]
    data = json.dumps(made_of, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def _libraries(highlight: bool) -> list[str]:
    """The versions of the libraries that parse the text (and highlight its code)."""
    versions = [markdown_it.__version__, mdit_py_plugins.__version__]
    if highlight:
        import pygments  # type: ignore[import-untyped]

        versions.append(pygments.__version__)
    return versions


def code_stamp() -> list[list[Any]]:
    """Each file of the package: its path, size and modification time."""
    stamp: list[list[Any]] = []
    for folder, folders, files in os.walk(PACKAGE):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:  # gone meanwhile (an install under way): a key no entry has
                stamp.append([path, None])
                continue
            stamp.append([os.path.relpath(path, PACKAGE), info.st_size, info.st_mtime_ns])
    return stamp


def _load(entry: Path, key: str, context: PageContext) -> RenderedPage | None:
    try:
        stored = json.loads(entry.read_bytes())
        if stored["key"] != key:
            return None
        asked = stored["asked"]
        if any(context.url_of_file(path) != url for path, url in asked.items()):
            return None
        html, title = stored["html"], stored["title"]
        if not isinstance(html, str) or not isinstance(title, str | None):
            return None
        return RenderedPage(html, [_toc_entry(item) for item in stored["toc"]], title)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _store(entry: Path, key: str, asked: Asked, page: RenderedPage) -> None:
    data = {
        "key": key,
        "asked": asked,
        "html": page.html,
        "title": page.title,
        "toc": [_toc_list(item) for item in page.toc],
    }
    with contextlib.suppress(OSError, ValueError):
        atomic_write(entry, json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def _toc_list(entry: TocEntry) -> list[Any]:
    return [entry.level, entry.id, entry.title, [_toc_list(child) for child in entry.children]]


def _toc_entry(item: list[Any]) -> TocEntry:
    level, ident, title, children = item
    if not isinstance(level, int) or not isinstance(ident, str) or not isinstance(title, str):
        raise TypeError("not a table of contents entry")
    return TocEntry(level, ident, title, [_toc_entry(child) for child in children])
