"""The differ: matches the nodes of two compiled documents, then compares each matched pair
field by field, and reports every difference under its rule at the level in force."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ..collector import without_cycle_collection
from ..document import Document
from ..document import Node as ModelNode
from ..grammar.load import default_grammar
from ..grammar.types import FieldSpec, FieldValue
from ..model import SourceSpan
from .align import longest_increasing
from .fields import BUILTIN_RULES, compare, declared_fields, grammar_entries, grammar_levels
from .hunks import Hunk, Nature, classify, hunks, together
from .match import Pair, aligned_sections, content_of, match_renames, renamed_parents
from .nodes import Node, as_document, diff_kinds, nodes
from .redlines import SKIP, Segment, redline, starts
from .result import Change, DiffResult, Position, Side
from .rules import (
    DEFAULT_LEVELS,
    DOCUMENT,
    KINDS,
    LEVELS,
    Facts,
    IgnoreEntry,
    Levels,
    node_rule,
)
from .words import is_editorial


class _Differ:
    """One diff: matches nodes, then compares each matched pair field by field."""

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

    def run(self) -> list[Change]:
        self._document()
        removed_by_kind: dict[str, list[Node]] = {}
        for kind in self.kinds:
            old_nodes, new_nodes = self.old_nodes[kind], self.new_nodes[kind]
            pairs = [Pair(old_nodes[i], new_nodes[i], False) for i in old_nodes if i in new_nodes]
            removed = [n for i, n in old_nodes.items() if i not in new_nodes]
            added = [n for i, n in new_nodes.items() if i not in old_nodes]
            contents = {id(node): content_of(node) for node in (*removed, *added)}
            renames = match_renames(removed, added, contents)
            if kind == "section":
                renames += aligned_sections(
                    self.old_nodes, self.new_nodes, pairs, renames, contents
                )
                renames += renamed_parents(
                    self.old_nodes, self.new_nodes, pairs + [Pair(a, b, True) for a, b in renames]
                )
            for old_node, new_node in renames:
                pairs.append(Pair(old_node, new_node, True))
                self.renamed[old_node.id] = new_node.id
            paired_old = {id(p.old) for p in pairs}
            paired_new = {id(p.new) for p in pairs}
            removed_by_kind[kind] = [n for n in removed if id(n) not in paired_old]
            for node in added:
                if id(node) not in paired_new:
                    self._added(node)
            pairs.sort(key=lambda p: p.new.index)
            self.pairs[kind] = pairs
        for kind in self.kinds:
            for node in removed_by_kind[kind]:
                self._removed(node)
            for pair in self.pairs[kind]:
                self._compare(pair)
        self._section_order()
        self._ranks()
        ordered = sorted(self.changes, key=lambda item: (LEVELS.index(item[1].level), item[0]))
        return [change for _, change in ordered]

    # --- reporting ---------------------------------------------------------------------

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

    def _document(self) -> None:
        old_info, new_info = self.old_doc.info, self.new_doc.info
        anchor = Node(DOCUMENT, "", _ANCHOR, -1)
        old_title, new_title = old_info.title or "", new_info.title or ""
        if old_title != new_title:
            self._text_change(
                "document-title-changed",
                anchor,
                None,
                "title",
                old_title,
                new_title,
                "the document's title changed",
            )
        old_meta: Mapping[str, Any] = old_info.metadata
        new_meta: Mapping[str, Any] = new_info.metadata
        for key in sorted(set(old_meta) | set(new_meta)):
            if key in ("title", "version") or old_meta.get(key) == new_meta.get(key):
                continue
            self._emit(
                "metadata-changed",
                anchor,
                f"front matter '{key}': {_value(old_meta.get(key))} → {_value(new_meta.get(key))}",
                field_name=f"metadata.{key}",
                old_value=old_meta.get(key),
                new_value=new_meta.get(key),
            )

    def _added(self, node: Node) -> None:
        self._emit(
            node_rule(node.kind, "added"),
            node,
            f"{_named(node)} '{node.id}' added{_titled(node)}",
            new_position=node.position,
            segments=(Segment("insert", node.own_text),) if node.own_text else (),
        )

    def _removed(self, node: Node) -> None:
        self._emit(
            node_rule(node.kind, "removed"),
            node,
            f"{_named(node)} '{node.id}' removed{_titled(node)}",
            old_position=node.position,
            segments=(Segment("delete", node.own_text),) if node.own_text else (),
        )

    # --- one matched node ------------------------------------------------------------------

    def _compare(self, pair: Pair) -> None:
        old, new = pair.old, pair.new
        kind = new.kind
        if pair.renamed:
            self._emit(
                node_rule(kind, "renamed"),
                new,
                f"{_named(new)} '{old.id}' renamed to '{new.id}'",
                pair=pair,
                field_name="id",
                old_value=old.id,
                new_value=new.id,
            )
        if kind in ("section", "property"):
            self._text_change(f"{kind}-title-changed", new, pair, "title", old.label, new.label)
        if kind == "definition":
            self._text_change("definition-term-changed", new, pair, "term", old.label, new.label)
        if kind not in KINDS:
            rule = node_rule(kind, "title-changed")
            self._text_change(rule, new, pair, "title", old.label, new.label)
        rule = node_rule(kind, "text-changed")
        self._text_change(rule, new, pair, "text", old.own_text, new.own_text)
        if kind == "section":
            self._parent(pair)
        else:
            self._moved(pair)
        if kind == "priority":
            self._priority(pair)
        elif kind == "constraint":
            self._constraint(pair)
        elif kind == "rationale":
            self._id_list_change(pair, "justifies", "rationale-justifies-changed")
        self._attributes(pair)
        self._declared_fields(pair)
        self._links(pair)

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
            (message or f"{_named(node)} '{node.id}': {field_name} changed")
            + (" (wording only)" if editorial else ""),
            pair=pair,
            field_name=field_name,
            segments=segments,
        )

    def _sentences(self, rule: str, pair: Pair, segments: tuple[Segment, ...]) -> None:
        """A node's text changes, one entry per changed sentence (`hunks`), each where it is:
        a rewording at `rule`, an editorial edit as ``text-editorial``; the changes of
        typography alone (quotes, spaces) together, as one ``text-editorial``."""
        parts = [part for part in hunks(segments) if not self._in_spans(pair, part)]
        typography = [part for part in parts if classify(part) is Nature.TYPOGRAPHY]
        entries = [
            (part.segments, part, classify(part)) for part in parts if part not in typography
        ]
        if typography:
            entries.append((together(typography), typography[0], Nature.TYPOGRAPHY))
            entries.sort(key=lambda entry: entry[1].new_at)
        what = f"{_named(pair.new)} '{pair.new.id}': text changed"
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

    def _map(self, ident: str) -> str:
        return self.renamed.get(ident, ident)

    def _parent(self, pair: Pair) -> None:
        old_parent = pair.old.parent
        new_parent = pair.new.parent
        mapped = self._map(old_parent) if old_parent is not None else None
        if mapped != new_parent:
            self._emit(
                "section-moved",
                pair.new,
                f"section '{pair.new.id}' moved from {_under(mapped)} to {_under(new_parent)}",
                pair=pair,
                field_name="parent",
                old_value=old_parent,
                new_value=new_parent,
            )

    def _moved(self, pair: Pair) -> None:
        old_section = pair.old.section
        new_section = pair.new.section
        mapped = self._map(old_section) if old_section is not None else None
        if mapped != new_section:
            self._emit(
                node_rule(pair.new.kind, "moved"),
                pair.new,
                f"{_named(pair.new)} '{pair.new.id}' moved from {_under(mapped)} to "
                f"{_under(new_section)}",
                pair=pair,
                field_name="section",
                old_value=old_section,
                new_value=new_section,
            )

    def _section_order(self) -> None:
        """Sections that kept their parent but changed place among their siblings."""
        old_index = {p.new.id: p.old.index for p in self.pairs["section"]}
        siblings: dict[str | None, list[Pair]] = defaultdict(list)
        for pair in self.pairs["section"]:
            old_parent = pair.old.parent
            if (self._map(old_parent) if old_parent else None) == pair.new.parent:
                siblings[pair.new.parent].append(pair)
        for group in siblings.values():
            group.sort(key=lambda p: p.new.index)
            keep = longest_increasing([old_index[p.new.id] for p in group])
            for position, pair in enumerate(group):
                if position not in keep:
                    self._emit(
                        "section-moved",
                        pair.new,
                        f"section '{pair.new.id}' moved to another place under "
                        f"{_under(pair.new.parent)}",
                        pair=pair,
                        field_name="order",
                    )

    def _ordered(self, pair: Pair) -> tuple[str, str] | None:
        """The kind that the order `pair` states orders, and how its grammar names its nodes."""
        for document, ident in ((self.new_doc, pair.new.id), (self.old_doc, pair.old.id)):
            for order in document.orders:
                if order.id == ident:
                    return self._kind_named(order.kind)
        return None

    def _kind_named(self, kind: str) -> tuple[str, str]:
        """A kind and how the grammars name its nodes (``Core values``)."""
        for document in (self.new_doc, self.old_doc):
            spec = document.kinds.get(kind)
            if spec is not None and (spec.plural or spec.label):
                return kind, spec.plural or spec.label
        return kind, kind

    def _ranks(self) -> None:
        pairs = self.pairs["property"]
        ordered = self._kind_named("property")
        by_old = sorted(pairs, key=lambda p: (_rank(p.old), p.old.index))
        by_new = sorted(pairs, key=lambda p: (_rank(p.new), p.new.index))
        old_place = {id(p): position for position, p in enumerate(by_old)}
        for position, pair in enumerate(by_new):
            old_rank, new_rank = pair.old.field("rank"), pair.new.field("rank")
            if old_rank == new_rank and old_place[id(pair)] == position:
                continue
            reordered = old_place[id(pair)] != position
            self._emit(
                "rank-changed" if reordered else "rank-renumbered",
                pair.new,
                f"{_named(pair.new)} '{pair.new.id}' rank {old_rank} → {new_rank}"
                + (f" (its place among the {_lower(ordered[1])} changed)" if reordered else ""),
                pair=pair,
                field_name="rank",
                ordered=ordered,
                old_value=old_rank,
                new_value=new_rank,
            )

    def _priority(self, pair: Pair) -> None:
        ordered = self._ordered(pair)
        order = f"order of {_lower(ordered[1])}" if ordered is not None else "order"
        named = f"{_named(pair.new)} '{pair.new.id}'"
        old_mode, new_mode = pair.old.field("mode"), pair.new.field("mode")
        if old_mode != new_mode:
            self._emit(
                "priority-mode-changed",
                pair.new,
                f"{named}: mode of the {order} changed: {old_mode} → {new_mode}",
                pair=pair,
                ordered=ordered,
                field_name="mode",
                old_value=old_mode,
                new_value=new_mode,
            )
        old_levels = [[self._map(i) for i in level] for level in _levels(pair.old)]
        new_levels = _levels(pair.new)
        if old_levels == new_levels:
            return
        appended = new_levels[: len(old_levels)] == old_levels
        rule = "priority-order-extended" if appended else "priority-order-changed"
        old_flat = [i for level in old_levels for i in level]
        new_flat = [i for level in new_levels for i in level]
        tie = ""
        if old_flat == new_flat:  # the same ids in the same order: levels merged or split
            tie = " (a tie broken)" if len(new_levels) > len(old_levels) else " (a tie made)"
        self._emit(
            rule,
            pair.new,
            f"{named}: {order} changed: {_order(old_levels)} → {_order(new_levels)}{tie}",
            pair=pair,
            ordered=ordered,
            field_name="order",
            old_value=pair.old.ids("order"),
            new_value=new_flat,
        )

    def _constraint(self, pair: Pair) -> None:
        old_kind, new_kind = pair.old.field("kind"), pair.new.field("kind")
        if old_kind != new_kind:
            self._emit(
                "constraint-kind-changed",
                pair.new,
                f"constraint '{pair.new.id}' kind {old_kind} → {new_kind}",
                pair=pair,
                binding=pair.old.binding,  # what was binding may no longer be
                field_name="kind",
                old_value=old_kind,
                new_value=new_kind,
            )
        old = {self._map(i) for i in pair.old.ids("concerns")}
        new = set(pair.new.ids("concerns"))
        if old - new:
            self._emit(
                "constraint-concerns-narrowed",
                pair.new,
                f"constraint '{pair.new.id}' no longer concerns {', '.join(sorted(old - new))}",
                pair=pair,
                field_name="concerns",
                old_value=pair.old.ids("concerns"),
                new_value=pair.new.ids("concerns"),
            )
        elif new - old:
            self._emit(
                "constraint-concerns-widened",
                pair.new,
                f"constraint '{pair.new.id}' now also concerns {', '.join(sorted(new - old))}",
                pair=pair,
                field_name="concerns",
                old_value=pair.old.ids("concerns"),
                new_value=pair.new.ids("concerns"),
            )

    def _id_list_change(self, pair: Pair, key: str, rule: str) -> None:
        old = [self._map(i) for i in pair.old.ids(key)]
        new = pair.new.ids(key)
        if sorted(old) != sorted(new):
            self._emit(
                rule,
                pair.new,
                f"{_named(pair.new)} '{pair.new.id}' {key} {', '.join(old)} → {', '.join(new)}",
                pair=pair,
                field_name=key,
                old_value=pair.old.ids(key),
                new_value=new,
            )

    def _attributes(self, pair: Pair) -> None:
        old: Mapping[str, Any] = pair.old.model.attributes
        new: Mapping[str, Any] = pair.new.model.attributes
        for key in sorted(set(old) | set(new)):
            if old.get(key) == new.get(key):
                continue
            spec = self.levels.fields.get((pair.new.kind, key))
            if spec is not None:
                self._typed_field(pair, spec, old.get(key), new.get(key))
                continue
            self._emit(
                "authority-changed" if key == "authority" else "attribute-changed",
                pair.new,
                f"{_named(pair.new)} '{pair.new.id}' {key}: {_value(old.get(key))} → "
                f"{_value(new.get(key))}",
                pair=pair,
                field_name=f"attributes.{key}",
                old_value=old.get(key),
                new_value=new.get(key),
            )
        old_classes = list(pair.old.model.classes)
        new_classes = list(pair.new.model.classes)
        if sorted(old_classes) != sorted(new_classes):
            self._emit(
                "class-changed",
                pair.new,
                f"{_named(pair.new)} '{pair.new.id}' classes: {_value(old_classes)} → "
                f"{_value(new_classes)}",
                pair=pair,
                field_name="classes",
                old_value=old_classes,
                new_value=new_classes,
            )

    def _declared_fields(self, pair: Pair) -> None:
        """The typed fields a grammar declares beyond the built-in ones (2.0.0 documents hold
        them in ``fields``; 1.x ones in ``attributes``, compared in `_attributes`)."""
        kind = pair.new.kind
        old, new = pair.old.model.fields, pair.new.model.fields
        for name in [*old, *(n for n in new if n not in old)]:
            if (kind, name) in BUILTIN_RULES or old.get(name) == new.get(name):
                continue
            spec = self.levels.fields.get((kind, name)) or self._declared(kind, name)
            if spec is not None:
                self._typed_field(pair, spec, _text(old.get(name)), _text(new.get(name)))

    def _declared(self, kind: str, name: str) -> FieldSpec | None:
        """The field as the new document's own grammar declares it."""
        for document in (self.new_doc, self.old_doc):
            spec = document.kinds.get(kind)
            found = spec.field(name) if spec is not None else None
            if found is not None:
                return found
        return None

    def _typed_field(self, pair: Pair, spec: FieldSpec, old: str | None, new: str | None) -> None:
        """A field the grammar declares, compared through its type (`compiler.diff.fields`)."""
        change = compare(spec, old, new)
        if change is None:
            return  # the same value (an alias and its value, say)
        node = pair.new
        if node.kind in KINDS:
            what = f"{node.kind} '{node.id}' {spec.name}:"
        else:  # a declared kind: its label, and the field as the site names it
            what = f"{node.kind_label} '{node.id}'{_titled(node)}: {spec.label or spec.name}"
        self._emit(
            change.rule,
            node,
            f"{what} {_field_value(spec, old)} → {_field_value(spec, new)} ({change.words})",
            pair=pair,
            field_name=f"fields.{spec.name}",
            old_value=old,
            new_value=new,
        )

    def _links(self, pair: Pair) -> None:
        if pair.old.own_text != pair.new.own_text:
            return  # the text change already shows it
        old = sorted(self._map(t) for t in self.old_links.get(pair.old.id, ()))
        new = sorted(self.new_links.get(pair.new.id, ()))
        if old != new:
            self._emit(
                "link-changed",
                pair.new,
                f"{_named(pair.new)} '{pair.new.id}' links to {_value(new)} instead of "
                f"{_value(old)}",
                pair=pair,
                field_name="links",
                old_value=old,
                new_value=new,
            )


def _links_by_origin(document: Document) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for reference in document.references:
        if reference.origin is not None:
            result[reference.origin].append(reference.target)
    return result


def _text(value: FieldValue | None) -> str | None:
    """A typed value as it is written in an attribute (None when absent)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return " ".join(" ".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in value)
    return str(value)


def _field_value(spec: FieldSpec, value: str | None) -> str:
    """A field's value as a message shows it: several values separated by commas."""
    if value is not None and spec.many:
        return ", ".join(value.replace(",", " ").split()) or "(none)"
    return _value(value)


def _levels(node: Node) -> list[list[str]]:
    """A priority's order as its levels (tied ids share one), highest first."""
    value = node.field("order")
    if not isinstance(value, tuple):
        return []
    return [
        [str(i) for i in level] if isinstance(level, tuple) else [str(level)] for level in value
    ]


def _order(levels: list[list[str]]) -> str:
    return " > ".join(" ".join(level) for level in levels)


def _rank(node: Node) -> int:
    rank = node.field("rank")
    return rank if isinstance(rank, int) else 0


#: The document itself, as the node its changes are reported on.
_ANCHOR = ModelNode(
    "", DOCUMENT, None, None, "document", None, None, False, "", (), {}, (), {}, SourceSpan("", 0)
)


_NATURE_NOTES = {
    Nature.WORDING: "",
    Nature.EDITORIAL: " (wording only)",
    Nature.TYPOGRAPHY: " (typography only)",
}


def _named(node: Node) -> str:
    """How a change names a node's kind: a built-in kind by its name, as its rules do
    (``property``); a kind the spec declares by its label (``Instructable behavior``)."""
    return node.kind if node.kind in KINDS else node.kind_label


def _lower(words: str) -> str:
    """A kind's plural inside a sentence: ``core values`` (an acronym keeps its case)."""
    return words if words[1:2].isupper() else words[:1].lower() + words[1:]


def _titled(node: Node) -> str:
    return f" ({node.label!r})" if node.label else ""


def _under(parent: str | None) -> str:
    return f"'{parent}'" if parent else "the top level"


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return " ".join(str(v) for v in value) or "(none)"
    return str(value)


@without_cycle_collection  # a third of a 20 MB diff
def diff_documents(
    old: Document | Mapping[str, Any],
    new: Document | Mapping[str, Any],
    old_side: Side,
    new_side: Side,
    levels: Levels = DEFAULT_LEVELS,
) -> DiffResult:
    """Every change from `old` to `new` (two compiled documents, as typed models or as JSON of
    schema 1.x or 2.0.0: a diff across the change of schema compares content), most severe
    first, at the `levels` in force (a project's, or the defaults); the changes they ignore set
    apart."""
    old_doc, new_doc = as_document(old), as_document(new)
    differ = _Differ(old_doc, new_doc, levels_in_force(levels, new_doc))
    changes = differ.run()
    return DiffResult(old_side, new_side, changes, differ.ignored)


def levels_in_force(levels: Levels, new: Document) -> Levels:
    """The field levels in force, under the project's entries: those that the new document's
    grammar carries (schema 3.1.0 and later, and every document compiled here), over those of
    the grammar `levels` holds (``--grammar``, or the project's file), else of the default
    grammar. An older document carries none: the grammar `levels` holds sets them all."""
    base = levels if levels.grammar else grammar_levels(levels, default_grammar())
    if not new.kinds or _version(new) < (3, 1, 0):
        return base
    carried = new.grammar
    return base.with_grammar(
        (*base.grammar, *grammar_entries(carried)), {**base.fields, **declared_fields(carried)}
    )


def _version(document: Document) -> tuple[int, ...]:
    found = document.source_version
    return tuple(int(part) for part in found.split(".")) if found else (0,)


def side_of(label: str, document: Document | Mapping[str, Any]) -> Side:
    if isinstance(document, Document):
        return Side(label, document.info.title, document.info.version)
    info = document.get("document") or {}
    title, version = info.get("title"), info.get("version")
    return Side(
        label, None if title is None else str(title), None if version is None else str(version)
    )
