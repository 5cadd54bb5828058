"""Orders over nodes of one kind: their syntax, their checks, and the precedence they give.

An order is written as a priority's ``order`` attribute. Grammar::

    order  <- level ('>' level)*       when the value holds a '>'
            / id (sep id)*             otherwise: each id is a level of its own
    level  <- id (sep id)*             several ids on one level are tied
    sep    <- (white space | ',')+

so ``order="a b c"`` (as before levels existed) ranks a over b over c, and
``order="non-deceptive non-manipulative > truthful calibrated > forthright"`` ties the first two
above the next two, above the last. Ranks are local to the order: 1 for its first level, 2 for
the next, and ids on one level share a rank, so any language compares two ids with one
comparison of `Order.ranks`.

Precedence keeps the meaning of the 1.x API: in a ``strict`` order the higher node always wins;
in a ``holistic`` one it generally dominates but both are weighed, so ``outranks(a, b)`` holds and
``outranks(a, b, strictly=True)`` does not. Ids no order holds together are unrelated, and
`outranks` says so rather than answer False.
"""

from __future__ import annotations

import graphlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from functools import cached_property
from itertools import pairwise
from types import MappingProxyType

from msgspec import Struct

from .problems import ValueProblem, id_problem, named_twice, split_values
from .types import MODE_RULES, Mode

_CHAIN = 8
"""Most ids a contradiction's message names."""

Levels = tuple[tuple[str, ...], ...]
"""An order's levels, highest first; the ids on one level are tied."""


def parse_levels(raw: str, name: str = "order") -> tuple[Levels, tuple[ValueProblem, ...]]:
    """The levels written in the attribute `name`, and every problem with them; the levels hold
    what could be read."""
    problems: list[ValueProblem] = []
    if ">" in raw:
        parts = raw.split(">")
        written = [split_values(part) for part in parts]
        for number, ids in enumerate(written, start=1):
            if not ids:
                problems.append(
                    ValueProblem(
                        "CC725",
                        f'{name}="{raw}" has an empty level ({_ordinal(number)} of {len(parts)})',
                        "write ids between the '>' signs: a b > c",
                    )
                )
    else:
        written = [[ident] for ident in split_values(raw)]
    seen: set[str] = set()
    levels: list[tuple[str, ...]] = []
    for ids in written:
        level: list[str] = []
        for ident in ids:
            problem = id_problem(name, ident)
            if problem is None and ident in seen:
                hint = "name each node once; ids on one level are tied"
                problem = named_twice("CC725", name, ident, hint)
            if problem is not None:
                problems.append(problem)
                continue
            seen.add(ident)
            level.append(ident)
        if level:
            levels.append(tuple(level))
    return tuple(levels), tuple(problems)


class Order(Struct, frozen=True, dict=True):
    """An order over nodes of one kind, as a priority states it."""

    id: str
    """The id of the node that states it (a priority)."""
    kind: str
    """The kind of the nodes ordered."""
    mode: Mode
    """How strictly it applies."""
    levels: Levels
    """The ids ordered, highest level first; the ids on one level are tied."""

    @cached_property
    def ranks(self) -> Mapping[str, int]:
        """Each id's rank in this order: 1 for the first level; tied ids share a rank (computed
        on first use, kept in the instance's __dict__: not a field)."""
        ranks = {ident: rank for rank, level in enumerate(self.levels, 1) for ident in level}
        return MappingProxyType(ranks)

    def __contains__(self, ident: object) -> bool:
        return ident in self.ranks

    def to_json(self) -> dict[str, object]:
        """The order as the compiled document states it (schema version 2.0.0)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "mode": str(self.mode),
            "levels": [list(level) for level in self.levels],
            "ranks": dict(self.ranks),
        }


def modes_json() -> dict[str, dict[str, object]]:
    """Each mode's precedence rule, as the compiled document states it (``modes``)."""
    return {
        str(mode): {"decisive": decisive, "rule": rule}
        for mode, (decisive, rule) in MODE_RULES.items()
    }


def build_order(
    owner: str, mode: Mode, levels: Levels, kind_of: Mapping[str, str]
) -> tuple[Order | None, tuple[ValueProblem, ...]]:
    """The order `owner` states, when its ids are nodes of one kind; ids that name no node are
    left out (`check_references` reports them). `kind_of` maps every id to its kind."""
    kinds: dict[str, list[str]] = defaultdict(list)
    for level in levels:
        for ident in level:
            if ident in kind_of:
                kinds[kind_of[ident]].append(ident)
    if len(kinds) > 1:
        named = "; ".join(f"{kind}: {', '.join(ids[:3])}" for kind, ids in kinds.items())
        return None, (
            ValueProblem(
                "CC729",
                f"order names nodes of {len(kinds)} kinds ({named})",
                "an order ranks nodes of one kind; state one priority per kind",
            ),
        )
    if not kinds:
        return None, ()
    known = tuple(kept for level in levels if (kept := tuple(i for i in level if i in kind_of)))
    return Order(owner, next(iter(kinds)), mode, known), ()


class _Ties:
    """Ids that some order puts on one level, merged into groups (union-find)."""

    def __init__(self, orders: Sequence[Order]) -> None:
        self.parent: dict[str, str] = {}
        self.tied_by: dict[str, list[str]] = defaultdict(list)
        """Each tied id, with the orders that tie it."""
        for order in orders:
            for level in order.levels:
                for ident in level[1:] if len(level) > 1 else ():
                    self.union(level[0], ident)
                for ident in level if len(level) > 1 else ():
                    self.tied_by[ident].append(order.id)

    def find(self, ident: str) -> str:
        root = ident
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while ident != root:  # path compression keeps later finds short
            self.parent[ident], ident = root, self.parent[ident]
        return root

    def union(self, a: str, b: str) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def groups(self) -> dict[str, list[str]]:
        """Each group's root, with the ids merged into it, sorted."""
        found: dict[str, list[str]] = defaultdict(list)
        for ident in sorted({*self.parent, *self.parent.values()}):
            found[self.find(ident)].append(ident)
        return found


def check_orders(orders: Sequence[Order]) -> list[tuple[str, ValueProblem]]:
    """Orders that contradict each other, as (id of the first order involved, problem).

    Two orders contradict when, taken together, a node would stand above itself: a over b in one
    and b over a in another (or through a chain of orders), or a tied with b in one and above it
    in another. Tied ids are merged into one before the graph is sorted, and each pair of
    adjacent levels is joined through one node, so the cost stays linear in the ids named.
    """
    ties = _Ties(orders)
    lower_than: dict[str, set[str]] = defaultdict(set)
    """Each node, with the nodes directly above it (graphlib's predecessors)."""
    where: dict[tuple[str, str], str] = {}
    for index, order in enumerate(orders):
        for number, (upper, lower) in enumerate(pairwise(order.levels)):
            gate = f"\x00{index}:{number}"  # not an id: ids hold no control characters
            for ident in upper:
                lower_than[gate].add(ties.find(ident))
                where.setdefault((ties.find(ident), gate), order.id)
            for ident in lower:
                lower_than[ties.find(ident)].add(gate)
                where.setdefault((gate, ties.find(ident)), order.id)
    try:
        graphlib.TopologicalSorter(lower_than).prepare()
    except graphlib.CycleError as err:
        return [_contradiction(err.args[1], where, ties)]
    return []


def _contradiction(
    cycle: list[str], where: dict[tuple[str, str], str], ties: _Ties
) -> tuple[str, ValueProblem]:
    # graphlib lists the cycle so that each node is a predecessor (here: above) of the next.
    nodes = [node for node in cycle if not node.startswith("\x00")]
    names = {where[pair] for pair in pairwise(cycle) if pair in where}
    groups = ties.groups()
    shown: list[str] = []
    for node in dict.fromkeys(nodes):
        group = groups.get(node, [node])
        names.update(order for ident in group for order in ties.tied_by.get(ident, ()))
        others = [ident for ident in group if ident != node][:3]
        shown.append(f"{node} (tied with {', '.join(others)})" if others else node)
    if len(shown) > _CHAIN:  # a contradiction through thousands of ids: name its ends
        shown[_CHAIN // 2 : -_CHAIN // 2] = ["…"]
    chain = " > ".join([*shown, nodes[0]]) if len(shown) > 1 else f"{shown[0]} is above itself"
    ordered = sorted(names)
    problem = ValueProblem(
        "CC728",
        f"orders contradict each other: {chain}",
        f"the orders {', '.join(repr(n) for n in ordered)} cannot all hold "
        "(ids on one level are tied); make them agree",
    )
    return ordered[0], problem


class Relation(StrEnum):
    """How one node stands to another."""

    HIGHER = "higher"
    LOWER = "lower"
    TIED = "tied"
    """On one level of the orders that hold both."""
    UNRELATED = "unrelated"
    """No order holds both."""


class NoOrderError(ValueError):
    """No order relates the two ids: a question with no answer, not a False."""


class ConflictingOrdersError(ValueError):
    """The orders that hold both ids disagree (`check_orders` reports this when compiling)."""


class Precedence(Struct, frozen=True):
    """How `a` stands to `b` under the orders that hold both."""

    a: str
    b: str
    relation: Relation
    """`a` is higher, lower, tied with `b`, or unrelated to it."""
    mode: Mode | None
    """``strict`` when a strict order that holds both decides it, else ``holistic``; None when
    they are unrelated."""
    orders: tuple[str, ...] = ()
    """The ids of the orders that hold both, in the order given."""

    @property
    def higher(self) -> str | None:
        """The higher of the two, or None when tied or unrelated."""
        return {Relation.HIGHER: self.a, Relation.LOWER: self.b}.get(self.relation)

    @property
    def lower(self) -> str | None:
        """The lower of the two, or None when tied or unrelated."""
        return {Relation.HIGHER: self.b, Relation.LOWER: self.a}.get(self.relation)

    @property
    def strict(self) -> bool:
        """True when the higher one always wins (a strict order decides)."""
        return self.mode is Mode.STRICT and self.higher is not None

    def __str__(self) -> str:
        if self.relation is Relation.UNRELATED:
            return f"no order relates '{self.a}' and '{self.b}'"
        where = ", ".join(self.orders)
        if self.relation is Relation.TIED:
            return f"'{self.a}' and '{self.b}' are tied in {where}"
        return f"'{self.higher}' is above '{self.lower}' in {where} ({self.mode})"


def precedence(order: Order, a: str, b: str) -> Precedence:
    """How `a` stands to `b` in one order."""
    if a not in order or b not in order:
        return Precedence(a, b, Relation.UNRELATED, None)
    rank_a, rank_b = order.ranks[a], order.ranks[b]
    relation = (
        Relation.TIED
        if rank_a == rank_b
        else Relation.HIGHER
        if rank_a < rank_b
        else Relation.LOWER
    )
    return Precedence(a, b, relation, order.mode, (order.id,))


def find_precedence(orders: Iterable[Order], a: str, b: str) -> Precedence:
    """How `a` stands to `b` within the orders that hold both; unrelated when none does."""
    found = [p for p in (precedence(order, a, b) for order in orders) if p.mode is not None]
    if not found:
        return Precedence(a, b, Relation.UNRELATED, None)
    relations = {p.relation for p in found}
    if len(relations) > 1:
        raise ConflictingOrdersError(
            f"the orders {', '.join(o for p in found for o in p.orders)} disagree about "
            f"'{a}' and '{b}'"
        )
    strict = any(p.mode is Mode.STRICT for p in found)
    return Precedence(
        a,
        b,
        found[0].relation,
        Mode.STRICT if strict else Mode.HOLISTIC,
        tuple(o for p in found for o in p.orders),
    )


def outranks(orders: Sequence[Order], a: str, b: str, *, strictly: bool = False) -> bool:
    """True when `a` is above `b` in the orders that hold both; with ``strictly=True``, only when
    a strict order puts it there. Tied nodes, and a node and itself, do not outrank each other.

    Raises `NoOrderError` when no order holds both, naming the orders each one is in.
    """
    found = find_precedence(orders, a, b)
    if found.relation is Relation.UNRELATED:
        raise NoOrderError(_unrelated(orders, a, b))
    return found.relation is Relation.HIGHER and (found.strict or not strictly)


def _unrelated(orders: Sequence[Order], a: str, b: str) -> str:
    def where(ident: str) -> str:
        names = [order.id for order in orders if ident in order]
        return f"'{ident}' is in {', '.join(names)}" if names else f"'{ident}' is in no order"

    return f"no order relates '{a}' and '{b}': {where(a)}; {where(b)}"


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"
