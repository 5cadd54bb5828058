"""The Markdown dialect: CommonMark plus front matter, annotation fences, admonitions, tables
trailing heading attributes and bracketed spans, all parsed by one markdown-it-py instance.

One markdown-it plugin per extension, each with its grammar in its docstring: `attributes`,
`headings`, `annotations`, `spans`, `limits`; `dispatch` asks each rule only where it can match
(the same tokens, with a fraction of the calls); `parser()` puts them together.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .annotations import annotations_plugin
from .dispatch import dispatch_plugin
from .headings import heading_attributes_plugin
from .limits import MAX_NESTING, inline_limit_plugin
from .spans import spans_plugin


def _accept_every_link(url: str) -> bool:
    # Unsafe schemes are reported by the checks (CC207) instead of being silently left as text.
    return True


@cache
def parser() -> MarkdownIt:
    """The one shared parser; markdown-it instances are reusable across documents."""
    return build_parser()


def build_parser(*, dispatch: bool = True) -> MarkdownIt:
    """A new parser of the dialect. `dispatch=False` leaves out `dispatch` (the rules are then
    asked everywhere, as markdown-it does): the same tokens, more slowly; the reference the
    tests hold the dispatching parser to."""
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(annotations_plugin)
    md.use(admon_plugin)
    md.use(heading_attributes_plugin)
    md.use(spans_plugin)
    md.use(inline_limit_plugin)
    if dispatch:
        md.use(dispatch_plugin)
    md.validateLink = _accept_every_link  # type: ignore[method-assign]
    return md
