"""The Markdown dialect: CommonMark plus front matter, annotation fences, admonitions, tables
and trailing heading attributes, all parsed by one markdown-it-py instance.

Attribute grammar (Pandoc / kramdown / attr_list)::

    attributes <- '{' space* (attribute (space+ attribute)*)? space* '}'
    attribute  <- '#' name | '.' name | key '=' (bare | '"' quoted '"')
    key        <- [A-Za-z_][A-Za-z0-9_:-]*
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .diagnostics import shorten
from .model import Attributes

#: What an id may contain: letters, digits, `-` and `_`.
ID_PATTERN = re.compile(r"^[\w-]+$")

_ATTRIBUTE = re.compile(
    r"""\#(?P<id>[^\s{}#.="]+)
      | \.(?P<cls>[^\s{}#.="]+)
      | (?P<key>[A-Za-z_][\w:-]*)=(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s{}"]+))""",
    re.VERBOSE,
)
_SPACE = re.compile(r"\s+")
_LOOKS_LIKE_ATTRIBUTES = re.compile(r"^\s*(?:[#.]|[A-Za-z_][\w:-]*=)")
#: The kind of an annotation header and the white space around it. Every part is a run of
#: characters the next part cannot start with, so a match never backtracks (a regular expression
#: with optional parts between `\s*` runs took quadratic time on a header padded with spaces).
_ANNOTATION_KIND = re.compile(r"\s*(?P<kind>[^\s{}]*)\s*")


@dataclass(frozen=True, slots=True)
class AttributeError_:
    """A problem in an attribute list: where (0-based offset in the body) and what."""

    offset: int
    message: str
    code: str = "CC203"


def parse_attributes(body: str) -> tuple[Attributes, list[AttributeError_]]:
    """Parse the inside of ``{...}``; return what could be read and every problem found."""
    ident: str | None = None
    classes: list[str] = []
    values: list[tuple[str, str]] = []
    keys: set[str] = set()
    errors: list[AttributeError_] = []
    pos = 0
    end = len(body)
    while pos < end:
        space = _SPACE.match(body, pos)
        if space:
            pos = space.end()
            continue
        match = _ATTRIBUTE.match(body, pos)
        if match is None or (match.end() < end and not body[match.end()].isspace()):
            stop = _SPACE.search(body, pos)
            bad = body[pos : stop.start() if stop else end]
            if bad.startswith("#"):
                errors.append(
                    AttributeError_(
                        pos,
                        f"invalid id '{shorten(bad[1:])}'",
                        "CC208",
                    )
                )
            else:
                errors.append(AttributeError_(pos, f"cannot read attribute {shorten(bad)!r}"))
            pos = stop.end() if stop else end
            continue
        if match["id"] is not None:
            if ident is not None:
                errors.append(
                    AttributeError_(
                        pos, f"second id '#{shorten(match['id'])}' (already '#{shorten(ident)}')"
                    )
                )
            elif not ID_PATTERN.match(match["id"]):
                errors.append(
                    AttributeError_(
                        pos,
                        f"invalid id '{shorten(match['id'])}'",
                        "CC208",
                    )
                )
            else:
                ident = match["id"]
        elif match["cls"] is not None:
            classes.append(match["cls"])
        else:
            key = match["key"]
            value = match["quoted"] if match["quoted"] is not None else match["bare"]
            value = re.sub(r"\\(.)", r"\1", value)
            if key in keys:  # a set: a list scan is quadratic in a hostile, huge attribute list
                errors.append(AttributeError_(pos, f"attribute '{shorten(key)}' given twice"))
            elif key in ("id", "class"):
                errors.append(
                    AttributeError_(
                        pos, f"write '{'#' if key == 'id' else '.'}{shorten(value)}', not '{key}='"
                    )
                )
            else:
                values.append((key, value))
                keys.add(key)
        pos = match.end()
    return Attributes(ident, tuple(classes), tuple(values)), errors


@dataclass(frozen=True, slots=True)
class AnnotationInfo:
    """The parsed opening line of an annotation fence, ``::: kind {attributes}``."""

    kind: str
    attributes: Attributes
    errors: tuple[AttributeError_, ...]
    body_offset: int
    """Offset of the attribute body within the fence's info string (for columns)."""


def parse_annotation_info(info: str) -> AnnotationInfo:
    """Read ``kind {attributes}``: an optional kind, then optional attributes in braces."""
    match = _ANNOTATION_KIND.match(info)
    assert match is not None  # every part of the pattern may be empty
    kind, start, end = match["kind"], match.end(), len(info.rstrip())
    if start >= end:
        return AnnotationInfo(kind, Attributes(), (), 0)
    if info[start] != "{" or info[end - 1] != "}" or end - start < 2:
        return AnnotationInfo(
            "",
            Attributes(),
            (AttributeError_(0, f"cannot read annotation header {shorten(info.strip())!r}"),),
            0,
        )
    attributes, errors = parse_attributes(info[start + 1 : end - 1])
    return AnnotationInfo(kind, attributes, tuple(errors), start + 1)


def annotation_info(token: Token) -> AnnotationInfo:
    """The parsed header of a ``container_annotation_open`` token (parsed once, at parse time)."""
    info: AnnotationInfo | None = token.meta.get("annotation")
    if info is None:
        info = parse_annotation_info(token.info)
        token.meta["annotation"] = info
    return info


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
    if not _LOOKS_LIKE_ATTRIBUTES.match(body):
        return None
    return len(content[:opening].rstrip(" \t")), colon, body


def heading_attributes_plugin(md: MarkdownIt) -> None:
    """Trailing heading attributes, read before inline parsing so they never reach the text."""
    md.core.ruler.after("block", "heading_attributes", _heading_attributes_rule)


def _is_annotation(params: str, markup: str) -> bool:
    return bool(params.strip())


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


def _accept_every_link(url: str) -> bool:
    # Unsafe schemes are reported by the checks (CC207) instead of being silently left as text.
    return True


@cache
def parser() -> MarkdownIt:
    """The one shared parser; markdown-it instances are reusable across documents."""
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(container_plugin, name="annotation", validate=_is_annotation)
    md.use(admon_plugin)
    md.use(heading_attributes_plugin)
    md.use(inline_limit_plugin)
    md.validateLink = _accept_every_link  # type: ignore[method-assign]
    return md
