"""The nodes of a compiled document as the differ sees them: kind, id, data, document order and
own text (without the text of the annotations nested in it, which are diffed as themselves)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .result import Position
from .rules import KINDS, is_binding


@dataclass(slots=True)
class Node:
    kind: str
    id: str
    data: Mapping[str, Any]
    index: int
    """Position in document order (sections first, then each kind's list)."""
    own_text: str
    """The node's text without the text of annotations nested in it (reported separately)."""
    children: tuple[tuple[int, int], ...] = ()
    """The first and last source lines of the annotations written directly inside it, in
    order: where its own text skips lines."""

    @property
    def position(self) -> Position:
        source = self.data.get("source") or {}
        return Position(str(source.get("file", "")), int(source.get("line", 0)))

    def position_at(self, offset: int) -> Position:
        """Where the character at `offset` of its own text was written: the node's first line
        of text (after its heading or its fence), the lines of its own text before `offset`,
        and the lines of the annotations nested before that."""
        where = self.position
        if not where.line:
            return where
        line = where.line + (2 if self.kind == "section" else 1)
        line += self.own_text.count("\n", 0, offset)
        for first, last in self.children:
            if first > line:
                break
            line += last - first + 2  # the child's lines and the blank line after it
        return Position(where.file, line)

    @property
    def label(self) -> str:
        """The title or term, for content matching."""
        return str(self.data.get("title") or self.data.get("term") or "")

    @property
    def explicit_id(self) -> bool:
        return not self.data.get("auto_id", False)

    @property
    def binding(self) -> bool:
        return is_binding(self.kind, self.data)


def nodes(document: Mapping[str, Any]) -> dict[str, dict[str, Node]]:
    """kind -> id -> node, with each node's own text computed."""
    annotations = [
        (kind, data)
        for kind, key in KINDS.items()
        if kind != "section"
        for data in document.get(key) or []
    ]
    nested = _nested_texts(annotations)
    result: dict[str, dict[str, Node]] = {}
    index = 0
    for kind, key in KINDS.items():
        by_id: dict[str, Node] = {}
        for data in document.get(key) or []:
            ident = str(data["id"])
            text = str(data.get("text") or "")
            inner = nested.get((kind, ident), ())
            for inner_text, _ in inner:
                text = text.replace(inner_text, "", 1)
            spans = tuple(sorted(span for _, span in inner))
            by_id[ident] = Node(kind, ident, data, index, _tidy(text) if inner else text, spans)
            index += 1
        result[kind] = by_id
    return result


def _tidy(text: str) -> str:
    """Collapse the blank lines left where nested text was taken out."""
    return _BLANK_LINES.sub("\n\n", text).strip()


_BLANK_LINES = re.compile(r"\n{3,}")


def _span(data: Mapping[str, Any]) -> tuple[str, int, int]:
    source = data.get("source") or {}
    line = int(source.get("line", 0))
    return str(source.get("file", "")), line, max(int(source.get("end_line", line)), line)


def _nested_texts(
    annotations: Sequence[tuple[str, Mapping[str, Any]]],
) -> dict[tuple[str, str], list[tuple[str, tuple[int, int]]]]:
    """(kind, id) -> texts and source lines of the annotations written directly inside that
    node.

    Annotations inside a section are part of the section's text, and nested annotations part of
    the enclosing one's; each is diffed once, as itself. Only direct children are listed: a
    grandchild's text goes with its parent's.
    """
    result: dict[tuple[str, str], list[tuple[str, tuple[int, int]]]] = defaultdict(list)
    ordered = sorted(
        ((_span(data), kind, data) for kind, data in annotations),
        key=lambda item: (item[0][0], item[0][1], -item[0][2]),
    )
    enclosing: list[tuple[tuple[str, int, int], str, Mapping[str, Any]]] = []
    for span, kind, data in ordered:
        while enclosing and not (enclosing[-1][0][0] == span[0] and enclosing[-1][0][2] >= span[2]):
            enclosing.pop()
        text = str(data.get("text") or "")
        lines = (span[1], span[2])
        if text and enclosing:
            _, outer_kind, outer = enclosing[-1]
            result[(outer_kind, str(outer["id"]))].append((text, lines))
        elif text and data.get("section") is not None:
            result[("section", str(data["section"]))].append((text, lines))
        enclosing.append((span, kind, data))
    return result
