"""`GeneratedPage`: a page that another part of the package adds to the site.

A leaf module, so that the pages' makers (`compiler.site.releases`) and the site that shows them
import it without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from msgspec import Struct, field

from .render import PageContext, RenderedPage, TocEntry


class GeneratedPage(Struct, frozen=True):
    """A page that another part of the package adds to the site (see the module docstring)."""

    path: str
    """Docs-relative path of the page as if it were a Markdown file, e.g. ``versions.md``
    (published at ``versions/``). Must not be the path of a chapter."""
    title: str
    """Title, in the nav and the browser tab."""
    markdown: str | None = None
    """Content in the compiler's Markdown dialect. Links to spec ids (``[x](#broadly-safe)``)
    and to site files (``[v1](releases/1.0.0.json)``) resolve as in the chapters."""
    html: str | None = None
    """Content as ready HTML, used as it is (escape anything taken from input); used when
    `markdown` is None."""
    build: Callable[[PageContext], RenderedPage] | None = None
    """Content made when the page is rendered, from where it lives (`PageContext`); used when
    `markdown` is None, before `html`."""
    files: Mapping[str, bytes] = field(default_factory=dict)
    """Extra files to publish: site-relative path -> content, e.g. ``releases/1.0.0.json``."""
    nav: bool = True
    """False to publish the page without listing it in the nav."""
    release: str | None = None
    """The version of the release this page shows in full, if it does: the version selector
    lists it, and the site adds a print version of it (and a PDF, when it makes PDFs)."""
    nav_group: str | None = None
    """A group of the nav's "For developers" part to list the page in (e.g. ``Releases``), or
    None to list it in that part directly."""
    toc: tuple[TocEntry, ...] = ()
    """Table of contents of an `html` page (Markdown pages get theirs from their headings)."""
    archive: bool = False
    """True for a page that shows an earlier text (a release, the changes since one): it is
    left out of the search, so that a search leads to the current text."""
