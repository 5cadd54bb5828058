"""The chapters' pages: each chapter rendered from the compiler's tokens once per build, and
every chapter in order on the print page."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from markdown_it.token import Token
from msgspec import Struct, field
from msgspec.structs import replace

from ..model import Chapter
from .home import chapter_facts
from .printable import fill_urls, placeholder_url, print_html
from .render import PageContext, RenderedPage, SiteIndex, escape, render_tokens, unique_anchor

#: A docs-relative path -> its URL from the page being rendered (None: the site has no such file).
UrlOf = Callable[[str], str | None]


class ChapterPages(Struct):
    """The pages of `chapters` (path -> chapter, in order), rendered from `tokens` with `index`;
    `title(path)` names a page and `context(path, url_of_file)` is the `PageContext` of one."""

    tokens: Mapping[str, Sequence[Token]]
    index: SiteIndex
    chapters: Mapping[str, Chapter]
    title: Callable[[str], str | None]
    context: Callable[[str, UrlOf], PageContext]
    _rendered: dict[str, RenderedPage] = field(default_factory=dict)
    """Each chapter as `rendered` gives it, once per build."""

    def page(self, path: str, url_of_file: UrlOf) -> RenderedPage:
        """Chapter `path`'s page, with the URLs `url_of_file` gives."""
        rendered = self.rendered(path, url_of_file)

        def url_of(target: str, fragment: str | None) -> str:
            return (url_of_file(target) or "") + (fragment or "")

        return RenderedPage(fill_urls(rendered.html, url_of), rendered.toc, rendered.title)

    def rendered(self, path: str, url_of_file: UrlOf) -> RenderedPage:
        """Chapter `path` rendered once per build, with `placeholder_url`s for the URLs of the
        site's files: its own page and the print page each fill in theirs. (Which files the
        site has does not depend on the page asking; `url_of_file` tells.)"""
        rendered = self._rendered.get(path)
        if rendered is None:

            def placeholder(target: str) -> str | None:
                return placeholder_url(target) if url_of_file(target) is not None else None

            rendered = self.render(path, self.context(path, placeholder))
            self._rendered[path] = rendered
        return rendered

    def print_page(self, title: str, pdf: str | None, context: PageContext) -> RenderedPage:
        """Every chapter in order on one page (`title`, with a link to the `pdf` if any); links
        between chapters stay on it."""
        outer = context.url_of_file
        anchors: dict[str, str] = {}
        taken = set(self.index.nodes)
        rendered = []
        for number, path in enumerate(self.chapters, start=1):
            ids = self.index.headings.get(path)
            anchor = ids[0] if ids else unique_anchor(f"print-chapter-{number}", taken)
            page = self.rendered(path, outer)
            if not ids:
                page = replace(
                    page, html=f'<span class="cc-anchor" id="{anchor}"></span>\n' + page.html
                )
            anchors[path] = anchor
            rendered.append((anchor, self.title(path) or path, page))

        def url_of(target: str, fragment: str | None) -> str:
            if target in anchors:
                return fragment or f"#{anchors[target]}"
            return (outer(target) or "") + (fragment or "")

        page = print_html(
            title,
            rendered,
            outer,
            pdf,
            "The whole constitution on one page, chapter by chapter, to print or to read offline.",
        )
        page.html = fill_urls(page.html, url_of)
        return page

    def render(self, path: str, context: PageContext) -> RenderedPage:
        """Chapter `path` rendered with `context` (its URLs as `context` gives them)."""
        tokens = self.tokens.get(path)
        if tokens is None:
            return RenderedPage("", [], self.title(path))
        ids = self.index.headings.get(path, [])
        headings = sum(1 for token in tokens if token.type == "heading_open")
        anchor = ""
        if len(ids) > headings:
            # The text before the first heading is a section of its own, named after the file.
            anchor = f'<span class="cc-anchor" id="{escape(ids[0])}"></span>\n'
            ids = ids[1:]
        page = render_tokens(tokens, context, ids)
        page.html = anchor + _with_chapter_meta(page.html, self.chapters[path])
        return page


def _chapter_meta(chapter: Chapter) -> str:
    facts = chapter_facts(chapter)
    return f'<p class="cc-chapter-meta">{" · ".join(facts)}</p>\n' if facts else ""


def _with_chapter_meta(html: str, chapter: Chapter) -> str:
    meta = _chapter_meta(chapter)
    if not meta:
        return html
    end = html.find("</h1>\n")
    if end < 0:
        return meta + html
    end += len("</h1>\n")
    return html[:end] + meta + html[end:]
