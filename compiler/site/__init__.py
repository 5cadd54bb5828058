"""The documentation site as a function of one compile: its pages, nav and published files.

Independent of mkdocs: the mkdocs plugin (`compiler.mkdocs`) only adapts this to mkdocs' events.

Extension point: if a module ``compiler.site.releases`` exists, its function
``site_pages(project_dir, spec_dir) -> list[GeneratedPage]`` (the project's directory, and the
spec's, whose ``constitution.yaml`` holds the project's diff levels) is called once per build, and
the pages it returns are added after the generated pages (their `files` are published as well).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..diagnostics import Diagnostic, render
from ..document import Document, DocumentInfo
from ..emit import SCHEMA_FILE, spec_schema_bytes
from ..examples.model import ExampleSet
from ..examples.render import ExamplesView
from ..model import Chapter
from ..pipeline import CompileResult
from ..render import (
    PageContext,
    RenderedPage,
    SiteIndex,
    TocEntry,
    escape,
    render_markdown,
    render_tokens,
)
from .generated import GeneratedPage as GeneratedPage
from .pages import (
    FIXED_PAGES,
    PageBuilder,
    PageInputs,
    annotation_ranges,
    chapter_facts,
    home_page,
    kind_pages,
)

JSON_PATH = "constitution.json"
SPEC_SCHEMA_PATH = "constitution.spec.schema.json"
"""The spec's own schema (every field its grammar declares typed), beside the JSON."""
SCHEMA_PATH = f"schemas/{SCHEMA_FILE}"
CSS_PATH = "assets/constitution/constitution.css"
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


@dataclass(slots=True)
class _Page:
    title: str
    build: Callable[[PageContext], RenderedPage]
    nav: bool = True
    searchable: bool = True


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
        examples: ExampleSet | None = None,
    ) -> None:
        self.result = result
        self.examples = None if examples is None else ExamplesView(examples)
        """Worked examples and prompts, shown in their chapters (issue 16)."""
        self.highlight = highlight
        """Colour code blocks at build time (see `render.PageContext.highlight`)."""
        model = result.model or empty_document()
        self.model = model
        self.index = SiteIndex.from_model(model)
        # A chapter that collides with another file is checked but not published (CC310).
        unpublished = result.files.unpublished if result.files is not None else frozenset()
        self.chapters: dict[str, Chapter] = {
            c.file: c for c in result.chapters if c.file not in unpublished
        }
        # Chapters the compiler could not read (a preview of a spec with errors) are pages too,
        # named after their files: mkdocs must never make up a title of its own, unescaped.
        names = [source.name for source in result.sources]
        names += result.files.chapters if result.files is not None else ()
        for name in names:
            if name not in self.chapters and name not in unpublished:
                self.chapters[name] = Chapter(name, "", None, None, None)
        self.inputs = PageInputs(
            model,
            list(result.chapters),
            result.tokens,
            annotation_ranges(result.tokens),
            JSON_PATH,
            SCHEMA_PATH,
            list(self.chapters),
            home_title=_home_title(model, site_name),
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
            self._add(path, title, builder, searchable=False)
            self.inputs.page_titles[path] = title
        for path, title, builder in FIXED_PAGES:
            taken.add(path)
            self._add(path, title, builder)
            self.inputs.page_titles[path] = title
        self.files: dict[str, bytes] = {
            SCHEMA_PATH: resources.files("compiler").joinpath("schemas", SCHEMA_FILE).read_bytes(),
            CSS_PATH: resources.files("compiler")
            .joinpath("assets", "constitution.css")
            .read_bytes(),
        }
        if result.document is not None:
            self.files[JSON_PATH] = result.to_json_bytes()
            grammar = result.grammar or model.grammar
            self.files[SPEC_SCHEMA_PATH] = spec_schema_bytes(grammar)
        for page in extra_pages:
            if page.path in taken:
                continue
            taken.add(page.path)
            self.pages[page.path] = _Page(page.title, _extension_builder(page), page.nav)
            self.files.update(page.files)

    def _add(
        self, path: str, title: str, builder: PageBuilder, nav: bool = True, searchable: bool = True
    ) -> None:
        inputs = self.inputs
        self.pages[path] = _Page(title, lambda context: builder(inputs, context), nav, searchable)

    def searchable(self, path: str) -> bool:
        """False for pages that only repeat the chapters (see `pages.DERIVED_PAGES`)."""
        page = self.pages.get(path)
        return page is None or page.searchable

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

    def nav(self) -> list[dict[str, str]]:
        """The nav: the home page, the chapters in spec order, then the generated pages."""
        entries: list[dict[str, str]] = []
        if "index.md" in self.pages:
            entries.append({"Home": "index.md"})
        entries += [{self.title(path) or path: path} for path in self.chapters]
        entries += [
            {page.title: path}
            for path, page in self.pages.items()
            if page.nav and path != "index.md"
        ]
        return entries

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
        context = self.context(path, url_of_file)
        if path in self.pages:
            page = self.pages[path].build(context)
        elif path in self.chapters:
            page = self._chapter(path, context)
        else:
            return None
        if not self.ok:
            page.html = problems_banner(self.result.diagnostics) + page.html
        return page

    def _chapter(self, path: str, context: PageContext) -> RenderedPage:
        tokens = self.result.tokens.get(path)
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


def problems_banner(diagnostics: Sequence[Diagnostic]) -> str:
    """The diagnostics at the top of every page while a preview has errors."""
    text = render(diagnostics, "text")
    return (
        '<div class="admonition failure cc-problems" role="alert">'
        '<p class="admonition-title">The constitution has errors: fix them and save, and this '
        "page reloads</p>"
        f"<pre><code>{escape(text)}</code></pre></div>\n"
    )


def _extension_builder(page: GeneratedPage) -> Callable[[PageContext], RenderedPage]:
    def build(context: PageContext) -> RenderedPage:
        if page.markdown is not None:
            return render_markdown(page.markdown, context)
        return RenderedPage(page.html or "", list(page.toc), page.title)

    return build


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
