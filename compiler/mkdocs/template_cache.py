"""A cache of the theme's compiled templates, kept in the project (``.cache/constitution/``).

Jinja compiles every template of the theme from its source in each build, which is about a
third of the time a small site takes; with this cache a build loads the compiled code instead,
as Python does with its ``.pyc`` files. Jinja checks each entry against a checksum of the
template's source (and the Python version), so an edited theme or another Python is compiled
again; the site does not depend on the cache. The cache is skipped when it would lie outside the
project (a link) or cannot be written (a read-only checkout).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from jinja2 import Environment
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


def use_template_cache(env: Environment, project_dir: Path) -> None:
    """Give `env` the project's template cache, made if missing, if it lies inside the project."""
    directory = project_cache(project_dir, "templates")
    if directory is not None:
        env.bytecode_cache = _TemplateCache(str(directory), "%s.cache")
