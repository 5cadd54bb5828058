"""Limits that keep parsing linear on hostile input: nesting depth, and the length of inline
text that is parsed (longer text is left unparsed and marked ``token.meta["too_long"]``).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

#: Deepest nesting of blocks (quotes, lists, annotations) and of inline markup that is parsed.
#: markdown-it drops block content nested deeper than this, so the extractor reports it (CC104);
#: it also bounds the parser's recursion, far below Python's recursion limit.
MAX_NESTING = 32
#: Longest paragraph (heading, table cell) whose inline markup is parsed. On hostile input such
#: as ``[a[a[a...`` markdown-it's link parser takes up to 2 x MAX_NESTING steps per character, so
#: a larger one is refused (CC104) instead of taking minutes. Real paragraphs are ~1,000.
MAX_INLINE_CHARS = 100_000


def _inline_limit_rule(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and len(token.content) > MAX_INLINE_CHARS:
            token.meta["too_long"] = len(token.content)
            token.content = ""


def inline_limit_plugin(md: MarkdownIt) -> None:
    """Leave inline text longer than MAX_INLINE_CHARS unparsed, marked for the extractor."""
    md.core.ruler.before("inline", "inline_limit", _inline_limit_rule)
