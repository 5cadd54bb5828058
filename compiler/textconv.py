"""A readable, line-oriented rendering of a compiled constitution, for `git diff` (a textconv filter).

One line per field and one sentence per line, with no source positions, so that a diff of two
releases shows what changed in words and not where the text moved. It reads the typed model
(`compiler.document`), so a release of schema 1.x and one of 2.0.0 render alike, every kind the
grammar declares with its typed fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from .api import Constitution
from .diagnostics import escape_controls
from .document import Document, Node, from_json
from .grammar.values import written

#: A sentence ends at . ! or ? (and any closing quotes or brackets) followed by a space and a
#: capital, a digit or an opening quote.
_SENTENCE_END = re.compile(r"([.!?][\"”’)\]]*)\s+(?=[A-Z0-9\"“‘(\[])")


def sentences(text: str) -> Iterator[str]:
    """The text's paragraphs, one sentence per line, with an empty line between paragraphs."""
    for index, paragraph in enumerate(p for p in text.split("\n\n") if p.strip()):
        if index:
            yield ""
        yield from _SENTENCE_END.sub("\\1\n", " ".join(paragraph.split())).split("\n")


def _fields(pairs: Iterable[tuple[str, object]]) -> Iterator[str]:
    for key, value in pairs:
        if value is None or value == "" or value == ():
            continue
        yield f"  {key}: {value}"


def _quoted(value: str) -> str:
    """The value as written, quoted when a space or quote would make the line ambiguous."""
    return (
        value if value and not re.search(r'[\s"]', value) else json.dumps(value, ensure_ascii=False)
    )


def _text(text: str) -> Iterator[str]:
    lines = list(sentences(text))
    if lines:
        yield "  text:"
        yield from (f"    {line}" if line else "" for line in lines)


def _node_fields(node: Node) -> list[tuple[str, object]]:
    """What a node says besides its id and text: its title and level, its typed fields in its
    kind's order, where it is, and its classes and undeclared attributes."""
    return [
        ("title", node.title),
        ("level", node.level),
        *((name, written(value)) for name, value in node.fields.items()),
        ("parent", node.parent),
        ("normative", None if node.normative else "false"),
        ("classes", " ".join(node.classes)),
        ("attributes", " ".join(f"{k}={_quoted(v)}" for k, v in node.attributes.items())),
    ]


def render(document: Document | Constitution) -> str:
    """The textconv rendering of a compiled document (either schema, read into the typed model):
    every node in document order with its own text, so a node's words appear once. The same
    document always gives the same text."""
    if isinstance(document, Constitution):
        document = from_json(document.to_dict())
    info = document.info
    out = [f"constitution: {info.title or '(untitled)'}"]
    out += _fields([("version", info.version), ("schema", document.schema)])
    out += _fields(
        (f"metadata {key}", ", ".join(map(str, value)) if isinstance(value, list) else value)
        for key, value in sorted(info.metadata.items())
        if key not in ("title", "version")
    )
    for source in info.sources:
        out.append(f"  source: {source.file}" + (f" ({source.title})" if source.title else ""))
    for node in document.nodes:
        header = f"{node.kind} {node.id}"
        if node.auto_id:
            header += " (id made from the title)"
        out += ["", header]
        out += _fields(_node_fields(node))
        out += _text(node.text)
    if document.references:
        out += ["", "references"]
        out += [f"  {r.origin or '(top)'} -> {r.target}: {r.text}" for r in document.references]
    # One line per entry, and nothing a terminal or pager would act on (ANSI escapes, bidi
    # controls): what the spec holds is shown, escaped, never obeyed.
    return "\n".join(map(escape_controls, out)) + "\n"
