"""The home page: the constitution's introduction, its core values with the priority diagram,
where to start reading, its chapters and reference pages, and the downloads and versions."""

from __future__ import annotations

from msgspec.structs import replace

from ..grammar.types import KindSpec
from ..links import slugify
from ..model import Chapter
from .pages import NAV_DEVELOPERS, NAV_REFERENCE, PageInputs, by_rank, heading, order_figure
from .render import (
    PageContext,
    RenderedPage,
    TocEntry,
    escape,
    render_tokens,
)


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
    nodes = by_rank(inputs.model.of_kind(kind.name), context)
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
