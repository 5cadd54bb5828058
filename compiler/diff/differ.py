"""The differ: matches the nodes of two compiled documents, then compares each matched pair
field by field, and reports every difference under its rule at the level in force."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ..collector import without_cycle_collection
from .align import longest_increasing
from .match import Pair, aligned_sections, content_of, match_renames, renamed_parents
from .nodes import Node, nodes
from .redlines import Segment, redline
from .result import Change, DiffResult, Position, Side
from .rules import DEFAULT_LEVELS, DOCUMENT, KINDS, LEVELS, Facts, IgnoreEntry, Levels
from .words import is_editorial

_KIND_ORDER = {kind: rank for rank, kind in enumerate(KINDS)}


class _Differ:
    """One diff: matches nodes, then compares each matched pair field by field."""

    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any], levels: Levels) -> None:
        self.old_doc, self.new_doc = old, new
        self.levels = levels
        self.ignored: list[tuple[Change, IgnoreEntry]] = []
        self.old_nodes, self.new_nodes = nodes(old), nodes(new)
        self.old_links, self.new_links = _links_by_origin(old), _links_by_origin(new)
        self.changes: list[tuple[tuple[int, int, int], Change]] = []
        self.pairs: dict[str, list[Pair]] = {}
        self.renamed: dict[str, str] = {}
        """Old id -> new id, for every renamed node (to compare lists of ids)."""

    def run(self) -> list[Change]:
        self._document()
        removed_by_kind: dict[str, list[Node]] = {}
        for kind in KINDS:
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
        for kind in KINDS:
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
    ) -> None:
        """Report a change at the level in force for it (`binding` overrides whether the node
        counts as binding), unless the project ignores it."""
        first = node if pair is None else pair.old
        if pair is not None:
            old_position, new_position = pair.old.position, pair.new.position
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
            id=node.id,
            message=message,
            old_id=old_id,
            field=field_name,
            old_value=old_value,
            new_value=new_value,
            old=old_position,
            new=new_position,
            redline=segments,
        )
        ignored = self.levels.ignored(rule, (node.id, old_id))
        if ignored is not None:
            self.ignored.append((change, ignored))
            return
        side = 0 if new_position is not None else 1
        kind_rank = _KIND_ORDER.get(node.kind, -1)  # the document itself comes first
        self.changes.append(((kind_rank, side, node.index), change))

    def _document(self) -> None:
        old_info = self.old_doc.get("document") or {}
        new_info = self.new_doc.get("document") or {}
        anchor = Node(DOCUMENT, "", {}, -1, "")
        old_title, new_title = str(old_info.get("title") or ""), str(new_info.get("title") or "")
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
        old_meta: Mapping[str, Any] = old_info.get("metadata") or {}
        new_meta: Mapping[str, Any] = new_info.get("metadata") or {}
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
            f"{node.kind}-added",
            node,
            f"{node.kind} '{node.id}' added{_titled(node)}",
            new_position=node.position,
            segments=(Segment("insert", node.own_text),) if node.own_text else (),
        )

    def _removed(self, node: Node) -> None:
        self._emit(
            f"{node.kind}-removed",
            node,
            f"{node.kind} '{node.id}' removed{_titled(node)}",
            old_position=node.position,
            segments=(Segment("delete", node.own_text),) if node.own_text else (),
        )

    # --- one matched node ------------------------------------------------------------------

    def _compare(self, pair: Pair) -> None:
        old, new = pair.old, pair.new
        kind = new.kind
        if pair.renamed:
            self._emit(
                f"{kind}-renamed",
                new,
                f"{kind} '{old.id}' renamed to '{new.id}'",
                pair=pair,
                field_name="id",
                old_value=old.id,
                new_value=new.id,
            )
        if kind in ("section", "property"):
            self._text_change(f"{kind}-title-changed", new, pair, "title", old.label, new.label)
        if kind == "definition":
            self._text_change("definition-term-changed", new, pair, "term", old.label, new.label)
        self._text_change(f"{kind}-text-changed", new, pair, "text", old.own_text, new.own_text)
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
        what = "text" if field_name == "text" else field_name
        editorial = is_editorial(old_text, new_text)
        self._emit(
            "text-editorial" if editorial else rule,
            node,
            (message or f"{node.kind} '{node.id}': {what} changed")
            + (" (wording only)" if editorial else ""),
            pair=pair,
            field_name=field_name,
            segments=redline(old_text, new_text),
        )

    def _map(self, ident: str) -> str:
        return self.renamed.get(ident, ident)

    def _parent(self, pair: Pair) -> None:
        old_parent = pair.old.data.get("parent")
        new_parent = pair.new.data.get("parent")
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
        old_section = pair.old.data.get("section")
        new_section = pair.new.data.get("section")
        mapped = self._map(old_section) if old_section is not None else None
        if mapped != new_section:
            kind = pair.new.kind
            self._emit(
                f"{kind}-moved",
                pair.new,
                f"{kind} '{pair.new.id}' moved from {_under(mapped)} to {_under(new_section)}",
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
            old_parent = pair.old.data.get("parent")
            if (self._map(old_parent) if old_parent else None) == pair.new.data.get("parent"):
                siblings[pair.new.data.get("parent")].append(pair)
        for group in siblings.values():
            group.sort(key=lambda p: p.new.index)
            keep = longest_increasing([old_index[p.new.id] for p in group])
            for position, pair in enumerate(group):
                if position not in keep:
                    self._emit(
                        "section-moved",
                        pair.new,
                        f"section '{pair.new.id}' moved to another place under "
                        f"{_under(pair.new.data.get('parent'))}",
                        pair=pair,
                        field_name="order",
                    )

    def _ranks(self) -> None:
        pairs = self.pairs["property"]
        by_old = sorted(pairs, key=lambda p: (int(p.old.data.get("rank", 0)), p.old.index))
        by_new = sorted(pairs, key=lambda p: (int(p.new.data.get("rank", 0)), p.new.index))
        old_place = {id(p): position for position, p in enumerate(by_old)}
        for position, pair in enumerate(by_new):
            old_rank, new_rank = pair.old.data.get("rank"), pair.new.data.get("rank")
            if old_rank == new_rank and old_place[id(pair)] == position:
                continue
            reordered = old_place[id(pair)] != position
            self._emit(
                "rank-changed" if reordered else "rank-renumbered",
                pair.new,
                f"property '{pair.new.id}' rank {old_rank} → {new_rank}"
                + (" (its place among the core values changed)" if reordered else ""),
                pair=pair,
                field_name="rank",
                old_value=old_rank,
                new_value=new_rank,
            )

    def _priority(self, pair: Pair) -> None:
        old_mode, new_mode = pair.old.data.get("mode"), pair.new.data.get("mode")
        if old_mode != new_mode:
            self._emit(
                "priority-mode-changed",
                pair.new,
                f"priority '{pair.new.id}' mode {old_mode} → {new_mode}",
                pair=pair,
                field_name="mode",
                old_value=old_mode,
                new_value=new_mode,
            )
        old_order = [self._map(i) for i in pair.old.data.get("order") or []]
        new_order = list(pair.new.data.get("order") or [])
        if old_order == new_order:
            return
        appended = new_order[: len(old_order)] == old_order
        rule = "priority-order-extended" if appended else "priority-order-changed"
        self._emit(
            rule,
            pair.new,
            f"priority '{pair.new.id}' order {' > '.join(old_order)} → {' > '.join(new_order)}",
            pair=pair,
            field_name="order",
            old_value=list(pair.old.data.get("order") or []),
            new_value=new_order,
        )

    def _constraint(self, pair: Pair) -> None:
        old_kind, new_kind = pair.old.data.get("kind"), pair.new.data.get("kind")
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
        old = {self._map(i) for i in pair.old.data.get("concerns") or []}
        new = set(pair.new.data.get("concerns") or [])
        if old - new:
            self._emit(
                "constraint-concerns-narrowed",
                pair.new,
                f"constraint '{pair.new.id}' no longer concerns {', '.join(sorted(old - new))}",
                pair=pair,
                field_name="concerns",
                old_value=list(pair.old.data.get("concerns") or []),
                new_value=list(pair.new.data.get("concerns") or []),
            )
        elif new - old:
            self._emit(
                "constraint-concerns-widened",
                pair.new,
                f"constraint '{pair.new.id}' now also concerns {', '.join(sorted(new - old))}",
                pair=pair,
                field_name="concerns",
                old_value=list(pair.old.data.get("concerns") or []),
                new_value=list(pair.new.data.get("concerns") or []),
            )

    def _id_list_change(self, pair: Pair, key: str, rule: str) -> None:
        old = [self._map(i) for i in pair.old.data.get(key) or []]
        new = list(pair.new.data.get(key) or [])
        if sorted(old) != sorted(new):
            self._emit(
                rule,
                pair.new,
                f"{pair.new.kind} '{pair.new.id}' {key} {', '.join(old)} → {', '.join(new)}",
                pair=pair,
                field_name=key,
                old_value=list(pair.old.data.get(key) or []),
                new_value=new,
            )

    def _attributes(self, pair: Pair) -> None:
        old: Mapping[str, Any] = pair.old.data.get("attributes") or {}
        new: Mapping[str, Any] = pair.new.data.get("attributes") or {}
        for key in sorted(set(old) | set(new)):
            if old.get(key) == new.get(key):
                continue
            self._emit(
                "authority-changed" if key == "authority" else "attribute-changed",
                pair.new,
                f"{pair.new.kind} '{pair.new.id}' {key}: {_value(old.get(key))} → "
                f"{_value(new.get(key))}",
                pair=pair,
                field_name=f"attributes.{key}",
                old_value=old.get(key),
                new_value=new.get(key),
            )
        old_classes = list(pair.old.data.get("classes") or [])
        new_classes = list(pair.new.data.get("classes") or [])
        if sorted(old_classes) != sorted(new_classes):
            self._emit(
                "class-changed",
                pair.new,
                f"{pair.new.kind} '{pair.new.id}' classes: {_value(old_classes)} → "
                f"{_value(new_classes)}",
                pair=pair,
                field_name="classes",
                old_value=old_classes,
                new_value=new_classes,
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
                f"{pair.new.kind} '{pair.new.id}' links to {_value(new)} instead of {_value(old)}",
                pair=pair,
                field_name="links",
                old_value=old,
                new_value=new,
            )


def _links_by_origin(document: Mapping[str, Any]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for reference in document.get("references") or []:
        if reference.get("from") is not None:
            result[str(reference["from"])].append(str(reference["to"]))
    return result


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
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_side: Side,
    new_side: Side,
    levels: Levels = DEFAULT_LEVELS,
) -> DiffResult:
    """Every change from `old` to `new` (two compiled documents), most severe first, at the
    `levels` in force (a project's, or the defaults); the changes they ignore set apart.

    Either document may follow schema 2.0.0 or 1.x: both are read into the typed model and
    compared in one shape (`compiler.document_v1.to_v1`, an adapter until the diff reads the
    model itself), so a diff across the change of schema reports changes of content."""
    from ..document import from_json
    from ..document_v1 import to_v1

    old, new = (to_v1(from_json(doc)) if "$schema" in doc else doc for doc in (old, new))
    differ = _Differ(old, new, levels)
    changes = differ.run()
    return DiffResult(old_side, new_side, changes, differ.ignored)


def side_of(label: str, document: Mapping[str, Any]) -> Side:
    info = document.get("document") or {}
    title, version = info.get("title"), info.get("version")
    return Side(
        label, None if title is None else str(title), None if version is None else str(version)
    )
