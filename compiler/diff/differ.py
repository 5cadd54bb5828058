"""The differ: matches the nodes of two compiled documents, then compares each matched pair
field by field, and reports every difference under its rule at the level in force.

The comparisons are in three parts: `compiler.diff.report` (the diff's state, and how a change
is reported), `compiler.diff.orders` (orders, ranks, sections' places) and
`compiler.diff.field_changes` (typed fields, attributes, links); `_Differ` joins them and adds
the matching, the document's own changes and each node's place."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..collector import without_cycle_collection
from ..document import Document
from ..document import Node as ModelNode
from ..grammar.load import default_grammar
from ..grammar.types import FieldValue, KindSpec, TitleSource
from .field_changes import FieldChanges
from .fields import declared_fields, grammar_entries, grammar_levels
from .match import Pair, aligned_sections, content_of, match_renames, renamed_parents
from .nodes import Node, as_documents
from .orders import OrderChanges
from .report import ANCHOR, named, shown, under
from .result import Change, DiffResult, Side
from .rules import (
    BUILTIN_KINDS,
    DEFAULT_LEVELS,
    DOCUMENT,
    HEADING,
    KINDS,
    LEVELS,
    Levels,
    node_rule,
)


class _Differ(OrderChanges, FieldChanges):
    """One diff: matches nodes, then compares each matched pair field by field."""

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
            if kind == HEADING:
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

    def _document(self) -> None:
        old_info, new_info = self.old_doc.info, self.new_doc.info
        anchor = Node(DOCUMENT, "", ANCHOR, -1)
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
                f"front matter '{key}': {shown(old_meta.get(key))} → {shown(new_meta.get(key))}",
                field_name=f"metadata.{key}",
                old_value=old_meta.get(key),
                new_value=new_meta.get(key),
            )

    def _compare(self, pair: Pair) -> None:
        old, new = pair.old, pair.new
        kind = new.kind
        # A model both documents share (`read_pair`: one JSON on both sides) has the same own
        # content (title, text, fields, attributes); what it names (its place, the ids in its
        # fields, its links) may still name renamed nodes, or other links.
        own = old.model is not new.model
        if not own and self._unaffected(new.model):
            return
        if pair.renamed:
            self._emit(
                node_rule(kind, "renamed"),
                new,
                f"{named(new)} '{old.id}' renamed to '{new.id}'",
                pair=pair,
                field_name="id",
                old_value=old.id,
                new_value=new.id,
            )
        builtin = BUILTIN_KINDS.get(kind) if kind in KINDS else None
        if own:
            self._texts(pair, builtin)
        if kind == HEADING:
            self._moved(pair, pair.old.parent, pair.new.parent, field_name="parent")
        else:
            self._moved(pair, pair.old.section, pair.new.section, field_name="section")
        if builtin is not None and builtin.order is not None:
            self._priority(pair, builtin.order)
        elif builtin is not None:
            self._builtin_fields(pair, builtin)
        if own:
            self._attributes(pair)
            self._declared_fields(pair)
            self._formatting(pair)
        self._links(pair)

    def _unaffected(self, model: ModelNode) -> bool:
        """True for a node both documents share that names no renamed node (as its place or in
        its fields) and has the same links: every comparison would find its values the same."""
        renamed = self.renamed
        if renamed and (
            model.parent in renamed
            or model.section in renamed
            or (model.fields and any(str(i) in renamed for i in _leaves(model.fields.values())))
        ):
            return False
        links = self.old_links.get(model.id, ())
        if links != self.new_links.get(model.id, ()):
            return False
        return not renamed or not any(target in renamed for target in links)

    def _texts(self, pair: Pair, builtin: KindSpec | None) -> None:
        """A matched node's title (a definition's term) and text."""
        old, new = pair.old, pair.new
        kind = new.kind
        if builtin is None:
            rule = node_rule(kind, "title-changed")
            self._text_change(rule, new, pair, "title", old.label, new.label)
        elif builtin.title.sources:  # a definition's title is its term
            sources = builtin.title.sources
            word = builtin.title.attribute if TitleSource.ATTRIBUTE in sources else "title"
            rule = node_rule(kind, f"{word}-changed")
            self._text_change(rule, new, pair, word, old.label, new.label)
        rule = node_rule(kind, "text-changed")
        self._text_change(rule, new, pair, "text", old.own_text, new.own_text)

    def _moved(
        self, pair: Pair, old_value: str | None, new_value: str | None, *, field_name: str
    ) -> None:
        """A node whose place (a section's ``parent``, another node's ``section``) is another
        node than before (renames followed)."""
        mapped = self._map(old_value) if old_value is not None else None
        if mapped != new_value:
            self._emit(
                node_rule(pair.new.kind, "moved"),
                pair.new,
                f"{named(pair.new)} '{pair.new.id}' moved from {under(mapped)} to "
                f"{under(new_value)}",
                pair=pair,
                field_name=field_name,
                old_value=old_value,
                new_value=new_value,
            )


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
    old_doc, new_doc = as_documents(old, new)
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


def _leaves(values: Iterable[FieldValue]) -> Iterator[FieldValue]:
    """The values, a list's (or an order's levels') items one by one."""
    for value in values:
        if isinstance(value, tuple):
            yield from _leaves(value)
        else:
            yield value


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
