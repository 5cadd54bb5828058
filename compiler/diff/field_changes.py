"""The changes of a matched node's fields: typed fields (through their type and the levels the
grammar declares), the built-in reference fields (a constraint's concerns, a rationale's
justifications), undeclared attributes and classes, and the links in its text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..document import Block, Paragraph, walk_blocks
from ..grammar.types import FieldSpec, FieldType, FieldValue, KindSpec
from .fields import BUILTIN_RULES, compare
from .match import Pair
from .report import Reporter, named, shown, titled
from .rules import KINDS, RANKED


class FieldChanges(Reporter):
    """The comparisons of fields, for `compiler.diff.differ`."""

    def _builtin_fields(self, pair: Pair, kind: KindSpec) -> None:
        """The built-in fields of `kind` that rules of their own report (`BUILTIN_RULES`): an
        enumeration (a constraint's kind), a list of ids that narrows or widens (its concerns)
        or changes (a rationale's justifications). Orders and ranks are `OrderChanges`'."""
        for spec in kind.fields:
            rules = {part: rule for rule, part, _ in BUILTIN_RULES.get((kind.name, spec.name), ())}
            if not rules or (kind.name, spec.name) == (RANKED.kind, RANKED.field):
                continue
            if spec.type is not FieldType.REFERENCE:
                self._value_change(pair, spec.name, rules["changed"])
            elif "removed" in rules:
                self._narrowed_or_widened(pair, spec.name, rules["removed"], rules["added"])
            else:
                self._id_list_change(pair, spec.name, rules["changed"])

    def _value_change(self, pair: Pair, name: str, rule: str) -> None:
        old_value, new_value = pair.old.field(name), pair.new.field(name)
        if old_value != new_value:
            self._emit(
                rule,
                pair.new,
                f"{named(pair.new)} '{pair.new.id}' {name} {old_value} → {new_value}",
                pair=pair,
                binding=pair.old.binding,  # what was binding may no longer be
                field_name=name,
                old_value=old_value,
                new_value=new_value,
            )

    def _narrowed_or_widened(self, pair: Pair, name: str, narrowed: str, widened: str) -> None:
        old = {self._map(i) for i in pair.old.ids(name)}
        new = set(pair.new.ids(name))
        if old - new:
            rule, words = narrowed, f"no longer {name} {', '.join(sorted(old - new))}"
        elif new - old:
            rule, words = widened, f"now also {name} {', '.join(sorted(new - old))}"
        else:
            return
        self._emit(
            rule,
            pair.new,
            f"{named(pair.new)} '{pair.new.id}' {words}",
            pair=pair,
            field_name=name,
            old_value=pair.old.ids(name),
            new_value=pair.new.ids(name),
        )

    def _id_list_change(self, pair: Pair, key: str, rule: str) -> None:
        old = [self._map(i) for i in pair.old.ids(key)]
        new = pair.new.ids(key)
        if sorted(old) != sorted(new):
            self._emit(
                rule,
                pair.new,
                f"{named(pair.new)} '{pair.new.id}' {key} {', '.join(old)} → {', '.join(new)}",
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
                f"{named(pair.new)} '{pair.new.id}' {key}: {shown(old.get(key))} → "
                f"{shown(new.get(key))}",
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
                f"{named(pair.new)} '{pair.new.id}' classes: {shown(old_classes)} → "
                f"{shown(new_classes)}",
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
            what = f"{node.kind_label} '{node.id}'{titled(node)}: {spec.label or spec.name}"
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
                f"{named(pair.new)} '{pair.new.id}' links to {shown(new)} instead of {shown(old)}",
                pair=pair,
                field_name="links",
                old_value=old,
                new_value=new,
            )

    def _formatting(self, pair: Pair) -> None:
        """A node whose text reads the same but is formatted otherwise (a word put in italics,
        a link's URL changed): never silent, never a rewording. Only between documents that
        both record formatting (schema 3.2.0 on): an older one has none to compare."""
        if pair.old.own_text != pair.new.own_text:
            return  # the text change already shows it
        if not (self.old_doc.records_formatting and self.new_doc.records_formatting):
            return
        old, new = _marked(pair.old.model.blocks), _marked(pair.new.model.blocks)
        if old == new:
            return
        removed = [mark[1] for mark in old if mark not in new]
        added = [mark[1] for mark in new if mark not in old]
        what = (
            "; ".join([*(f"{p} removed" for p in removed), *(f"{p} added" for p in added)])
            or "marks moved"
        )
        self._emit(
            "formatting-changed",
            pair.new,
            f"{named(pair.new)} '{pair.new.id}': formatting changed: {what}",
            pair=pair,
            field_name="formatting",
            old_value=removed,
            new_value=added,
        )


def _marked(blocks: Sequence[Block]) -> list[tuple[tuple[int, int, int], str]]:
    """Each mark of a node's paragraphs but its links to ids: where it is (paragraph, start, end) and what it says
    (``em 'word'``, ``link 'text' -> href``): the changes' old and new values are the
    phrases marked only before and only after."""
    found: list[tuple[tuple[int, int, int], str]] = []
    paragraphs = (block for block in walk_blocks(blocks) if isinstance(block, Paragraph))
    for index, paragraph in enumerate(paragraphs):
        for mark in paragraph.marks:
            if mark.href is not None and mark.href.startswith("#"):
                continue  # a link to an id: `link-changed` reports it, renames followed
            phrase = f"{mark.type} '{paragraph.text[mark.start : mark.end]}'"
            if mark.href is not None:
                phrase += f" -> {mark.href}"
            found.append(((index, mark.start, mark.end), phrase))
    return found


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
    return shown(value)
