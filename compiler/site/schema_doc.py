"""The field reference of the compiled JSON, generated from the JSON Schema's own descriptions,
so the documentation cannot drift from the schema that validates the output.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .render import TocEntry, breakable, escape, table_html

#: The schema's $defs that describe the nodes of the top-level arrays, in page order.
_ITEM_DEF = "#/$defs/"


def type_summary(node: Mapping[str, Any]) -> str:
    """A short HTML description of a schema node's type: `string`, `array of section`, ..."""
    if "$ref" in node:
        name = str(node["$ref"]).removeprefix(_ITEM_DEF)
        return f'<a href="#def-{escape(name)}"><code>{escape(name)}</code></a>'
    if "const" in node:
        return f"<code>{breakable(_json_literal(node['const']))}</code>"
    if "enum" in node:
        return " | ".join(f"<code>{escape(_json_literal(v))}</code>" for v in node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            return " or ".join(type_summary(option) for option in node[key])
    kind = node.get("type")
    if isinstance(kind, list):
        return " or ".join(escape(str(k)) for k in kind)
    if kind == "array":
        items = node.get("items")
        return f"array of {type_summary(items)}" if isinstance(items, Mapping) else "array"
    if kind == "object" and "additionalProperties" in node and not node.get("properties"):
        extra = node["additionalProperties"]
        if isinstance(extra, Mapping):
            return f"object of {type_summary(extra)}"
    return escape(str(kind)) if kind else "any"


def _json_literal(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _constraints(node: Mapping[str, Any]) -> str:
    notes = []
    for key, label in (("minLength", "min length"), ("minimum", "min"), ("pattern", "pattern")):
        if key in node:
            notes.append(f"{label} <code>{escape(str(node[key]))}</code>")
    if "format" in node:
        notes.append(f"format <code>{escape(str(node['format']))}</code>")
    return f" ({', '.join(notes)})" if notes else ""


def _description(node: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    if "description" in node:
        return str(node["description"])
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_ITEM_DEF):
        target = schema.get("$defs", {}).get(ref.removeprefix(_ITEM_DEF), {})
        return str(target.get("description", ""))
    for key in ("anyOf", "oneOf"):
        for option in node.get(key, []):
            if isinstance(option, Mapping) and option.get("description"):
                return str(option["description"])
    return ""


def fields_table(node: Mapping[str, Any], schema: Mapping[str, Any], prefix: str = "") -> str:
    """A table of an object's fields (nested objects flattened as `a.b`)."""
    rows = _field_rows(node, schema, prefix)
    if not rows:
        return ""
    return table_html("cc-fields", ["Field", "Type", "Required", "Meaning"], rows)


def _field_rows(node: Mapping[str, Any], schema: Mapping[str, Any], prefix: str) -> list[list[str]]:
    rows: list[list[str]] = []
    required = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        if not isinstance(child, Mapping):
            continue
        path = f"{prefix}{name}"
        rows.append(
            [
                f"<code>{escape(path)}</code>",
                type_summary(child) + _constraints(child),
                "yes" if name in required else "no",
                escape(_description(child, schema)),
            ]
        )
        if child.get("type") == "object" and child.get("properties"):
            rows.extend(_field_rows(child, schema, f"{path}."))
        items = child.get("items")
        if isinstance(items, Mapping) and items.get("type") == "object" and items.get("properties"):
            rows.extend(_field_rows(items, schema, f"{path}[]."))
    return rows


def field_reference(schema: Mapping[str, Any], level: int = 2) -> tuple[str, list[TocEntry]]:
    """HTML of the whole reference and its table of contents: the top-level fields, then each
    definition the schema names."""
    h, sub = f"h{level}", f"h{level + 1}"
    toc = TocEntry(level, "field-reference", "Field reference")
    parts = [
        f'<{h} id="field-reference">Field reference<a class="headerlink" href="#field-reference" '
        f'title="Permanent link">¶</a></{h}>\n',
        f"<p>{escape(str(schema.get('description', '')))}</p>\n",
        f"<p>Schema <code>$id</code>: <code>{breakable(str(schema.get('$id', '')))}</code> "
        f"(JSON Schema draft 2020-12).</p>\n",
        fields_table(schema, schema),
    ]
    for name, definition in schema.get("$defs", {}).items():
        if not isinstance(definition, Mapping):
            continue
        anchor = f"def-{name}"
        toc.children.append(TocEntry(level + 1, anchor, name))
        parts.append(
            f'<{sub} id="{escape(anchor)}"><code>{escape(name)}</code><a class="headerlink" '
            f'href="#{escape(anchor)}" title="Permanent link">¶</a></{sub}>\n'
        )
        description = _description(definition, schema)
        summary = type_summary(definition)
        parts.append(
            f"<p>{escape(description)} <em>Type:</em> {summary}{_constraints(definition)}.</p>\n"
        )
        parts.append(fields_table(definition, schema))
    return "".join(parts), [toc]
