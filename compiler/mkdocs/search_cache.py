"""What the search plugin reads of each page (`SearchFeed`), and a cache of the search index's
entries for each page, kept in the project (``.cache/constitution/search/``).

The theme's search plugin reads every page's HTML with Python's `html.parser` to cut it into
sections, which is the largest share of a build after the theme's templates: a page of the
constitution is mostly tags (annotations, links, tooltips). A page whose HTML, address, table of
contents and search settings are those it had in an earlier build gets the same entries, so they
are taken from the cache instead (checked against a digest of all of those and of the search
plugin's version), in the place the plugin would have added them; the index is the same, byte for
byte. One file per page address, so the cache stays as large as the site however often it is
built. Like the template cache, it is skipped when it would lie outside the project or cannot be
written, and a damaged entry is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from msgspec import Struct

from .template_cache import project_cache

#: A highlighted code block's code, and the tags in it (pygments' spans).
_HIGHLIGHTED_CODE = re.compile(r"(<pre><span></span><code>)(.*?)(</code>)", re.DOTALL)
_SPAN_TAG = re.compile(r"</?span[^>]*>")
#: What the search plugin removes from every page it is given.
_SEARCH_ATTRIBUTE = re.compile(r'data-search-\w+="[^"]+"')

#: What one page adds to the search index: the plugin's entries (location, title, text, ...).
Entries = list[dict[str, Any]]


class SearchCache:
    """The entries of each page's search sections, read from and written to `directory`."""

    def __init__(self, directory: Path, index: Any, version: str, scope: str) -> None:
        self.directory = directory
        self.index = index
        self.version = version
        self.scope = scope
        """What tells this site's pages from another's with the same addresses (its spec)."""

    @classmethod
    def of(cls, plugins: Any, project_dir: Path, docs_dir: str) -> SearchCache | None:
        """The cache for mkdocs-material's search plugin among `plugins`, when it is on and the
        project can hold the cache (None otherwise: the plugin reads every page itself); the
        site is that of the spec in `docs_dir`."""
        try:
            from material import __version__
            from material.plugins.search import plugin as search
        except ImportError:
            return None
        found = [p for p in plugins.values() if isinstance(p, search.SearchPlugin)]
        if len(found) != 1 or not found[0].config.enabled or search.jieba is not None:
            return None  # (jieba changes the entries with a dictionary the digest cannot see)
        index = getattr(found[0], "search_index", None)
        if not isinstance(getattr(index, "entries", None), list):
            return None
        directory = project_cache(project_dir, "search")
        return None if directory is None else cls(directory, index, __version__, docs_dir)

    def digest(self, page: Any) -> str:
        """What the page's entries are made of, as the search plugin reads it."""
        meta = page.meta
        made_of = [
            self.version,
            page.url,
            str(page.title),
            meta.get("title"),
            meta.get("tags"),
            meta.get("search"),
            _toc(page.toc),
            page.content,
        ]
        text = json.dumps(made_of, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def _file(self, page: Any) -> Path:
        # One file per page of each spec: a page built again replaces its entries.
        where = json.dumps([self.scope, page.url], default=str)
        name = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()
        return self.directory / f"{name[:32]}.json"

    def entries(self, page: Any, digest: str) -> Entries | None:
        """The page's entries from an earlier build, if it had this digest then."""
        try:
            stored = json.loads(self._file(page).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(stored, dict) or stored.get("digest") != digest:
            return None
        entries = stored.get("entries")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            return None
        return entries

    def store(self, page: Any, digest: str, entries: Entries) -> None:
        """Keep the page's entries for the next build (nothing is kept if it cannot be written)."""
        target = self._file(page)
        data = json.dumps({"digest": digest, "entries": entries}, ensure_ascii=False)
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError, ValueError):
            partial.write_bytes(data.encode("utf-8", "surrogatepass"))
            os.replace(partial, target)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _toc(toc: Any) -> list[Any]:
    """A table of contents as the search plugin reads it: each entry's id and URL, nested."""
    return [[item.id, item.url, _toc(item.children)] for item in toc or ()]


class _Held(Struct):
    """A page's HTML and search settings, set aside while the search plugin reads the page."""

    content: str
    search: Any
    entries: Entries | None = None
    """Its search entries, from the cache."""
    digest: str | None = None
    """Its digest for the cache, when the search plugin makes its entries."""
    indexed: int = 0
    """How many entries the index held before the page's."""


class SearchFeed:
    """What the search plugin is given of each page in its `on_page_context`: `before(page)`
    runs before it, `after(page)` after it (the plugin's events, when no other plugin reads the
    page there).

    The search plugin parses `page.content` with html.parser, at a cost per tag, and highlighted
    code is mostly tags. It keeps only the text of spans, so it is given the code without them:
    the same index, byte for byte, with about a third less of the build's search time. A page left
    out of the search (the print version, an archived release) is not read by it at all: it would
    still scan the whole text for `data-search-*="..."` attributes to remove, and the compiler
    writes none (checked, so the page is the same). Nor is a page whose entries are in the
    `SearchCache`: they are added to the index where the plugin would have added them. The page
    gets its own HTML back before it is written.
    """

    def __init__(self, cache: SearchCache | None = None) -> None:
        self.cache = cache
        self._held: dict[str, _Held] = {}

    def before(self, page: Any) -> None:
        if not page.content or _SEARCH_ATTRIBUTE.search(page.content):
            return
        search = page.meta.get("search")
        path = page.file.src_uri
        cache = self.cache
        if isinstance(search, dict) and search.get("exclude"):
            self._held[path] = _Held(page.content, search)
            page.content = ""
            return
        if cache is not None:
            digest = cache.digest(page)
            entries = cache.entries(page, digest)
            if entries is not None:
                self._held[path] = _Held(page.content, search, entries)
                page.content = ""
                page.meta["search"] = {"exclude": True}
                return
            self._held[path] = _Held(page.content, search, None, digest, len(cache.index.entries))
        if "<pre><span></span><code>" in page.content:
            self._held.setdefault(path, _Held(page.content, search))
            page.content = _HIGHLIGHTED_CODE.sub(
                lambda m: m[1] + _SPAN_TAG.sub("", m[2]) + m[3], page.content
            )

    def after(self, page: Any) -> None:
        held = self._held.pop(page.file.src_uri, None)
        if held is None:
            return
        page.content = held.content
        if held.search is None:
            page.meta.pop("search", None)
        else:
            page.meta["search"] = held.search
        cache = self.cache
        if cache is not None and held.entries is not None:
            cache.index.entries.extend(held.entries)
        elif cache is not None and held.digest is not None:
            cache.store(page, held.digest, cache.index.entries[held.indexed :])
