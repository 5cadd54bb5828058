"""The kinds' pages: a page per kind that asks for one (core values, constraints, the glossary,
and any a spec's grammar declares), and what every generated page is made with (`PageInputs`,
headings, the nav's parts). The home page is in `home`, the developers' pages in
`developer_pages`.

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
from pathlib import Path

from markdown_it.token import Token
from msgspec import Struct, field
from msgspec.structs import replace

from ..document import Document, Node
from ..grammar.orders import Order
from ..grammar.types import FieldType, KindSpec, PageView
from ..links import slugify
from ..model import Attributes, Chapter
from ..syntax.annotations import annotation_info
from .diagram import DiagramItem, priority_diagram
from .render import (
    PageContext,
    RenderedPage,
    TocEntry,
    annotation_close,
    annotation_open,
    escape,
    node_link,
    render_tokens,
    table_html,
    unique_anchor,
)

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


class BodyRange(Struct, frozen=True):
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


class PageInputs(Struct):
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
    cache: Path | None = None
    """Where the package's own pages are kept between builds (`page_cache`), if anywhere."""

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
    for node in by_rank(nodes, context):
        where = inputs.where(node.id, node.section, context, "Stated")
        parts.append(_block(inputs, context, kind.name, node.id, tag, where))
    if ranked_kind:
        parts.append("</ol>\n")
    return RenderedPage("".join(parts), toc, kind.page.title)


def by_rank(nodes: Sequence[Node], context: PageContext) -> list[Node]:
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
    rows = []
    for node in inputs.model.of_kind(kind.name):
        name = node_link(node.id, context) if node.title else _linked_text(node, context)
        rows.append([name, *(_cell(node, f.name, f.type, context) for f in columns)])
    headers = [kind.label, *(f.label or f.name for f in columns)]
    # A table without a class of its own: the theme styles it and scrolls it in its own box.
    parts.append(table_html("cc-kind-table", headers, rows))
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
