"""The documentation site as a function of one compile: its pages, nav and published files.

Independent of mkdocs: the mkdocs plugin (`compiler.mkdocs`) only adapts this to mkdocs' events.

Extension point: if a module ``compiler.site.releases`` exists, its function
``site_pages(project_dir, spec_dir) -> list[GeneratedPage]`` (the project's directory, and the
spec's, whose ``constitution.yaml`` holds the project's diff levels) is called once per build, and
the pages it returns are added after the generated pages (their `files` are published as well).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path

from msgspec import Struct

from ..diagnostics import Diagnostic
from ..diagnostics import render as render_diagnostics  # (`render` is the site.render package)
from ..document import Document, DocumentInfo
from ..emit import SCHEMA_FILE, spec_schema_bytes
from ..examples.model import ExampleSet
from ..examples.render import ExamplesView
from ..model import Chapter
from ..pipeline import CompileResult
from .chapters import ChapterPages
from .developer_pages import FIXED_PAGES
from .generated import GeneratedPage as GeneratedPage
from .home import home_page
from .pages import (
    DERIVED_SEARCH_BOOST,
    NAV_CONSTITUTION,
    NAV_DEVELOPERS,
    NAV_REFERENCE,
    PageBuilder,
    PageInputs,
    annotation_ranges,
    kind_pages,
)
from .printable import (
    PRINT_PAGE,
    PRINT_TITLE,
    pdf_path,
    release_print_html,
    release_print_path,
)
from .render import (
    PageContext,
    RenderedPage,
    SiteIndex,
    escape,
    render_markdown,
)
from .version_menu import version_selector

JSON_PATH = "constitution.json"
SPEC_SCHEMA_PATH = "constitution.spec.schema.json"
"""The spec's own schema (every field its grammar declares typed), beside the JSON."""
SCHEMA_PATH = f"schemas/{SCHEMA_FILE}"
CSS_PATH = "assets/constitution/constitution.css"
FONTS_PATH = "assets/constitution/fonts"
EXTENSION_MODULE = "compiler.site.releases"
#: A spec file that is the site's home page (mkdocs publishes README.md as its folder's index).
HOME_PAGES = frozenset({"index.md", "README.md"})


def extension_pages(project_dir: Path, spec_dir: Path | None = None) -> list[GeneratedPage]:
    """The pages of ``compiler.site.releases``, if that module is installed (imported only here,
    by name: the release pages import `GeneratedPage` from `compiler.site.generated`, never
    the site)."""
    try:
        module = importlib.import_module(EXTENSION_MODULE)
    except ModuleNotFoundError as err:
        if err.name == EXTENSION_MODULE:
            return []
        raise
    return list(module.site_pages(project_dir, spec_dir))


#: One entry of the nav, as mkdocs reads it: title -> page path, or title -> entries (a part).
NavEntry = dict[str, "str | list[NavEntry]"]


class _Page(Struct):
    title: str
    build: Callable[[PageContext], RenderedPage]
    nav: bool = True
    search_boost: float = 1.0
    """How a search ranks the page against the others (Material's boost); 0 leaves it out."""
    part: str = NAV_DEVELOPERS
    """The part of the nav that lists it (see `pages.NAV_CONSTITUTION`)."""
    group: str | None = None
    """A group inside that part, if any."""


class Site:
    """Everything the site shows, built from one `CompileResult`.

    `render(path, url_of_file)` gives any page's HTML; `url_of_file` maps a docs-relative path to
    its URL relative to the page being rendered (the host's URL scheme is its business).
    """

    def __init__(
        self,
        result: CompileResult,
        extra_pages: Sequence[GeneratedPage] = (),
        *,
        highlight: bool = False,
        site_name: str | None = None,
        pdf: bool = False,
        site_url: str | None = None,
        repo_url: str | None = None,
        project_dir: Path | None = None,
        examples: ExampleSet | None = None,
        cache: Path | None = None,
    ) -> None:
        self.result = result
        self.project_dir = project_dir
        """The project's directory: paths in it are shown relative to it."""
        self.examples = None if examples is None else ExamplesView(examples)
        """Worked examples and prompts, shown in their chapters (issue 16)."""
        self.highlight = highlight
        """Colour code blocks at build time (see `render.PageContext.highlight`)."""
        self.pdf = pdf
        """Whether a PDF of each print page is made (`print_pages`), so the pages link to it."""
        model = result.model or empty_document()
        self.model = model
        self.index = SiteIndex.from_model(model)
        self.chapters = _published_chapters(result)
        self.inputs = PageInputs(
            model,
            list(result.chapters),
            result.tokens,
            annotation_ranges(result.tokens),
            JSON_PATH,
            SCHEMA_PATH,
            list(self.chapters),
            home_title=_home_title(model, site_name),
            site_url=site_url,
            repo_url=repo_url,
            cache=cache,
        )
        self.pages: dict[str, _Page] = {}
        taken = set(self.chapters)
        if not taken.intersection(HOME_PAGES):
            self._add("index.md", self.inputs.home_title, home_page, nav=True)
            taken.add("index.md")
        # No chapter has a generated page's path: the compiler refuses one (CC311), and a
        # preview of a spec with errors leaves it out.
        self.kind_pages: dict[str, str] = {}
        """Kind name -> the path of its page."""
        kinds = {kind.page.slug: name for name, kind in model.kinds.items() if kind.page}
        for path, title, builder in kind_pages(model):
            if path in taken:
                continue
            taken.add(path)
            self.kind_pages[kinds[path.removesuffix(".md")]] = path
            self._add(path, title, builder, search_boost=DERIVED_SEARCH_BOOST, part=NAV_REFERENCE)
            self.inputs.page_titles[path] = title
        for path, title, builder in FIXED_PAGES:
            taken.add(path)
            self._add(path, title, builder)
            self.inputs.page_titles[path] = title
        self.files = _published_files(result, model)
        self.releases = _add_extension_pages(extra_pages, taken, self.pages, self.files)
        """(version, page path) of each release shown in full, for the version selector."""
        self.chapter_pages = ChapterPages(
            result.tokens, self.index, self.chapters, self.title, self.context
        )
        """The chapters' pages, each rendered once per build (and the print page of them all)."""
        #: Print page path -> the release it shows (None: the current text).
        self.print_pages: dict[str, str | None] = {}
        if self.chapters and PRINT_PAGE not in taken:
            self._add_print_page(PRINT_PAGE, None, PRINT_TITLE, self._print_page)
            # The home page links it with the other downloads.
            self.inputs.page_titles[PRINT_PAGE] = f"{PRINT_TITLE}{' and PDF' if pdf else ''}"
        for page in extra_pages:
            if page.release is not None and self.pages.get(page.path) is not None:
                self._add_print_page(
                    release_print_path(page.release),
                    page.release,
                    f"{PRINT_TITLE} of {page.release}",
                    _release_print_builder(page, self.pdf),
                )

    def _add_print_page(
        self,
        path: str,
        version: str | None,
        title: str,
        build: Callable[[PageContext], RenderedPage],
    ) -> None:
        if path in self.pages or path in self.chapters:
            return
        # The print pages repeat the chapters (or a release) whole: never a search result.
        self.pages[path] = _Page(title, build, nav=False, search_boost=0.0)
        self.print_pages[path] = version

    def _add(
        self,
        path: str,
        title: str,
        builder: PageBuilder,
        nav: bool = True,
        search_boost: float = 1.0,
        part: str = NAV_DEVELOPERS,
    ) -> None:
        inputs = self.inputs
        self.pages[path] = _Page(
            title, lambda context: builder(inputs, context), nav, search_boost, part
        )

    def search(self, path: str) -> dict[str, object] | None:
        """The page's `search` settings for Material's search: None (indexed as usual),
        ``{"exclude": True}`` (a page that repeats another text whole: an earlier release, the
        print version) or ``{"boost": b}`` (a page that repeats parts of the chapters, ranked
        below them; see `pages.DERIVED_SEARCH_BOOST`)."""
        page = self.pages.get(path)
        if page is None or page.search_boost == 1.0:
            return None
        if page.search_boost <= 0:
            return {"exclude": True}
        return {"boost": page.search_boost}

    @property
    def ok(self) -> bool:
        return self.result.ok

    def title(self, path: str) -> str | None:
        """Title of the page at `path` (chapter or generated), or None if it is not ours."""
        if path in self.pages:
            return self.pages[path].title
        chapter = self.chapters.get(path)
        if chapter is None:
            return None
        return chapter.title or Path(path).stem.replace("-", " ").replace("_", " ").strip()

    def metadata(self, path: str) -> dict[str, object]:
        """A chapter's front matter, as the compiler read and validated it ({} for other pages)."""
        chapter = self.chapters.get(path)
        return dict(chapter.metadata) if chapter is not None else {}

    def nav(self) -> list[NavEntry]:
        """The nav: the home page, then three parts: the chapters in spec order, the reference
        pages, and the pages for developers (with their groups, e.g. the releases)."""
        chapters = [(self.title(path) or path, path) for path in self.chapters]
        return _nav(chapters, self.pages)

    def reading_time(self, path: str) -> int | None:
        """A chapter's reading time in minutes, if its front matter gives one."""
        chapter = self.chapters.get(path)
        return chapter.reading_time if chapter is not None else None

    def context(self, path: str, url_of_file: Callable[[str], str | None]) -> PageContext:
        return PageContext(
            self.index,
            path if path in self.chapters else None,
            url_of_file,
            {
                kind: url
                for kind, page in self.kind_pages.items()
                if (url := url_of_file(page)) is not None
            },
            highlight=self.highlight,
            extras=self.examples,
        )

    def render(self, path: str, url_of_file: Callable[[str], str | None]) -> RenderedPage | None:
        """The page at `path`, or None if the site has no such page."""
        if path in self.pages:
            page = self.pages[path].build(self.context(path, url_of_file))
        elif path in self.chapters:
            page = self.chapter_pages.page(path, url_of_file)
        else:
            return None
        if not self.ok:
            page.html = problems_banner(self.result.diagnostics, self.project_dir) + page.html
        return page

    def _print_page(self, context: PageContext) -> RenderedPage:
        return self.chapter_pages.print_page(
            self.inputs.home_title, pdf_path() if self.pdf else None, context
        )

    def version_menu(self, path: str, url_of_file: Callable[[str], str | None]) -> str | None:
        """The version selector of the page at `path`, for the site's header, when the site has
        releases: it links the current text (the same chapter, on a chapter's page; else the home
        page) and each release, and marks the one the page shows."""
        if not self.releases or (path not in self.pages and path not in self.chapters):
            return None
        release = next((version for version, where in self.releases if where == path), None)
        current = path if path in self.chapters else "index.md"
        return version_selector(
            self.model.info.version, self.releases, release, current, url_of_file
        )


def problems_banner(diagnostics: Sequence[Diagnostic], project_dir: Path | None = None) -> str:
    """The diagnostics at the top of every page while a preview has errors, with paths inside
    `project_dir` shown relative to it (the page may be seen by others than its author)."""
    text = render_diagnostics(diagnostics, "text")
    if project_dir is not None:
        for prefix in {str(project_dir), os.path.realpath(project_dir)}:
            text = text.replace(prefix.rstrip(os.sep) + os.sep, "")
    return (
        '<div class="admonition failure cc-problems" role="alert">'
        '<p class="admonition-title">The constitution has errors: fix them and save, and this '
        "page reloads</p>"
        f"<pre><code>{escape(text)}</code></pre></div>\n"
    )


def _add_extension_pages(
    extra_pages: Sequence[GeneratedPage],
    taken: set[str],
    pages: dict[str, _Page],
    files: dict[str, bytes],
) -> list[tuple[str, str]]:
    """Add the pages other parts of the tool make (release pages, the diff, the authoring guide)
    whose path is not `taken`, with their files; returns (version, page path) of each release."""
    releases: list[tuple[str, str]] = []
    for page in extra_pages:
        if page.path in taken:
            continue
        taken.add(page.path)
        if page.release is not None:
            releases.append((page.release, page.path))
        pages[page.path] = _Page(
            page.title,
            _extension_builder(page),
            page.nav,
            0.0 if page.archive else 1.0,
            group=page.nav_group,
        )
        files.update(page.files)
    return releases


def _release_print_builder(page: GeneratedPage, pdf: bool) -> Callable[[PageContext], RenderedPage]:
    build = _extension_builder(page)
    version = page.release or ""

    def build_print(context: PageContext) -> RenderedPage:
        return release_print_html(
            version, build(context), context.url_of_file, pdf_path(version) if pdf else None
        )

    return build_print


def _extension_builder(page: GeneratedPage) -> Callable[[PageContext], RenderedPage]:
    def build(context: PageContext) -> RenderedPage:
        if page.markdown is not None:
            return render_markdown(page.markdown, context)
        if page.build is not None:
            return page.build(context)
        return RenderedPage(page.html or "", list(page.toc), page.title)

    return build


def _nav(chapters: Sequence[tuple[str, str]], pages: Mapping[str, _Page]) -> list[NavEntry]:
    """The nav of the (title, path) of each chapter and of `pages` (see `Site.nav`)."""
    entries: list[NavEntry] = []
    if "index.md" in pages:
        entries.append({"Home": "index.md"})
    parts: dict[str, list[NavEntry]] = {
        NAV_CONSTITUTION: [{title: path} for title, path in chapters],
        NAV_REFERENCE: [],
        NAV_DEVELOPERS: [],
    }
    groups: dict[tuple[str, str], list[NavEntry]] = {}
    for path, page in pages.items():
        if not page.nav or path == "index.md":
            continue
        listed = parts.setdefault(page.part, [])
        if page.group is None:
            listed.append({page.title: path})
            continue
        key = (page.part, page.group)
        if key not in groups:
            groups[key] = []
            listed.append({page.group: groups[key]})
        groups[key].append({page.title: path})
    entries += [{title: listed} for title, listed in parts.items() if listed]
    return entries


def _published_chapters(result: CompileResult) -> dict[str, Chapter]:
    """The chapters the site shows, by path, in order."""
    # A chapter that collides with another file is checked but not published (CC310).
    unpublished = result.files.unpublished if result.files is not None else frozenset()
    chapters = {c.file: c for c in result.chapters if c.file not in unpublished}
    # Chapters the compiler could not read (a preview of a spec with errors) are pages too,
    # named after their files: mkdocs must never make up a title of its own, unescaped.
    names = [source.name for source in result.sources]
    names += result.files.chapters if result.files is not None else ()
    for name in names:
        if name not in chapters and name not in unpublished:
            chapters[name] = Chapter(name, "", None, None, None)
    return chapters


def _published_files(result: CompileResult, model: Document) -> dict[str, bytes]:
    """The files the site publishes beside its pages: the schema, the stylesheet and its fonts,
    and (when the spec compiled) the JSON and the spec's own schema."""
    package = resources.files("compiler")
    files = {
        SCHEMA_PATH: package.joinpath("schemas", SCHEMA_FILE).read_bytes(),
        CSS_PATH: package.joinpath("assets", "constitution.css").read_bytes(),
        **_fonts(),
    }
    if result.document is not None:
        files[JSON_PATH] = result.to_json_bytes()
        files[SPEC_SCHEMA_PATH] = spec_schema_bytes(result.grammar or model.grammar)
    return files


def _fonts() -> dict[str, bytes]:
    """The reading face and its licence, published beside the site's stylesheet (which loads
    them from there: nothing comes from another host)."""
    folder = resources.files("compiler").joinpath("assets", "fonts")
    return {
        f"{FONTS_PATH}/{item.name}": item.read_bytes()
        for item in sorted(folder.iterdir(), key=lambda item: item.name)
        if item.name.endswith((".woff2", ".txt"))
    }


def _home_title(model: Document, site_name: str | None) -> str:
    """The front matter's title; else the site's name; else the first heading."""
    title = model.info.metadata.get("title")
    if isinstance(title, str) and title:
        return title
    return site_name or model.info.title or "Home"


def empty_document() -> Document:
    """The model of a spec nothing could be read of (a preview with errors)."""
    from ..grammar.load import default_grammar

    return Document(DocumentInfo(None, None, {}, {}, ()), default_grammar().kinds, ())
