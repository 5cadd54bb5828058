"""The theme's Jinja environments: a cache of their compiled templates, kept in the project
(``.cache/constitution/``), and a listing of the theme's files that skips its hidden folders.

Jinja compiles every template of the theme from its source in each build, which is about a
third of the time a small site takes; with this cache a build loads the compiled code instead,
as Python does with its ``.pyc`` files. Jinja checks each entry against a checksum of the
template's source (and the Python version), so an edited theme or another Python is compiled
again; the site does not depend on the cache. The cache is skipped when it would lie outside the
project (a link) or cannot be written (a read-only checkout).

mkdocs lists every file of the theme to find those it copies to the site, and drops every
hidden one (a name, or a folder's, that starts with a dot) after listing it: mkdocs-material's
``.icons`` folder alone holds some 14,000 icons, which cost more time to list and match than
any page takes to render. `theme_environments` lists the theme without its hidden folders, the
same files mkdocs keeps.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from jinja2.bccache import Bucket, FileSystemBytecodeCache

#: Where the caches lie in the project (the config file's directory).
CACHE_ROOT = Path(".cache", "constitution")


class _TemplateCache(FileSystemBytecodeCache):
    """Jinja's file cache, which never fails a build: an entry it cannot write is compiled
    again next time."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def project_cache(project_dir: Path, name: str) -> Path | None:
    """The directory `name` of the project's cache, made if missing; None when it would lie
    outside the project (a link) or cannot be made."""
    project = Path(os.path.realpath(project_dir))
    directory = project / CACHE_ROOT / name
    # Checked before anything is made (a link in the path would make it elsewhere), and after.
    for _ in range(2):
        if not Path(os.path.realpath(directory)).is_relative_to(project):
            return None
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
    return directory


class _ThemeLoader(FileSystemLoader):
    """Jinja's loader of a theme's folders, whose listing leaves out hidden files and folders
    (which mkdocs never copies to the site) instead of walking them."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for dirpath, dirnames, filenames in os.walk(searchpath, followlinks=self.followlinks):
                dirnames[:] = [name for name in dirnames if not name.startswith(".")]
                folder = Path(dirpath).relative_to(searchpath).as_posix()
                prefix = "" if folder == "." else f"{folder}/"
                found.update(prefix + name for name in filenames if not name.startswith("."))
        return sorted(found)


def theme_environments(theme: Any, project_dir: Path) -> None:
    """Make every Jinja environment `theme` (mkdocs' Theme) gives from now on (the build's, and
    those the search plugin makes to read its translations) use the project's template cache,
    if it can lie inside the project, and list the theme without its hidden folders."""
    directory = project_cache(project_dir, "templates")
    make: Callable[[], Environment] = type(theme).get_env.__get__(theme)

    def get_env() -> Environment:
        env = make()
        loader = env.loader
        if type(loader) is FileSystemLoader:  # as mkdocs makes it (never another kind's)
            env.loader = _ThemeLoader(loader.searchpath, loader.encoding, loader.followlinks)
        if directory is not None:
            env.bytecode_cache = _TemplateCache(str(directory), "%s.cache")
        return env

    theme.get_env = get_env
