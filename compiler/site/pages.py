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

from ..diagnostics import CODES
from ..emit import schema
from ..links import slugify
from ..model import Attributes, Chapter, Spec
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


def _block(inputs: PageInputs, context: PageContext, kind: str, ident: str) -> str:
    """A node shown again on a generated page: same block as in its chapter, id local to this page."""
    where = inputs.ranges.get(ident)
    attributes = None
    if where is not None:
        opener = inputs.tokens[where.file][where.start - 1]
        attributes = annotation_info(opener).attributes
    return (
        annotation_open(kind, ident, attributes or Attributes(), context)
        + inputs.body(ident, context)
        + annotation_close(kind, ident, context)
    )


def _page_start(ident: str, title: str, intro: str) -> tuple[list[str], list[TocEntry]]:
    """The page's title and introduction (escaped), and its table of contents so far."""
    toc: list[TocEntry] = []
    return [heading(1, ident, title, toc), f"<p>{escape(intro)}</p>\n"], toc


def core_values_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    spec = inputs.spec
    count = len(spec.properties)
    parts, toc = _page_start(
        "core-values-page",
        "Core values",
        f"The constitution names {count} core value{'s' if count != 1 else ''} (properties), "
        "listed here in priority order. Each links to where the constitution states it.",
    )
    titles = {p.id: p for p in spec.properties}
    for number, priority in enumerate(spec.priorities, start=1):
        ident = priority.id
        parts.append(
            heading(2, ident, "Priority order" if number == 1 else f"Priority order ({ident})", toc)
        )
        explanation = MODE_EXPLANATIONS.get(priority.mode, priority.mode)
        parts.append(
            f'<p class="cc-mode-explained"><span class="cc-mode cc-mode--{escape(priority.mode)}">'
            f"{escape(priority.mode)}</span> {escape(explanation)}</p>\n"
        )
        items = [
            DiagramItem(pid, titles[pid].title, titles[pid].rank, f"#{pid}")
            for pid in priority.order
            if pid in titles
        ]
        parts.append(f'<figure class="cc-figure">{priority_diagram(items, priority.mode, ident)}')
        parts.append(
            f"<figcaption>Priority order, highest first. As the constitution puts it "
            f"(from {node_link(priority.id, context)}):</figcaption></figure>\n"
        )
        parts.append(f'<blockquote class="cc-quote">{inputs.body(ident, context)}</blockquote>\n')
    if not spec.priorities and spec.properties:
        items = [DiagramItem(p.id, p.title, p.rank, f"#{p.id}") for p in spec.properties]
        parts.append(heading(2, "priority-order", "Priority order", toc))
        parts.append(
            f'<figure class="cc-figure">{priority_diagram(items, "rank", "ranks")}</figure>\n'
        )
    parts.append(heading(2, "properties", "The properties", toc))
    for prop in spec.properties:
        parts.append(_block(inputs, context, "property", prop.id))
        parts.append(inputs.where(prop.id, prop.section, context, "Stated"))
    if not spec.properties:
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


def tool_builders_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    written = render_markdown(_package_page("tool-builders.md"), context)
    toc = written.toc or [TocEntry(1, "for-tool-builders", "For tool builders")]
    json_url = context.url_of_file(inputs.json_path) or inputs.json_path
    schema_url = context.url_of_file(inputs.schema_path) or inputs.schema_path
    published = (
        heading(2, "published-files", "Published files", toc)
        + '<table class="cc-files"><thead><tr><th>File</th><th>What it holds</th></tr></thead><tbody>'
        f'<tr><td><a href="{escape(json_url)}"><code>{escape(inputs.json_path)}</code></a></td>'
        "<td>The compiled constitution: every section, property, priority, constraint, "
        "definition, rationale and reference, with its source line.</td></tr>"
        f'<tr><td><a href="{escape(schema_url)}"><code>{escape(inputs.schema_path)}</code></a></td>'
        "<td>The JSON Schema (draft 2020-12) that the compiled file is validated against.</td></tr>"
        "</tbody></table>\n"
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
        + '<table class="cc-codes"><thead><tr><th>Code</th><th>Problem</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>\n"
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


def home_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    spec = inputs.spec
    title = inputs.home_title
    toc: list[TocEntry] = []
    parts = [heading(1, "home", title, toc)]
    facts = []
    if spec.version:
        facts.append(f"Version {escape(spec.version)}")
    description = spec.metadata.get("description")
    if facts:
        parts.append(f'<p class="cc-chapter-meta">{" · ".join(facts)}</p>\n')
    if isinstance(description, str):
        parts.append(f"<p>{escape(description)}</p>\n")
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
    parts.append(heading(2, "reference", "Reference", toc))
    links = []
    for path, page_title in inputs.page_titles.items():
        url = context.url_of_file(path)
        if url is not None:
            links.append(f'<li><a href="{escape(url)}">{escape(page_title)}</a></li>')
    json_url = context.url_of_file(inputs.json_path)
    if json_url is not None:
        links.append(
            f'<li><a href="{escape(json_url)}" download>Download the compiled constitution '
            f"(<code>{escape(inputs.json_path)}</code>)</a></li>"
        )
    parts.append(f'<ul class="cc-links">{"".join(links)}</ul>\n')
    return RenderedPage("".join(parts), toc, title)


#: Generated pages that repeat the chapters' text: searched, but ranked below the chapters (their
#: search boost, `DERIVED_SEARCH_BOOST`), so that a search leads first to the chapter that says it.
DERIVED_PAGES = frozenset({"core-values.md", "constraints.md", "glossary.md"})
#: Material's search multiplies a section's score by its page's boost (default 1).
DERIVED_SEARCH_BOOST = 0.1

#: The generated pages, in nav order: path, title, builder, and whether a spec needs the page
#: (a spec without definitions gets no empty glossary).
GENERATED_PAGES: tuple[tuple[str, str, PageBuilder, Callable[[Spec], bool]], ...] = (
    ("core-values.md", "Core values", core_values_page, lambda s: bool(s.properties)),
    ("constraints.md", "Constraints", constraints_page, lambda s: bool(s.constraints)),
    ("glossary.md", "Glossary", glossary_page, lambda s: bool(s.definitions)),
    ("tool-builders.md", "For tool builders", tool_builders_page, lambda s: True),
    ("authoring.md", "Authoring guide", authoring_page, lambda s: True),
)
