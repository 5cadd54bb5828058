"""How a diff reports a change: the state of one diff (the two documents, the kinds compared,
the levels in force, the renames found) and `Reporter`, whose methods turn a difference into a
`Change` at its level, a node's text changes into one entry per changed sentence (`hunks`), and
leave out what a more specific node reports (a span node's sentence)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..document import Document
from ..document import Node as ModelNode
from ..model import SourceSpan
from .hunks import Hunk, Nature, classified_hunks, together
from .match import Pair
from .nodes import Node, diff_kinds, nodes
from .redline_views import starts
from .redlines import SKIP, Segment, redline
from .result import Change, Position
from .rules import DOCUMENT, KINDS, Facts, IgnoreEntry, Levels, node_rule
from .words import is_editorial


class Reporter:
    """One diff's state, and how it reports each change (`compiler.diff.differ` compares)."""

    def __init__(self, old: Document, new: Document, levels: Levels) -> None:
        self.old_doc, self.new_doc = old, new
        self.levels = levels
        self.ignored: list[tuple[Change, IgnoreEntry]] = []
        self.kinds = list(diff_kinds(new, old))
        """Every kind compared, in the order changes are reported: built-in, then declared."""
        self.kind_order = {kind: rank for rank, kind in enumerate(self.kinds)}
        self.old_nodes, self.new_nodes = nodes(old, self.kinds), nodes(new, self.kinds)
        self.old_links, self.new_links = _links_by_origin(old), _links_by_origin(new)
        self.changes: list[tuple[tuple[int, int, int], Change]] = []
        self.pairs: dict[str, list[Pair]] = {}
        self.renamed: dict[str, str] = {}
        """Old id -> new id, for every renamed node (to compare lists of ids)."""

    def _emit(
        self,
        rule: str,
        node: Node,
        message: str,
        *,
        pair: Pair | None = None,
        binding: bool | None = None,
        field_name: str | None = None,
        old_value: Any = None,
        new_value: Any = None,
        segments: tuple[Segment, ...] = (),
        old_position: Position | None = None,
        new_position: Position | None = None,
        ordered: tuple[str, str] | None = None,
    ) -> None:
        """Report a change at the level in force for it (`binding` overrides whether the node
        counts as binding), unless the project ignores it."""
        first = node if pair is None else pair.old
        if pair is not None:
            old_position = old_position or pair.old.position
            new_position = new_position or pair.new.position
            if binding is None:
                binding = pair.old.binding or pair.new.binding
        facts = Facts(
            kind=node.kind,
            field=field_name,
            binding=node.binding if binding is None else binding,
            auto_id=not first.explicit_id,
        )
        old_id = pair.old.id if pair is not None and pair.renamed else None
        change = Change(
            rule=rule,
            level=self.levels.level(rule, facts),
            kind=node.kind,
            kind_label=node.kind_label if node.kind != DOCUMENT else "Document",
            id=node.id,
            message=message,
            old_id=old_id,
            field=field_name,
            old_value=old_value,
            new_value=new_value,
            old=old_position,
            new=new_position,
            redline=segments,
            ordered=ordered,
        )
        ignored = self.levels.ignored(rule, (node.id, old_id))
        if ignored is not None:
            self.ignored.append((change, ignored))
            return
        side = 0 if new_position is not None else 1
        kind_rank = self.kind_order.get(node.kind, -1)  # the document itself comes first
        self.changes.append(((kind_rank, side, node.index), change))

    def _map(self, ident: str) -> str:
        return self.renamed.get(ident, ident)

    def _added(self, node: Node) -> None:
        self._one_side(node, "added", "insert")

    def _removed(self, node: Node) -> None:
        self._one_side(node, "removed", "delete")

    def _one_side(self, node: Node, what: str, op: str) -> None:
        """A node only one side has: its text whole, as inserted or deleted."""
        self._emit(
            node_rule(node.kind, what),
            node,
            f"{named(node)} '{node.id}' {what}{titled(node)}",
            segments=(Segment(op, node.own_text),) if node.own_text else (),
            old_position=node.position if op == "delete" else None,
            new_position=node.position if op == "insert" else None,
        )

    # --- one matched node ------------------------------------------------------------------

    def _text_change(
        self,
        rule: str,
        node: Node,
        pair: Pair | None,
        field_name: str,
        old_text: str,
        new_text: str,
        message: str | None = None,
    ) -> None:
        if old_text == new_text:
            return
        segments = redline(old_text, new_text)
        if field_name == "text" and pair is not None:
            self._sentences(rule, pair, segments)
            return
        editorial = is_editorial(old_text, new_text)
        self._emit(
            "text-editorial" if editorial else rule,
            node,
            (message or f"{named(node)} '{node.id}': {field_name} changed")
            + (" (wording only)" if editorial else ""),
            pair=pair,
            field_name=field_name,
            segments=segments,
        )

    def _sentences(self, rule: str, pair: Pair, segments: tuple[Segment, ...]) -> None:
        """A node's text changes, one entry per changed sentence (`hunks`), each where it is:
        a rewording at `rule`, an editorial edit as ``text-editorial``; the changes of
        typography alone (quotes, spaces) together, as one ``text-editorial``."""
        parts = [
            (part, nature)
            for part, nature in classified_hunks(segments)
            if not self._in_spans(pair, part)
        ]
        typography = [part for part, nature in parts if nature is Nature.TYPOGRAPHY]
        entries: list[tuple[tuple[Segment, ...], Hunk, Nature]] = [
            (part.segments, part, nature)
            for part, nature in parts
            if nature is not Nature.TYPOGRAPHY
        ]
        if typography:
            entries.append((together(typography), typography[0], Nature.TYPOGRAPHY))
            entries.sort(key=lambda entry: entry[1].new_at)
        what = f"{named(pair.new)} '{pair.new.id}': text changed"
        for shown, part, nature in entries:
            self._emit(
                rule if nature is Nature.WORDING else "text-editorial",
                pair.new,
                what + _NATURE_NOTES[nature],
                pair=pair,
                field_name="text",
                segments=shown,
                old_position=pair.old.position_at(part.old_at),
                new_position=pair.new.position_at(part.new_at),
            )

    def _in_spans(self, pair: Pair, part: Hunk) -> bool:
        """True when every edit of `part` lies inside one span node annotated in the text, on
        both sides: the span node reports it as its own change (the more specific one)."""
        if not pair.old.spans or not pair.new.spans:
            return False
        old_spans = {self._map(i): (start, end) for i, start, end in pair.old.spans}
        new_spans = {i: (start, end) for i, start, end in pair.new.spans}
        at = starts(part.segments)
        inside: set[str] | None = None
        for segment, (old_at, new_at) in zip(part.segments, at, strict=True):
            if segment.op in ("equal", SKIP):
                continue
            if segment.partner >= 0:
                return False
            old_end = old_at + (len(segment.text) if segment.op == "delete" else 0)
            new_end = new_at + (len(segment.text) if segment.op == "insert" else 0)
            holding = {
                i
                for i, (start, end) in new_spans.items()
                if start <= new_at
                and new_end <= end
                and i in old_spans
                and old_spans[i][0] <= old_at
                and old_end <= old_spans[i][1]
            }
            inside = holding if inside is None else inside & holding
            if not inside:
                return False
        return bool(inside)


#: The document itself, as the node its changes are reported on.
ANCHOR = ModelNode(
    "", DOCUMENT, None, None, "document", None, None, False, "", (), {}, (), {}, SourceSpan("", 0)
)


_NATURE_NOTES = {
    Nature.WORDING: "",
    Nature.EDITORIAL: " (wording only)",
    Nature.TYPOGRAPHY: " (typography only)",
}


def named(node: Node) -> str:
    """How a change names a node's kind: a built-in kind by its name, as its rules do
    (``property``); a kind the spec declares by its label (``Instructable behavior``)."""
    return node.kind if node.kind in KINDS else node.kind_label


def lowered(words: str) -> str:
    """A kind's plural inside a sentence: ``core values`` (an acronym keeps its case)."""
    return words if words[1:2].isupper() else words[:1].lower() + words[1:]


def titled(node: Node) -> str:
    return f" ({node.label!r})" if node.label else ""


def under(parent: str | None) -> str:
    return f"'{parent}'" if parent else "the top level"


def shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return " ".join(str(v) for v in value) or "(none)"
    return str(value)


def _links_by_origin(document: Document) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for reference in document.references:
        if reference.origin is not None:
            result[reference.origin].append(reference.target)
    return result
