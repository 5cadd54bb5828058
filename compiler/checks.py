"""Checks that need the whole model: the ranks of a ranked kind (unique, without gaps, and
agreeing with the orders over that kind) and reserved ids. Each check is a generator of
diagnostics; `check_document` runs them all. References and orders are checked where they are
read (`compiler.extract.finish`), by the grammar's own checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import pairwise

from .diagnostics import Diagnostic
from .document import Document, Node
from .extract.ids import IdRegistry
from .model import SourceSpan

Display = Callable[[str], str]
"""Maps a spec-relative file name to the path diagnostics show."""


def _at(display: Display, span: SourceSpan, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(code, message, display(span.file), span.line, span.column, hint)


def _ranked(doc: Document) -> Iterator[tuple[str, str, list[Node]]]:
    """Each kind ranked by an integer field (`RankSpec`), with its nodes that have a rank."""
    seen: set[tuple[str, str]] = set()
    for kind in doc.kinds.values():
        ranked_by = kind.order.ranked_by if kind.order is not None else None
        if ranked_by is None or (ranked_by.kind, ranked_by.field) in seen:
            continue
        seen.add((ranked_by.kind, ranked_by.field))
        nodes = [
            n for n in doc.of_kind(ranked_by.kind) if isinstance(n.fields.get(ranked_by.field), int)
        ]
        yield ranked_by.kind, ranked_by.field, nodes


def check_ranks(doc: Document, display: Display) -> Iterator[Diagnostic]:
    """Ranks of a ranked kind (a property's ``rank``) are unique and leave no gaps."""
    for kind, field, nodes in _ranked(doc):
        seen: dict[int, str] = {}
        rank_of = {node.id: int(node.fields[field]) for node in nodes}  # type: ignore[arg-type]
        for node in nodes:
            rank = rank_of[node.id]
            if rank in seen:
                yield _at(
                    display,
                    node.source,
                    "CC304",
                    f"{kind} '{node.id}' has {field} {rank}, like '{seen[rank]}'",
                    f"give each {kind} its own {field}: 1 for the highest, then 2, 3, ...",
                )
            else:
                seen[rank] = node.id
        ranks = sorted(seen)
        gaps = _gaps(ranks)
        if gaps:
            last = next(n for n in nodes if rank_of[n.id] == ranks[-1])
            yield _at(
                display,
                last.source,
                "CC304",
                f"{kind} {field}s skip {_listed_gaps(gaps)}",
                f"number the {field}s 1, 2, 3, ... without gaps",
            )
        yield from _orders_agree(doc, kind, field, rank_of, display)


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


def _orders_agree(
    doc: Document, kind: str, field: str, rank_of: dict[str, int], display: Display
) -> Iterator[Diagnostic]:
    """An order over a ranked kind puts no node above one of a higher rank."""
    for order in doc.orders:
        if order.kind != kind:
            continue
        levels = [[i for i in level if i in rank_of] for level in order.levels]
        for higher, lower in pairwise(level for level in levels if level):
            top = max(higher, key=rank_of.__getitem__)
            bottom = min(lower, key=rank_of.__getitem__)
            if rank_of[top] > rank_of[bottom]:
                node = doc.node(order.id)
                yield _at(
                    display,
                    node.source,
                    "CC304",
                    f"{node.kind} '{order.id}' puts '{top}' ({field} {rank_of[top]}) above "
                    f"'{bottom}' ({field} {rank_of[bottom]})",
                    f"make the {field}s and the order agree",
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


def check_document(doc: Document, registry: IdRegistry, display: Display) -> Iterator[Diagnostic]:
    """Every whole-model check, in a fixed order."""
    yield from check_ranks(doc, display)
    yield from check_reserved_ids(registry)
