"""A cache of the search index's entries for each page, kept in the project
(``.cache/constitution/search/``).

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
from pathlib import Path
from typing import Any

from .template_cache import project_cache

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
