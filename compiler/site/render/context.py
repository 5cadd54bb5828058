"""What the renderer knows about the whole spec (`SiteIndex`) and about the page it renders
(`PageContext`), and what it gives back (`RenderedPage`, `TocEntry`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from markdown_it.token import Token
from msgspec import Struct, field

from ...document import Document
from ...grammar.types import FieldType, FieldValue, Form, KindSpec, TitleSource
from .html import shorten


class NodeInfo(Struct):
    """One id of the spec: its kind, the file that defines it, and how to name and describe it."""

    kind: str
    file: str
    title: str
    tooltip: str = ""
    rank: int | None = None
    """Its rank, for a node of a ranked kind (a property's ``rank``)."""
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    links: tuple[tuple[str, tuple[str, ...], bool], ...] = ()
    """What the node's reference fields name: (the field's label, ids, is it an order)."""


class SiteIndex(Struct):
    """Every id of a compiled spec, the kinds, and the back links, for rendering."""

    nodes: dict[str, NodeInfo] = field(default_factory=dict)
    kinds: Mapping[str, KindSpec] = field(default_factory=dict)
    backlinks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Node id -> (label of the link back, e.g. 'Justified by'; id of the node naming it)."""
    headings: dict[str, list[str]] = field(default_factory=dict)
    """Spec file -> ids of its sections, in order (the file's preamble section first, if any)."""
    page_kinds: dict[str, str] = field(default_factory=dict)
    """Kind name -> the path of the page the site generates for it."""

    @classmethod
    def from_model(cls, doc: Document | None) -> SiteIndex:
        index = cls()
        if doc is None:
            return index
        index.kinds = doc.kinds
        ranked = {
            k.order.ranked_by.kind: k.order.ranked_by.field
            for k in doc.kinds.values()
            if k.order is not None and k.order.ranked_by is not None
        }
        for node in doc.nodes:
            kind = doc.kinds[node.kind]
            if kind.form is Form.HEADING:
                index.headings.setdefault(node.source.file, []).append(node.id)
            titled = bool({TitleSource.ATTRIBUTE, TitleSource.LEAD} & set(kind.title.sources))
            rank = node.fields.get(ranked.get(node.kind, ""))
            rank = rank if isinstance(rank, int) and not isinstance(rank, bool) else None
            title = node.title or _id_title(node.id)
            if titled:
                words = f"{title} ({ranked[node.kind]} {rank})" if rank is not None else title
                tooltip = shorten(f"{words}: {node.text}")
            else:
                tooltip = shorten(node.text) if kind.form is not Form.HEADING else ""
            links = []
            for spec in kind.fields:
                value = node.fields.get(spec.name)
                if spec.type is not FieldType.REFERENCE or value is None:
                    continue
                ids = _flat(value)
                links.append((spec.label or spec.name, ids, spec.ordered))
                if spec.inverse:
                    for target in ids:
                        index.backlinks.setdefault(target, []).append((spec.inverse, node.id))
            index.nodes[node.id] = NodeInfo(
                node.kind, node.source.file, title, tooltip, rank, node.fields, tuple(links)
            )
        return index

    def title(self, ident: str) -> str:
        node = self.nodes.get(ident)
        return node.title if node else ident

    def ranked(self, kind: str) -> bool:
        """True for a kind whose nodes an order ranks by a field (a property's ``rank``)."""
        return any(
            k.order is not None and k.order.ranked_by is not None and k.order.ranked_by.kind == kind
            for k in self.kinds.values()
        )

    def hover(self, kind: str) -> bool:
        """True for kinds whose links show the node's text on hover: titled ones (a property, a
        definition), whose text is short; constraints and rationales are long."""
        spec = self.kinds.get(kind)
        if spec is None or spec.form is not Form.ANNOTATION:
            return False
        return bool({TitleSource.ATTRIBUTE, TitleSource.LEAD} & set(spec.title.sources))


def _flat(value: FieldValue) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return tuple(
            i for item in value for i in (_flat(item) if isinstance(item, tuple) else (str(item),))
        )
    return (str(value),)


def _id_title(ident: str) -> str:
    """A readable name for a node that has no title: `why-safety-first` -> `Why safety first`."""
    words = re.sub(r"[-_]+", " ", ident).strip()
    return words[:1].upper() + words[1:] if words else ident


# --- one page -----------------------------------------------------------------------------------


class TocEntry(Struct):
    """A heading of the page, for the table of contents."""

    level: int
    id: str
    title: str
    """Plain text."""
    children: list[TocEntry] = field(default_factory=list)


class BlockExtras(Protocol):
    """What another package shows in place of a fence, or after a paragraph (the worked
    examples and prompts of `compiler.examples.render.ExamplesView`)."""

    def fence(self, file: str | None, last_line: int) -> str | None: ...

    def after_paragraph(self, file: str | None, first: int, last: int) -> str: ...


class PageContext(Struct):
    """Where the page being rendered lives, and how to reach the others."""

    index: SiteIndex
    file: str | None
    """The spec file this page shows (its ids are local), or None for a generated page."""
    url_of_file: Callable[[str], str | None]
    """Spec-relative file (`a/b.md`) -> its URL relative to this page, or None if not in the site."""
    page_urls: Mapping[str, str] = field(default_factory=dict)
    """Kind name -> URL of the page the site generates for the kind, relative to this page."""
    anchors: bool = True
    """False to leave out ids and permalinks (when a block is shown again on a generated page)."""
    highlight: bool = False
    """Colour code blocks with Pygments at build time (costs time on code-heavy documents)."""
    extras: BlockExtras | None = None
    """Worked examples shown as conversations, prompts after their passage (issue 16)."""

    def url_of_id(self, ident: str) -> str | None:
        node = self.index.nodes.get(ident)
        if node is None:
            return None
        if self.anchors and node.file == self.file:
            return f"#{ident}"
        base = self.url_of_file(node.file)
        return None if base is None else f"{base}#{ident}"


class RenderedPage(Struct):
    html: str
    toc: list[TocEntry]
    title: str | None
    """Text of the first level-1 heading, if any."""


def nest_toc(headings: Sequence[tuple[int, str, str]]) -> list[TocEntry]:
    """A table of contents from (level, id, title) triples in page order."""
    root: list[TocEntry] = []
    stack: list[TocEntry] = []
    for level, ident, title in headings:
        entry = TocEntry(level, ident, title)
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else root).append(entry)
        stack.append(entry)
    return root


def inline_text(token: Token) -> str:
    """Plain text of an inline token, as the extractor reads it."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()
