"""A conversation fence's text -> turns and judged replies, with a diagnostic for each problem.

The tags are read by a small tokenizer of our own, not `html.parser`: on Python 3.11 the
standard parser takes quadratic time on unclosed constructs (2.7 s for 20,000 ``<a`` and 15 s
for 40,000, measured), and a conversation needs only three things an HTML parser gives: opening
tags with attributes, closing tags, and the comment that labels a reply. Every regular expression
here is possessive and stops at the next ``<`` or ``>``, and each turn's closing tag is searched
for once, from where its content starts, so the cost is linear in the fence.

What a turn holds is content, whatever it looks like: ``<untrusted>`` inside a developer
message, code, HTML. It is kept as text (entities decoded, as XML reads them) and escaped
wherever it is shown. A reply in a comparison is judged by its label (`labels`).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache

from msgspec import Struct, field

from ..diagnostics import Diagnostic, Severity, shorten, suggest
from ..grammar.examples import ExampleSyntax
from ..model import SourceSpan
from .labels import Label, judged_reply, read_label
from .model import Reply, Turn

_TAG = re.compile(
    r"<(?P<close>/?+)(?P<name>[A-Za-z][A-Za-z0-9_.:-]*+)"
    r"(?P<attrs>(?:\s++[^\s=<>/\"']++(?:\s*+=\s*+(?:\"[^\"<>]*+\"|'[^'<>]*+'|[^\s\"'<>=]++))?+)*+)"
    r"\s*+(?P<empty>/?+)>"
)
_ATTRIBUTE = re.compile(
    r"([^\s=<>/\"']++)(?:\s*+=\s*+(?:\"([^\"]*+)\"|'([^']*+)'|([^\s\"'<>=]++)))?+"
)
_RESERVED = ("role", "content")
"""Keys of a chat message that no attribute may take."""


class Place(Struct):
    """Maps offsets in a fence's content to lines and columns of its file."""

    file: str
    """The file as the JSON names it."""
    display: str
    """The file as diagnostics show it."""
    first_line: int
    """The file's line of the content's first line."""
    content: str
    source_lines: list[str]
    """The file's lines: a column counts the characters before the content on its line (a
    fence's indentation, a list item's marker)."""
    starts: list[int] = field(default_factory=list)
    """Offset of each content line's first character."""
    indents: dict[int, int] = field(default_factory=dict)
    """The indentation of each content line asked for, once measured."""

    @classmethod
    def of(
        cls, content: str, file: str, display: str, first_line: int, source_lines: list[str]
    ) -> Place:
        starts = [0]
        position = content.find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = content.find("\n", position + 1)
        return cls(file, display, first_line, content, source_lines, starts)

    def at(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        return self.first_line + index, offset - self.starts[index] + 1 + self._indent(index)

    def _indent(self, index: int) -> int:
        if index in self.indents:
            return self.indents[index]
        start = self.starts[index]
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.content)
        line = self.content[start:end]
        number = self.first_line - 1 + index
        source = self.source_lines[number] if number < len(self.source_lines) else line
        indent = len(source) - len(line) if line and source.endswith(line) else 0
        self.indents[index] = indent
        return indent

    def span(self, start: int, end: int) -> SourceSpan:
        line, column = self.at(start)
        last = self.first_line + bisect_right(self.starts, max(start, end - 1)) - 1
        return SourceSpan(self.file, line, column, last)


class Conversation(Struct):
    """What a fence holds."""

    turns: list[Turn] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def parse_conversation(
    content: str, syntax: ExampleSyntax, place: Place, known_ids: Callable[[str], bool]
) -> Conversation:
    """The turns and replies of one conversation fence. Never raises for bad input."""
    return _Parser(content, syntax, place, known_ids).run()


class _Parser:
    def __init__(
        self, text: str, syntax: ExampleSyntax, place: Place, known_ids: Callable[[str], bool]
    ) -> None:
        self.text = text
        self.syntax = syntax
        self.place = place
        self.known_ids = known_ids
        self.found = Conversation()
        self.comparison: int | None = None
        """Offset of the open comparison's tag."""
        self.unclosed: set[str] = set()
        """Tags whose closing tag was searched for and is not there: never searched again."""

    def problem(
        self, offset: int, code: str, message: str, hint: str, severity: Severity = Severity.ERROR
    ) -> None:
        line, column = self.place.at(offset)
        self.found.diagnostics.append(
            Diagnostic(code, message, self.place.display, line, column, hint, severity)
        )

    def run(self) -> Conversation:
        text = self.text
        position = 0
        while True:
            match = _TAG.search(text, position)
            end = match.start() if match else len(text)
            self._gap(position, end)
            if match is None:
                break
            position = self._tag(match)
            if position < 0:
                return self.found  # an unclosed turn: the rest cannot be read
        if self.comparison is not None:
            tag = self.syntax.comparison
            self.problem(
                self.comparison, "CC802", f"<{tag}> is never closed", f"end it with </{tag}>"
            )
        return self.found

    def _gap(self, start: int, end: int) -> None:
        """Text between tags: only white space may stand outside a turn."""
        stripped = len(self.text[start:end].lstrip())
        if stripped:
            offset = end - stripped
            self.problem(
                offset,
                "CC806",
                f"text outside a turn is left out: '{shorten(self.text[offset:end].strip(), 40)}'",
                f"put it inside a turn, e.g. {self.syntax.sample}, or remove it",
                Severity.WARNING,
            )

    def _tag(self, match: re.Match[str]) -> int:
        """Reads the tag `match` and what it opens; the offset to go on from (-1: stop)."""
        name = match["name"]
        syntax = self.syntax
        if match["close"]:
            if name == syntax.comparison and self.comparison is not None:
                self.comparison = None
            else:
                self.problem(
                    match.start(),
                    "CC807",
                    f"</{name}> closes nothing",
                    "remove it, or add the tag it closes",
                )
            return match.end()
        if name == syntax.comparison:
            if self.comparison is not None:
                self.problem(
                    match.start(),
                    "CC808",
                    f"<{name}> inside another <{name}>",
                    f"close the first with </{name}>",
                )
            elif not match["empty"]:
                self.comparison = match.start()
            return match.end()
        role = syntax.roles.get(name)
        if role is None:
            return self._unknown(match)
        if match["empty"]:
            return self._turn(match, role, match.end(), match.end(), match.end())
        closing = self._closing(name, match.end())
        if closing is None:
            self.problem(
                match.start(), "CC802", f"<{name}> is never closed", f"end the turn with </{name}>"
            )
            return -1
        return self._turn(match, role, match.end(), closing.start(), closing.end())

    def _closing(self, name: str, start: int) -> re.Match[str] | None:
        if name in self.unclosed:
            return None
        found = _closing_tag(name).search(self.text, start)
        if found is None:
            self.unclosed.add(name)
        return found

    def _unknown(self, match: re.Match[str]) -> int:
        name = match["name"]
        roles = list(self.syntax.roles)
        names = roles + ([self.syntax.comparison] if self.syntax.comparison else [])
        hint = suggest(name, names) or f"the declared tags: {', '.join(names)}"
        self.problem(match.start(), "CC803", f"unknown role <{name}>", hint)
        closing = None if match["empty"] else self._closing(name, match.end())
        return closing.end() if closing is not None else match.end()

    def _turn(self, match: re.Match[str], role: str, start: int, end: int, after: int) -> int:
        label: Label | None = None
        if role == self.syntax.reply and self.syntax.comparison is not None:
            label, start = read_label(self.text, start, end)
        attributes = self._attributes(match)
        turn = Turn(
            role=role,
            tag=match["name"],
            attributes=attributes,
            content=_content(self.text[start:end]),
            source=self.place.span(match.start(), after),
        )
        if self.comparison is None:
            if label is not None:
                self.problem(
                    match.start(),
                    "CC804",
                    f"a labelled reply outside a <{self.syntax.comparison}>",
                    f"put the replies the spec judges inside <{self.syntax.comparison}>...</{self.syntax.comparison}>",
                )
            self.found.turns.append(turn)
            return after
        if role != self.syntax.reply:
            self.problem(
                match.start(),
                "CC804",
                f"a <{match['name']}> turn inside a <{self.syntax.comparison}>",
                f"a comparison holds only the replies it judges ({self.syntax.reply}); "
                f"close it before the next turn",
            )
            self.found.turns.append(turn)
            return after
        reply = judged_reply(
            turn, label, match.start(), len(self.found.turns), self.syntax, self.known_ids,
            self.problem,
        )  # fmt: skip
        self.found.replies.append(reply)
        return after

    def _attributes(self, tag: re.Match[str]) -> tuple[tuple[str, str], ...]:
        """A turn's attributes, entities decoded; one that would hide the message's role or
        content, or is given twice, is reported and left out."""
        if not tag["attrs"]:
            return ()
        found: dict[str, str] = {}
        start = tag.start("attrs")
        for match in _ATTRIBUTE.finditer(tag["attrs"]):
            name = match[1]
            value = next((v for v in match.groups()[1:] if v is not None), "")
            if name in _RESERVED or name in found:
                why = "is given twice" if name in found else "would hide the message's own " + name
                self.problem(
                    start + match.start(),
                    "CC815",
                    f"the attribute '{name}' of <{tag['name']}> {why}",
                    "remove it, or rename it",
                )
                continue
            found[name] = html.unescape(value)
        return tuple(found.items())


@lru_cache(maxsize=256)
def _closing_tag(name: str) -> re.Pattern[str]:
    """The closing tag of `name`: compiled once per name (bounded: hostile input names many)."""
    return re.compile(r"</" + re.escape(name) + r"\s*+>")


def _content(raw: str) -> str:
    """A turn's text without the line breaks that only lay its tags out; entities decoded."""
    first = raw.find("\n")
    if first >= 0 and not raw[:first].strip():
        raw = raw[first + 1 :]
    last = raw.rfind("\n")
    if last >= 0 and not raw[last:].strip():
        raw = raw[:last]
    elif not raw.strip():
        raw = ""
    return html.unescape(raw)
