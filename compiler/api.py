"""The library for downstream tools: `load` a spec directory, a Markdown file or a compiled JSON
(schema 2.0.0, or 1.x such as release 1.0.0) into a read-only `Constitution` that answers
questions about its nodes and the orders among them.

A quick tour, on the constitution this project ships (``spec/``)::

    >>> import compiler
    >>> constitution = compiler.load("spec")
    >>> [p.id for p in constitution.properties]
    ['broadly-safe', 'broadly-ethical', 'compliant-with-guidelines', 'genuinely-helpful']
    >>> constitution.property("broadly-safe").fields["rank"]
    1
    >>> constitution.outranks("broadly-safe", "genuinely-helpful")
    True
    >>> constitution.outranks("broadly-safe", "genuinely-helpful", strictly=True)
    False
    >>> str(constitution.precedence("genuinely-helpful", "broadly-ethical").mode)
    'holistic'
    >>> [c.id for c in constitution.naming("broadly-safe", where={"kind": "robustness"})]
    ['safety-robust-to-reasoning']

Per-kind access reads the grammar: ``constitution.<key>`` is the nodes of the kind with that key
(``properties``; ``behaviors`` for a kind a spec declares), ``constitution.<kind>(id)`` one of
them. Orders answer within the order that holds both ids; `outranks` raises `NoOrderError` when
none does. Whatever the input, the model is built from the compiled JSON document
(`compiler.document.from_json`), so a spec and the JSON compiled from it give equal models, and
`Constitution.to_json` gives the compiler's exact bytes.
"""

from __future__ import annotations

import json
import os
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .checks import check_document
from .diagnostics import Diagnostic, Severity, has_errors, shorten, sort_diagnostics, suggest
from .document import Document, DocumentError, Node, Reference, SourceInfo, from_json
from .emit import dumps, packaged_schema, schema, schema_errors, schema_id
from .extract.front_matter import NUMBER_BOUNDS
from .extract.ids import IdRegistry
from .grammar.orders import NoOrderError, Order, Precedence
from .grammar.types import FieldType
from .model import SourceSpan
from .reader import decode, normalise, read_spec

__all__ = [
    "CompileError",
    "Constitution",
    "NoOrderError",
    "Node",
    "Precedence",
    "UnknownIdError",
    "load",
    "loads",
    "read_document",
]


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

    Nodes are `compiler.document.Node`s, in document order, each with its typed ``fields`` and
    its ``source`` position in the Markdown. The nodes of one kind are an attribute named by the
    kind's key (``constitution.properties``, ``constitution.behaviors`` for a declared kind), and
    one node of a kind is a method named by the kind (``constitution.property("broadly-safe")``,
    ``constitution.principal("anthropic")``), and the nodes of a kind that name a node are
    ``constitution.<key>_for(id, **fields)`` (``constraints_for("broadly-safe", kind="hard")``). Lookups by id raise `UnknownIdError` (a
    `KeyError`) for an id the spec does not define, like a mapping does; use ``id in
    constitution`` to test first.
    """

    title: str | None
    version: str | None
    """The document's version (front matter), not the compiler's."""
    schema: str
    """The ``$id`` of the JSON Schema the document follows; it names the schema version."""
    metadata: Mapping[str, Any]
    chapters: tuple[SourceInfo, ...]
    model: Document
    """The typed model (`compiler.document`): nodes, kinds, orders, references."""
    nodes: tuple[Node, ...]
    """Every section and annotation, in document order."""
    orders: tuple[Order, ...]
    references: tuple[Reference, ...]
    warnings: tuple[Diagnostic, ...]
    """Warnings the compiler gave (errors raise `CompileError` instead)."""
    _document: Mapping[str, Any] = field(repr=False)

    @classmethod
    def _build(
        cls, document: Mapping[str, Any], warnings: Sequence[Diagnostic] = ()
    ) -> Constitution:
        """The model of a compiled JSON document already checked (use `load` or `loads`)."""
        model = from_json(document)
        return cls(
            title=model.info.title,
            version=model.info.version,
            schema=str(document["$schema"]),
            metadata=_read_only(dict(model.info.metadata)),
            chapters=model.info.sources,
            model=model,
            nodes=model.nodes,
            orders=model.orders,
            references=model.references,
            warnings=tuple(warnings),
            _document=_read_only(document),
        )

    # -- lookups ----------------------------------------------------------------------------

    def __contains__(self, ident: object) -> bool:
        return ident in self.model

    def __getattr__(self, name: str) -> Any:
        """``constitution.<key>``: the nodes of the kind with that key; ``constitution.<kind>(id)``:
        the node of that kind with that id; ``constitution.<key>_for(id, **fields)``: the nodes
        of that kind that name `id` (`naming`), e.g. ``constraints_for("broadly-safe",
        kind="hard")``."""
        if not name.startswith("_"):
            kinds = self.model.kinds
            key = name.removesuffix("_for")
            for kind in kinds.values():
                if kind.key == name:
                    return self.model.of_kind(kind.name)
                if kind.key == key:
                    return lambda ident, **where: self.naming(ident, kind=kind.name, where=where)
            if name in kinds:
                return lambda ident: self.of_kind(name, ident)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def node(self, ident: str) -> Node:
        """The section or annotation with this id, whatever its kind."""
        found = self.model.get(ident)
        if found is None:
            raise self._unknown(ident, "id", [n.id for n in self.nodes])
        return found

    def of_kind(self, kind: str, ident: str) -> Node:
        """The node of `kind` with this id.

        >>> compiler.load("spec").property("broadly-saf")
        Traceback (most recent call last):
        ...
        compiler.api.UnknownIdError: no property 'broadly-saf' in the constitution; did you mean 'broadly-safe'?
        """
        found = self.model.get(ident)
        if found is not None and found.kind == kind:
            return found
        if found is not None:
            raise UnknownIdError(f"'{ident}' is a {found.kind}, not a {kind}")
        raise self._unknown(ident, kind, [n.id for n in self.model.of_kind(kind)])

    @staticmethod
    def _unknown(ident: str, what: str, candidates: list[str]) -> UnknownIdError:
        hint = suggest(ident, candidates)
        return UnknownIdError(
            f"no {what} '{ident}' in the constitution" + (f"; {hint}" if hint else "")
        )

    # -- relations --------------------------------------------------------------------------

    def naming(
        self, ident: str, *, kind: str | None = None, where: Mapping[str, Any] | None = None
    ) -> tuple[Node, ...]:
        """The nodes with a reference field that names `ident`, in document order; with `kind`,
        only nodes of that kind; with `where`, only nodes whose fields have those values.

        >>> c = compiler.load("spec")
        >>> [n.id for n in c.naming("broadly-safe", kind="constraint", where={"kind": "robustness"})]
        ['safety-robust-to-reasoning']
        """
        self.node(ident)
        wanted = dict(where or {})
        found = []
        for node in self.nodes:
            if kind is not None and node.kind != kind:
                continue
            spec = self.model.kinds[node.kind]
            named = any(
                ident in _ids(node.fields.get(f.name))
                for f in spec.fields
                if f.type is FieldType.REFERENCE
            )
            if named and all(node.fields.get(k) == v for k, v in wanted.items()):
                found.append(node)
        return tuple(found)

    def references_to(self, ident: str) -> tuple[Reference, ...]:
        """The links in the text that point at `ident`, in document order."""
        self.node(ident)
        return tuple(r for r in self.references if r.target == ident)

    def precedence(self, a: str, b: str) -> Precedence:
        """How `a` and `b` stand in the orders that hold both: ``relation`` (higher, lower, tied
        or unrelated), ``mode`` and the ``orders`` (see `compiler.grammar.orders.Precedence`).

        >>> p = compiler.load("spec").precedence("genuinely-helpful", "broadly-safe")
        >>> p.higher, p.lower, str(p.mode), p.strict, p.orders
        ('broadly-safe', 'genuinely-helpful', 'holistic', False, ('core-priority',))
        """
        self.node(a)
        self.node(b)
        if a == b:
            raise ValueError(f"'{a}' is compared with itself; a node has no precedence over itself")
        return self.model.precedence(a, b)

    def outranks(self, a: str, b: str, *, strictly: bool = False) -> bool:
        """True when an order puts `a` above `b`.

        With ``strictly=True``, only when `a` always wins: a ``strict`` order puts it above.
        Under a ``holistic`` order `a` generally dominates but `b` is still weighed, so
        ``outranks(a, b)`` is True and ``outranks(a, b, strictly=True)`` is False. A node does
        not outrank itself, nor one it is tied with. Raises `NoOrderError` when no order holds
        both: the constitution does not say.
        """
        self.node(a)
        self.node(b)
        if a == b:
            return False
        return self.model.outranks(a, b, strictly=strictly)

    # -- output -----------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The compiled JSON document, as a new plain dict (yours to change)."""
        plain: dict[str, Any] = json.loads(self.to_json())
        return plain

    def to_json(self) -> str:
        """The compiled JSON document as text: encoded as UTF-8, the exact bytes that
        ``constitution compile`` writes (and, for a JSON input it wrote, the input's bytes)."""
        return dumps(_plain(self._document)).decode("utf-8")


def _ids(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple):
        return tuple(i for item in value for i in _ids(item))
    return ()


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


#: A constitution schema's $id, split around its version.
_SCHEMA_VERSION = re.compile(  # at most 9 digits a part: int() of a longer one is slow or refused
    r"(?P<base>.+/schemas/constitution/)(?P<major>\d{1,9})\.(?P<minor>\d{1,9})\.(?P<patch>\d{1,9})"
    r"/constitution\.schema\.json"
)


# -- reading ----------------------------------------------------------------------------------


def read_document(
    path: str | os.PathLike[str], *, grammar_file: str | os.PathLike[str] | None = None
) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """The compiled JSON document of a spec directory, a Markdown file or a compiled ``.json``
    file, and every diagnostic; the document is None when there are errors. Never raises for bad
    input: the non-raising core of `load`, for adapters that print diagnostics themselves.
    """
    source = Path(path)
    if source.suffix.lower() == ".json" and not source.is_dir():
        return _read_json(source)
    from .pipeline import compile_spec

    result = compile_spec(source, keep_tokens=False, grammar_file=grammar_file)
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


def _check_json(document: Any, positions: _Positions) -> Iterator[Diagnostic]:
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


def _check_model(document: dict[str, Any], positions: _Positions) -> Iterator[Diagnostic]:
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
        line, column = positions.find(places.pop(0) if places else [])
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
