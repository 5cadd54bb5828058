"""Trailing heading attributes::

    heading <- '#'+ space text space+ attributes space*

The attributes (see `compiler.syntax.attributes`) move from the heading's text into
``token.meta`` before inline parsing, so they never reach the text.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from .annotations import parse_annotation_info
from .attributes import LOOKS_LIKE_ATTRIBUTES, AttributeError_, parse_attributes


def _heading_attributes_rule(state: StateCore) -> None:
    """Move a heading's trailing ``{#id .class key=value}`` from its text into ``token.meta``,
    and parse each annotation header once, for every later reader of the tokens."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open":
            if token.type == "container_annotation_open":
                token.meta["annotation"] = parse_annotation_info(token.info)
            continue
        inline = tokens[index + 1]
        content = inline.content
        if not content.endswith("}"):
            continue
        found = _trailing_attributes(content)
        if found is None:
            continue
        start, colon, body = found
        attributes, errors = parse_attributes(body)
        if colon:
            # attr_list's `{: #id}` form: error offsets count from the brace, colon included.
            errors = [AttributeError_(e.offset + len(colon), e.message, e.code) for e in errors]
        inline.content = content[:start]
        token.meta["attributes"] = attributes
        token.meta["attribute_errors"] = errors
        token.meta["attribute_source"] = content[start:].strip()


def _trailing_attributes(content: str) -> tuple[int, str, str] | None:
    """A heading's trailing ``{body}`` or ``{: body}`` (no braces inside), taken as attributes
    only when it starts like them: (where the braces and the blanks before them start, the colon
    with its blanks, the body). Found with `rfind`, in linear time: a regular expression searched
    from each blank of a long run of them took quadratic time."""
    closing = len(content.rstrip(" \t")) - 1
    opening = content.rfind("{", 0, closing)
    if closing < 0 or content[closing] != "}" or opening < 0:
        return None
    if "}" in content[opening + 1 : closing]:
        return None
    body = content[opening + 1 : closing]
    colon = ""
    if body.startswith(":"):
        colon = body[: len(body) - len(body[1:].lstrip(" \t"))]
        body = body[len(colon) :]
    if not LOOKS_LIKE_ATTRIBUTES.match(body):
        return None
    return len(content[:opening].rstrip(" \t")), colon, body


def heading_attributes_plugin(md: MarkdownIt) -> None:
    """Trailing heading attributes, read before inline parsing so they never reach the text."""
    md.core.ruler.after("block", "heading_attributes", _heading_attributes_rule)
