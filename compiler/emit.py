"""Emit the JSON document (`compiler.document.to_json`, schema 2.0.0): serialised in a fixed
key order, validated against `schemas/constitution.schema.json` before any byte is written; and
the spec's own schema, generated from its grammar, to publish beside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import orjson

from .diagnostics import Diagnostic
from .grammar.schema import spec_schema
from .grammar.types import Grammar
from .model import SourceSpan
from .packaged import packaged_schema

SCHEMA_FILE = "constitution.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema of compiled output, as shipped in the package."""
    return packaged_schema(SCHEMA_FILE)


def schema_id() -> str:
    return str(schema()["$id"])


def spec_schema_bytes(grammar: Grammar) -> bytes:
    """The spec's own schema (every declared field typed), serialised like the document."""
    return dumps(spec_schema(grammar))


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


def dump_chunks(document: dict[str, Any]) -> Iterator[bytes]:
    """`dumps(document)` in pieces, the same bytes: each top-level array item by item (a large
    spec's nodes), so that a writer holds one node's JSON at a time, never the whole file (a
    third of the peak memory of `constitution compile -o FILE`).

    An item is serialised alone and indented to its place (a JSON text has no raw newline but
    between tokens). One that orjson refuses is written by the standard library, which writes
    the same bytes; the only values it refuses, front matter's integers beyond 64 bits, are all
    in one item (``document``), as the floats that the two would write differently are.
    """
    if not document:
        yield b"{}\n"
        return
    for index, (key, value) in enumerate(document.items()):
        yield (b",\n  " if index else b"{\n  ") + _indented(key, b"") + b": "
        if isinstance(value, list) and value:
            for position, item in enumerate(value):
                yield (b",\n    " if position else b"[\n    ") + _indented(item, b"\n    ")
            yield b"\n  ]"
        else:
            yield _indented(value, b"\n  ")
    yield b"\n}\n"


def _indented(value: Any, newline: bytes) -> bytes:
    try:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except orjson.JSONEncodeError:
        text = json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
    return text.replace(b"\n", newline) if newline else text


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema())


@cache
def _fast_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema())


def schema_errors(document: Any, against: dict[str, Any] | None = None) -> Iterator[Any]:
    """Every violation of the schema in `document`, as jsonschema `ValidationError`s.

    jsonschema-rs decides whether there are any: it checks a 10 MB document in milliseconds, where
    python-jsonschema takes seconds. Only then does python-jsonschema, the reference validator,
    find and report them. jsonschema-rs is never the looser of the two (its `pattern` follows
    ECMA-262, whose `\\w` and `$` match less than Python's), so nothing is missed this way.
    """
    if against is not None and against is not schema():
        from jsonschema import Draft202012Validator

        return iter(Draft202012Validator(against).iter_errors(document))
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
