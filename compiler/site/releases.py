"""The site's release pages (`compiler.site.release_pages`), behind the extension point that
`compiler.site` calls once per build: `site_pages(project_dir, spec_dir)`.

A project without releases gets none, and its build does not load the diff and the release
modules the pages are made with.
"""

from __future__ import annotations

from pathlib import Path

from .generated import GeneratedPage

#: Where a project keeps its releases and their index (`compiler.release`'s DEFAULT_RELEASES_DIR
#: and INDEX_FILE, which a test holds equal: importing that package would load it all).
RELEASES_INDEX = Path("releases", "index.json")


def site_pages(project_dir: Path, spec_dir: Path | None = None) -> list[GeneratedPage]:
    """The release pages for the releases in `project_dir/releases` (see
    `compiler.site.release_pages.site_pages`); none when nothing is released."""
    if not (project_dir / RELEASES_INDEX).exists():
        return []
    from . import release_pages

    return release_pages.site_pages(project_dir, spec_dir)
