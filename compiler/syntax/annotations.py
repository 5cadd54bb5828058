"""Annotation fences, a markdown-it container named ``annotation``::

    fence  <- ':::' space* kind? space* attributes? newline body ':::'
    kind   <- (any character but a blank or a brace)+

A fence with nothing after ``:::`` is not an annotation. The header is parsed once, at parse time,
into ``token.meta["annotation"]`` (see `annotation_info`).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from msgspec import Struct

from ..diagnostics import shorten
from ..model import Attributes
from .attributes import AttributeError_, parse_attributes
from .dispatch import rule_named, starts_with

MARKER = ":"
"""The fence character (three or more open and close an annotation)."""

#: The kind of an annotation header and the white space around it. Every part is a run of
#: characters the next part cannot start with, so a match never backtracks (a regular expression
#: with optional parts between `\s*` runs took quadratic time on a header padded with spaces).
_ANNOTATION_KIND = re.compile(r"\s*(?P<kind>[^\s{}]*)\s*")


class AnnotationInfo(Struct, frozen=True):
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


def _is_annotation(params: str, markup: str) -> bool:
    return bool(params.strip())


def annotations_plugin(md: MarkdownIt) -> None:
    """Annotation fences: ``::: kind {attributes}`` ... ``:::``."""
    md.use(container_plugin, name="annotation", marker=MARKER, validate=_is_annotation)
    starts_with(rule_named(md.block.ruler, "container_annotation"), MARKER)
