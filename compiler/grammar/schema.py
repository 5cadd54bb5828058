"""JSON Schemas (draft 2020-12) of compiled documents in the shape of schema version 2.0.0: the
generic one, which every spec's document follows, and a spec's own, generated from its grammar,
which types every declared field.

The 2.0.0 document (the design and its reasons: ``DESIGN.md`` beside this module)::

    {
      "$schema":    the generic schema's $id (it names the version),
      "document":   title, version, generator, metadata, sources (as in 1.0.0),
      "kinds":      [the grammar: each kind with its fields, types, values, bounds, targets],
      "modes":      {"holistic": {"decisive": false, "rule": "..."}, "strict": {...}},
      "nodes":      [every section and annotation, in document order: id, kind, parent,
                     section, granularity, title, level, auto_id, text (its own), blocks (its
                     own, lists with their items, children as {"type": "node", "id": ...}),
                     fields (typed: numbers, booleans, words, ids, levels), classes,
                     attributes (undeclared ones, as strings), source],
      "orders":     [id, kind, mode, levels (highest first), ranks ({id: rank}, ties share)],
      "references": [origin, target, text (a placeholder "?" replaced by the target's title),
                     placeholder, source]
    }

Both schemas are strict: every object lists its keys, and no other key is allowed.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

from .types import (
    SAFE_INTEGER,
    FieldSpec,
    FieldType,
    Form,
    Grammar,
    Granularity,
    KindSpec,
    Mode,
    TitleSource,
)

SCHEMA_VERSION = "2.0.0"
GENERIC_ID = (
    f"https://constitution-compiler.dev/schemas/constitution/{SCHEMA_VERSION}/"
    "constitution.schema.json"
)
"""The $id of the generic schema, and the ``$schema`` of every 2.0.0 document."""
DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: Granularity of a node in the document: the annotation granularities, and sections' headings.
NODE_GRANULARITY = ("heading", *(str(g) for g in Granularity))
_KIND_NAME = "^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
_FIELD_NAME = "^[a-z][a-z0-9_]*$"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _described(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, **schema}


def _nullable(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "anyOf": [schema, {"type": "null"}]}


def _object(
    description: str, properties: dict[str, Any], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": [key for key in properties if key not in optional],
        "properties": properties,
    }


def _array(description: str, items: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"type": "array", "description": description, "items": items, **more}


@cache
def _published() -> dict[str, Any]:
    """The 1.0.0 schema: the parts 2.0.0 keeps as they were come from it, not from a copy."""
    text = (
        resources.files("compiler")
        .joinpath("schemas", "constitution.schema.json")
        .read_text("utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


# --- the parts every 2.0.0 schema shares ------------------------------------------------------


def _block() -> dict[str, Any]:
    blocks = _array("Blocks, in document order.", _ref("block"))
    kinds = {
        "paragraph": (
            "A paragraph: its plain text; with spans annotated in it, also its parts.",
            {
                "text": _described(
                    "Plain text; a placeholder link reads as its target's title.",
                    {"type": "string"},
                ),
                "parts": _array(
                    "The text cut where annotated spans start and end; the parts' texts joined make `text`.",
                    _object(
                        "A part of the paragraph's text.",
                        {
                            "text": _described("The part's text.", {"type": "string"}),
                            "node": _nullable(
                                "Id of the span node this part is, or null.", _ref("id")
                            ),
                        },
                    ),
                ),
            },
            ("parts",),
        ),
        "list": (
            "A list, with its items.",
            {
                "ordered": _described("True for a numbered list.", {"type": "boolean"}),
                "items": _array(
                    "The items, in order.",
                    _object("One item: its blocks.", {"blocks": blocks}),
                ),
            },
            (),
        ),
        "quote": ("A block quote.", {"blocks": blocks}, ()),
        "admonition": (
            "A call-out such as '!!! note' or the Model Spec's '!!! meta'.",
            {
                "variant": _described("Its kind, e.g. 'note' or 'meta'.", {"type": "string"}),
                "title": _nullable("Its title, or null.", {"type": "string"}),
                "blocks": blocks,
            },
            (),
        ),
        "code": (
            "A code block, verbatim.",
            {
                "language": _nullable("The info string's first word, or null.", {"type": "string"}),
                "text": _described("The code.", {"type": "string"}),
            },
            (),
        ),
        "table": (
            "A table, as plain-text cells.",
            {
                "header": _array("The header row's cells.", {"type": "string"}),
                "rows": _array("The body rows.", _array("A row's cells.", {"type": "string"})),
            },
            (),
        ),
        "node": (
            "Where a child node (an annotated block or list item) stands; its text is in that node.",
            {"id": _ref("id")},
            (),
        ),
    }
    return {
        "description": "A block of a node's own content.",
        "oneOf": [
            _object(
                description,
                {"type": _described("What the block is.", {"const": name}), **properties},
                optional,
            )
            for name, (description, properties, optional) in kinds.items()
        ],
    }


def _reference() -> dict[str, Any]:
    return _object(
        "A link from the text to an id, in document order.",
        {
            "origin": _nullable(
                "Id of the innermost node or section holding the link.", _ref("id")
            ),
            "target": _described("Id the link points at.", _ref("id")),
            "text": _described(
                "The link's text; for a placeholder, the target's title.", {"type": "string"}
            ),
            "placeholder": _described(
                "True when the link was written '[?](#id)'.", {"type": "boolean"}
            ),
            "source": _ref("source"),
        },
    )


def _order(kinds: list[str] | None) -> dict[str, Any]:
    kind = {"enum": kinds} if kinds is not None else {"type": "string", "pattern": _KIND_NAME}
    return _object(
        "An order over nodes of one kind, as a priority states it. Precedence of a over b: "
        "ranks[a] < ranks[b]; equal ranks are tied; ids it does not hold are unrelated by it.",
        {
            "id": _described("Id of the node that states the order.", _ref("id")),
            "kind": _described("The kind of the nodes ordered.", kind),
            "mode": _described(
                "How strictly it applies (see modes).", {"enum": [str(m) for m in Mode]}
            ),
            "levels": _array(
                "The ids, highest level first; ids on one level are tied.",
                _array("One level.", _ref("id"), minItems=1, uniqueItems=True),
                minItems=1,
            ),
            "ranks": {
                "type": "object",
                "description": "Each id's rank in this order: 1 for the first level.",
                "propertyNames": _ref("id"),
                "additionalProperties": {"type": "integer", "minimum": 1},
            },
        },
    )


def _modes() -> dict[str, Any]:
    rule = _object(
        "The precedence rule of a mode.",
        {
            "decisive": _described("True when the higher node always wins.", {"type": "boolean"}),
            "rule": _described("The rule in words.", {"type": "string"}),
        },
    )
    return _object(
        "Each mode's precedence rule.",
        {str(mode): rule for mode in Mode},
    )


def _kind_description() -> dict[str, Any]:
    value = {
        "anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "array"}]
    }
    field = _object(
        "A typed field.",
        {
            "name": _described(
                "Its name, in attributes, JSON and Python.",
                {"type": "string", "pattern": _FIELD_NAME},
            ),
            "type": _described("Its type.", {"enum": [str(t) for t in FieldType]}),
            "many": _described("True when it takes several values.", {"type": "boolean"}),
            "required": _described("True when every node gives it.", {"type": "boolean"}),
            "label": _described("How the site names it.", {"type": "string"}),
            "description": _described("What it means.", {"type": "string"}),
            "default": _described("Its value when a node gives none.", value),
            "minimum": _described("Integers: the smallest value.", {"type": "integer"}),
            "maximum": _described("Integers: the largest value.", {"type": "integer"}),
            "values": _array(
                "Enumerations: the values, highest first when ordered.", {"type": "string"}
            ),
            "aliases": {
                "type": "object",
                "description": "Enumerations: other spellings, each with the value it stands for.",
                "additionalProperties": {"type": "string"},
            },
            "ordered": _described(
                "Enumerations: the values are ranked, highest first. References: the value is an order's levels.",
                {"type": "boolean"},
            ),
            "targets": _array(
                "References: the kinds it may name; empty for any.", {"type": "string"}
            ),
        },
        ("default", "minimum", "maximum", "values", "aliases", "ordered", "targets"),
    )
    return _object(
        "A kind of node, as the grammar declares it.",
        {
            "name": _described(
                "Its name: 'kind' of its nodes.", {"type": "string", "pattern": _KIND_NAME}
            ),
            "key": _described("Its plural key in the Python API.", {"type": "string"}),
            "label": _described("How the site names one node.", {"type": "string"}),
            "plural": _described("How the site names several.", {"type": "string"}),
            "description": _described("What it is.", {"type": "string"}),
            "form": _described("How it is written.", {"enum": [str(f) for f in Form]}),
            "binding": _described(
                "True when its text is normative and binding.", {"type": "boolean"}
            ),
            "granularity": _array(
                "How much text one node may cover.", {"enum": [str(g) for g in Granularity]}
            ),
            "fields": _array("Its typed fields.", field),
        },
    )


def _node(
    description: str,
    kind: dict[str, Any],
    granularity: dict[str, Any],
    title: dict[str, Any],
    level: dict[str, Any],
    fields: dict[str, Any],
    attributes: dict[str, Any],
) -> dict[str, Any]:
    return _object(
        description,
        {
            "id": _ref("id"),
            "kind": _described("Its kind (see kinds).", kind),
            "parent": _nullable(
                "Id of the enclosing node or section; null at the top.", _ref("id")
            ),
            "section": _nullable(
                "Id of the nearest enclosing section (for a section, its parent section); null before the first heading.",
                _ref("id"),
            ),
            "granularity": _described(
                "What it covers: a heading's section, a block, a list item or a span.", granularity
            ),
            "title": title,
            "level": level,
            "auto_id": _described(
                "True when the id was made from a heading's title, not written as {#id}.",
                {"type": "boolean"},
            ),
            "text": _described(
                "Plain text of its own content, without its child nodes' blocks; paragraphs separated by a blank line, list items on lines of their own.",
                {"type": "string"},
            ),
            "blocks": _array("Its own content, in document order.", _ref("block")),
            "fields": fields,
            "classes": _array(
                "Classes written as '.class', in source order.", {"type": "string", "minLength": 1}
            ),
            "attributes": attributes,
            "source": _ref("source"),
        },
    )


def _schema(
    schema_id: str, title: str, description: str, parts: dict[str, Any], defs: dict[str, Any]
) -> dict[str, Any]:
    published = _published()
    return {
        "$schema": DRAFT,
        "$id": schema_id,
        "title": title,
        "description": description,
        **_object(
            description,
            {
                "$schema": _described(
                    "The $id of the generic schema the document follows.",
                    {"type": "string", "const": GENERIC_ID},
                ),
                "document": published["properties"]["document"],
                "kinds": parts["kinds"],
                "modes": _modes(),
                "nodes": _array("Every section and annotation, in document order.", parts["node"]),
                "orders": _array("Every order, in document order.", _ref("order")),
                "references": _array(
                    "Every link from the text to an id, in document order.", _ref("reference")
                ),
            },
        ),
        "$defs": {
            "id": published["$defs"]["id"],
            "source": published["$defs"]["source"],
            "block": _block(),
            "reference": _reference(),
            **defs,
        },
    }


# --- the generic schema -------------------------------------------------------------------------


@cache
def generic_schema() -> dict[str, Any]:
    """The schema every 2.0.0 document follows, whatever its grammar."""
    value = {
        "description": "A typed value: text, a number, true/false, several of them, or an order's levels.",
        "anyOf": [
            {"type": "string"},
            {"type": "integer"},
            {"type": "boolean"},
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            {"type": "array", "items": {"type": "array", "items": _ref("id")}},
        ],
    }
    node = _node(
        "A section or an annotation.",
        {"type": "string", "pattern": _KIND_NAME},
        {"enum": list(NODE_GRANULARITY)},
        _nullable("Its title, or null for a kind without one.", {"type": "string"}),
        _nullable(
            "A section's heading level, 1 to 6; null for other kinds.",
            {"type": "integer", "minimum": 1, "maximum": 6},
        ),
        {
            "type": "object",
            "description": "Its typed fields, by name (see kinds).",
            "propertyNames": {"pattern": _FIELD_NAME},
            "additionalProperties": _ref("value"),
        },
        _attributes(True),
    )
    return _schema(
        GENERIC_ID,
        "Compiled constitution",
        f"A constitution for an AI model compiled by constitution-compiler from annotated Markdown, schema version {SCHEMA_VERSION}: its grammar (kinds and typed fields), its nodes in document order with their parents, its orders with explicit ranks, and its links, each traceable to its source line. A spec's own schema, generated from its grammar, types every field.",
        {
            "kinds": _array("The grammar the document was compiled with.", _ref("kind")),
            "node": _ref("node"),
        },
        {"node": node, "value": value, "kind": _kind_description(), "order": _order(None)},
    )


def _attributes(open_: bool) -> dict[str, Any]:
    if open_:
        return {
            "type": "object",
            "description": "Attributes written on the node that its kind does not declare, as strings.",
            "additionalProperties": {"type": "string"},
        }
    return {
        "type": "object",
        "description": "Always empty: the kind declares every attribute it takes.",
        "additionalProperties": False,
    }


# --- a spec's own schema ------------------------------------------------------------------------


def spec_schema(grammar: Grammar) -> dict[str, Any]:
    """The schema of documents compiled with `grammar`: the generic schema with each kind's
    nodes typed field by field, and the grammar itself fixed. Its $id is a URN made from the
    grammar, so equal grammars give equal schemas."""
    described = grammar.to_json()
    digest = hashlib.sha256(json.dumps(described, sort_keys=True).encode("utf-8")).hexdigest()
    kinds = [kind for kind in grammar.kinds.values() if kind.form is not Form.LINK]
    ordered = sorted(
        {
            target
            for kind in kinds
            if kind.order is not None
            for spec in kind.fields
            if spec.name == kind.order.levels
            for target in (spec.targets or [k.name for k in kinds])
        },
        key=[k.name for k in kinds].index,
    )
    defs: dict[str, Any] = {f"node-{kind.name}": _kind_node(kind) for kind in kinds}
    defs["order"] = _order(ordered)
    return _schema(
        f"urn:constitution-compiler:spec-schema:{digest[:32]}",
        "Compiled constitution, with its grammar",
        f"Documents of schema version {SCHEMA_VERSION} compiled with one grammar: every kind's fields typed.",
        {
            "kinds": _described(
                "The grammar the document was compiled with: this one.", {"const": described}
            ),
            "node": _dispatch([kind.name for kind in kinds]),
        },
        defs,
    )


def _dispatch(names: list[str]) -> dict[str, Any]:
    """A node, checked against the schema of its kind: `if`/`then` on ``kind`` rather than a
    `oneOf`, so that a validator reports the problems of the node's own kind only."""
    known = {"properties": {"kind": {"enum": names}}}
    return {
        "description": "A section or an annotation, of one of the grammar's kinds.",
        "type": "object",
        "required": ["kind"],
        "allOf": [
            {"if": {"properties": {"kind": {"not": {"enum": names}}}}, "then": known},
            *(
                {"if": {"properties": {"kind": {"const": name}}}, "then": _ref(f"node-{name}")}
                for name in names
            ),
        ],
    }


def _kind_node(kind: KindSpec) -> dict[str, Any]:
    heading = kind.form is Form.HEADING
    title: dict[str, Any]
    if not kind.title.sources:
        title = _described("Always null: the kind has no title.", {"type": "null"})
    elif kind.title.required:
        title = _described(_title_words(kind), {"type": "string", "minLength": 1})
    else:
        title = _nullable(_title_words(kind), {"type": "string"})
    required = [spec.name for spec in kind.fields if spec.required or spec.default is not None]
    fields = {
        "type": "object",
        "description": f"The typed fields of a {kind.label.lower()}.",
        "additionalProperties": False,
        "required": required,
        "properties": {spec.name: field_schema(spec) for spec in kind.fields},
    }
    return _node(
        f"{kind.label}: {kind.description}" if kind.description else kind.label,
        {"const": kind.name},
        {"const": "heading"} if heading else {"enum": [str(g) for g in kind.granularity]},
        title,
        _described("Heading level, 1 to 6.", {"type": "integer", "minimum": 1, "maximum": 6})
        if heading
        else _described("Always null: not a heading.", {"type": "null"}),
        fields,
        _attributes(kind.open),
    )


def _title_words(kind: KindSpec) -> str:
    words = {
        TitleSource.HEADING: "the heading's text",
        TitleSource.ATTRIBUTE: f"the '{kind.title.attribute}' attribute",
        TitleSource.LEAD: "the bold phrase that opens its text",
    }
    return "Its title: " + ", else ".join(words[source] for source in kind.title.sources) + "."


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    """The schema of one field's value in the document."""
    one: dict[str, Any]
    if spec.type is FieldType.STRING:
        one = {"type": "string"}
    elif spec.type is FieldType.INTEGER:
        one = {
            "type": "integer",
            "minimum": max(spec.minimum, -SAFE_INTEGER),
            "maximum": min(spec.maximum, SAFE_INTEGER),
        }
    elif spec.type is FieldType.BOOLEAN:
        one = {"type": "boolean"}
    elif spec.type is FieldType.ENUM:
        one = {"enum": list(spec.values)}
    else:
        one = _ref("id")
    description = spec.description or spec.label
    if spec.type is FieldType.REFERENCE and spec.ordered:
        return _array(
            f"{description} Levels, highest first; ids on one level are tied.",
            _array("One level.", one, minItems=1, uniqueItems=True),
        )
    if spec.many:
        return _array(description, one, uniqueItems=True)
    return _described(description, one)
