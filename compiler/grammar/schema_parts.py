"""The parts every 2.0.0 schema shares (blocks, references, orders, modes, the grammar's own
description, a node's keys), and the helpers that build JSON Schema objects: each object strict
(its keys listed, no others allowed) and described.
"""

from __future__ import annotations

from typing import Any

from ..packaged import packaged_schema
from .types import DiffLevel, FieldType, Form, Granularity, Mode

KIND_NAME = "^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
FIELD_NAME = "^[a-z][a-z0-9_]*$"
#: The kinds of inline formatting a paragraph's marks record, as the compiler's inline syntax
#: has them (`compiler.document.Mark`).
MARK_TYPES = ("em", "strong", "strike", "code", "link")


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def described(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, **schema}


def nullable(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "anyOf": [schema, {"type": "null"}]}


def object_schema(
    description: str, properties: dict[str, Any], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "additionalProperties": False,
        "required": [key for key in properties if key not in optional],
        "properties": properties,
    }


def array(description: str, items: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"type": "array", "description": description, "items": items, **more}


def published_schema() -> dict[str, Any]:
    """The last 1.x schema (1.1.0, published): the parts 2.0.0 keeps as they were come from it,
    not from a copy."""
    return packaged_schema("published/constitution-1.1.0.schema.json")


def block_schema() -> dict[str, Any]:
    blocks = array("Blocks, in document order.", ref("block"))
    kinds = {
        "paragraph": (
            "A paragraph: its plain text; with spans annotated in it, also its parts.",
            {
                "text": described(
                    "Plain text; a placeholder link reads as its target's title.",
                    {"type": "string"},
                ),
                "parts": array(
                    "The text cut where annotated spans start and end; the parts' texts joined make `text`.",
                    object_schema(
                        "A part of the paragraph's text.",
                        {
                            "text": described("The part's text.", {"type": "string"}),
                            "node": nullable(
                                "Id of the span node this part is, or null.", ref("id")
                            ),
                        },
                    ),
                ),
                "marks": _marks_schema(),
            },
            ("parts", "marks"),
        ),
        "list": (
            "A list, with its items.",
            {
                "ordered": described("True for a numbered list.", {"type": "boolean"}),
                "items": array(
                    "The items, in order.",
                    object_schema("One item: its blocks.", {"blocks": blocks}),
                ),
            },
            (),
        ),
        "quote": ("A block quote.", {"blocks": blocks}, ()),
        "admonition": (
            "A call-out such as '!!! note' or the Model Spec's '!!! meta'.",
            {
                "variant": described("Its kind, e.g. 'note' or 'meta'.", {"type": "string"}),
                "title": nullable("Its title, or null.", {"type": "string"}),
                "blocks": blocks,
            },
            (),
        ),
        "code": (
            "A code block, verbatim.",
            {
                "language": nullable("The info string's first word, or null.", {"type": "string"}),
                "text": described("The code.", {"type": "string"}),
            },
            (),
        ),
        "table": (
            "A table, as plain-text cells.",
            {
                "header": array("The header row's cells.", {"type": "string"}),
                "rows": array("The body rows.", array("A row's cells.", {"type": "string"})),
            },
            (),
        ),
        "node": (
            "Where a child node (an annotated block or list item) stands; its text is in that node.",
            {"id": ref("id")},
            (),
        ),
        "conversation": (
            "A conversation in the spec's declared example syntax (since 3.0.0): the content of "
            "a worked example, or one evaluation prompt of a prompts file.",
            {
                "title": nullable(
                    "Its title, e.g. '**Example**: title'; or null.", {"type": "string"}
                ),
                "turns": array("Its turns outside comparisons, in order.", _turn_schema()),
                "replies": array(
                    "The replies its comparisons judge, in order.",
                    object_schema(
                        "A reply the spec judges: one alternative of a comparison.",
                        {
                            "verdict": nullable(
                                "How it is judged; null when it carries no label.",
                                {"enum": ["good", "acceptable", "bad"]},
                            ),
                            "label": nullable(
                                "The label as written, e.g. 'BAD'.", {"type": "string"}
                            ),
                            "reason": nullable("Why, when the label says.", {"type": "string"}),
                            "violates": array(
                                "Ids the label names: the provisions a bad reply breaks.", ref("id")
                            ),
                            "after": described(
                                "How many turns of the conversation precede it: the context to grade it in.",
                                {"type": "integer", "minimum": 0},
                            ),
                            "turn": _turn_schema(),
                        },
                    ),
                ),
                "source": ref("source"),
            },
            (),
        ),
    }
    return {
        "description": "A block of a node's own content.",
        "oneOf": [
            object_schema(
                description,
                {"type": described("What the block is.", {"const": name}), **properties},
                optional,
            )
            for name, (description, properties, optional) in kinds.items()
        ],
    }


def _marks_schema() -> dict[str, Any]:
    offset = {"type": "integer", "minimum": 0}
    return array(
        "Its inline formatting (since 3.2.0), present only when it has some: ordered by start, "
        "the outer of two marks first. Offsets count Unicode code points of `text` (not UTF-16 "
        "code units nor bytes): a character outside the Basic Multilingual Plane, such as an "
        "emoji, counts 1 (in JavaScript, index `Array.from(text)`). A document of an earlier "
        "schema records no formatting.",
        object_schema(
            "Formatting over `text` from `start` to `end`; marks nest, never overlap.",
            {
                "type": described(
                    "'em' (emphasis), 'strong', 'strike' (struck through), 'code' (inline "
                    "code) or 'link'.",
                    {"enum": list(MARK_TYPES)},
                ),
                "start": described("Where it starts, in code points from 0.", offset),
                "end": described("Where it ends (exclusive), in code points; after start.", offset),
                "href": described(
                    "A link's URL: '#' and an id for a link into the spec (a chapter: its "
                    "first heading's id), else the URL as written. Never a javascript:, "
                    "vbscript:, data: or file: URL, nor one with control characters.",
                    {"type": "string", "minLength": 1},
                ),
            },
            ("href",),
        ),
        minItems=1,
    )


def _turn_schema() -> dict[str, Any]:
    return object_schema(
        "One message of a conversation.",
        {
            "role": described(
                "Its chat role, as the example syntax maps its tag.",
                {"type": "string", "minLength": 1},
            ),
            "tag": described("The tag as written.", {"type": "string", "minLength": 1}),
            "attributes": {
                "type": "object",
                "description": "Its attributes, e.g. recipient, in source order.",
                "additionalProperties": {"type": "string"},
            },
            "content": described(
                "Its text as written, entities decoded; markup in it is text.", {"type": "string"}
            ),
            "source": ref("source"),
        },
    )


def reference_schema() -> dict[str, Any]:
    return object_schema(
        "A link from the text to an id, in document order.",
        {
            "origin": nullable("Id of the innermost node or section holding the link.", ref("id")),
            "target": described("Id the link points at.", ref("id")),
            "text": described(
                "The link's text; for a placeholder, the target's title.", {"type": "string"}
            ),
            "placeholder": described(
                "True when the link was written '[?](#id)'.", {"type": "boolean"}
            ),
            "source": ref("source"),
        },
    )


def order_schema(kinds: list[str] | None) -> dict[str, Any]:
    kind = {"enum": kinds} if kinds is not None else {"type": "string", "pattern": KIND_NAME}
    return object_schema(
        "An order over nodes of one kind, as a priority states it. Precedence of a over b: "
        "ranks[a] < ranks[b]; equal ranks are tied; ids it does not hold are unrelated by it.",
        {
            "id": described("Id of the node that states the order.", ref("id")),
            "kind": described("The kind of the nodes ordered.", kind),
            "mode": described(
                "How strictly it applies (see modes).", {"enum": [str(m) for m in Mode]}
            ),
            "levels": array(
                "The ids, highest level first; ids on one level are tied.",
                array("One level.", ref("id"), minItems=1, uniqueItems=True),
                minItems=1,
            ),
            "ranks": {
                "type": "object",
                "description": "Each id's rank in this order: 1 for the first level.",
                "propertyNames": ref("id"),
                "additionalProperties": {"type": "integer", "minimum": 1},
            },
        },
    )


def modes_schema() -> dict[str, Any]:
    rule = object_schema(
        "The precedence rule of a mode.",
        {
            "decisive": described("True when the higher node always wins.", {"type": "boolean"}),
            "rule": described("The rule in words.", {"type": "string"}),
        },
    )
    return object_schema(
        "Each mode's precedence rule.",
        {str(mode): rule for mode in Mode},
    )


def _diff_levels() -> dict[str, Any]:
    level = {"enum": [str(level) for level in DiffLevel]}
    return object_schema(
        "The level of each kind of change to it, for 'constitution diff' (since 3.1.0): "
        "'changed' for any change, and the more specific levels it declares.",
        {
            "changed": described("Any change.", level),
            "raised": described("Ordered values and integers: the value moved up.", level),
            "lowered": described("Ordered values and integers: the value moved down.", level),
            "added": described("Many values: values added, none removed.", level),
            "removed": described("Many values: values removed, none added.", level),
        },
        ("raised", "lowered", "added", "removed"),
    )


def kind_schema() -> dict[str, Any]:
    value = {
        "anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "array"}]
    }
    field = object_schema(
        "A typed field.",
        {
            "name": described(
                "Its name, in attributes, JSON and Python.",
                {"type": "string", "pattern": FIELD_NAME},
            ),
            "type": described("Its type.", {"enum": [str(t) for t in FieldType]}),
            "many": described("True when it takes several values.", {"type": "boolean"}),
            "required": described("True when every node gives it.", {"type": "boolean"}),
            "label": described("How the site names it.", {"type": "string"}),
            "description": described("What it means.", {"type": "string"}),
            "default": described("Its value when a node gives none.", value),
            "minimum": described("Integers: the smallest value.", {"type": "integer"}),
            "maximum": described("Integers: the largest value.", {"type": "integer"}),
            "values": array(
                "Enumerations: the values, highest first when ordered.", {"type": "string"}
            ),
            "aliases": {
                "type": "object",
                "description": "Enumerations: other spellings, each with the value it stands for.",
                "additionalProperties": {"type": "string"},
            },
            "ordered": described(
                "Enumerations: the values are ranked, highest first. References: the value is an order's levels.",
                {"type": "boolean"},
            ),
            "targets": array(
                "References: the kinds it may name; empty for any.", {"type": "string"}
            ),
            "diff": _diff_levels(),
        },
        ("default", "minimum", "maximum", "values", "aliases", "ordered", "targets", "diff"),
    )
    return object_schema(
        "A kind of node, as the grammar declares it.",
        {
            "name": described(
                "Its name: 'kind' of its nodes.", {"type": "string", "pattern": KIND_NAME}
            ),
            "key": described("Its plural key in the Python API.", {"type": "string"}),
            "label": described("How the site names one node.", {"type": "string"}),
            "plural": described("How the site names several.", {"type": "string"}),
            "description": described("What it is.", {"type": "string"}),
            "form": described("How it is written.", {"enum": [str(f) for f in Form]}),
            "binding": described(
                "True when its text is normative and binding.", {"type": "boolean"}
            ),
            "granularity": array(
                "How much text one node may cover.", {"enum": [str(g) for g in Granularity]}
            ),
            "fields": array("Its typed fields.", field),
        },
    )


def node_schema(
    description: str,
    kind: dict[str, Any],
    granularity: dict[str, Any],
    title: dict[str, Any],
    level: dict[str, Any],
    fields: dict[str, Any],
    attributes: dict[str, Any],
) -> dict[str, Any]:
    return object_schema(
        description,
        {
            "id": ref("id"),
            "kind": described("Its kind (see kinds).", kind),
            "parent": nullable("Id of the enclosing node or section; null at the top.", ref("id")),
            "section": nullable(
                "Id of the nearest enclosing section (for a section, its parent section); null before the first heading.",
                ref("id"),
            ),
            "granularity": described(
                "What it covers: a heading's section, a block, a list item or a span.", granularity
            ),
            "title": title,
            "level": level,
            "auto_id": described(
                "True when the id was made from a heading's title, not written as {#id}.",
                {"type": "boolean"},
            ),
            "text": described(
                "Plain text of its own content, without its child nodes' blocks; paragraphs separated by a blank line, list items on lines of their own.",
                {"type": "string"},
            ),
            "blocks": array("Its own content, in document order.", ref("block")),
            "fields": fields,
            "classes": array(
                "Classes written as '.class', in source order.", {"type": "string", "minLength": 1}
            ),
            "attributes": attributes,
            "source": ref("source"),
            "normative": described(
                "Present, and false, only when its file's front matter says 'normative: false': "
                "not part of the official text. Absent means true.",
                {"type": "boolean", "const": False},
            ),
        },
        ("normative",),
    )
