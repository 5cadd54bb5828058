"""The nodes of a compiled document as the differ sees them, read through the typed model
(`compiler.document`): a document of schema 1.x (release 1.0.0) and one of 2.0.0 both become a
`Document`, whose nodes have their own text (children's text is in the children), their parent
and typed fields, so that the differ compares content, never the format it was written in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from msgspec import Struct

from ..document import (
    Admonition,
    Block,
    Code,
    Document,
    DocumentInfo,
    Paragraph,
    Table,
    block_text,
    from_json,
    read_pair,
    walk_blocks,
)
from ..document import Node as ModelNode
from ..grammar.types import FieldValue, Form, KindSpec
from .result import Position
from .rules import BINDING, HEADING, KINDS


def as_document(data: Document | Mapping[str, Any]) -> Document:
    """The typed model of `data`: a `Document` as it is, a compiled JSON document of either
    schema read by `from_json`, and nothing (``{}``, before a first release) as an empty one."""
    if isinstance(data, Document):
        return data
    if not data:
        return EMPTY
    return from_json(data)


def as_documents(
    old: Document | Mapping[str, Any], new: Document | Mapping[str, Any]
) -> tuple[Document, Document]:
    """Both sides as `as_document` reads each; two compiled JSON documents are read together
    (`read_pair`: the nodes they share are read once, as one model)."""
    if isinstance(old, Mapping) and isinstance(new, Mapping) and old and new:
        return read_pair(old, new)
    return as_document(old), as_document(new)


EMPTY = Document(
    DocumentInfo(None, None, MappingProxyType({}), MappingProxyType({}), ()),
    MappingProxyType({}),
    (),
)


class Node(Struct, eq=False):
    """A node as the diff sees it. Equal only to itself (the diff pairs nodes by identity); its
    document and the caches below are filled in as the diff asks for them."""

    kind: str
    id: str
    model: ModelNode
    index: int
    """Position in document order."""
    spec: KindSpec | None = None
    """Its kind as its document's grammar declares it (its label, whether it is binding)."""
    document: Document | None = None
    """The document it is in: where the annotations written inside it are (`children`)."""
    _children: tuple[tuple[int, int], ...] | None = None
    _spans: tuple[tuple[str, int, int], ...] | None = None

    @property
    def children(self) -> tuple[tuple[int, int], ...]:
        """The first and last source lines of the annotations written directly inside it, in
        order: where its own text skips lines. Found when first asked (only a changed node's
        place in its text is asked for)."""
        if self._children is None:
            self._children = _child_lines(self.document, self.model)
        return self._children

    @property
    def spans(self) -> tuple[tuple[str, int, int], ...]:
        """The span nodes written inside its paragraphs: (id, start, end) in its own text, whose
        changes are the span nodes' own (`compiler.diff.differ`). Found when first asked (only
        for a node whose text changed)."""
        if self._spans is None:
            self._spans = _spans(self.model)
        return self._spans

    @property
    def own_text(self) -> str:
        """Its own text: the annotations nested in it are diffed as themselves."""
        return self.model.text

    @property
    def position(self) -> Position:
        return Position(self.model.source.file, self.model.source.line)

    def position_at(self, offset: int) -> Position:
        """Where the character at `offset` of its own text was written: the node's first line
        of text (after its heading or its fence), the lines of its own text before `offset`
        and those its text leaves out (`_unwritten`), and the lines of the annotations nested
        before that. Exact for paragraphs, code blocks and call-outs; lists written more densely
        than their text make it approximate."""
        where = self.position
        if not where.line:
            return where
        line = where.line + {"heading": 2, "block": 1}.get(self.model.granularity, 0)
        line += self.own_text.count("\n", 0, offset) + _unwritten(self.model.blocks, offset)
        for first, last in self.children:
            if first > line:
                break
            line += last - first + 2  # the child's lines and the blank line after it
        return Position(where.file, line)

    @property
    def label(self) -> str:
        """The title or term, for content matching."""
        return self.model.title or ""

    @property
    def explicit_id(self) -> bool:
        return not self.model.auto_id

    @property
    def binding(self) -> bool:
        """Binding when its kind's binding field has the binding value (a hard constraint), or
        when its kind is declared binding (`KindSpec.binding`): its text is the rule."""
        rule = BINDING.get(self.kind)
        if rule is not None:
            return self.model.fields.get(rule[0]) == rule[1]
        return self.spec is not None and self.spec.binding

    @property
    def kind_label(self) -> str:
        """How its grammar names its kind (``Instructable behavior``); the kind's name when it
        names none."""
        return self.spec.label if self.spec is not None and self.spec.label else self.kind

    @property
    def parent(self) -> str | None:
        """A section's parent section (None at the top)."""
        return self.model.parent

    @property
    def section(self) -> str | None:
        """An annotation's section."""
        return self.model.section

    @property
    def level(self) -> int:
        return self.model.level or 1

    def field(self, name: str) -> FieldValue | None:
        return self.model.fields.get(name)

    def ids(self, name: str) -> list[str]:
        """A reference field's ids, in order (an order's levels flattened)."""
        value = self.model.fields.get(name)
        if not isinstance(value, tuple):
            return []
        return [str(i) for item in value for i in (item if isinstance(item, tuple) else (item,))]


#: Forms whose nodes the node-by-node comparison leaves to rules of their own.
_OWN_RULES = frozenset({Form.LINK, Form.EXAMPLE})


def diff_kinds(*documents: Document) -> dict[str, KindSpec | None]:
    """The kinds the differ compares, in the order it reports them: the built-in ones
    (`KINDS`), then every other kind the documents' grammars declare (the new document's first,
    in declaration order). Links (references) are not nodes: they are compared as links; worked
    examples and prompts are compared by their own rules (`compiler.diff.example_rules`)."""
    found: dict[str, KindSpec | None] = {kind: None for kind in KINDS}
    for document in documents:
        for spec in document.kinds.values():
            if spec.form not in _OWN_RULES and found.get(spec.name) is None:
                found[spec.name] = spec
    return found


def nodes(document: Document, kinds: Iterable[str]) -> dict[str, dict[str, Node]]:
    """kind -> id -> node, for each of `kinds` (`diff_kinds`), in document order."""
    result: dict[str, dict[str, Node]] = {kind: {} for kind in kinds}
    specs = document.kinds
    for index, model in enumerate(document.nodes):
        by_id = result.get(model.kind)
        if by_id is None or model.id in by_id:
            continue
        by_id[model.id] = Node(model.kind, model.id, model, index, specs.get(model.kind), document)
    return result


def _child_lines(document: Document | None, model: ModelNode) -> tuple[tuple[int, int], ...]:
    """The first and last lines of the annotations written directly inside `model`, in order
    (those of its file: a prompts file is elsewhere)."""
    if document is None:
        return ()
    return tuple(
        sorted(
            (child.source.line, max(child.source.end_line, child.source.line))
            for child in document.children(model.id)
            if child.kind != HEADING and child.text and child.source.file == model.source.file
        )
    )


#: The lines of a block that its text leaves out: a code block's fences, a call-out's first line
#: (``!!! note``), a table's separator row.
_UNWRITTEN: dict[type, int] = {Code: 2, Admonition: 1, Table: 1}


def _unwritten(blocks: Iterable[Block], offset: int) -> int:
    """The lines written before `offset` of the text of `blocks` (`blocks_text`) that the
    text leaves out: all of them for the blocks before the one that holds it, its first one
    for that block."""
    lines = at = 0
    for block in blocks:
        text = block_text(block)
        if not text:
            continue
        if at:
            at += 2  # the blank line between blocks
        if at > offset:
            break
        missing = _UNWRITTEN.get(type(block), 0)
        at += len(text)
        lines += missing if at < offset else min(missing, 1)
    return lines


def _spans(model: ModelNode) -> tuple[tuple[str, int, int], ...]:
    """Where the span nodes annotated in `model`'s paragraphs stand in its own text: each
    paragraph that holds one is found in the text after the one before it (its own text joins
    its paragraphs' texts as they are), its parts in it."""
    found: list[tuple[str, int, int]] = []
    at = 0
    # Its paragraphs in reading order (a child node's are in the child).
    for paragraph in walk_blocks(model.blocks):
        if not isinstance(paragraph, Paragraph):
            continue
        start = model.text.find(paragraph.text, at) if paragraph.parts else -1
        if start < 0:
            continue
        at = start
        for part in paragraph.parts:
            if part.node is not None:
                found.append((part.node, at, at + len(part.text)))
            at += len(part.text)
        at = start + len(paragraph.text)
    return tuple(found)
