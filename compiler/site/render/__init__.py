"""HTML from the compiler's own markdown-it tokens, so the site shows exactly what the JSON holds.

Annotations become labelled blocks with permalinks, links to ids are resolved across pages, and
nothing from the source reaches the page unescaped. The renderer's rules are grouped by concern:
`blocks` (headings, code, tables), `annotations` (fences, spans, admonitions), `inline` (links,
text, images); `context` holds what a page is rendered with, `html` the escaping and small pieces.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from functools import lru_cache

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

from ...syntax import parser
from .annotations import (
    AnnotationRules,
    annotation_close,
    annotation_label,
    annotation_open,
    related_links,
)
from .blocks import BlockRules
from .code import highlight_code
from .context import (
    BlockExtras,
    NodeInfo,
    PageContext,
    RenderedPage,
    SiteIndex,
    TocEntry,
    inline_text,
    nest_toc,
)
from .html import (
    TABLE_CLASS,
    TOOLTIP_CHARS,
    breakable,
    escape,
    shorten,
    table_html,
    unique_anchor,
)
from .inline import InlineRules, node_link, resolve_link
from .state import _State

__all__ = [
    "TABLE_CLASS",
    "TOOLTIP_CHARS",
    "BlockExtras",
    "ConstitutionRenderer",
    "NodeInfo",
    "PageContext",
    "RenderedPage",
    "SiteIndex",
    "TocEntry",
    "annotation_close",
    "annotation_label",
    "annotation_open",
    "breakable",
    "escape",
    "highlight_code",
    "inline_text",
    "nest_toc",
    "node_link",
    "related_links",
    "render_markdown",
    "render_tokens",
    "resolve_link",
    "shorten",
    "table_html",
    "unique_anchor",
]


class ConstitutionRenderer(BlockRules, AnnotationRules, InlineRules, RendererHTML):
    """markdown-it's HTML renderer with rules for the compiler's dialect.

    Rules read and never modify the tokens: the same stream is the compiler's record of the spec.
    """


@lru_cache(maxsize=1)
def _renderer() -> ConstitutionRenderer:
    return ConstitutionRenderer()


def render_tokens(
    tokens: Sequence[Token], context: PageContext, heading_ids: Sequence[str] = ()
) -> RenderedPage:
    """Render a token stream; `heading_ids` gives the ids of its headings in order (made from the
    titles where missing)."""
    state = _State(context, set(), deque(heading_ids))
    body = _renderer().render(tokens, parser().options, {"cc": state})
    toc = nest_toc(state.headings)
    title = next((t for level, _, t in state.headings if level == 1), None)
    return RenderedPage(body, toc, title)


def render_markdown(text: str, context: PageContext) -> RenderedPage:
    """Parse Markdown with the compiler's dialect and render it (for pages outside the spec)."""
    return render_tokens(parser().parse(text, {}), context)
