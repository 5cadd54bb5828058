"""Emit the model as the JSON document: a plain dict in a fixed key order, validated against
`schemas/constitution.schema.json` before any byte is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from typing import Any

import orjson

from . import __version__
from .diagnostics import Diagnostic
from .model import Attributes, SourceSpan, Spec

SCHEMA_FILE = "constitution.schema.json"


@cache
def packaged_schema(file_name: str) -> dict[str, Any]:
    """A JSON Schema shipped in the package's `schemas/` directory."""
    text = resources.files("compiler").joinpath("schemas", file_name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema() -> dict[str, Any]:
    """The JSON Schema of compiled output, as shipped in the package."""
    return packaged_schema(SCHEMA_FILE)


def schema_id() -> str:
    return str(schema()["$id"])


def _attributes(attributes: Attributes, *known: str) -> dict[str, object]:
    return {
        "classes": list(attributes.classes),
        "attributes": {k: v for k, v in attributes.values if k not in known},
    }


def _source(span: SourceSpan) -> dict[str, object]:
    return span.to_json()


def to_document(spec: Spec) -> dict[str, Any]:
    """The JSON document for `spec`; the same spec always gives an equal dict, in the same order."""
    return {
        "$schema": schema_id(),
        "document": {
            "title": spec.title,
            "version": spec.version,
            "generator": {"name": "constitution-compiler", "version": __version__},
            "metadata": dict(spec.metadata),
            "sources": [
                {
                    "file": chapter.file,
                    "sha256": chapter.sha256,
                    "title": chapter.title,
                    "chapter": chapter.number,
                    "reading_time": chapter.reading_time,
                }
                for chapter in spec.chapters
            ],
        },
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "level": s.level,
                "parent": s.parent,
                "auto_id": s.auto_id,
                **_attributes(s.attributes),
                "text": s.text,
                "source": _source(s.source),
                **({} if s.normative else {"normative": False}),
            }
            for s in spec.sections
        ],
        "properties": [
            {
                "id": p.id,
                "title": p.title,
                "rank": p.rank,
                "text": p.text,
                "section": p.section,
                **_attributes(p.attributes, "rank", "title"),
                "source": _source(p.source),
            }
            for p in spec.properties
        ],
        "priorities": [
            {
                "id": p.id,
                "mode": p.mode,
                "order": list(p.order),
                "text": p.text,
                "section": p.section,
                **_attributes(p.attributes, "mode", "order"),
                "source": _source(p.source),
            }
            for p in spec.priorities
        ],
        "constraints": [
            {
                "id": c.id,
                "kind": c.kind,
                "text": c.text,
                "concerns": list(c.concerns),
                "section": c.section,
                **_attributes(c.attributes, "kind", "concerns"),
                "source": _source(c.source),
            }
            for c in spec.constraints
        ],
        "definitions": [
            {
                "id": d.id,
                "term": d.term,
                "text": d.text,
                "section": d.section,
                **_attributes(d.attributes, "term"),
                "source": _source(d.source),
            }
            for d in spec.definitions
        ],
        "rationales": [
            {
                "id": r.id,
                "text": r.text,
                "justifies": list(r.justifies),
                "section": r.section,
                **_attributes(r.attributes, "justifies"),
                "source": _source(r.source),
            }
            for r in spec.rationales
        ],
        "references": [
            {"from": r.origin, "to": r.target, "text": r.text, "source": _source(r.source)}
            for r in spec.references
        ],
    }


def dumps(document: dict[str, Any]) -> bytes:
    """Serialise deterministically: fixed key order, UTF-8, two-space indent, final newline.

    orjson writes the same bytes as `json.dumps(ensure_ascii=False, indent=2)` ten times faster
    and without the pure-Python encoder's million small strings; the standard library takes over
    only for what orjson refuses (integers beyond 64 bits, which front matter can hold).
    """
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


@cache
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema())


def schema_errors(document: Any) -> Iterator[Any]:
    """Every violation of the schema in `document`, as jsonschema `ValidationError`s.

    jsonschema-rs decides whether there are any: it checks a 10 MB document in milliseconds, where
    python-jsonschema takes seconds. Only then does python-jsonschema, the reference validator,
    find and report them. jsonschema-rs is never the looser of the two (its `pattern` follows
    ECMA-262, whose `\\w` and `$` match less than Python's), so nothing is missed this way.
    """
    if _fast_validator().is_valid(document):
        return iter(())
    errors: Iterator[Any] = _validator().iter_errors(document)
    return errors


def validate(document: dict[str, Any], display: Callable[[str], str]) -> Iterator[Diagnostic]:
    """Schema violations, each reported at the source of the nearest node that has one."""
    for error in schema_errors(document):
        span = _nearest_source(document, list(error.absolute_path))
        pointer = "/" + "/".join(str(part) for part in error.absolute_path)
        yield Diagnostic(
            "CC401",
            f"compiled output does not match the schema at {pointer}: {error.message[:200]}",
            display(span.file) if span else "<output>",
            span.line if span else 0,
            span.column if span else 1,
            "this is a bug in constitution-compiler or its schema; please report it with this input",
        )


def _nearest_source(document: Any, path: list[Any]) -> SourceSpan | None:
    """The source of the deepest node on `path` that has one; for the document's metadata and
    sources (which have none), the first line of the file they come from."""
    node: Any = document
    found: SourceSpan | None = None
    if path[:2] == ["document", "sources"] or path[:2] == ["document", "metadata"]:
        sources = document["document"]["sources"]
        index = path[2] if path[1] == "sources" and len(path) > 2 else 0
        if isinstance(index, int) and 0 <= index < len(sources):
            return SourceSpan(str(sources[index]["file"]), 1, 1)
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("source"), dict):
            src = node["source"]
            found = SourceSpan(
                str(src.get("file")), int(src.get("line", 0)), int(src.get("column", 1))
            )
    return found
