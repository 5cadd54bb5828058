"""Typed reads of a YAML file through its node tree, so that every problem is a `Diagnostic` at
the line and column of the value that caused it, and all of them are found in one pass.

Anchors, aliases and explicit tags are refused before the tree is built (no alias bombs, no
constructors run), and nesting is bounded, so reading costs time linear in the file's size.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, TypeVar

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingEndEvent,
    NodeEvent,
    SequenceEndEvent,
)

from ..controls import escaped_controls
from ..diagnostics import Diagnostic, Severity, suggest, yaml_position

#: libyaml's parser when PyYAML was built with it (ten times faster), else the Python one; both
#: give the same events, nodes and marks.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_BOOLEANS = yaml.constructor.SafeConstructor.bool_values

_Word = TypeVar("_Word", bound=StrEnum)

Settings = dict[str, tuple[yaml.Node, yaml.Node]]
"""A mapping's entries by key: (key node, value node)."""
#: Integers are written in decimal here: YAML 1.1 also reads 0x1f, 0o17, 1_000 and 1:30 (90).
_MAX_DIGITS = 20
MAX_NAME = 40
"""Longest name of a kind, a key, a field, a value or a page."""


def parse_yaml(
    text: str, display: str, max_depth: int
) -> tuple[yaml.Node | None, list[Diagnostic]]:
    """The node tree of `text` (None for an empty file), or None and the reasons it is refused;
    with the tree, its values that escapes make hold a control character (CC107, CC108)."""
    problems: list[Diagnostic] = []
    depth = documents = 0
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    problems.append(
                        _at(
                            display,
                            event,
                            "CC701",
                            "the declarations file holds more than one YAML document",
                            "remove the '---' line: the file is one mapping",
                        )
                    )
                    break
            if isinstance(event, AliasEvent) or (
                isinstance(event, NodeEvent) and event.anchor is not None
            ):
                problems.append(
                    _at(
                        display,
                        event,
                        "CC711",
                        f"YAML anchors and aliases are not allowed ('{event.anchor}')",
                        "write the value out where it is needed",
                    )
                )
            tag = getattr(event, "tag", None)
            if tag is not None:
                problems.append(
                    _at(
                        display,
                        event,
                        "CC711",
                        f"YAML tags are not allowed ('{tag}')",
                        "remove the tag; quote a value to make it text",
                    )
                )
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    problems.append(_too_deep(display, event.start_mark, max_depth))
                    break
            elif isinstance(event, MappingEndEvent | SequenceEndEvent):
                depth -= 1
        if problems:
            return None, problems
        root = yaml.compose(text, Loader=_LOADER)
        return root, escaped_controls(root, text, display)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).split("\n", 1)[0]
        context, start = getattr(err, "context", None), getattr(err, "context_mark", None)
        if context and start is not None and mark is not None and start.line != mark.line:
            problem += f" ({context} that starts on line {start.line + 1})"
        if "nesting depth" in problem:  # libyaml's own limit, met while it reads ahead
            return None, [*problems, _too_deep(display, mark, max_depth)]
        problems.append(
            Diagnostic(
                "CC701",
                f"the declarations file is not valid YAML: {problem}",
                display,
                *yaml_position(mark),
                "indent with spaces; quote values that contain ':' or '#'",
            )
        )
        return None, problems


def _too_deep(display: str, mark: Any, max_depth: int) -> Diagnostic:
    return Diagnostic(
        "CC710",
        f"the declarations file is nested deeper than {max_depth} levels",
        display,
        *yaml_position(mark),
        "kinds, fields and their settings need only a few levels",
    )


def _at(display: str, event: yaml.Event, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(code, message, display, *yaml_position(event.start_mark), hint)


def describe(node: yaml.Node) -> str:
    """What a node is, for messages: 'a list', 'a number', 'true/false', 'text'..."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return {
        _STR: "text",
        _INT: "a number",
        "tag:yaml.org,2002:float": "a number",
        _BOOL: "true/false",
        _NULL: "empty",
        "tag:yaml.org,2002:timestamp": "a date",
    }.get(node.tag, "a value")


class YamlReader:
    """Reads values of expected types from a node tree, recording a diagnostic for each problem.

    Each read returns None when the value is not what is expected; the problem is then in
    `diagnostics`. `where` names the value in messages as a dotted path (``kinds.behavior``).
    """

    def __init__(self, display: str) -> None:
        self.display = display
        """The file, as diagnostics show it."""
        self.diagnostics: list[Diagnostic] = []

    def error(
        self,
        node: yaml.Node,
        code: str,
        message: str,
        hint: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        mark = node.start_mark
        self.diagnostics.append(
            Diagnostic(code, message, self.display, mark.line + 1, mark.column + 1, hint, severity)
        )

    def items(
        self, node: yaml.Node, where: str, limit: int
    ) -> list[tuple[str, yaml.Node, yaml.Node]] | None:
        """A mapping's entries as (key, key node, value node), each key once, at most `limit`."""
        if not isinstance(node, yaml.MappingNode):
            self._wrong_type(node, where, "a mapping of names to settings")
            return None
        if self._too_many(node, where, limit):
            return None
        entries: list[tuple[str, yaml.Node, yaml.Node]] = []
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR):
                self.error(
                    key_node,
                    "CC703",
                    f"a key in {where} must be a name, not {describe(key_node)}",
                    "write names as plain words; quote one that YAML reads otherwise",
                )
                continue
            key = key_node.value
            first = seen.get(key)
            if first is not None:
                self.error(
                    key_node,
                    "CC704",
                    f"'{key}' is given twice in {where}",
                    f"the first is on line {first.start_mark.line + 1}; keep one",
                )
                continue
            seen[key] = key_node
            entries.append((key, key_node, value_node))
        return entries

    def settings(self, node: yaml.Node, where: str, known: Sequence[str]) -> Settings | None:
        """A mapping whose keys must be among `known`: unknown ones are reported with a hint."""
        entries = self.items(node, where, len(known) + 64)
        if entries is None:
            return None
        found: Settings = {}
        for key, key_node, value_node in entries:
            if key not in known:
                hint = suggest(key, list(known)) or f"known keys: {', '.join(known)}"
                self.error(key_node, "CC702", f"unknown key '{key}' in {where}", hint)
                continue
            found[key] = (key_node, value_node)
        return found

    def text(self, node: yaml.Node, where: str, limit: int, *, empty: bool = False) -> str | None:
        """A string of at most `limit` characters (not empty unless `empty`)."""
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _STR):
            self._wrong_type(node, where, "text")
            return None
        value: str = node.value
        if len(value) > limit:
            self.error(
                node,
                "CC710",
                f"{where} is {len(value):,} characters long, more than the limit of {limit:,}",
                "shorten it",
            )
            return None
        if not value.strip() and not empty:
            self.error(node, "CC703", f"{where} is empty", "write a value, or remove the key")
            return None
        return value

    def flag(self, node: yaml.Node, where: str) -> bool | None:
        """A boolean."""
        if not (isinstance(node, yaml.ScalarNode) and node.tag == _BOOL):
            self._wrong_type(node, where, "true or false")
            return None
        return bool(_BOOLEANS[node.value.lower()])

    def whole_number(self, node: yaml.Node, where: str) -> int | None:
        """An integer written in decimal digits."""
        digits = node.value.lstrip("+-") if isinstance(node, yaml.ScalarNode) else ""
        if not (node.tag == _INT and digits.isascii() and digits.isdigit()):
            self._wrong_type(node, where, "a whole number in decimal digits")
            return None
        if len(digits) > _MAX_DIGITS:
            self.error(
                node,
                "CC705",
                f"{where} is a number of {len(digits)} digits",
                "bounds lie between -9007199254740991 and 9007199254740991",
            )
            return None
        return int(node.value)

    def words(self, node: yaml.Node, where: str, limit: int) -> list[tuple[str, yaml.Node]] | None:
        """A list of at most `limit` strings, each with its node."""
        if not isinstance(node, yaml.SequenceNode):
            self._wrong_type(node, where, "a list, e.g. [a, b]")
            return None
        if self._too_many(node, where, limit):
            return None
        found: list[tuple[str, yaml.Node]] = []
        for item in node.value:
            value = self.text(item, f"an entry of {where}", 200)
            if value is not None:
                found.append((value, item))
        return found

    def name(
        self,
        node: yaml.Node,
        value: str,
        pattern: re.Pattern[str],
        what: str,
        example: str,
        why: str = "",
    ) -> bool:
        """True when `value` matches `pattern` in at most `MAX_NAME` characters; else reports it,
        with the nearest valid spelling. `why` ends the hint."""
        if len(value) <= MAX_NAME and pattern.match(value):
            return True
        joiner = "_" if "_" in example else "-"
        fixed = re.sub(r"[^a-z0-9]+", joiner, value.lower()).strip("-_")
        hint = f"did you mean '{fixed}'?" if fixed and pattern.match(fixed) else f"e.g. {example}"
        if len(value) > MAX_NAME:
            hint, why = f"use at most {MAX_NAME} characters", ""
        shown = value if len(value) <= MAX_NAME else value[:MAX_NAME] + "…"
        self.error(node, "CC706", f"'{shown}' is not a valid {what} name", hint + why)
        return False

    def choice(self, node: yaml.Node, where: str, enum: type[_Word]) -> _Word | None:
        """One of an enumeration's words, written as text."""
        found = self.text(node, where, MAX_NAME)
        return self.member(node, found, where, enum) if found is not None else None

    def member(self, node: yaml.Node, word: str, where: str, enum: type[_Word]) -> _Word | None:
        """`word` as a member of `enum`, or None (reported)."""
        names = [str(member) for member in enum]
        if word in names:
            return enum(word)
        hint = suggest(word, names) or f"one of {', '.join(names)}"
        self.error(
            node, "CC709", f"{where} has '{word}', which is not one of {', '.join(names)}", hint
        )
        return None

    def _too_many(self, node: yaml.MappingNode | yaml.SequenceNode, where: str, limit: int) -> bool:
        if len(node.value) <= limit:
            return False
        self.error(
            node,
            "CC710",
            f"{where} has {len(node.value)} entries, more than the limit of {limit}",
            "give fewer; the limits keep every spec cheap to compile",
        )
        return True

    def _wrong_type(self, node: yaml.Node, where: str, expected: str) -> None:
        scalar = isinstance(node, yaml.ScalarNode)
        if node.tag == _NULL:
            hint = "give it a value, or remove the key"
        elif expected == "text" and scalar:
            # YAML 1.1 reads on/off/yes/no as booleans and 2025-01-01 as a date.
            hint = f'quote it to make it text: "{node.value}"'
        elif expected.startswith("a whole number") and scalar:
            hint = "write digits only, without quotes: e.g. 10"
        elif expected == "true or false" and scalar:
            hint = "write true or false, without quotes"
        elif expected.startswith("a mapping"):
            hint = "write 'name: setting' lines indented under it, or {name: setting}"
        else:
            hint = "write it as a list: [a, b] or '- a' lines"
        self.error(node, "CC703", f"{where} must be {expected}, not {describe(node)}", hint)


def plain(node: yaml.Node) -> Any:
    """A node tree as plain data (the tree holds no aliases or tags: `parse_yaml` refused them)."""
    return yaml.SafeLoader("").construct_document(node)
