"""The generated pages: home, a page per kind that asks for one (core values, constraints, the
glossary, and any a spec's grammar declares), for tool builders, authoring guide.

Each page is a function of the compiled model and a `PageContext` (which knows how to reach the
other pages), returning HTML and its table of contents. A kind's page is chosen by its
`PageSpec.view`: ``order`` (the orders over the kind drawn as diagrams, then its nodes), ``list``
(its nodes, alphabetically as a glossary when they have titles, else grouped by their first
enumeration) or ``table`` (a row per node, a column per field). Node bodies are rendered from the
compiler's tokens, like the chapters, with their ids left out so that every id stays unique to
its chapter page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources

from markdown_it.token import Token

from ..about import __version__
from ..diagnostics import CODES
from ..document import Document, Node
from ..emit import schema
from ..grammar.orders import Order
from ..grammar.types import FieldType, KindSpec, PageView
from ..links import slugify
from ..model import Attributes, Chapter
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

    model: Document
    chapters: list[Chapter]
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
        """An annotation's body as HTML, with the ids of anything nested in it left out (a span
        or a list item: its text)."""
        where = self.ranges.get(ident)
        if where is None:
            node = self.model.get(ident)
            if node is None or not node.text:
                return ""
            text = escape(node.text)
            if node.title and node.text.startswith(f"{node.title}:"):
                # The bold phrase that opens it, as in the chapter (its title).
                title = escape(node.title)
                text = f"<strong>{title}</strong>{text[len(title) :]}"
            return f"<p>{text}</p>\n"
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


KindPageBuilder = Callable[[KindSpec, PageInputs, PageContext], RenderedPage]


def _count(kind: KindSpec, count: int) -> str:
    return f"{count} {(kind.plural if count != 1 else kind.label).lower()}"


def order_figure(
    inputs: PageInputs, context: PageContext, order: Order, href: Callable[[str], str]
) -> str:
    """An order as a figure: its mode in words, the diagram (each box links to `href(id)`), and
    a caption naming where the constitution states it."""
    titles = {node.id: node for node in inputs.model.of_kind(order.kind)}
    mode = str(order.mode)
    explanation = MODE_EXPLANATIONS.get(mode, mode)
    items = [
        DiagramItem(i, titles[i].title or i, order.ranks[i], href(i))
        for level in order.levels
        for i in level
        if i in titles
    ]
    return (
        f'<p class="cc-mode-explained"><span class="cc-mode cc-mode--{escape(mode)}">'
        f"{escape(mode)}</span> {escape(explanation)}</p>\n"
        f'<figure class="cc-figure">{priority_diagram(items, mode, order.id)}'
        f"<figcaption>Order, highest first, as the constitution states it in "
        f"{node_link(order.id, context)}.</figcaption></figure>\n"
    )


def order_page(kind: KindSpec, inputs: PageInputs, context: PageContext) -> RenderedPage:
    """The orders over the kind's nodes, each drawn as a diagram with its mode explained and the
    text that states it, then the nodes (a numbered list when they are ranked)."""
    assert kind.page is not None
    model = inputs.model
    nodes = model.of_kind(kind.name)
    parts, toc = _page_start(
        f"{kind.page.slug}-page",
        kind.page.title,
        f"The constitution names {_count(kind, len(nodes))}, in the order it gives them. "
        "Each links to where the constitution states it.",
    )
    orders = [order for order in model.orders if order.kind == kind.name]
    for number, order in enumerate(orders, start=1):
        ident = order.id
        parts.append(heading(2, ident, "Order" if number == 1 else f"Order ({ident})", toc))
        parts.append(order_figure(inputs, context, order, lambda i: f"#{i}"))
        parts.append(f'<blockquote class="cc-quote">{inputs.body(ident, context)}</blockquote>\n')
    ranked = [n for n in nodes if context.index.nodes.get(n.id) and context.index.nodes[n.id].rank]
    if not orders and ranked:
        items = [
            DiagramItem(n.id, n.title or n.id, context.index.nodes[n.id].rank or 0, f"#{n.id}")
            for n in sorted(ranked, key=lambda n: context.index.nodes[n.id].rank or 0)
        ]
        parts.append(heading(2, "order", "Order", toc))
        parts.append(
            f'<figure class="cc-figure">{priority_diagram(items, "rank", "ranks")}</figure>\n'
        )
    parts.append(heading(2, "nodes", f"The {kind.plural.lower()}", toc))
    ranked_kind = context.index.ranked(kind.name)
    tag = "li" if ranked_kind else "div"
    if ranked_kind:
        parts.append('<ol class="cc-values">\n')
    for node in _by_rank(nodes, context):
        where = inputs.where(node.id, node.section, context, "Stated")
        parts.append(_block(inputs, context, kind.name, node.id, tag, where))
    if ranked_kind:
        parts.append("</ol>\n")
    return RenderedPage("".join(parts), toc, kind.page.title)


def _by_rank(nodes: Sequence[Node], context: PageContext) -> list[Node]:
    def rank(node: Node) -> int:
        info = context.index.nodes.get(node.id)
        return info.rank if info is not None and info.rank is not None else 0

    return sorted(nodes, key=rank)


def list_page(kind: KindSpec, inputs: PageInputs, context: PageContext) -> RenderedPage:
    """The kind's nodes: alphabetically by title, as a glossary, when they have titles; else
    grouped by their first enumeration field (its default first), as the constraints are."""
    if kind.title.sources:
        return _glossary(kind, inputs, context)
    assert kind.page is not None
    nodes = inputs.model.of_kind(kind.name)
    parts, toc = _page_start(
        f"{kind.page.slug}-page",
        kind.page.title,
        f"The {kind.plural.lower()} of the constitution"
        + ", grouped by kind" * any(f.type is FieldType.ENUM for f in kind.fields)
        + ". Each links to where it is stated.",
    )
    group = next((f for f in kind.fields if f.type is FieldType.ENUM), None)
    values = [str(node.fields.get(group.name, "")) if group else "" for node in nodes]
    first = str(group.default) if group is not None and group.default is not None else ""
    anchors: set[str] = set()
    for value in sorted(set(values), key=lambda v: (v != first, v)):
        if group is not None:
            # The value may be the author's word: its anchor is a slug of it, unique on the page.
            anchor = unique_anchor(f"{group.name}-{slugify(value)}", anchors)
            parts.append(heading(2, anchor, f"{value.capitalize()} {kind.plural.lower()}", toc))
        for node, found in zip(nodes, values, strict=True):
            if found == value:
                parts.append(_block(inputs, context, kind.name, node.id))
                parts.append(inputs.where(node.id, node.section, context, "Stated"))
    return RenderedPage("".join(parts), toc, kind.page.title)


def _glossary(kind: KindSpec, inputs: PageInputs, context: PageContext) -> RenderedPage:
    assert kind.page is not None
    parts, toc = _page_start(
        f"{kind.page.slug}-page",
        kind.page.title,
        f"The {kind.plural.lower()} of the constitution, in alphabetical order.",
    )
    nodes = sorted(
        inputs.model.of_kind(kind.name), key=lambda n: ((n.title or n.id).casefold(), n.id)
    )
    letter = ""
    for node in nodes:
        term = node.title or node.id
        initial = (term[:1] or "#").upper()
        initial = initial if initial.isalpha() else "#"
        if initial != letter:
            if letter:
                parts.append("</dl>\n")
            letter = initial
            parts.append(
                heading(2, f"letter-{'other' if initial == '#' else initial.lower()}", initial, toc)
            )
            parts.append('<dl class="cc-glossary">\n')
        ident = escape(node.id)
        parts.append(
            f'<dt id="{ident}"><dfn>{escape(term)}</dfn><a class="headerlink" '
            f'href="#{ident}" title="Permanent link">¶</a></dt>\n'
            f"<dd>{inputs.body(node.id, context)}"
            f"{inputs.where(node.id, node.section, context, 'Defined')}</dd>\n"
        )
    if letter:
        parts.append("</dl>\n")
    return RenderedPage("".join(parts), toc, kind.page.title)


def _linked_text(node: Node, context: PageContext) -> str:
    """A node without a title named by its whole text, linked to where it stands."""
    url = context.url_of_id(node.id)
    text = escape(node.text)
    return f'<a href="{escape(url)}">{text}</a>' if url else text


def table_page(kind: KindSpec, inputs: PageInputs, context: PageContext) -> RenderedPage:
    """A row per node, a column per field (the page's `columns`, else every field), values in
    words and links."""
    assert kind.page is not None
    parts, toc = _page_start(
        f"{kind.page.slug}-page", kind.page.title, f"The {kind.plural.lower()} of the constitution."
    )
    names = kind.page.columns or tuple(f.name for f in kind.fields)
    columns = [f for name in names if (f := kind.field(name)) is not None]
    head = "".join(f"<th>{escape(f.label or f.name)}</th>" for f in columns)
    rows = []
    for node in inputs.model.of_kind(kind.name):
        name = node_link(node.id, context) if node.title else _linked_text(node, context)
        cells = "".join(f"<td>{_cell(node, f.name, f.type, context)}</td>" for f in columns)
        rows.append(f"<tr><td>{name}</td>{cells}</tr>")
    parts.append(
        # A table without a class of its own: the theme styles it and scrolls it in its own box.
        f'<div class="cc-table cc-kind-table"><table><thead><tr><th>{escape(kind.label)}</th>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>\n"
    )
    return RenderedPage("".join(parts), toc, kind.page.title)


def _cell(node: Node, name: str, type_: FieldType, context: PageContext) -> str:
    value = node.fields.get(name)
    if value is None:
        return ""
    if type_ is FieldType.REFERENCE:
        ids = value if isinstance(value, tuple) else (value,)
        return ", ".join(node_link(str(i), context) for i in ids)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return escape(", ".join(map(str, value)))
    return escape(str(value))


_KIND_PAGES: dict[PageView, KindPageBuilder] = {
    PageView.ORDER: order_page,
    PageView.LIST: list_page,
    PageView.TABLE: table_page,
}


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
    """The landing page: what the constitution is, its first order (the core values) drawn and
    in words, where to start reading, its chapters, and its downloads and versions."""
    info = inputs.model.info
    title = inputs.home_title
    toc: list[TocEntry] = []
    parts = ['<div class="cc-home">\n', heading(1, "home", title, toc)]
    facts = []
    if info.version:
        facts.append(f"Version {escape(info.version)}")
    minutes = sum(chapter.reading_time or 0 for chapter in inputs.chapters)
    if minutes:
        facts.append(f"about {minutes} min to read in full")
    if facts:
        parts.append(f'<p class="cc-chapter-meta">{" · ".join(facts)}</p>\n')
    description = info.metadata.get("description")
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
            home = _home_kind(inputs, context)
            home_url = context.page_urls.get(home.name) if home and home.page else None
            if home is not None and home.page is not None and home_url:
                buttons.append(
                    f'<a class="md-button" href="{escape(home_url)}">'
                    f"The {escape(home.page.title.lower())}</a>"
                )
            parts.append(f'<p class="cc-actions">{" ".join(buttons)}</p>\n')
    parts.append(_home_values(inputs, context, toc))
    parts.append(heading(2, "chapters", "Chapters", toc))
    items = []
    for chapter, path in zip(inputs.chapters, inputs.chapter_paths, strict=False):
        chapter_url = context.url_of_file(path) or ""
        meta = chapter_facts(chapter)
        meta_html = f' <span class="cc-chapter-meta">{" · ".join(meta)}</span>' if meta else ""
        items.append(
            f'<li><a href="{escape(chapter_url)}">{escape(chapter.title or path)}</a>{meta_html}</li>'
        )
    parts.append(f'<ul class="cc-chapters">{"".join(items)}</ul>\n')
    reference = {f"{k.page.slug}.md" for k in inputs.model.kinds.values() if k.page is not None}
    for part in (NAV_REFERENCE, NAV_DEVELOPERS):
        links = []
        for path, page_title in inputs.page_titles.items():
            listed_in = NAV_REFERENCE if path in reference else NAV_DEVELOPERS
            if path in DOWNLOAD_PAGES or listed_in != part:
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


def _home_kind(inputs: PageInputs, context: PageContext) -> KindSpec | None:
    """The kind the home page shows: that of the spec's first order (the core values), else the
    first ranked kind with nodes."""
    model = inputs.model
    names = [order.kind for order in model.orders]
    names += [name for name in model.kinds if context.index.ranked(name)]
    return next((model.kinds[name] for name in names if model.of_kind(name)), None)


def _home_values(inputs: PageInputs, context: PageContext, toc: list[TocEntry]) -> str:
    """The home page's first order (the core values): its diagram and each node in its words,
    highest first."""
    kind = _home_kind(inputs, context)
    if kind is None:
        return ""
    nodes = _by_rank(inputs.model.of_kind(kind.name), context)
    count = len(nodes)
    plural = (kind.page.title if kind.page is not None else kind.plural).lower()
    name = (
        f"The {_NUMBERS.get(count, str(count))} {plural}"
        if count > 1
        else f"The {kind.label.lower()}"
    )
    parts = [heading(2, slugify(plural) or "values", name, toc)]
    page_url = context.page_urls.get(kind.name)

    def href(ident: str) -> str:
        return f"{page_url}#{ident}" if page_url else context.url_of_id(ident) or ""

    order = next((o for o in inputs.model.orders if o.kind == kind.name), None)
    if order is not None:
        parts.append(order_figure(inputs, context, order, href))
    items = []
    for node in nodes:
        rank = context.index.nodes[node.id].rank if node.id in context.index.nodes else None
        value = f' value="{rank}"' if rank is not None else ""
        items.append(f"<li{value}>{inputs.body(node.id, context)}</li>")
    parts.append(f'<ol class="cc-values">{"".join(items)}</ol>\n')
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


#: Material's search multiplies a section's score by its page's boost (default 1): the kinds'
#: pages repeat the chapters' text, so they are searched but ranked below the chapters.
DERIVED_SEARCH_BOOST = 0.1


def kind_pages(model: Document) -> list[tuple[str, str, PageBuilder]]:
    """The pages the kinds ask for (path, title, builder), in the grammar's order, for the kinds
    the spec has nodes of. They repeat the chapters' text: searched, but ranked below the
    chapters (`DERIVED_SEARCH_BOOST`), so that a search leads first to the chapter that says it."""
    pages = []
    for kind in model.kinds.values():
        if kind.page is not None and model.of_kind(kind.name):
            builder = _KIND_PAGES[kind.page.view]
            pages.append((f"{kind.page.slug}.md", kind.page.title, _bound(builder, kind)))
    return pages


def _bound(builder: KindPageBuilder, kind: KindSpec) -> PageBuilder:
    return lambda inputs, context: builder(kind, inputs, context)


#: The nav's three parts: the text itself, pages that gather what it says (the kinds' pages), and
#: pages about the files and tools around it (generated pages another module adds go there too).
NAV_CONSTITUTION = "The Constitution"
NAV_REFERENCE = "Reference"
NAV_DEVELOPERS = "For developers"

#: The pages every site has, after the kinds' pages, in nav order: path, title, builder.
FIXED_PAGES: tuple[tuple[str, str, PageBuilder], ...] = (
    ("tool-builders.md", "For tool builders", tool_builders_page),
    ("authoring.md", "Authoring guide", authoring_page),
)
