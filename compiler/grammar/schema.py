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

import json
from functools import cache
from typing import Any

from ..digests import sha256_hex
from .schema_parts import (
    FIELD_NAME,
    KIND_NAME,
    array,
    block_schema,
    described,
    kind_schema,
    modes_schema,
    node_schema,
    nullable,
    object_schema,
    order_schema,
    published_schema,
    ref,
    reference_schema,
)
from .types import (
    SAFE_INTEGER,
    FieldSpec,
    FieldType,
    Form,
    Grammar,
    Granularity,
    KindSpec,
    TitleSource,
)

SCHEMA_VERSION = "3.2.0"
GENERIC_ID = (
    f"https://constitution-compiler.dev/schemas/constitution/{SCHEMA_VERSION}/"
    "constitution.schema.json"
)
"""The $id of the generic schema, and the ``$schema`` of every 2.0.0 document."""
DRAFT = "https://json-schema.org/draft/2020-12/schema"

#: Granularity of a node in the document: the annotation granularities, and sections' headings.
NODE_GRANULARITY = ("heading", *(str(g) for g in Granularity))


def _schema(
    schema_id: str, title: str, description: str, parts: dict[str, Any], defs: dict[str, Any]
) -> dict[str, Any]:
    published = published_schema()
    return {
        "$schema": DRAFT,
        "$id": schema_id,
        "title": title,
        "description": description,
        **object_schema(
            description,
            {
                "$schema": described(
                    "The $id of the generic schema the document follows.",
                    {"type": "string", "const": GENERIC_ID},
                ),
                "document": published["properties"]["document"],
                "kinds": parts["kinds"],
                "modes": modes_schema(),
                "nodes": array("Every section and annotation, in document order.", parts["node"]),
                "orders": array("Every order, in document order.", ref("order")),
                "references": array(
                    "Every link from the text to an id, in document order.", ref("reference")
                ),
            },
        ),
        "$defs": {
            "id": published["$defs"]["id"],
            "source": published["$defs"]["source"],
            "block": block_schema(),
            "reference": reference_schema(),
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
            {"type": "array", "items": {"type": "array", "items": ref("id")}},
        ],
    }
    node = node_schema(
        "A section or an annotation.",
        {"type": "string", "pattern": KIND_NAME},
        {"enum": list(NODE_GRANULARITY)},
        nullable("Its title, or null for a kind without one.", {"type": "string"}),
        nullable(
            "A section's heading level, 1 to 6; null for other kinds.",
            {"type": "integer", "minimum": 1, "maximum": 6},
        ),
        {
            "type": "object",
            "description": "Its typed fields, by name (see kinds).",
            "propertyNames": {"pattern": FIELD_NAME},
            "additionalProperties": ref("value"),
        },
        _attributes(True),
    )
    return _schema(
        GENERIC_ID,
        "Compiled constitution",
        f"A constitution for an AI model compiled by constitution-compiler from annotated Markdown, schema version {SCHEMA_VERSION}: its grammar (kinds and typed fields), its nodes in document order with their parents, its orders with explicit ranks, and its links, each traceable to its source line. A spec's own schema, generated from its grammar, types every field.",
        {
            "kinds": array("The grammar the document was compiled with.", ref("kind")),
            "node": ref("node"),
        },
        {"node": node, "value": value, "kind": kind_schema(), "order": order_schema(None)},
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
    description = grammar.to_json()
    digest = sha256_hex(json.dumps(description, sort_keys=True).encode("utf-8"))
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
    defs["order"] = order_schema(ordered)
    return _schema(
        f"urn:constitution-compiler:spec-schema:{digest[:32]}",
        "Compiled constitution, with its grammar",
        f"Documents of schema version {SCHEMA_VERSION} compiled with one grammar: every kind's fields typed.",
        {
            "kinds": described(
                "The grammar the document was compiled with: this one.", {"const": description}
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
                {"if": {"properties": {"kind": {"const": name}}}, "then": ref(f"node-{name}")}
                for name in names
            ),
        ],
    }


def _kind_node(kind: KindSpec) -> dict[str, Any]:
    heading = kind.form is Form.HEADING
    title: dict[str, Any]
    if not kind.title.sources:
        title = described("Always null: the kind has no title.", {"type": "null"})
    elif kind.title.required:
        title = described(_title_words(kind), {"type": "string", "minLength": 1})
    else:
        title = nullable(_title_words(kind), {"type": "string"})
    required = [spec.name for spec in kind.fields if spec.required or spec.default is not None]
    fields = {
        "type": "object",
        "description": f"The typed fields of a {kind.label.lower()}.",
        "additionalProperties": False,
        "required": required,
        "properties": {spec.name: field_schema(spec) for spec in kind.fields},
    }
    return node_schema(
        f"{kind.label}: {kind.description}" if kind.description else kind.label,
        {"const": kind.name},
        {"const": "heading"} if heading else {"enum": [str(g) for g in kind.granularity]},
        title,
        described("Heading level, 1 to 6.", {"type": "integer", "minimum": 1, "maximum": 6})
        if heading
        else described("Always null: not a heading.", {"type": "null"}),
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
        one = ref("id")
    description = spec.description or spec.label
    if spec.type is FieldType.REFERENCE and spec.ordered:
        return array(
            f"{description} Levels, highest first; ids on one level are tied.",
            array("One level.", one, minItems=1, uniqueItems=True),
        )
    if spec.many:
        return array(description, one, uniqueItems=True)
    return described(description, one)
