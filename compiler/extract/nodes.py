"""Nodes while they are read, and what closing one checks: its kind's typed fields (read by
`compiler.grammar.values.read_fields`), its title, its text and how much text it covers.

Nothing here names a kind: each node is read against its `KindSpec`, from the grammar.
"""

from __future__ import annotations

from msgspec import Struct, field

from ..diagnostics import Diagnostic
from ..grammar.types import FieldValue, Grammar, KindSpec, TitleSource
from ..grammar.values import read_fields
from ..model import Attributes, SourceSpan
from .blocks import BlockBuilder, has_content
from .ids import IdRegistry


class Context(Struct):
    """What every stage of one compile's extraction shares."""

    grammar: Grammar
    registry: IdRegistry
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def error(
        self, code: str, message: str, display: str, line: int, column: int, hint: str
    ) -> None:
        self.diagnostics.append(Diagnostic(code, message, display, line, column, hint))

    def register(self, ident: str, kind: str, display: str, span: SourceSpan) -> None:
        problem = self.registry.add(ident, kind, display, span)
        if problem is not None:
            self.diagnostics.append(problem)


class NodeBuilder(Struct, eq=False):
    """A section or an annotation while its file is walked."""

    kind: KindSpec | None
    """None for an annotation of an unknown kind (reported): its text goes nowhere."""
    id: str | None
    granularity: str
    attributes: Attributes
    source: SourceSpan
    display: str
    parent: NodeBuilder | None
    section: NodeBuilder | None
    header: tuple[int, int, str] = (0, 1, "")
    """Where its attributes are written: line, column of their start, and the raw line (to
    point at a ``key=`` in it)."""
    blocks: list[BlockBuilder] = field(default_factory=list)
    title: str | None = None
    level: int | None = None
    auto_id: bool = False
    normative: bool = True
    lead: str | None = None
    """The bold phrase that opens its text, if any."""
    seen_inline: bool = False
    fields: dict[str, FieldValue] = field(default_factory=dict)
    extra: tuple[tuple[str, str], ...] = ()
    closed: bool = False

    @property
    def kept(self) -> bool:
        """True when it becomes a node of the model (its kind and id are known)."""
        return self.kind is not None and self.id is not None


def close_node(context: Context, node: NodeBuilder) -> None:
    """Read the node's fields and title against its kind, and report what is wrong with it."""
    node.closed = True
    kind, ident = node.kind, node.id
    if kind is None or ident is None:
        return
    line, column, raw = node.header
    values = read_fields(kind, node.attributes)
    node.fields = dict(values.fields)
    node.extra = values.extra
    for key, problem in values.problems:
        at = _key_column(raw, key, column) if key is not None else node.source.column
        message = problem.message
        if message.startswith(f"{kind.name} "):
            message = f"{kind.name} '{ident}' {message[len(kind.name) + 1 :]}"
        else:
            message = f"{kind.name} '{ident}': {message}"
        where = line if key is not None else node.source.line
        context.error(problem.code, message, node.display, where, at, problem.hint)
    if TitleSource.HEADING not in kind.title.sources:
        node.title = _title(kind, values.title, node.lead)
        if node.title is None and kind.title.required:
            attribute = kind.title.attribute
            hint = (
                f"start the text with '**Title**:' or add {attribute}=\"...\""
                if TitleSource.LEAD in kind.title.sources
                else f'add {attribute}="..."'
            )
            context.error(
                "CC306",
                f"{kind.name} '{ident}' has no {attribute}",
                node.display,
                node.source.line,
                node.source.column,
                hint,
            )
        if not has_content(node.blocks):
            context.error(
                "CC305",
                f"{kind.name} '{ident}' has no text",
                node.display,
                node.source.line,
                node.source.column,
                f"write the {kind.name}'s text",
            )


def _title(kind: KindSpec, attribute: str | None, lead: str | None) -> str | None:
    for source in kind.title.sources:
        if source is TitleSource.ATTRIBUTE and attribute:
            return attribute
        if source is TitleSource.LEAD and lead:
            return lead
    return None


def _key_column(raw: str, key: str, default: int) -> int:
    """The column of ``key=`` in the line that holds the attributes (from `default` on)."""
    found = raw.find(f"{key}=", max(default - 1, 0))
    if found > 0 and raw[found - 1] not in " \t{":
        found = raw.find(f" {key}=", max(default - 1, 0)) + 1 or found
    return found + 1 if found >= 0 else default
