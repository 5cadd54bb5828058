"""What needs every file read: links and placeholders resolved, reference fields checked, orders
built and checked, and the `Document` assembled in document order.

An order is stated by a node of a kind with an `OrderSpec` (the built-in priority): its levels
field, or, when it has none and the kind says ``ranked_by``, the ranked kind's nodes by rank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from urllib.parse import unquote

from ..about import NAME, __version__
from ..diagnostics import Diagnostic, Suggester, shorten
from ..document import Document, DocumentInfo, Node, Reference, SourceInfo, blocks_text
from ..grammar.orders import Order, build_order, check_orders
from ..grammar.types import FieldType, Mode
from ..grammar.values import check_references
from ..links import SCHEME, join_link, safe_scheme_href, unsafe_scheme
from ..model import SourceSpan
from .blocks import freeze
from .inline import PendingLink
from .nodes import NodeBuilder, _key_column
from .walk import Extractor

#: Nodes that state an order by rank (a priority without ``order``) each list every ranked node:
#: at most this many entries in all.
MAX_DEFAULT_ORDER_ENTRIES = 100_000
_MD_LINK = re.compile(r"^(?P<file>[^:?#]+\.md)?(?:#(?P<fragment>.*))?$")


def finish(extractor: Extractor) -> Document:
    """The document of everything the extractor read; problems go to its diagnostics."""
    context = extractor.context
    kept = [node for node in extractor.nodes if node.kept]
    by_id = {node.id: node for node in kept if node.id is not None}
    titles: dict[str, str | None] = {ident: node.title for ident, node in by_id.items()}
    references = _links(extractor, titles)
    kind_of = dict(extractor.registry.kinds)
    for node in kept:
        _check_references(extractor, node, kind_of)
    orders = _orders(extractor, kept, kind_of)
    for owner, problem in check_orders(orders):
        node = by_id[owner]
        context.error(problem.code, problem.message, node.display, node.source.line,
                      node.source.column, problem.hint)  # fmt: skip
    nodes = tuple(_node(node, titles.get) for node in kept)
    info = DocumentInfo(
        title=extractor.title,
        version=extractor.version,
        generator=MappingProxyType({"name": NAME, "version": __version__}),
        metadata=MappingProxyType(dict(extractor.metadata)),
        sources=tuple(
            SourceInfo(c.file, c.sha256, c.title, c.number, c.reading_time)
            for c in extractor.chapters
        ),
    )
    return Document(info, extractor.grammar.kinds, nodes, tuple(orders), tuple(references))


def _node(node: NodeBuilder, titles: object) -> Node:
    assert node.kind is not None and node.id is not None
    blocks = freeze(node.blocks, titles)  # type: ignore[arg-type]
    return Node(
        id=node.id,
        kind=node.kind.name,
        parent=node.parent.id if node.parent is not None else None,
        section=node.section.id if node.section is not None else None,
        granularity=node.granularity,
        title=node.title,
        level=node.level,
        auto_id=node.auto_id,
        text=blocks_text(blocks),
        blocks=blocks,
        fields=MappingProxyType(dict(node.fields)),
        classes=node.attributes.classes,
        attributes=MappingProxyType(dict(node.extra)),
        source=node.source,
        normative=node.normative,
    )


# --- references and orders ----------------------------------------------------------------------


def _check_references(extractor: Extractor, node: NodeBuilder, kind_of: Mapping[str, str]) -> None:
    assert node.kind is not None and node.id is not None
    line, column, raw = node.header
    for spec in node.kind.fields:
        value = node.fields.get(spec.name)
        if spec.type is not FieldType.REFERENCE or value is None:
            continue
        for problem in check_references(spec, node.id, value, kind_of):
            extractor.context.error(
                problem.code,
                f"{node.kind.name} '{node.id}': {problem.message}",
                node.display,
                line,
                _key_column(raw, spec.name, column),
                problem.hint,
            )


def _orders(
    extractor: Extractor, nodes: list[NodeBuilder], kind_of: Mapping[str, str]
) -> list[Order]:
    if not _default_levels(extractor, nodes):
        return []
    orders: list[Order] = []
    for node in nodes:
        assert node.kind is not None and node.id is not None
        spec = node.kind.order
        if spec is None:
            continue
        mode, levels = node.fields.get(spec.mode), node.fields.get(spec.levels)
        if not isinstance(levels, tuple) or not isinstance(mode, str) or not levels:
            continue
        order, problems = build_order(node.id, Mode(mode), levels, kind_of)  # type: ignore[arg-type]
        for problem in problems:
            extractor.context.error(problem.code, f"{node.kind.name} '{node.id}': {problem.message}",
                                    node.display, node.source.line, node.source.column,
                                    problem.hint)  # fmt: skip
        if order is not None:
            orders.append(order)
    return orders


def _default_levels(extractor: Extractor, nodes: list[NodeBuilder]) -> bool:
    """Give each node that states an order without its levels field the order its kind's
    `ranked_by` gives (a priority without ``order``: the properties by rank). False, with a
    diagnostic, when that would list more than `MAX_DEFAULT_ORDER_ENTRIES` ids in all."""
    waiting: dict[str, list[NodeBuilder]] = {}
    for node in nodes:
        spec = node.kind.order if node.kind is not None else None
        if spec is None or spec.ranked_by is None or spec.levels in node.attributes.as_dict():
            continue
        waiting.setdefault(node.kind.name if node.kind else "", []).append(node)
    grammar = extractor.grammar
    for name, found in waiting.items():
        kind = grammar.kinds[name]
        assert kind.order is not None and kind.order.ranked_by is not None
        ranked_by = kind.order.ranked_by
        levels = _by_rank(nodes, ranked_by.kind, ranked_by.field)
        if len(found) * len(levels) > MAX_DEFAULT_ORDER_ENTRIES:
            # Each such node lists every ranked node in the JSON: the output would grow with
            # the product of two counts, not with the input.
            at = found[MAX_DEFAULT_ORDER_ENTRIES // len(levels)]
            ranked = grammar.kinds[ranked_by.kind]
            many, field = kind.plural.lower(), kind.order.levels
            extractor.context.error(
                "CC104",
                f"{len(found):,} {many} without an '{field}' would each list all "
                f"{len(levels):,} {ranked.plural.lower()}, more than the limit of "
                f"{MAX_DEFAULT_ORDER_ENTRIES:,} entries in all",
                at.display,
                at.source.line,
                at.source.column,
                f'give these {many} an explicit {field}="...", or merge them: without one, '
                f"each orders every {ranked.label.lower()} by {ranked_by.field}",
            )
            return False
        for node in found:
            node.fields[kind.order.levels] = levels
    return True


def _by_rank(nodes: list[NodeBuilder], kind: str, field: str) -> tuple[tuple[str, ...], ...]:
    ranked = [
        (rank, node.id)
        for node in nodes
        if node.kind is not None
        and node.kind.name == kind
        and node.id is not None
        and isinstance(rank := node.fields.get(field), int)
    ]
    return tuple((ident,) for _, ident in sorted(ranked, key=lambda pair: pair[0]))


# --- links --------------------------------------------------------------------------------------


def _links(extractor: Extractor, titles: dict[str, str | None]) -> list[Reference]:
    """Resolve every link: unsafe schemes, files outside the spec or not in it, unknown ids;
    each link to an id becomes a `Reference`."""
    context = extractor.context
    ids = extractor.registry.kinds
    suggest_id = Suggester(ids)
    suggest_file = Suggester(sorted(extractor.file_names))
    references: list[Reference] = []
    first_ids: dict[str, str] = {}
    for node in reversed(extractor.nodes):
        if node.kept and node.id is not None:
            first_ids[node.source.file] = f"#{node.id}"  # an id needs no quoting: [\w-]+

    def error(link: PendingLink, code: str, message: str, hint: str) -> None:
        context.diagnostics.append(
            Diagnostic(code, message, link.source.display, link.place.line, link.place.column, hint)
        )

    for link in extractor.inline.links:
        href, place = link.href, link.place
        unsafe = unsafe_scheme(href)
        if unsafe is not None:
            error(link, "CC207", f"unsafe link URL '{shorten(href)}'",
                  f"'{unsafe}' links can run code or smuggle content into the site; link to an https: page or an #id")  # fmt: skip
            continue
        scheme = SCHEME.match(href)
        if scheme or href.startswith("//"):
            place.target.href = safe_scheme_href(href)
            continue
        match = _MD_LINK.match(href)
        if match is None:
            files = extractor.files
            problem = files.link_problem(link.source.name, href) if files else None
            if problem is not None:
                error(link, *problem)
            else:
                place.target.href = safe_scheme_href(href)
            continue
        file_part, fragment = match["file"], match["fragment"]
        if file_part is not None:
            target_file = join_link(link.source.name, file_part)
            if target_file is None:
                error(link, "CC105", f"link leaves the spec directory: '{shorten(file_part)}'",
                      "link to a chapter inside the spec, or to an https: page")  # fmt: skip
                continue
            if target_file not in extractor.file_names:
                error(link, "CC302", f"link to a file that is not in the spec: '{shorten(file_part)}'",
                      suggest_file(file_part) or "link to a chapter of the spec by its file name")  # fmt: skip
                continue
        if link.image or fragment is None or fragment == "":
            # A link to a chapter goes to its first heading.
            chapter = join_link(link.source.name, file_part) if file_part is not None else None
            place.target.href = first_ids.get(chapter) if chapter else safe_scheme_href(href)
            continue
        target = unquote(fragment)
        if target not in ids:
            error(link, "CC302", f"link to unknown id '#{shorten(target)}'",
                  suggest_id(target) or "link to the id of a heading ({#id}) or an annotation")  # fmt: skip
            continue
        place.target.href = f"#{target}"
        text = place.text
        if link.placeholder:
            title = titles.get(target)
            if not title:
                error(link, "CC732", f"placeholder link [?](#{shorten(target)}) names a {ids[target]}, which has no title",
                      "write the link's text instead of '?'")  # fmt: skip
            text = title or text
        origin = link.origin.id if link.origin is not None else None
        span = SourceSpan(link.source.name, place.line, place.column, place.line)
        references.append(Reference(origin, target, text, link.placeholder, span))
    return references
