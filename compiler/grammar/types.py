"""The grammar of a spec as plain data: its kinds of node, their typed fields, and the orders
nodes state. The built-in kinds are declared in `default.yaml` with these same types.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import yaml
from msgspec import Struct

#: The widest bounds an integer field may declare: integers that JSON readers in every language
#: (JavaScript's doubles included) read exactly.
SAFE_INTEGER = 2**53 - 1
#: The bounds an integer field has when its declaration gives none.
DEFAULT_MINIMUM = 0
DEFAULT_MAXIMUM = 10**9


class FieldType(StrEnum):
    """What a field's value is."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    ENUM = "enum"
    """One of a declared list of words."""
    REFERENCE = "reference"
    """The id of a node (of the kinds the field names)."""


class Form(StrEnum):
    """How a kind is written in the Markdown."""

    HEADING = "heading"
    """A heading and the text under it (sections)."""
    ANNOTATION = "annotation"
    """An annotation: a fenced block, a list item or a bracketed span with ``{#id .kind}``."""
    LINK = "link"
    """A link from the text to an id (references); not a node."""
    EXAMPLE = "example"
    """Written in the spec's declared example syntax (``examples:`` in constitution.yaml): a
    worked example, or a file of evaluation prompts (schema 3.0.0); never an annotation."""


class Granularity(StrEnum):
    """How much text an annotation may cover."""

    BLOCK = "block"
    """A fenced block ``::: kind {#id}`` of one or more paragraphs, lists or nested blocks."""
    ITEM = "item"
    """One list item."""
    SPAN = "span"
    """A span of text inside a paragraph, Pandoc's ``[text]{#id .kind}``."""


class TitleSource(StrEnum):
    """Where a node's title comes from."""

    HEADING = "heading"
    """The heading's text (sections)."""
    ATTRIBUTE = "attribute"
    """An attribute, named by `TitleSpec.attribute`."""
    LEAD = "lead"
    """The bold phrase that opens the text: ``**Title**: ...``."""


class PageView(StrEnum):
    """How a kind's generated page shows its nodes."""

    TABLE = "table"
    """A table: one row per node, one column per field."""
    ORDER = "order"
    """The orders over the kind's nodes, drawn as diagrams, then the nodes."""
    LIST = "list"
    """The nodes one after another, with their text."""


class DiffLevel(StrEnum):
    """How much a change matters to a consumer that pinned the old version (as in `diff`)."""

    BREAKING = "breaking"
    SUBSTANTIVE = "substantive"
    EDITORIAL = "editorial"


class Mode(StrEnum):
    """How strictly an order applies."""

    HOLISTIC = "holistic"
    """Higher nodes generally dominate, but all are weighed in an overall judgment."""
    STRICT = "strict"
    """Lexical: a higher node always wins; a lower one only breaks ties."""


#: Each mode's precedence rule, in words and as a flag, as the JSON states it.
MODE_RULES: Mapping[Mode, tuple[bool, str]] = MappingProxyType(
    {
        Mode.HOLISTIC: (
            False,
            "the higher node generally dominates, but both are weighed in an overall judgment: "
            "treat it as the heavier consideration, not a trump card",
        ),
        Mode.STRICT: (
            True,
            "the higher node always wins; the lower one only breaks ties",
        ),
    }
)

FieldValue = str | int | bool | tuple[str, ...] | tuple[int, ...] | tuple[tuple[str, ...], ...]
"""A typed value: a string, integer or boolean; a tuple of them for a many-valued field; the
levels of an order (a tuple of tuples of ids) for an ordered reference field."""


class FieldDiff(Struct, frozen=True):
    """The level of each kind of change to a field, for `constitution diff`."""

    changed: DiffLevel = DiffLevel.SUBSTANTIVE
    """Any change, unless one of the more specific levels below applies."""
    raised: DiffLevel | None = None
    """Ordered fields: the value moved up (towards the first of the values, or a higher level of
    an order); integers: the number grew. None: `changed` applies."""
    lowered: DiffLevel | None = None
    """Ordered fields: the value moved down; integers: the number fell. None: `changed`
    applies."""
    added: DiffLevel | None = None
    """Many-valued fields: values were added and none removed. None: `changed` applies."""
    removed: DiffLevel | None = None
    """Many-valued fields: values were removed and none added. None: `changed` applies."""

    def to_json(self) -> dict[str, str]:
        """The levels as the compiled document states them (schema 3.1.0): ``changed``, and
        each more specific level the field declares."""
        parts = (
            ("raised", self.raised),
            ("lowered", self.lowered),
            ("added", self.added),
            ("removed", self.removed),
        )
        return {"changed": str(self.changed), **{k: str(v) for k, v in parts if v is not None}}

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> FieldDiff:
        """The levels `to_json` wrote."""
        return cls(**{key: DiffLevel(value) for key, value in data.items()})


class FieldSpec(Struct, frozen=True):
    """A typed field of a kind: written as an attribute ``name=value`` in the Markdown."""

    name: str
    """The field's name: the same in Markdown attributes, JSON and Python (lower case, digits
    and ``_``)."""
    type: FieldType
    """What its value is."""
    many: bool = False
    """True when it takes several values (separated by spaces): a tuple in Python, an array in
    JSON."""
    required: bool = False
    """True when every node of the kind must give it."""
    default: FieldValue | None = None
    """The value a node has when it does not give one; None: the field is then absent."""
    minimum: int = DEFAULT_MINIMUM
    """Integers: the smallest value allowed."""
    maximum: int = DEFAULT_MAXIMUM
    """Integers: the largest value allowed."""
    values: tuple[str, ...] = ()
    """Enumerations: the allowed values; highest first when `ordered`."""
    ordered: bool = False
    """Enumerations: the values are ranked, highest first. References: the value is an order,
    levels of ids separated by ``>`` (see `compiler.grammar.orders`)."""
    aliases: tuple[tuple[str, str], ...] = ()
    """Enumerations: other spellings, each mapped to the value it stands for, e.g.
    ``("platform", "root")``; a node's typed value is always the value itself."""
    targets: tuple[str, ...] = ()
    """References: the kinds of node it may name; empty for any kind."""
    diff: FieldDiff = FieldDiff()
    """The level of a change to it."""
    label: str = ""
    """How the site names it, e.g. ``Concerns``."""
    inverse: str = ""
    """References: how the site names the link back, on the nodes it names, e.g. ``Constrained
    by``; empty for none."""
    description: str = ""
    """What it means, in a sentence."""
    extensible: bool = True
    """Enumerations of a built-in kind: a spec may add values (False: it may only narrow them)."""
    builtin: bool = False
    """True for a field of the default grammar."""

    @property
    def alias_map(self) -> Mapping[str, str]:
        """`aliases` as a mapping from alias to value."""
        return dict(self.aliases)

    def rank(self, value: str) -> int:
        """The 1-based rank of an ordered enumeration's value: 1 is the highest."""
        return self.values.index(value) + 1

    def to_json(self) -> dict[str, object]:
        """The field as the compiled document describes it (schema version 2.0.0; its diff
        levels since 3.1.0)."""
        data: dict[str, object] = {
            "name": self.name,
            "type": str(self.type),
            "many": self.many,
            "required": self.required,
            "label": self.label,
            "description": self.description,
        }
        if self.default is not None:
            data["default"] = _json_value(self.default)
        if self.type is FieldType.INTEGER:
            data["minimum"], data["maximum"] = self.minimum, self.maximum
        if self.type is FieldType.ENUM:
            data["values"] = list(self.values)
            data["aliases"] = dict(self.aliases)
        if self.type in (FieldType.ENUM, FieldType.REFERENCE):
            data["ordered"] = self.ordered
        if self.type is FieldType.REFERENCE:
            data["targets"] = list(self.targets)
        data["diff"] = self.diff.to_json()
        return data


class TitleSpec(Struct, frozen=True):
    """How a node's title is found."""

    sources: tuple[TitleSource, ...] = ()
    """Where to look, first match wins; empty: the kind has no title."""
    attribute: str = "title"
    """The attribute that gives the title, when `sources` holds ``attribute``."""
    required: bool = False
    """True when a node without a title is an error."""


class PageSpec(Struct, frozen=True):
    """A page the site generates for a kind."""

    title: str
    """The page's title, e.g. ``Instructable behaviors``."""
    slug: str
    """Its file name without ``.md``, e.g. ``instructable-behaviors``."""
    view: PageView = PageView.LIST
    """How it shows the nodes."""
    columns: tuple[str, ...] = ()
    """Tables: the fields shown, in this order; empty for all the kind's fields."""


class RankSpec(Struct, frozen=True):
    """A global rank that orders a kind's nodes when an order names none (today's ``rank`` of
    core values): the nodes of `kind` sorted by their integer `field`, 1 first."""

    kind: str
    """The kind ranked."""
    field: str
    """Its integer field that holds the rank."""


class OrderSpec(Struct, frozen=True):
    """How nodes of a kind state an order over other nodes (the built-in priority does)."""

    levels: str
    """The ordered reference field that holds the levels."""
    mode: str
    """The enumeration field that holds the mode (``holistic`` or ``strict``)."""
    ranked_by: RankSpec | None = None
    """When the levels field is absent, the order these ranks give; None: it is required."""


class KindSpec(Struct, frozen=True):
    """A kind of node: the built-in ones (section, property, ...) and the ones a spec declares."""

    name: str
    """Its name, as written in ``::: name`` and ``.name``; ``kind`` in the JSON."""
    key: str
    """The plural key that names the kind's nodes in the Python API and in the arrays of schema
    1.0.0 documents, e.g. ``properties``."""
    label: str
    """How the site names one node, e.g. ``Property``."""
    plural: str
    """How the site names several, e.g. ``Properties``."""
    description: str = ""
    """What the kind is, in a sentence."""
    form: Form = Form.ANNOTATION
    """How it is written in the Markdown."""
    fields: tuple[FieldSpec, ...] = ()
    """Its typed fields, in declaration order."""
    title: TitleSpec = TitleSpec()
    """How a node's title is found."""
    binding: bool = False
    """True when its text is normative and binding (hard constraints): the site and diff treat a
    rewording as a change of the rule itself."""
    granularity: tuple[Granularity, ...] = (Granularity.BLOCK,)
    """How much text one node may cover; empty for kinds that are not annotations."""
    page: PageSpec | None = None
    """The page the site generates for it, or None."""
    order: OrderSpec | None = None
    """How its nodes state orders, for a kind that does (priority); None otherwise."""
    open: bool = False
    """True when attributes it does not declare are kept as strings (``attributes`` in the
    JSON); False when they are errors."""
    builtin: bool = False
    """True for a kind of the default grammar."""

    def field(self, name: str) -> FieldSpec | None:
        """The field with this name, or None."""
        return next((spec for spec in self.fields if spec.name == name), None)

    def to_json(self) -> dict[str, object]:
        """The kind as the compiled document describes it (schema version 2.0.0)."""
        return {
            "name": self.name,
            "key": self.key,
            "label": self.label,
            "plural": self.plural,
            "description": self.description,
            "form": str(self.form),
            "binding": self.binding,
            "granularity": [str(g) for g in self.granularity],
            "fields": [spec.to_json() for spec in self.fields],
        }


@dataclasses.dataclass(frozen=True, slots=True)
class RawSection:  # a dataclass: msgspec fields have no compare=False
    """A top-level section of the declarations file that another part of the compiler reads."""

    file: str
    """The declarations file, as diagnostics show it."""
    node: yaml.Node = dataclasses.field(compare=False)
    """The section's YAML node, with the line and column of everything in it."""
    value: Any = None
    """The section as plain data (mappings, lists, strings, numbers, booleans, None)."""


class Grammar(Struct, frozen=True):
    """Every kind a spec may use, built-in and declared."""

    kinds: Mapping[str, KindSpec]
    """Kinds by name, in declaration order: the built-in ones first."""
    diff: RawSection | None = None
    """The ``diff:`` section, passed through for `constitution diff`."""
    examples: RawSection | None = None
    """The ``examples:`` section: the example syntax (read by `compiler.grammar.examples`)."""
    file: str | None = None
    """The declarations file it was read from (as diagnostics show it); None for the default."""

    def kind(self, name: str) -> KindSpec | None:
        """The kind with this name, or None."""
        return self.kinds.get(name)

    @property
    def heading_kind(self) -> KindSpec | None:
        """The kind of headings: the one kind of form `Form.HEADING` (built in, named in the
        kinds table; a spec cannot redeclare or remove it). None only in a bare test grammar."""
        return next((kind for kind in self.kinds.values() if kind.form is Form.HEADING), None)

    @property
    def section_fields(self) -> tuple[FieldSpec, ...]:
        """The fields declared for headings (``sections:``)."""
        section = self.heading_kind
        return section.fields if section is not None else ()

    def annotation_kinds(self) -> Iterator[KindSpec]:
        """The kinds written as annotations, in declaration order."""
        return (kind for kind in self.kinds.values() if kind.form is Form.ANNOTATION)

    def to_json(self) -> list[dict[str, object]]:
        """Its kinds as the compiled document describes them (``kinds``, schema 2.0.0)."""
        return [kind.to_json() for kind in self.kinds.values()]


def _json_value(value: FieldValue) -> object:
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    return value
