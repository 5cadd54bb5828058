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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .diagnostics import Diagnostic, Severity, has_errors, suggest
from .document import Document, Node, Reference, SourceInfo, from_json
from .emit import dumps
from .emit import schema_id as schema_id  # the schema this version writes and reads
from .grammar.orders import NoOrderError, Order, Precedence
from .grammar.types import FieldType
from .json_input import parse_json, read_json
from .reader import decode, normalise

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
        return read_json(source)
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
    document, diagnostics = parse_json(normalise(data), name)
    if document is None:
        raise CompileError(diagnostics)
    return Constitution._build(document, diagnostics)
