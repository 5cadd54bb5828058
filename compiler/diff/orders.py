"""The changes of orders: sections that changed place among their siblings, the ranks that
place nodes in an order (a core value's rank), and the orders priorities state (their levels,
ties made or broken, and their mode), each naming the kind it orders."""

from __future__ import annotations

from collections import defaultdict

from ..grammar.types import OrderSpec
from .align import longest_increasing
from .match import Pair
from .nodes import Node
from .report import Reporter, lowered, named, under
from .rules import HEADING, RANKED


class OrderChanges(Reporter):
    """The comparisons of orders, for `compiler.diff.differ`."""

    def _section_order(self) -> None:
        """Sections that kept their parent but changed place among their siblings."""
        old_index = {p.new.id: p.old.index for p in self.pairs[HEADING]}
        siblings: dict[str | None, list[Pair]] = defaultdict(list)
        for pair in self.pairs[HEADING]:
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
                        f"{under(pair.new.parent)}",
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
        pairs = self.pairs[RANKED.kind]
        ordered = self._kind_named(RANKED.kind)
        by_old = sorted(pairs, key=lambda p: (_rank(p.old), p.old.index))
        by_new = sorted(pairs, key=lambda p: (_rank(p.new), p.new.index))
        old_place = {id(p): position for position, p in enumerate(by_old)}
        for position, pair in enumerate(by_new):
            old_rank, new_rank = pair.old.field(RANKED.field), pair.new.field(RANKED.field)
            if old_rank == new_rank and old_place[id(pair)] == position:
                continue
            reordered = old_place[id(pair)] != position
            self._emit(
                f"{RANKED.field}-changed" if reordered else f"{RANKED.field}-renumbered",
                pair.new,
                f"{named(pair.new)} '{pair.new.id}' {RANKED.field} {old_rank} → {new_rank}"
                + (f" (its place among the {lowered(ordered[1])} changed)" if reordered else ""),
                pair=pair,
                field_name=RANKED.field,
                ordered=ordered,
                old_value=old_rank,
                new_value=new_rank,
            )

    def _priority(self, pair: Pair, spec: OrderSpec) -> None:
        """A node that states an order (a priority): its mode and its levels (`spec` names
        their fields)."""
        ordered = self._ordered(pair)
        order = f"order of {lowered(ordered[1])}" if ordered is not None else "order"
        who = f"{named(pair.new)} '{pair.new.id}'"
        old_mode, new_mode = pair.old.field(spec.mode), pair.new.field(spec.mode)
        if old_mode != new_mode:
            self._emit(
                "priority-mode-changed",
                pair.new,
                f"{who}: mode of the {order} changed: {old_mode} → {new_mode}",
                pair=pair,
                ordered=ordered,
                field_name=spec.mode,
                old_value=old_mode,
                new_value=new_mode,
            )
        old_levels = [[self._map(i) for i in level] for level in _levels(pair.old, spec.levels)]
        new_levels = _levels(pair.new, spec.levels)
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
            f"{who}: {order} changed: {_order(old_levels)} → {_order(new_levels)}{tie}",
            pair=pair,
            ordered=ordered,
            field_name=spec.levels,
            old_value=pair.old.ids(spec.levels),
            new_value=new_flat,
        )


def _levels(node: Node, name: str) -> list[list[str]]:
    """The order a node states in its field `name`, as levels (tied ids share one), highest
    first."""
    value = node.field(name)
    if not isinstance(value, tuple):
        return []
    return [
        [str(i) for i in level] if isinstance(level, tuple) else [str(level)] for level in value
    ]


def _order(levels: list[list[str]]) -> str:
    return " > ".join(" ".join(level) for level in levels)


def _rank(node: Node) -> int:
    rank = node.field(RANKED.field)
    return rank if isinstance(rank, int) else 0
