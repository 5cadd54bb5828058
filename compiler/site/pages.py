"""The generated pages: home, core values, constraints, glossary, for tool builders, authoring guide.

Each page is a function of the compiled spec and a `PageContext` (which knows how to reach the other
pages), returning HTML and its table of contents. Node bodies are rendered from the compiler's tokens,
like the chapters, with their ids left out so that every id stays unique to its chapter page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources

from markdown_it.token import Token

from .. import __version__
from ..diagnostics import CODES
from ..emit import schema
from ..links import slugify
from ..model import Attributes, Chapter, Priority, Spec
from ..render import (
    PageContext,
    RenderedPage,
    TocEntry,
    annotation_close,
    annotation_open,
    escape,
    node_link,
    render_markdown,
    render_tokens,
    unique_anchor,
)
from ..syntax.annotations import annotation_info
from .diagram import DiagramItem, priority_diagram
from .schema_doc import field_reference

MODE_EXPLANATIONS = {
    "holistic": (
        "Higher-priority considerations should generally dominate lower-priority ones, "
        "but all of them are weighed together in forming an overall judgment. Lower priorities are "
        "more than tie-breakers."
    ),
    "strict": (
        "A higher priority always wins over a lower one; a lower priority only decides "
        "between options that the higher ones rank equally."
    ),
}


@dataclass(frozen=True, slots=True)
class BodyRange:
    """Where an annotation's body lies in its file's token stream (between its fence tokens)."""

    file: str
    start: int
    end: int


def annotation_ranges(tokens_by_file: Mapping[str, Sequence[Token]]) -> dict[str, BodyRange]:
    """Each annotation id -> its body's token range, found in one pass over every file."""
    ranges: dict[str, BodyRange] = {}
    for file, tokens in tokens_by_file.items():
        stack: list[tuple[str | None, int]] = []
        for position, token in enumerate(tokens):
            if token.type == "container_annotation_open":
                stack.append((annotation_info(token).attributes.id, position))
            elif token.type == "container_annotation_close" and stack:
                ident, start = stack.pop()
                if ident is not None and ident not in ranges:
                    ranges[ident] = BodyRange(file, start + 1, position)
    return ranges


@dataclass(slots=True)
class PageInputs:
    """What the generated pages are made from."""

    spec: Spec
    tokens: Mapping[str, Sequence[Token]]
    ranges: dict[str, BodyRange]
    json_path: str
    schema_path: str
    chapter_paths: list[str] = field(default_factory=list)
    page_titles: dict[str, str] = field(default_factory=dict)
    """Generated page path -> title, for the home page's links."""
    home_title: str = "Home"
    """The home page's title: the document's title, or the site's name when the spec has none."""
    site_url: str | None = None
    """Where the site is published (mkdocs' `site_url`), for the pages that name it."""
    repo_url: str | None = None
    """The repository of the compiler (mkdocs' `repo_url`), for the pages that name it."""

    def body(self, ident: str, context: PageContext) -> str:
        """An annotation's body as HTML, with the ids of anything nested in it left out."""
        where = self.ranges.get(ident)
        if where is None:
            return ""
        quiet = replace(context, anchors=False)
        return render_tokens(self.tokens[where.file][where.start : where.end], quiet).html

    def where(self, ident: str, section: str | None, context: PageContext, verb: str) -> str:
        """'Stated in <section>', linking to the node where the chapter states it."""
        url = context.url_of_id(ident)
        place = context.index.title(section) if section else "the text"
        if url is None:
            return ""
        return f'<p class="cc-source">{verb} in <a href="{escape(url)}">{escape(place)}</a>.</p>\n'


PageBuilder = Callable[[PageInputs, PageContext], RenderedPage]


def heading(level: int, ident: str, text: str, toc: list[TocEntry] | None = None) -> str:
    if toc is not None:
        entry = TocEntry(level, ident, text)
        if toc and toc[0].level < level:
            toc[0].children.append(entry)
        else:
            toc.append(entry)
    return (
        f'<h{level} id="{escape(ident)}">{escape(text)}<a class="headerlink" '
        f'href="#{escape(ident)}" title="Permanent link">¶</a></h{level}>\n'
    )


def _block(
    inputs: PageInputs,
    context: PageContext,
    kind: str,
    ident: str,
    tag: str = "div",
    after: str = "",
) -> str:
    """A node shown again on a generated page: same block as in its chapter, id local to this page."""
    where = inputs.ranges.get(ident)
    attributes = None
    if where is not None:
        opener = inputs.tokens[where.file][where.start - 1]
        attributes = annotation_info(opener).attributes
    return (
        annotation_open(kind, ident, attributes or Attributes(), context, tag)
        + inputs.body(ident, context)
        + after
        + annotation_close(kind, ident, context, tag)
    )


def _page_start(ident: str, title: str, intro: str) -> tuple[list[str], list[TocEntry]]:
    """The page's title and introduction (escaped), and its table of contents so far."""
    toc: list[TocEntry] = []
    return [heading(1, ident, title, toc), f"<p>{escape(intro)}</p>\n"], toc


def priority_figure(
    inputs: PageInputs, context: PageContext, priority: Priority, href: Callable[[str], str]
) -> str:
    """A priority's order as a figure: its mode in words, the diagram (each box links to
    `href(property id)`), and a caption naming where the constitution states it."""
    titles = {p.id: p for p in inputs.spec.properties}
    explanation = MODE_EXPLANATIONS.get(priority.mode, priority.mode)
    items = [
        DiagramItem(pid, titles[pid].title, titles[pid].rank, href(pid))
        for pid in priority.order
        if pid in titles
    ]
    return (
        f'<p class="cc-mode-explained"><span class="cc-mode cc-mode--{escape(priority.mode)}">'
        f"{escape(priority.mode)}</span> {escape(explanation)}</p>\n"
        f'<figure class="cc-figure">{priority_diagram(items, priority.mode, priority.id)}'
        f"<figcaption>Priority order, highest first, as the constitution states it in "
        f"{node_link(priority.id, context)}.</figcaption></figure>\n"
    )


def core_values_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    spec = inputs.spec
    count = len(spec.properties)
    parts, toc = _page_start(
        "core-values-page",
        "Core values",
        f"The constitution names {count} core value{'s' if count != 1 else ''} (properties), "
        "listed here in priority order. Each links to where the constitution states it.",
    )
    for number, priority in enumerate(spec.priorities, start=1):
        ident = priority.id
        parts.append(
            heading(2, ident, "Priority order" if number == 1 else f"Priority order ({ident})", toc)
        )
        parts.append(priority_figure(inputs, context, priority, lambda pid: f"#{pid}"))
        parts.append(f'<blockquote class="cc-quote">{inputs.body(ident, context)}</blockquote>\n')
    if not spec.priorities and spec.properties:
        items = [DiagramItem(p.id, p.title, p.rank, f"#{p.id}") for p in spec.properties]
        parts.append(heading(2, "priority-order", "Priority order", toc))
        parts.append(
            f'<figure class="cc-figure">{priority_diagram(items, "rank", "ranks")}</figure>\n'
        )
    parts.append(heading(2, "properties", "The properties", toc))
    if spec.properties:
        parts.append('<ol class="cc-values">\n')
        for prop in sorted(spec.properties, key=lambda p: (p.rank, p.id)):
            where = inputs.where(prop.id, prop.section, context, "Stated")
            parts.append(_block(inputs, context, "property", prop.id, "li", where))
        parts.append("</ol>\n")
    else:
        parts.append("<p>This constitution names no properties.</p>\n")
    return RenderedPage("".join(parts), toc, "Core values")


def constraints_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    spec = inputs.spec
    parts, toc = _page_start(
        "constraints-page",
        "Constraints",
        "The hard lines of the constitution, and the rules about how firmly they hold, grouped "
        "by kind. Each names the properties it concerns and links to where it is stated.",
    )
    kinds = sorted({c.kind for c in spec.constraints}, key=lambda k: (k != "hard", k))
    anchors: set[str] = set()
    for kind in kinds:
        # The kind is the author's free text: its anchor is a slug of it, unique on the page.
        anchor = unique_anchor(f"kind-{slugify(kind)}", anchors)
        parts.append(heading(2, anchor, f"{kind.capitalize()} constraints", toc))
        for constraint in (c for c in spec.constraints if c.kind == kind):
            parts.append(_block(inputs, context, "constraint", constraint.id))
            parts.append(inputs.where(constraint.id, constraint.section, context, "Stated"))
    if not kinds:
        parts.append("<p>This constitution states no constraints.</p>\n")
    return RenderedPage("".join(parts), toc, "Constraints")


def glossary_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    spec = inputs.spec
    parts, toc = _page_start(
        "glossary-page", "Glossary", "The terms the constitution defines, in alphabetical order."
    )
    definitions = sorted(spec.definitions, key=lambda d: (d.term.casefold(), d.id))
    letter = ""
    for definition in definitions:
        initial = (definition.term[:1] or "#").upper()
        initial = initial if initial.isalpha() else "#"
        if initial != letter:
            if letter:
                parts.append("</dl>\n")
            letter = initial
            parts.append(
                heading(2, f"letter-{'other' if initial == '#' else initial.lower()}", initial, toc)
            )
            parts.append('<dl class="cc-glossary">\n')
        ident = escape(definition.id)
        parts.append(
            f'<dt id="{ident}"><dfn>{escape(definition.term)}</dfn><a class="headerlink" '
            f'href="#{ident}" title="Permanent link">¶</a></dt>\n'
            f"<dd>{inputs.body(definition.id, context)}"
            f"{inputs.where(definition.id, definition.section, context, 'Defined')}</dd>\n"
        )
    if letter:
        parts.append("</dl>\n")
    else:
        parts.append("<p>This constitution defines no terms.</p>\n")
    return RenderedPage("".join(parts), toc, "Glossary")


def _package_page(name: str) -> str:
    return resources.files("compiler").joinpath("pages", name).read_text("utf-8")


#: Where the tool builders' page points when the site sets no `site_url`: the live preview.
PREVIEW_URL = "http://127.0.0.1:8000/"


def tool_builders_text(site_url: str | None, repo_url: str | None) -> str:
    """The tool builders' page (Markdown), naming the site by its published address, and the
    pre-commit hook by the repository's (or as a local hook, when the site names none)."""
    if repo_url:
        hook = (
            f"repos:\n  - repo: {repo_url}\n    rev: v{__version__}\n    hooks:\n"
            "      - id: constitution-check\n"
            "        # args: [docs/constitution]     # if the spec is not in spec/\n"
            "        # files: ^docs/constitution/"
        )
    else:
        hook = (
            "repos:\n  - repo: local                 # constitution-compiler installed here\n"
            "    hooks:\n      - id: constitution-check\n        name: constitution check\n"
            "        entry: constitution check      # add the spec's folder if not spec/\n"
            "        language: system\n        pass_filenames: false\n"
            "        files: ^spec/.*\\.md$"
        )
    url = site_url if site_url and site_url.endswith("/") else f"{site_url}/" if site_url else None
    replacements = {
        "{{ site_url }}": url or PREVIEW_URL,
        "{{ site_url_note }}": (
            "where this site is published"
            if url
            else "the live preview; set site_url in mkdocs.yml to the published address"
        ),
        "{{ pre_commit_config }}": hook,
    }
    text = _package_page("tool-builders.md")
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return text


def tool_builders_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    written = render_markdown(tool_builders_text(inputs.site_url, inputs.repo_url), context)
    toc = written.toc or [TocEntry(1, "for-tool-builders", "For tool builders")]
    json_url = context.url_of_file(inputs.json_path) or inputs.json_path
    schema_url = context.url_of_file(inputs.schema_path) or inputs.schema_path
    published = (
        heading(2, "published-files", "Published files", toc)
        + '<div class="cc-table cc-files"><table><thead><tr><th>File</th><th>What it holds</th>'
        "</tr></thead><tbody>"
        f'<tr><td><a href="{escape(json_url)}"><code>{escape(inputs.json_path)}</code></a></td>'
        "<td>The compiled constitution: every section, property, priority, constraint, "
        "definition, rationale and reference, with its source line.</td></tr>"
        f'<tr><td><a href="{escape(schema_url)}"><code>{escape(inputs.schema_path)}</code></a>'
        "</td><td>The JSON Schema (draft 2020-12) that the compiled file is validated against."
        "</td></tr></tbody></table></div>\n"
    )
    reference, reference_toc = field_reference(schema())
    toc[0].children.extend(reference_toc)
    return RenderedPage(written.html + published + reference, toc, written.title)


def authoring_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    written = render_markdown(_package_page("authoring.md"), context)
    toc = written.toc or [TocEntry(1, "authoring-guide", "Authoring guide")]
    rows = "".join(
        f'<tr><td id="{code.lower()}"><code>{code}</code></td><td>{escape(summary)}</td></tr>'
        for code, summary in CODES.items()
    )
    codes = (
        heading(2, "diagnostic-codes", "Diagnostic codes", toc)
        + '<div class="cc-table cc-codes"><table><thead><tr><th>Code</th><th>Problem</th></tr>'
        f"</thead><tbody>{rows}</tbody></table></div>\n"
    )
    return RenderedPage(written.html + codes, toc, written.title)


def chapter_facts(chapter: Chapter) -> list[str]:
    """What a chapter's page and the home page say about it (HTML): its number, reading time, and
    that it is not part of the official text when its front matter says ``normative: false``."""
    facts = []
    if chapter.number is not None:
        facts.append(f"Chapter {chapter.number}")
    if chapter.reading_time is not None:
        facts.append(f"{chapter.reading_time} min read")
    if dict(chapter.metadata).get("normative") is False:
        facts.append('<span class="cc-not-normative">Not part of the official text</span>')
    return facts


#: The home page's introduction: the first chapter's opening paragraphs, up to about this many words.
INTRO_WORDS = 90
INTRO_PARAGRAPHS = 4

#: Pages and files the home page offers as downloads and versions, if the site has them:
#: path -> link text (the release pages add the first two, a print version the others).
DOWNLOAD_PAGES = {
    "versions.md": "Every version, with its download and what changed",
    "changes.md": "What changed in each release",
    "print.md": "The whole constitution on one page, to print",
    "pdf/constitution.pdf": "The whole constitution as a PDF",
}


def _intro(inputs: PageInputs, context: PageContext, path: str) -> str:
    """The opening paragraphs of the chapter at `path` (between its first heading and the next),
    rendered as in the chapter but without ids: the home page's introduction."""
    tokens = inputs.tokens.get(path) or ()
    start = next((i for i, t in enumerate(tokens) if t.type == "heading_close"), None)
    if start is None:
        return ""
    end, words, paragraphs = start + 1, 0, 0
    while end < len(tokens) and words < INTRO_WORDS and paragraphs < INTRO_PARAGRAPHS:
        token = tokens[end]
        if token.type != "paragraph_open" or token.level != 0 or end + 2 >= len(tokens):
            break
        words += len(tokens[end + 1].content.split())
        paragraphs += 1
        end += 3
    if not paragraphs:
        return ""
    quiet = replace(context, file=path, anchors=False)
    return render_tokens(tokens[start + 1 : end], quiet).html


def home_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    """The landing page: what the constitution is, its core values in priority order, where to
    start reading, its chapters, and its downloads and versions."""
    spec = inputs.spec
    title = inputs.home_title
    toc: list[TocEntry] = []
    parts = ['<div class="cc-home">\n', heading(1, "home", title, toc)]
    facts = []
    if spec.version:
        facts.append(f"Version {escape(spec.version)}")
    minutes = sum(chapter.reading_time or 0 for chapter in spec.chapters)
    if minutes:
        facts.append(f"about {minutes} min to read in full")
    if facts:
        parts.append(f'<p class="cc-chapter-meta">{" · ".join(facts)}</p>\n')
    description = spec.metadata.get("description")
    if isinstance(description, str):
        parts.append(f'<p class="cc-lede">{escape(description)}</p>\n')
    first = inputs.chapter_paths[0] if inputs.chapter_paths else None
    if first is not None:
        intro = _intro(inputs, context, first)
        if intro:
            parts.append(f'<div class="cc-intro">{intro}</div>\n')
        start_url = context.url_of_file(first)
        if start_url is not None:
            buttons = [
                f'<a class="md-button md-button--primary" href="{escape(start_url)}">'
                "Start reading</a>"
            ]
            if context.core_values_url:
                buttons.append(
                    f'<a class="md-button" href="{escape(context.core_values_url)}">'
                    "The core values</a>"
                )
            parts.append(f'<p class="cc-actions">{" ".join(buttons)}</p>\n')
    parts.append(_home_values(inputs, context, toc))
    parts.append(heading(2, "chapters", "Chapters", toc))
    items = []
    for chapter, path in zip(spec.chapters, inputs.chapter_paths, strict=False):
        chapter_url = context.url_of_file(path) or ""
        meta = chapter_facts(chapter)
        meta_html = f' <span class="cc-chapter-meta">{" · ".join(meta)}</span>' if meta else ""
        items.append(
            f'<li><a href="{escape(chapter_url)}">{escape(chapter.title or path)}</a>{meta_html}</li>'
        )
    parts.append(f'<ul class="cc-chapters">{"".join(items)}</ul>\n')
    part_of = {entry[0]: entry[4] for entry in GENERATED_PAGES}
    for part in (NAV_REFERENCE, NAV_DEVELOPERS):
        links = []
        for path, page_title in inputs.page_titles.items():
            if path in DOWNLOAD_PAGES or part_of.get(path, NAV_DEVELOPERS) != part:
                continue
            url = context.url_of_file(path)
            if url is not None:
                links.append(f'<li><a href="{escape(url)}">{escape(page_title)}</a></li>')
        if links:
            parts.append(heading(2, slugify(part), part, toc))
            parts.append(f'<ul class="cc-links">{"".join(links)}</ul>\n')
    parts.append(heading(2, "downloads", "Downloads and versions", toc))
    parts.append(f'<ul class="cc-links">{"".join(_downloads(inputs, context))}</ul>\n')
    parts.append("</div>\n")
    return RenderedPage("".join(parts), toc, title)


def _home_values(inputs: PageInputs, context: PageContext, toc: list[TocEntry]) -> str:
    """The home page's core values: the first priority's diagram and each value in its words."""
    spec = inputs.spec
    if not spec.properties:
        return ""
    count = len(spec.properties)
    name = f"The {_NUMBERS.get(count, str(count))} core values" if count > 1 else "The core value"
    parts = [heading(2, "core-values", name, toc)]

    def href(pid: str) -> str:
        return (
            f"{context.core_values_url}#{pid}"
            if context.core_values_url
            else context.url_of_id(pid) or ""
        )

    if spec.priorities:
        parts.append(priority_figure(inputs, context, spec.priorities[0], href))
    ranked = sorted(spec.properties, key=lambda p: (p.rank, p.id))
    values = "".join(
        f'<li value="{prop.rank}">{inputs.body(prop.id, context)}</li>' for prop in ranked
    )
    parts.append(f'<ol class="cc-values">{values}</ol>\n')
    return "".join(parts)


_NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


def _downloads(inputs: PageInputs, context: PageContext) -> list[str]:
    links = []
    for path, text, extra in (
        (inputs.json_path, "The compiled constitution, as JSON", " download"),
        (inputs.schema_path, "Its JSON Schema", " download"),
    ):
        url = context.url_of_file(path)
        if url is not None:
            links.append(
                f'<li><a href="{escape(url)}"{extra}>{escape(text)}</a> '
                f"(<code>{escape(path)}</code>)</li>"
            )
    for path, text in DOWNLOAD_PAGES.items():
        url = context.url_of_file(path)
        if url is not None:
            links.append(f'<li><a href="{escape(url)}">{escape(text)}</a></li>')
    return links


#: Generated pages that repeat the chapters' text: kept out of the search index, so that a search
#: leads to the chapter that says it (and indexing does not pay for the text twice).
DERIVED_PAGES = frozenset({"core-values.md", "constraints.md", "glossary.md"})

#: The nav's three parts: the text itself, pages that gather what it says, and pages about the
#: files and tools around it (generated pages another module adds go there too).
NAV_CONSTITUTION = "The Constitution"
NAV_REFERENCE = "Reference"
NAV_DEVELOPERS = "For developers"

#: The generated pages, in nav order: path, title, builder, whether a spec needs the page (a
#: spec without definitions gets no empty glossary), and the part of the nav it is listed in.
GENERATED_PAGES: tuple[tuple[str, str, PageBuilder, Callable[[Spec], bool], str], ...] = (
    ("core-values.md", "Core values", core_values_page, lambda s: bool(s.properties), NAV_REFERENCE),
    ("constraints.md", "Constraints", constraints_page, lambda s: bool(s.constraints), NAV_REFERENCE),
    ("glossary.md", "Glossary", glossary_page, lambda s: bool(s.definitions), NAV_REFERENCE),
    ("tool-builders.md", "For tool builders", tool_builders_page, lambda s: True, NAV_DEVELOPERS),
    ("authoring.md", "Authoring guide", authoring_page, lambda s: True, NAV_DEVELOPERS),
)
