"""A readable, line-oriented rendering of a compiled constitution, for `git diff` (a textconv filter).

One line per field and one sentence per line, with no source positions, so that a diff of two
releases shows what changed in words and not where the text moved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from .api import Constitution, Node
from .diagnostics import escape_controls

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
        if isinstance(value, tuple):
            value = " ".join(map(str, value))
        yield f"  {key}: {value}"


def _attributes(node: Node) -> list[tuple[str, object]]:
    return [
        ("classes", node.classes),
        ("attributes", tuple(f"{k}={_quoted(v)}" for k, v in node.attributes.items())),
    ]


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


def _value(value: object) -> object:
    """A field's value on one line: an order's levels joined by ' > '."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return " > ".join(" ".join(map(str, level)) for level in value)
    return value


def _node_fields(node: Node) -> list[tuple[str, object]]:
    """The fields of a node worth reading, besides its id, attributes and text: its place, its
    title and its typed fields, whatever its kind."""
    return [
        ("title", node.title),
        ("level", node.level),
        ("parent", node.parent),
        ("section", node.section if node.section != node.parent else None),
        ("normative", None if node.normative else "false"),
        *((name, _value(value)) for name, value in node.fields.items()),
    ]


def render(constitution: Constitution) -> str:
    """The textconv rendering: the same constitution always gives the same text."""
    c = constitution
    out = [f"constitution: {c.title or '(untitled)'}"]
    out += _fields([("version", c.version), ("schema", c.schema)])
    out += _fields(
        (f"metadata {key}", ", ".join(map(str, value)) if isinstance(value, tuple) else value)
        for key, value in sorted(c.metadata.items())
        if key not in ("title", "version")
    )
    for chapter in c.chapters:
        out.append(f"  source: {chapter.file}" + (f" ({chapter.title})" if chapter.title else ""))
    for node in c.nodes:
        header = f"{node.kind} {node.id}"
        if node.auto_id:
            header += " (id made from the title)"
        out += ["", header]
        out += _fields(_node_fields(node))
        out += _fields(_attributes(node))
        out += _text(node.text)
    if c.references:
        out += ["", "references"]
        out += [f"  {r.origin or '(top)'} -> {r.target}: {r.text}" for r in c.references]
    # One line per entry, and nothing a terminal or pager would act on (ANSI escapes, bidi
    # controls): what the spec holds is shown, escaped, never obeyed.
    return "\n".join(map(escape_controls, out)) + "\n"
