"""The mkdocs plugin `constitution`'s events: a thin adapter from mkdocs' build to `compiler.site`
(its options are in `compiler.mkdocs.config`).

Compiles the docs directory once per build, fails the build on errors (with file and line), adds
the generated pages and published files, and renders every page from the compiler's own tokens,
so Python-Markdown never re-reads the text (see `compiler.site.render`).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

import markupsafe
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from ..declarations import DECLARATIONS_FILE
from ..diagnostics import Diagnostic, render
from ..examples.render import site_examples
from ..pipeline import CompileResult, compile_spec
from ..site import CSS_PATH, Site, extension_pages, problems_banner
from ..site.printable import pdf_document, pdf_path, write_pdf
from ..site.render import TocEntry, escape
from .config import ConstitutionConfig
from .search_cache import SearchCache, SearchFeed
from .template_cache import project_cache, theme_environments

#: Outside mkdocs' logger tree on purpose: a live preview reports the spec's errors without
#: them counting as build errors (which would stop a `strict` preview).
log = logging.getLogger("constitution.site")


class ConstitutionPlugin(BasePlugin[ConstitutionConfig]):  # type: ignore[no-untyped-call]
    """``plugins: [constitution]`` in mkdocs.yml (registered as an ``mkdocs.plugins`` entry point)."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.site: Site | None = None
        self._precompiled: tuple[Path, CompileResult] | None = None
        self._search = SearchFeed()
        #: Each print page's (URL, title, content), for its PDF.
        self._printed: dict[str, tuple[str, str, str]] = {}
        #: Each page's version selector, until it is put in the page's header.
        self._menus: dict[str, str] = {}

    def use_result(self, docs_dir: str | os.PathLike[str], result: CompileResult) -> None:
        """Use an existing compile of `docs_dir` for the next build instead of compiling again
        (`constitution build` compiles and validates before it starts mkdocs)."""
        self._precompiled = (Path(docs_dir).resolve(), result)

    # --- events, in the order mkdocs calls them -------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    @event_priority(100)  # before the search plugin's, which makes theme environments too
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # mkdocs keeps one plugin instance per process across configs (a preview's rebuilds,
        # several builds in one run): nothing from a previous build may reach this one.
        self.site = None
        self._printed = {}
        self._menus = {}
        self._search = SearchFeed()
        if not self.config.enabled:
            return config
        theme_environments(config.theme, _project_dir(config))
        if not config.site_url:
            # A sitemap lists absolute URLs (sitemaps.org); without the site's address mkdocs
            # writes an empty one, which tells a crawler the site has no pages: none is written.
            config.theme.static_templates.discard("sitemap.xml")
        if CSS_PATH not in config.extra_css:
            config.extra_css.append(CSS_PATH)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files  # no site: every later event leaves the page to mkdocs
        result = self._compile(config.docs_dir)
        if not result.ok:
            report = render(result.diagnostics, "text").rstrip("\n")
            if not self.serving:
                raise PluginError(f"the constitution has errors:\n{report}")
            # A live preview keeps running: the errors go to the terminal and onto every page.
            log.error("the constitution has errors:\n%s", report)
        _publish_only_approved(files, config.docs_dir, result)
        sitemap = files.get_file_from_path("sitemap.xml")
        if not config.site_url and sitemap is not None:
            files.remove(sitemap)  # the theme's template, else copied as it is (see on_config)
        site = Site(
            result,
            extension_pages(_project_dir(config), Path(config.docs_dir)),
            highlight=self.config.highlight,
            site_name=config.site_name,
            pdf=self.config.pdf and not self.serving and result.ok,
            site_url=config.site_url,
            repo_url=config.repo_url,
            project_dir=_project_dir(config),
            examples=site_examples(Path(config.docs_dir), result),
            cache=project_cache(_project_dir(config), "pages"),
        )
        for path in site.pages:
            if files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=""))
        declarations = files.get_file_from_path(DECLARATIONS_FILE)
        if declarations is not None:  # the project's settings, not content: never published
            files.remove(declarations)
        for path, data in site.files.items():
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, path, content=data))
        if site.pdf:
            # Listed now so that pages can link to them; written in on_post_build.
            for version in site.print_pages.values():
                files.append(File.generated(config, pdf_path(version), content=b""))
        # Titles are the spec's words (or its file names); the nav templates insert them unescaped.
        entries = _nav_titles_as_text(site.nav())
        if not config.nav:
            config.nav = entries
        else:
            # The project's own nav stays as written; generated pages it leaves out are added.
            listed = _nav_paths(config.nav)
            config.nav = list(config.nav) + [
                {title: path}
                for title, path in _nav_pages(entries)
                if path in site.pages and path not in listed
            ]
        self.site = site
        return files

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.config.enabled:
            cache = SearchCache.of(config.plugins, _project_dir(config), config.docs_dir)
            self._search = SearchFeed(cache)
        return env

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        site = self.site
        if site is None:
            return None
        path = page.file.src_uri
        if site.title(path) is not None or (not site.ok and path.endswith(".md")):
            # The compiler has read the file (and a preview with errors shows them, even for a
            # file that is not UTF-8): mkdocs need not read, decode or parse it again.
            _rendered_by_the_compiler(page)
            return ""
        return None

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        if self.site is None:
            return markdown
        # The front matter as the compiler validated it (mkdocs was given no source to read).
        page.meta.update(self.site.metadata(page.file.src_uri))
        # mkdocs' templates insert page.meta values unescaped (the <title>, the header, the nav,
        # <meta name="description">): the spec's words are text there too, never markup.
        for key, value in page.meta.items():
            page.meta[key] = as_text(value)
        title = self.site.title(page.file.src_uri)
        if title is None:
            return markdown
        if not page.is_homepage:
            # The chapter's title, not the document title its front matter may hold.
            page.meta["title"] = as_text(title)
        minutes = self.site.reading_time(page.file.src_uri)
        if minutes is not None and "subtitle" not in page.meta:
            page.meta["subtitle"] = as_text(f"{minutes} min")  # the nav shows it by the title
        search = self.site.search(page.file.src_uri)
        if search is not None:
            page.meta["search"] = search
        # The page is rendered from the compiler's tokens in on_page_content; Python-Markdown
        # gets nothing to parse, so it can neither disagree with the compiler nor cost time.
        return ""

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.site is None:
            return html

        def url_of_file(path: str) -> str | None:
            target = files.get_file_from_path(path)
            return None if target is None else target.url_relative_to(page.file)

        rendered = self.site.render(page.file.src_uri, url_of_file)
        if rendered is None:
            if self.site.ok:
                return html
            return problems_banner(self.site.result.diagnostics, self.site.project_dir)
        page.toc = _table_of_contents(rendered.toc)
        menu = self.site.version_menu(page.file.src_uri, url_of_file)
        if menu is not None:
            self._menus[page.file.src_uri] = menu
        if self.site.pdf and page.file.src_uri in self.site.print_pages:
            title = rendered.title or self.site.title(page.file.src_uri) or ""
            self._printed[page.file.src_uri] = (page.url, title, rendered.html)
        return rendered.html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        menu = self._menus.pop(page.file.src_uri, None)
        return output if menu is None else in_header(output, menu)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        site, printed, self._printed = self.site, self._printed, {}
        if site is None or not site.pdf:
            return
        _write_pdfs(site, printed, config)

    # The search plugin reads each page in its on_page_context; `SearchFeed` gives it less to
    # read (compiler.mkdocs.search_cache), and the page its own HTML back before it is written.

    @event_priority(100)  # before the search plugin (priority 0)
    def _unhighlight_for_search(
        self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any
    ) -> Any:
        if _only_search_reads_pages(config):
            self._search.before(page)
        return context

    @event_priority(-100)  # after it
    def _rehighlight(self, context: Any, *, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        self._search.after(page)
        return context

    on_page_context = CombinedEvent(_unhighlight_for_search, _rehighlight)

    # --- helpers --------------------------------------------------------------------------------

    def _compile(self, docs_dir: str) -> CompileResult:
        precompiled, self._precompiled = self._precompiled, None
        if precompiled is not None and precompiled[0] == Path(docs_dir).resolve():
            return precompiled[1]
        return compile_spec(docs_dir, grammar_file=self.config.grammar)


def _table_of_contents(toc: list[TocEntry]) -> TableOfContents:
    """mkdocs' table of contents of a page the compiler rendered."""
    if sum(entry.level == 1 for entry in toc) > 1:
        # mkdocs-material lists only the first h1's children; a page with several h1s (one
        # file holding many chapters) would lose most of its contents, so nest them under one.
        toc = [TocEntry(1, toc[0].id, toc[0].title, list(toc))]
    return TableOfContents(_anchor_links(toc))


def _rendered_by_the_compiler(page: Page) -> None:
    """Let `page` skip Python-Markdown: its HTML and contents come from the compiler (in
    on_page_content), so mkdocs' render gets the result of an empty text without building a
    Markdown converter with every extension for it."""

    def render(config: MkDocsConfig, files: Files) -> None:
        # What Page.render leaves for an empty text: no HTML, contents, title or anchors.
        page.content = ""
        page.toc = TableOfContents([])
        page.present_anchor_ids = set()
        page.links_to_anchors = {}

    setattr(page, "render", render)  # noqa: B010 (this page only; mypy refuses a method assigned)


def _write_pdfs(site: Site, printed: dict[str, tuple[str, str, str]], config: MkDocsConfig) -> None:
    """The PDF of each print page (its URL, title and content in `printed`), from the project's
    PDF cache when it has them; a PDF that cannot be made fails the build (CC540)."""
    cache = project_cache(_project_dir(config), "pdf")
    for path, (url, title, html) in sorted(printed.items()):
        document = pdf_document(html, title, url, config.site_url)
        page_dir = url if url.endswith("/") else url.rpartition("/")[0]
        target = Path(config.site_dir) / pdf_path(site.print_pages[path])
        try:
            write_pdf(document, Path(config.site_dir), page_dir, target, cache)
        except (ImportError, OSError) as err:
            problem = Diagnostic(
                "CC540",
                f"the PDF {pdf_path(site.print_pages[path])} cannot be made: {err}",
                config.config_file_path or "mkdocs.yml",
                _option_line(config.config_file_path, "pdf"),
                hint="it needs WeasyPrint and Debian's Pango (scripts/setup.sh installs both); "
                "or set the plugin's option 'pdf: false'",
            )
            raise PluginError(render([problem], "text").rstrip("\n")) from err


def _option_line(config_file: str | None, option: str) -> int:
    """The line of the plugin's `option:` in the config file (0 when it is not found there)."""
    try:
        text = Path(config_file or "").read_text("utf-8", errors="replace")
    except OSError:
        return 0
    match = re.search(rf"^[ \t]+{re.escape(option)}[ \t]*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _only_search_reads_pages(config: MkDocsConfig) -> bool:
    """No plugin but this one and the search plugin handles `on_page_context` (another may
    read or change the page there)."""
    for handler in config.plugins.events["page_context"]:
        owner = getattr(handler, "__self__", None)
        if not isinstance(owner, ConstitutionPlugin) and not type(owner).__module__.startswith(
            ("material.plugins.search", "mkdocs.contrib.search")
        ):
            return False
    return True


def _publish_only_approved(files: Files, docs_dir: str, result: CompileResult) -> None:
    """Drop every file of the docs directory that the compiler did not approve: mkdocs would
    publish it as it is (an HTML page with its scripts, a `.markdown` file rendered by
    Python-Markdown, whatever a symlinked folder holds). The theme's files and generated ones
    stay."""
    approved = result.files.published if result.files is not None else frozenset()
    docs = Path(docs_dir).resolve()
    in_docs: dict[str, bool] = {}
    for file in list(files):
        if file.generated_by is not None or file.src_uri in approved or file.src_dir is None:
            continue
        if file.src_dir not in in_docs:
            in_docs[file.src_dir] = Path(file.src_dir).resolve() == docs
        if in_docs[file.src_dir]:
            files.remove(file)


def _project_dir(config: MkDocsConfig) -> Path:
    """The project: the directory of the config file."""
    return Path(config.config_file_path or config.docs_dir).resolve().parent


def _nav_paths(nav: Any) -> set[str]:
    """Every page path a user-written nav names, at any depth."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(_nav_paths(value) for value in nav.values()))
    if isinstance(nav, list):
        return set().union(*(_nav_paths(item) for item in nav))
    return set()


def _nav_titles_as_text(nav: list[Any]) -> list[Any]:
    """The nav with its titles escaped (mkdocs' templates insert them as they are); paths stay."""
    return [
        {as_text(title): value if isinstance(value, str) else _nav_titles_as_text(value)}
        for entry in nav
        for title, value in entry.items()
    ]


def _nav_pages(nav: list[Any]) -> list[tuple[str, str]]:
    """Every (title, page path) of a nav, at any depth, in order."""
    pages: list[tuple[str, str]] = []
    for entry in nav:
        for title, value in entry.items():
            pages += [(title, value)] if isinstance(value, str) else _nav_pages(value)
    return pages


#: The theme's header: its title (the site's name, then the page's title) and what follows it.
_HEADER_TITLE = re.compile(
    r'<div class="md-header__title" data-md-component="header-title">\s*'
    r'<div class="md-header__ellipsis">.*?data-md-component="header-topic">.*?</div>\s*</div>\s*'
    r"</div>",
    re.DOTALL,
)


def in_header(output: str, menu: str) -> str:
    """The page with `menu` in its header, after the title (where mike's version selector sits in
    mkdocs-material's header); a page without that header gets it at the top of its article."""
    header = _HEADER_TITLE.search(output)
    if header is not None:
        at = header.end()
        return f'{output[:at]}<div class="cc-version-menu">{menu}</div>{output[at:]}'
    article = re.search(r"<article\b[^>]*>", output)
    if article is None:
        return output
    return f"{output[: article.end()]}{menu}{output[article.end() :]}"


def as_text(value: Any) -> Any:
    """A value from the spec made safe for mkdocs' templates, which insert titles, meta values
    and table of contents entries (their text and their `#id` links) without escaping: strings,
    also inside lists and mappings, become escaped `Markup` (which Jinja will not escape again)."""
    if isinstance(value, markupsafe.Markup):
        return value  # escaped already (a page whose events run twice)
    if isinstance(value, str):
        return markupsafe.Markup(escape(value))
    if isinstance(value, list | tuple):
        return [as_text(item) for item in value]
    if isinstance(value, dict):
        return {as_text(key): as_text(item) for key, item in value.items()}
    return value


def _anchor_links(entries: list[TocEntry]) -> list[Any]:
    links = []
    for entry in entries:
        # The theme writes `href="#{{ id }}"` and the title as they are: both are text.
        link = AnchorLink(as_text(entry.title), as_text(entry.id), entry.level)
        link.children = _anchor_links(entry.children)
        links.append(link)
    if links:
        # mkdocs marks the first entry active, as its own get_toc does.
        setattr(links[0], "active", True)  # noqa: B010
    return links
