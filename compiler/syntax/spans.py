"""Bracketed spans, Pandoc's ``[text]{#id .kind key=value}``: an annotation over a span of text
inside a paragraph (or over a whole list item, when the span is all the item's first paragraph
holds). An inline rule, tried before links::

    span   <- '[' label ']' '{' attributes '}'
    label  <- the text of a link label (balanced brackets, code spans and escapes respected)
    attributes <- as in `compiler.syntax.attributes`, starting like them ('#', '.' or 'key=')

It makes a ``span_open`` token (``meta``: ``attributes``, ``attribute_errors``, ``offset`` of
the ``[`` in the inline's content, ``body_offset`` of the attribute body), the label's inline
tokens, and a ``span_close`` token. Braces that do not start like attributes (``[x]{4}``) are
left as text. A span never holds a span: the inner brackets of ``[a [b]{.c} d]{.e}`` are the
outer label's text, and are reported by the extractor as an annotation it did not read.

Cost: the label is found by markdown-it's own ``parseLinkLabel`` (linear, the link rule's), the
attribute body by one scan to the next ``}`` outside quotes, capped at `MAX_ATTRIBUTES` characters.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from .attributes import LOOKS_LIKE_ATTRIBUTES, parse_attributes
from .dispatch import starts_with

MAX_ATTRIBUTES = 4000
"""The longest attribute body read after a span's ``]``."""
_CACHE = -1
"""The key, in the inline state's cache (keyed by positions, so never negative), of whether the
paragraph holds a ``]{`` at all: found once per paragraph, not once per bracket."""


def _closing_brace(src: str, start: int, stop: int) -> int:
    """The index of the ``}`` that closes attributes opened just before `start`, or -1; quoted
    values may hold braces."""
    quoted = False
    pos = start
    while pos < stop:
        char = src[pos]
        if quoted and char == "\\":
            pos += 2
            continue
        if char == '"':
            quoted = not quoted
        elif char == "}" and not quoted:
            return pos
        elif char == "\n" and not quoted and src[pos + 1 : pos + 2] == "\n":
            return -1
        pos += 1
    return -1


def _span_rule(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src[start] != "[" or state.env.get("in_span"):
        return False
    spans = state.cache.get(_CACHE)  # no "]{" in the paragraph: no span, whatever its links
    if spans is None:
        spans = state.cache[_CACHE] = int("]{" in src)
    if not spans:
        return False
    label_end = state.md.helpers.parseLinkLabel(state, start, False)
    if label_end < 0 or src[label_end + 1 : label_end + 2] != "{":
        return False
    body_start = label_end + 2
    close = _closing_brace(src, body_start, min(state.posMax, body_start + MAX_ATTRIBUTES))
    if close < 0:
        return False
    body = src[body_start:close]
    if not LOOKS_LIKE_ATTRIBUTES.match(body):
        return False
    if not silent:
        attributes, errors = parse_attributes(body)
        opening = state.push("span_open", "span", 1)
        opening.meta = {
            "attributes": attributes,
            "attribute_errors": errors,
            "offset": start,
            "body_offset": body_start,
        }
        old_max = state.posMax
        state.pos, state.posMax = start + 1, label_end
        state.env["in_span"] = True
        state.md.inline.tokenize(state)
        state.env["in_span"] = False
        state.posMax = old_max
        state.push("span_close", "span", -1)
    state.pos = close + 1
    return True


def spans_plugin(md: MarkdownIt) -> None:
    """Bracketed spans ``[text]{#id .kind key=value}``, read before links."""
    md.inline.ruler.before("link", "span", _span_rule)
    starts_with(_span_rule, "[")
