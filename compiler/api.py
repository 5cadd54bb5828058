"""The library for downstream tools: `load` a spec directory, a Markdown file or a compiled JSON
into a read-only `Constitution` that answers questions about its properties and priorities.

A quick tour, on the constitution this project ships (``spec/``)::

    >>> import compiler
    >>> constitution = compiler.load("spec")
    >>> [p.id for p in constitution.properties]
    ['broadly-safe', 'broadly-ethical', 'compliant-with-guidelines', 'genuinely-helpful']
    >>> constitution.property("broadly-safe").rank
    1
    >>> constitution.outranks("broadly-safe", "genuinely-helpful")
    True
    >>> constitution.outranks("broadly-safe", "genuinely-helpful", strictly=True)
    False
    >>> constitution.precedence("genuinely-helpful", "broadly-ethical").mode
    'holistic'
    >>> [c.id for c in constitution.constraints_for("broadly-safe", kind="robustness")]
    ['safety-robust-to-reasoning']

Whatever the input, the model is built from the compiled JSON document, so a spec and the JSON
compiled from it give equal models, and `Constitution.to_json` gives the compiler's exact bytes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from .checks import check_spec
from .diagnostics import Diagnostic, Severity, has_errors, shorten, sort_diagnostics, suggest
from .emit import dumps, schema_errors, schema_id
from .extract.front_matter import NUMBER_BOUNDS
from .extract.ids import IdRegistry
from .model import (
    Attributes,
    Chapter,
    Constraint,
    Definition,
    Priority,
    Property,
    Rationale,
    Reference,
    Section,
    SourceSpan,
    Spec,
)
from .reader import decode, normalise, read_spec

__all__ = [
    "CompileError",
    "Constitution",
    "Node",
    "Precedence",
    "UnknownIdError",
    "load",
    "loads",
    "read_document",
]

Node = Section | Property | Priority | Constraint | Definition | Rationale
"""Anything in the spec that has an id."""
_N = TypeVar("_N")


class CompileError(ValueError):
    """The input has errors: it does not compile, or it is not a valid compiled constitution.

    `diagnostics` lists every problem found (all of them, in one pass), each with its file, line,
    column, code and hint; ``str(error)`` is their text as ``constitution check`` prints it.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.severity is Severity.ERROR]
        super().__init__("\n".join(d.format() for d in errors))


class UnknownIdError(KeyError):
    """No node of the asked kind has this id. A `KeyError`, with a readable message."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class Precedence:
    """How two properties stand to each other under the constitution's priorities.

    The higher property is always the one with the better (smaller) rank; `mode` says how much
    that settles. In ``strict`` mode the higher property always wins and the lower one only breaks
    ties. In ``holistic`` mode the higher one should generally dominate, but both are weighed in
    an overall judgment: a harness should treat it as the heavier consideration, not a trump card.
    """

    higher: Property
    lower: Property
    mode: Literal["strict", "holistic"] | None
    """``strict`` if any priority that orders both says so, else ``holistic`` if one orders them,
    else None: the ranks order them, but no priority says how strictly."""
    priorities: tuple[Priority, ...]
    """The priorities whose `order` names both properties, in document order."""

    @property
    def strict(self) -> bool:
        """True when the higher property always wins (lexical order)."""
        return self.mode == "strict"


def _read_only(value: Any) -> Any:
    """A read-only view of JSON data: mappings become proxies, lists become tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: _read_only(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_read_only(v) for v in value)
    return value


@dataclass(frozen=True, slots=True, eq=False)
class Constitution:
    """A compiled constitution, read-only. Made by `load` or `loads`.

    Nodes are the frozen dataclasses of `compiler.model`; each carries its `source` position in
    the Markdown. Lookups by id raise `UnknownIdError` (a `KeyError`) for an id the spec does not
    define, like a mapping does; use ``id in constitution`` to test first.
    """

    title: str | None
    version: str | None
    """The document's version (front matter), not the compiler's."""
    schema: str
    """The ``$id`` of the JSON Schema the document follows; it names the schema version."""
    metadata: Mapping[str, Any]
    chapters: tuple[Chapter, ...]
    sections: tuple[Section, ...]
    """Every heading, in document order."""
    properties: tuple[Property, ...]
    """The core values, highest rank first."""
    priorities: tuple[Priority, ...]
    constraints: tuple[Constraint, ...]
    definitions: tuple[Definition, ...]
    rationales: tuple[Rationale, ...]
    references: tuple[Reference, ...]
    warnings: tuple[Diagnostic, ...]
    """Warnings the compiler gave (errors raise `CompileError` instead)."""
    _document: Mapping[str, Any] = field(repr=False)
    _nodes: Mapping[str, Node] = field(repr=False)

    @classmethod
    def _build(
        cls, document: Mapping[str, Any], warnings: Sequence[Diagnostic] = ()
    ) -> Constitution:
        """The model of a compiled JSON document already checked (use `load` or `loads`)."""
        spec = _spec_from_document(document)
        nodes: dict[str, Node] = {}
        for node in _all_nodes(spec):
            nodes.setdefault(node.id, node)
        return cls(
            title=spec.title,
            version=spec.version,
            schema=str(document["$schema"]),
            metadata=_read_only(spec.metadata),
            chapters=tuple(spec.chapters),
            sections=tuple(spec.sections),
            properties=tuple(sorted(spec.properties, key=lambda p: p.rank)),
            priorities=tuple(spec.priorities),
            constraints=tuple(spec.constraints),
            definitions=tuple(spec.definitions),
            rationales=tuple(spec.rationales),
            references=tuple(spec.references),
            warnings=tuple(warnings),
            _document=_read_only(document),
            _nodes=MappingProxyType(nodes),
        )

    # -- lookups ----------------------------------------------------------------------------

    def __contains__(self, ident: object) -> bool:
        return ident in self._nodes

    def node(self, ident: str) -> Node:
        """The section or annotation with this id, whatever its kind."""
        found = self._nodes.get(ident)
        if found is None:
            raise self._unknown(ident, "id", list(self._nodes))
        return found

    def property(self, ident: str) -> Property:
        """The property with this id.

        >>> compiler.load("spec").property("broadly-saf")
        Traceback (most recent call last):
        ...
        compiler.api.UnknownIdError: no property 'broadly-saf' in the constitution; did you mean 'broadly-safe'?
        """
        return self._lookup(ident, Property)

    def section(self, ident: str) -> Section:
        """The section (heading) with this id."""
        return self._lookup(ident, Section)

    def definition(self, ident: str) -> Definition:
        """The definition with this id."""
        return self._lookup(ident, Definition)

    def constraint(self, ident: str) -> Constraint:
        """The constraint with this id."""
        return self._lookup(ident, Constraint)

    def priority(self, ident: str) -> Priority:
        """The priority with this id."""
        return self._lookup(ident, Priority)

    def rationale(self, ident: str) -> Rationale:
        """The rationale with this id."""
        return self._lookup(ident, Rationale)

    def _lookup(self, ident: str, kind: type[_N]) -> _N:
        node = self._nodes.get(ident)
        if isinstance(node, kind):
            return node
        what = _kind_name(kind)
        if node is not None:
            raise UnknownIdError(f"'{ident}' is a {_kind_name(type(node))}, not a {what}")
        raise self._unknown(ident, what, [i for i, n in self._nodes.items() if isinstance(n, kind)])

    @staticmethod
    def _unknown(ident: str, what: str, candidates: list[str]) -> UnknownIdError:
        hint = suggest(ident, candidates)
        return UnknownIdError(
            f"no {what} '{ident}' in the constitution" + (f"; {hint}" if hint else "")
        )

    # -- relations --------------------------------------------------------------------------

    def constraints_for(self, ident: str, *, kind: str | None = None) -> tuple[Constraint, ...]:
        """The constraints whose ``concerns`` name `ident`, in document order; with `kind`, only
        those of that kind (``hard``, ``exception``, ``robustness``...).

        >>> [c.id for c in compiler.load("spec").constraints_for("broadly-safe", kind="hard")]
        ['no-undermining-oversight', 'no-disempowering-humanity']
        """
        self.node(ident)
        return tuple(
            c for c in self.constraints if ident in c.concerns and (kind is None or c.kind == kind)
        )

    def rationales_for(self, ident: str) -> tuple[Rationale, ...]:
        """The rationales whose ``justifies`` name `ident`, in document order."""
        self.node(ident)
        return tuple(r for r in self.rationales if ident in r.justifies)

    def references_to(self, ident: str) -> tuple[Reference, ...]:
        """The links in the text that point at `ident`, in document order."""
        self.node(ident)
        return tuple(r for r in self.references if r.target == ident)

    def precedence(self, a: str, b: str) -> Precedence:
        """Which of two different properties has priority, and how strictly (see `Precedence`).

        >>> p = compiler.load("spec").precedence("genuinely-helpful", "broadly-safe")
        >>> p.higher.id, p.lower.id, p.mode, p.strict, [q.id for q in p.priorities]
        ('broadly-safe', 'genuinely-helpful', 'holistic', False, ['core-priority'])
        """
        first, second = self.property(a), self.property(b)
        if first.id == second.id:
            raise ValueError(
                f"'{a}' is compared with itself; a property has no precedence over itself"
            )
        higher, lower = (first, second) if first.rank < second.rank else (second, first)
        deciding = tuple(p for p in self.priorities if higher.id in p.order and lower.id in p.order)
        modes = {p.mode for p in deciding}
        mode: Literal["strict", "holistic"] | None = (
            "strict" if "strict" in modes else "holistic" if deciding else None
        )
        return Precedence(higher, lower, mode, deciding)

    def outranks(self, a: str, b: str, *, strictly: bool = False) -> bool:
        """True when property `a` has priority over property `b`.

        With ``strictly=True``, only when `a` always wins: a ``strict`` priority orders them.
        Under a ``holistic`` priority `a` generally dominates but `b` is still weighed, so
        ``outranks(a, b)`` is True and ``outranks(a, b, strictly=True)`` is False.
        A property does not outrank itself.
        """
        if a == b:
            self.property(a)
            return False
        found = self.precedence(a, b)
        return found.higher.id == a and (found.strict or not strictly)

    # -- output -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The compiled JSON document, as a new plain dict (yours to change)."""
        plain: dict[str, Any] = json.loads(self.to_json())
        return plain

    def to_json(self) -> str:
        """The compiled JSON document as text: encoded as UTF-8, the exact bytes that
        ``constitution compile`` writes (and, for a JSON input it wrote, the input's bytes)."""
        return dumps(_plain(self._document)).decode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _kind_name(kind: type[Any]) -> str:
    return kind.__name__.lower()


def _all_nodes(spec: Spec) -> Iterator[Node]:
    yield from spec.sections
    yield from spec.properties
    yield from spec.priorities
    yield from spec.constraints
    yield from spec.definitions
    yield from spec.rationales


# -- from the JSON document to the model -------------------------------------------------------


def _span(data: Mapping[str, Any]) -> SourceSpan:
    return SourceSpan(data["file"], data["line"], data["column"], data["end_line"])


def _attributes(data: Mapping[str, Any]) -> Attributes:
    return Attributes(data["id"], tuple(data["classes"]), tuple(data["attributes"].items()))


#: Model fields whose JSON key is another word.
_JSON_KEYS = {"origin": "from", "target": "to", "number": "chapter"}
#: A constitution schema's $id, split around its version.
_SCHEMA_VERSION = re.compile(  # at most 9 digits a part: int() of a longer one is slow or refused
    r"(?P<base>.+/schemas/constitution/)(?P<major>\d{1,9})\.(?P<minor>\d{1,9})\.(?P<patch>\d{1,9})"
    r"/constitution\.schema\.json"
)

#: The document's arrays and the model type of their items.
_ARRAYS: tuple[tuple[str, type[Any]], ...] = (
    ("sections", Section),
    ("properties", Property),
    ("priorities", Priority),
    ("constraints", Constraint),
    ("definitions", Definition),
    ("rationales", Rationale),
    ("references", Reference),
)


def _from_json(kind: type[Any], item: Mapping[str, Any]) -> Any:
    """A model node from its JSON object: `attributes` gathers the node's attribute fields, and
    arrays become tuples; model fields the JSON does not carry keep their defaults."""
    values: dict[str, Any] = {}
    for spec_field in dataclasses.fields(kind):
        name = spec_field.name
        key = _JSON_KEYS.get(name, name)
        if name == "attributes":
            values[name] = _attributes(item)
        elif name == "source":
            values[name] = _span(item[key])
        elif key in item:
            value = item[key]
            values[name] = tuple(value) if isinstance(value, list) else value
    return kind(**values)


def _spec_from_document(document: Mapping[str, Any]) -> Spec:
    """The model of a schema-valid document (the inverse of `emit.to_document`)."""
    head = document["document"]
    spec = Spec(title=head["title"], version=head["version"], metadata=dict(head["metadata"]))
    spec.chapters = [_from_json(Chapter, source) for source in head["sources"]]
    for key, kind in _ARRAYS:
        setattr(spec, key, [_from_json(kind, item) for item in document[key]])
    return spec


# -- reading ----------------------------------------------------------------------------------


def read_document(
    path: str | os.PathLike[str],
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The compiled JSON document of a spec directory, a Markdown file or a compiled ``.json``
    file, and every diagnostic; the document is None when there are errors. Never raises for bad
    input: the non-raising core of `load`, for adapters that print diagnostics themselves.
    """
    source = Path(path)
    if source.suffix.lower() == ".json" and not source.is_dir():
        return _read_json(source)
    from .pipeline import compile_spec

    result = compile_spec(source, keep_tokens=False)
    return (result.document if result.ok else None), result.diagnostics


def load(path: str | os.PathLike[str]) -> Constitution:
    """Load a spec directory, a Markdown file or a compiled JSON file (``*.json``).

    A spec is compiled; a JSON file is checked against the schema and for consistency (unique ids,
    priorities that agree with the ranks). Raises `CompileError`, carrying every `Diagnostic`,
    when the input has errors, including a path that does not exist.
    """
    document, diagnostics = read_document(path)
    if document is None or has_errors(diagnostics):
        raise CompileError(diagnostics)
    return Constitution._build(document, diagnostics)


def loads(data: str | bytes, *, name: str = "<json>") -> Constitution:
    """Load a compiled JSON document from text or UTF-8 bytes (e.g. fetched from the site's
    ``constitution.json``); `name` is the file name diagnostics show. Raises `CompileError`."""
    if isinstance(data, bytes):
        text, problems = decode(data, name)
        if text is None:
            raise CompileError(problems)
        data = text
    document, diagnostics = _parse_json(normalise(data), name)
    if document is None:
        raise CompileError(diagnostics)
    return Constitution._build(document, diagnostics)


def _read_json(path: Path) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    files, problems = read_spec(path)
    if has_errors(problems) or not files:
        return None, problems
    return _parse_json(files[0].text, str(path))


def _parse_json(text: str, display: str) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    positions = _Positions(text, display)
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


def _unwritable_values(document: Any, positions: _Positions) -> Iterator[Diagnostic]:
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


def _surrogate(positions: _Positions, path: tuple[Any, ...], found: str, what: str) -> Diagnostic:
    return positions.at(
        "CC411",
        list(path),
        f"{what} holds the lone surrogate \\u{ord(found):04x}, which is not a Unicode character",
        "a \\u escape of a surrogate is followed by the other half of its pair "
        "(\\ud83d\\ude00); " + _INPUT_HINT,
    )


def _out_of_bounds(document: dict[str, Any], positions: _Positions) -> Iterator[Diagnostic]:
    """The numbers whose bounds the compiler enforces on its input (`NUMBER_BOUNDS`)."""
    head = document["document"]
    places: list[tuple[list[Any], str, Any]] = [
        *(
            (["properties", i, "rank"], "rank", p["rank"])
            for i, p in enumerate(document["properties"])
        ),
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


def _check_json(document: Any, positions: _Positions) -> Iterator[Diagnostic]:
    """Schema violations, then model checks, each at its line and column in the JSON text."""
    ours = schema_id()
    found = document.get("$schema") if isinstance(document, dict) else None
    if found != ours and _earlier_minor(found, ours):
        # A minor version only adds optional fields: what it validates, ours validates too.
        document = {**document, "$schema": ours}
        found = ours
    if found != ours:
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
    for error in schema_errors(document):
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


def _earlier_minor(found: object, ours: str) -> bool:
    """True when `found` names an earlier version of our schema with the same major version
    (release 1.0.0 was written under schema 1.0.0 and stays readable under 1.1.0)."""
    if not isinstance(found, str):
        return False
    old, new = _SCHEMA_VERSION.fullmatch(found), _SCHEMA_VERSION.fullmatch(ours)
    if old is None or new is None or old["base"] != new["base"]:
        return False
    older = tuple(int(part) for part in old.group("major", "minor", "patch"))
    newer = tuple(int(part) for part in new.group("major", "minor", "patch"))
    return older[0] == newer[0] and older < newer


def _unexpected_key(error: Any) -> list[str]:
    """For a forbidden extra key, the first such key, so the diagnostic points at it."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    allowed = error.schema.get("properties", {})
    extra = [key for key in error.instance if key not in allowed]
    return extra[:1]


def _check_model(document: dict[str, Any], positions: _Positions) -> Iterator[Diagnostic]:
    """The compiler's whole-model checks, run on a JSON document and reported at JSON positions."""
    registry = IdRegistry()
    where: dict[tuple[str, int, int], tuple[int, int]] = {}
    for key, kind in _ARRAYS:
        if kind is Reference:
            continue
        for index, item in enumerate(document[key]):
            line, column = positions.find([key, index])
            duplicate = registry.add(
                item["id"],
                _kind_name(kind),
                positions.display,
                SourceSpan(positions.display, line, column),
            )
            if duplicate is not None:
                yield duplicate
            src = item["source"]
            where.setdefault((src["file"], src["line"], src["column"]), (line, column))
    for problem in check_spec(_spec_from_document(document), registry, lambda name: name):
        place = where.get((problem.file, problem.line, problem.column))
        if place is None:
            yield problem
        else:
            yield Diagnostic(
                problem.code, problem.message, positions.display, *place, hint=problem.hint
            )


_WHITESPACE = re.compile(r"[ \t\n\r]*")


class _Positions:
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
