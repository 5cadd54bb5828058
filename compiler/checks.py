"""Checks that need the whole model: priorities against properties, ranks, and id references
in attributes. Each check is a generator of diagnostics; `check_spec` runs them all.
"""

from __future__ import annotations

import graphlib
from collections.abc import Callable, Iterator
from itertools import pairwise

from .diagnostics import Diagnostic, Suggester
from .extract.ids import IdRegistry
from .model import SourceSpan, Spec

Display = Callable[[str], str]
"""Maps a spec-relative file name to the path diagnostics show."""


def _at(display: Display, span: SourceSpan, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(code, message, display(span.file), span.line, span.column, hint)


def check_ranks(spec: Spec, display: Display) -> Iterator[Diagnostic]:
    seen: dict[int, str] = {}
    for prop in spec.properties:
        if prop.rank in seen:
            yield _at(
                display,
                prop.source,
                "CC304",
                f"property '{prop.id}' has rank {prop.rank}, like '{seen[prop.rank]}'",
                "give each property its own rank: 1 for the highest, then 2, 3, ...",
            )
        else:
            seen[prop.rank] = prop.id
    ranks = sorted(seen)
    gaps = _gaps(ranks)
    if gaps:
        prop = next(p for p in spec.properties if p.rank == ranks[-1])
        yield _at(
            display,
            prop.source,
            "CC304",
            f"property ranks skip {_listed_gaps(gaps)}",
            "number the ranks 1, 2, 3, ... without gaps",
        )


#: Gaps in the ranks a message names; the rest are counted. Ranks are bounded (see
#: `extract.NUMBER_BOUNDS`), but a message must not grow with them anyway.
MAX_LISTED_GAPS = 10


def _gaps(ranks: list[int]) -> list[tuple[int, int]]:
    """The runs of numbers missing from 1 up to the highest of `ranks` (sorted, unique), as
    (first, last) pairs: linear in the number of ranks, whatever their size."""
    gaps: list[tuple[int, int]] = []
    expected = 1
    for rank in ranks:
        if rank > expected:
            gaps.append((expected, rank - 1))
        expected = max(expected, rank + 1)
    return gaps


def _listed_gaps(gaps: list[tuple[int, int]]) -> str:
    parts = [
        str(first)
        if first == last
        else f"{first}, {last}"
        if last == first + 1
        else f"{first} to {last}"
        for first, last in gaps[:MAX_LISTED_GAPS]
    ]
    listed = ", ".join(parts)
    if len(gaps) > MAX_LISTED_GAPS:
        listed += f" and {len(gaps) - MAX_LISTED_GAPS} more gaps"
    return listed


def check_priorities(spec: Spec, registry: IdRegistry, display: Display) -> Iterator[Diagnostic]:
    ranks = {p.id: p.rank for p in spec.properties}
    suggest_property = Suggester(ranks)
    graph: dict[str, set[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for priority in spec.priorities:
        seen: set[str] = set()
        valid: list[str] = []
        for ident in priority.order:
            if ident in seen:
                yield _at(
                    display,
                    priority.source,
                    "CC307",
                    f"priority '{priority.id}' names '{ident}' twice",
                    "name each property once in 'order'",
                )
                continue
            seen.add(ident)
            if ident not in ranks:
                kind = registry.kinds.get(ident)
                if kind == "property":
                    continue  # a property with errors of its own, reported where it stands
                what = f"a {kind}, not a property" if kind else "not defined anywhere"
                hint = suggest_property(ident) or _properties_hint(list(ranks))
                yield _at(
                    display,
                    priority.source,
                    "CC303",
                    f"priority '{priority.id}' names '{ident}', which is {what}",
                    hint,
                )
                continue
            valid.append(ident)
        for higher, lower in pairwise(valid):
            if ranks[higher] > ranks[lower]:
                yield _at(
                    display,
                    priority.source,
                    "CC304",
                    f"priority '{priority.id}' puts '{higher}' (rank {ranks[higher]}) above "
                    f"'{lower}' (rank {ranks[lower]})",
                    "make the ranks and the priority order agree",
                )
            graph.setdefault(lower, set()).add(higher)
            where.setdefault((higher, lower), priority.id)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as err:
        # graphlib lists the cycle so that each node is above the next one.
        cycle: list[str] = err.args[1]
        names = {where[pair] for pair in pairwise(cycle) if pair in where}
        first = next(p for p in spec.priorities if p.id in names)
        yield _at(
            display,
            first.source,
            "CC307",
            f"priorities contradict each other: {' > '.join(cycle)}",
            f"the orders of {', '.join(repr(n) for n in sorted(names))} cannot all hold; make them agree",
        )


def _properties_hint(ids: list[str]) -> str:
    """'properties: a, b, c': the first few, so that the hint stays short in a spec of many."""
    if not ids:
        return "properties: none"
    shown = ", ".join(ids[:MAX_LISTED_PROPERTIES])
    more = len(ids) - MAX_LISTED_PROPERTIES
    return f"properties: {shown}" + (f" and {more} more" if more > 0 else "")


#: Property ids a hint lists.
MAX_LISTED_PROPERTIES = 10


def check_id_attributes(spec: Spec, registry: IdRegistry, display: Display) -> Iterator[Diagnostic]:
    suggest_id = Suggester(registry.kinds)
    named: list[tuple[str, str, tuple[str, ...], SourceSpan]] = [
        *((c.id, "concerns", c.concerns, c.source) for c in spec.constraints),
        *((r.id, "justifies", r.justifies, r.source) for r in spec.rationales),
    ]
    for owner, key, idents, span in named:
        for ident in idents:
            if ident not in registry.kinds:
                yield _at(
                    display,
                    span,
                    "CC309",
                    f"'{owner}' {key} '{ident}', which is not an id in the spec",
                    suggest_id(ident) or "name the id of a property, section or annotation",
                )


#: Ids that name the site theme's own elements (mkdocs-material's `__config`, `__search`,
#: `__drawer`...): a page element with one of them would stand in for the theme's, and the theme
#: would read its settings from the spec's text.
THEME_ID_PREFIX = "__"


def check_reserved_ids(registry: IdRegistry) -> Iterator[Diagnostic]:
    for ident, (where, span) in registry.places.items():
        if ident.startswith(THEME_ID_PREFIX):
            yield Diagnostic(
                "CC313",
                f"id '{ident}' is reserved: ids that start with '{THEME_ID_PREFIX}' are the site "
                "theme's",
                where,
                span.line,
                span.column,
                f"rename it, e.g. '{ident.lstrip('_') or 'section'}'",
            )


def check_spec(spec: Spec, registry: IdRegistry, display: Display) -> Iterator[Diagnostic]:
    """Every whole-model check, in a fixed order."""
    yield from check_ranks(spec, display)
    yield from check_priorities(spec, registry, display)
    yield from check_id_attributes(spec, registry, display)
    yield from check_reserved_ids(registry)
