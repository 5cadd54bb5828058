"""A compiled JSON document given as input (`load` of a ``.json`` file, `loads`): parsed with
the line and column of every value, then checked (the schema it names, values no compiled
document holds, bounds, the whole-model checks), each problem a diagnostic at its place.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .checks import check_document
from .diagnostics import Diagnostic, has_errors, shorten, sort_diagnostics
from .document import DocumentError, from_json
from .emit import schema, schema_errors, schema_id
from .extract.front_matter import NUMBER_BOUNDS
from .extract.ids import IdRegistry
from .model import SourceSpan
from .packaged import packaged_schema
from .reader import read_spec

#: A constitution schema's $id, split around its version.
_SCHEMA_VERSION = re.compile(  # at most 9 digits a part: int() of a longer one is slow or refused
    r"(?P<base>.+/schemas/constitution/)(?P<major>\d{1,9})\.(?P<minor>\d{1,9})\.(?P<patch>\d{1,9})"
    r"/constitution\.schema\.json"
)


def read_json(path: Path) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The document in a ``.json`` file, or None with the diagnostics that say why."""
    files, problems = read_spec(path)
    if has_errors(problems) or not files:
        return None, problems
    return parse_json(files[0].text, str(path))


def parse_json(text: str, display: str) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The document in a JSON text (`display` names it in diagnostics), or None when it has errors."""
    positions = JsonPositions(text, display)
    try:
        document = _DECODER.decode(text)
        problems = list(_check_json(document, positions))
    except json.JSONDecodeError as err:
        problems = [
            Diagnostic(
                "CC402",
                f"not valid JSON: {err.msg}",
                display,
                err.lineno,
                err.colno,
                hint="give the JSON that 'constitution compile' writes, or the spec it was compiled from",
            )
        ]
    except RecursionError:
        problems = [
            Diagnostic(
                "CC104",
                "JSON is nested too deeply to read",
                display,
                1,
                hint="a compiled constitution nests a few levels deep; this is not one",
            )
        ]
    problems = sort_diagnostics(problems)
    return (None if has_errors(problems) else document), problems


class _Number:
    """A number in JSON input that the compiler never writes (a fraction, an exponent, NaN,
    Infinity, or more digits than any bound allows), kept as its text for the diagnostic."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


#: An integer with more digits than this is not read as a number at all: Python's int() takes
#: time quadratic in the digits and refuses more than 4,300 of them.
_MAX_INTEGER_DIGITS = 20
#: The largest integer the compiler writes anywhere (JavaScript reads larger ones inexactly).
_MAX_INTEGER = 2**53 - 1


def _parse_int(text: str) -> int | _Number:
    return int(text) if len(text.lstrip("-")) <= _MAX_INTEGER_DIGITS else _Number(text)


_DECODER = json.JSONDecoder(parse_int=_parse_int, parse_float=_Number, parse_constant=_Number)
_SURROGATE = re.compile("[\ud800-\udfff]")
_INPUT_HINT = "give the JSON that 'constitution compile' writes, unchanged"


def _unwritable_values(document: Any, positions: JsonPositions) -> Iterator[Diagnostic]:
    """Values no compiled constitution holds, and that would break whatever reads them next:
    strings with a lone surrogate (``"\\ud800"``: not Unicode text, so not writable as UTF-8)
    and numbers that are not whole or not within the bounds any field has. Checked before
    anything else reads the document; iterative, so any depth json accepted is fine."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not key.isascii() and (found := _SURROGATE.search(key)):
                    yield _surrogate(positions, (*path, key), found[0], "a key")
                stack.append(((*path, key), item))
        elif isinstance(value, list):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            if not value.isascii() and (found := _SURROGATE.search(value)):
                yield _surrogate(positions, path, found[0], "a string")
        elif isinstance(value, _Number):
            yield positions.at(
                "CC410",
                list(path),
                f"the number {shorten(value.text)} is not a whole number of at most "
                f"{_MAX_INTEGER_DIGITS} digits, the only numbers a compiled constitution holds",
                _INPUT_HINT,
            )
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_INTEGER:
            yield positions.at(
                "CC410",
                list(path),
                f"the number {value} is larger than any a compiled constitution holds "
                f"(at most {_MAX_INTEGER:,})",
                _INPUT_HINT,
            )


def _surrogate(
    positions: JsonPositions, path: tuple[Any, ...], found: str, what: str
) -> Diagnostic:
    return positions.at(
        "CC411",
        list(path),
        f"{what} holds the lone surrogate \\u{ord(found):04x}, which is not a Unicode character",
        "a \\u escape of a surrogate is followed by the other half of its pair "
        "(\\ud83d\\ude00); " + _INPUT_HINT,
    )


def _out_of_bounds(document: dict[str, Any], positions: JsonPositions) -> Iterator[Diagnostic]:
    """The numbers whose bounds the compiler enforces on its input (`NUMBER_BOUNDS`); the
    fields' own bounds are the schema's."""
    head = document["document"]
    places: list[tuple[list[Any], str, Any]] = [
        *(
            (["document", "sources", i, key], key, source[key])
            for i, source in enumerate(head["sources"])
            for key in ("chapter", "reading_time")
        ),
        *(
            (["document", "metadata", key], key, head["metadata"].get(key))
            for key in ("chapter", "reading_time")
        ),
    ]
    for pointer, key, value in places:
        low, high = NUMBER_BOUNDS[key]
        if value is not None and not low <= value <= high:
            yield positions.at(
                "CC410",
                pointer,
                f"{key} {value} is outside the bounds the compiler accepts, {low} to {high:,}",
                _INPUT_HINT,
            )


def _schema_named(found: object) -> dict[str, Any] | None:
    """The schema a document names: ours, or a published one of an earlier version (1.x
    documents, release 1.0.0 among them, stay readable)."""
    if found == schema_id():
        return schema()
    ours = _SCHEMA_VERSION.fullmatch(schema_id())
    match = _SCHEMA_VERSION.fullmatch(found) if isinstance(found, str) else None
    if match is None or ours is None or match["base"] != ours["base"]:
        return None
    version = ".".join(match.group("major", "minor", "patch"))
    try:
        return packaged_schema(f"published/constitution-{version}.schema.json")
    except FileNotFoundError:
        return None


def _check_json(document: Any, positions: JsonPositions) -> Iterator[Diagnostic]:
    """Schema violations, then model checks, each at its line and column in the JSON text."""
    ours = schema_id()
    found = document.get("$schema") if isinstance(document, dict) else None
    named = _schema_named(found)
    if named is None:
        other = isinstance(found, str) and "/schemas/constitution/" in found
        yield positions.at(
            "CC403",
            ["$schema"] if isinstance(found, str) else [],
            f"the file follows schema {found}, but this constitution-compiler reads {ours}"
            if other
            else "not a compiled constitution: it has no '$schema' naming the constitution schema",
            "compile the spec again with this version of constitution-compiler, or read the file "
            "with a version that reads its schema"
            if other
            else "give the JSON that 'constitution compile' writes, or the spec it was compiled from",
        )
        return
    unwritable = list(_unwritable_values(document, positions))
    if unwritable:
        yield from unwritable  # the schema validators cannot read such values
        return
    failed = False
    for error in schema_errors(document, named):
        failed = True
        path = list(error.absolute_path)
        pointer = "/" + "/".join(str(part) for part in path)
        yield positions.at(
            "CC403",
            path + _unexpected_key(error),
            f"does not match the schema at {pointer}: {error.message[:200]}",
            "give the JSON that 'constitution compile' writes, unchanged",
        )
    if not failed:
        bounds = list(_out_of_bounds(document, positions))
        yield from bounds
        if not bounds:
            yield from _check_model(document, positions)


def _unexpected_key(error: Any) -> list[str]:
    """For a forbidden extra key, the first such key, so the diagnostic points at it."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    allowed = error.schema.get("properties", {})
    extra = [key for key in error.instance if key not in allowed]
    return extra[:1]


def _check_model(document: dict[str, Any], positions: JsonPositions) -> Iterator[Diagnostic]:
    """The compiler's whole-model checks, run on a JSON document and reported at JSON positions."""
    try:
        model = from_json(document)
    except DocumentError as err:
        yield positions.at("CC403", [], str(err), _INPUT_HINT)
        return
    registry = IdRegistry()
    where: dict[tuple[str, int, int], tuple[int, int]] = {}
    pointers = _node_pointers(document)
    for node in model.nodes:
        places = pointers.get(node.id, [])
        pointer = places.pop(0) if places else []
        line, column = positions.find(pointer)
        if node.kind not in model.kinds:
            known = ", ".join(model.kinds)
            yield positions.at(
                "CC412",
                [*pointer, "kind"] if pointer else [],
                f"node '{node.id}' is of kind '{node.kind}', which the document's kinds do not "
                "describe",
                f"a compiled document lists every kind its nodes have in 'kinds' ({known})",
            )
        duplicate = registry.add(
            node.id, node.kind, positions.display, SourceSpan(positions.display, line, column)
        )
        if duplicate is not None:
            yield duplicate
        src = node.source
        where.setdefault((src.file, src.line, src.column), (line, column))
    for problem in check_document(model, registry, lambda name: name):
        place = where.get((problem.file, problem.line, problem.column))
        if place is None:
            yield problem
        else:
            yield Diagnostic(
                problem.code, problem.message, positions.display, *place, hint=problem.hint
            )


def _node_pointers(document: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """Where the nodes of each id stand in the JSON, in its order: ``/nodes/N`` (2.0.0) or
    ``/<key>/N`` (1.x)."""
    found: dict[str, list[list[Any]]] = {}
    for key, items in document.items():
        if isinstance(items, list) and key not in ("references", "kinds", "orders"):
            for index, item in enumerate(items):
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    found.setdefault(item["id"], []).append([key, index])
    return found


_WHITESPACE = re.compile(r"[ \t\n\r]*")


class JsonPositions:
    """Line and column of each value in a JSON text, found by JSON pointer (parsed on first use)."""

    def __init__(self, text: str, display: str) -> None:
        self._text = text
        self.display = display
        """The file name diagnostics show."""
        self._offsets: dict[tuple[Any, ...], int] | None = None
        self._lines: list[int] = []

    def find(self, pointer: Sequence[Any]) -> tuple[int, int]:
        """(line, column) of the value at `pointer`, or of its nearest ancestor that exists."""
        if self._offsets is None:
            self._offsets = {}
            self._scan(0, ())
            self._lines = [m.end() for m in re.finditer("\n", self._text)]
        path = tuple(pointer)
        while path not in self._offsets and path:
            path = path[:-1]
        offset = self._offsets.get(path, 0)
        line = bisect_right(self._lines, offset)
        start = self._lines[line - 1] if line > 0 else 0
        return line + 1, offset - start + 1

    def at(self, code: str, pointer: Sequence[Any], message: str, hint: str) -> Diagnostic:
        """A diagnostic at the value `pointer` names."""
        return Diagnostic(code, message, self.display, *self.find(pointer), hint=hint)

    def _skip(self, index: int) -> int:
        match = _WHITESPACE.match(self._text, index)
        return match.end() if match else index

    def _scan(self, index: int, path: tuple[Any, ...]) -> int:
        # Only runs on text json.loads accepted, so the grammar needs no error handling here.
        assert self._offsets is not None
        text = self._text
        index = self._skip(index)
        self._offsets[path] = index
        opener = text[index]
        if opener not in "{[":
            end: int = _DECODER.raw_decode(text, index)[1]
            return end
        closer = "}" if opener == "{" else "]"
        index = self._skip(index + 1)
        position = 0
        while text[index] != closer:
            if opener == "{":
                key, index = _DECODER.raw_decode(text, index)
                index = self._skip(index) + 1  # the colon
                index = self._scan(index, (*path, key))
            else:
                index = self._scan(index, (*path, position))
                position += 1
            index = self._skip(index)
            if text[index] == ",":
                index = self._skip(index + 1)
        return index + 1
