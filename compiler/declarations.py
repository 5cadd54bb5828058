"""The spec's declarations file, ``constitution.yaml`` beside its chapters: found and read here;
parsed and positioned once, its top-level sections checked, by the grammar
(`compiler.grammar.load`); each section is read from that tree by the stage that owns it
(``diff:`` by `compiler.diff.config`, with the typed reads of `YamlReader`).

The file is optional; a one-file spec names it explicitly (``--config FILE``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from msgspec import Struct

from .diagnostics import Diagnostic, suggest
from .reader import decode
from .spec_files import DECLARATIONS_FILE

__all__ = [
    "DECLARATIONS_FILE",
    "MAX_BYTES",
    "YamlReader",
    "declarations_path",
    "read_declarations",
    "too_long",
]

#: A declarations file larger than this is refused: it holds a few settings, not data (the
#: grammar's limit too, `compiler.grammar.load`).
MAX_BYTES = 256 * 1024
STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"


def declarations_path(spec: Path) -> Path | None:
    """The declarations file of a spec directory, or None (a file spec, or none written)."""
    candidate = spec / DECLARATIONS_FILE
    return candidate if spec.is_dir() and candidate.is_file() else None


class YamlReader(Struct):
    """Diagnostics about one section of a declarations file, at the position of the value
    concerned. The tree it reads was parsed by the grammar (`compiler.grammar.yamlnodes`), which
    refused anchors, aliases and tags: every node is read once."""

    display: str
    """The file as the user named it."""
    problems: list[Diagnostic]

    def problem(self, code: str, message: str, node: Any, hint: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Diagnostic(code, message, self.display, mark.line + 1, mark.column + 1, hint=hint)
        )

    def mapping(self, node: Any, what: str, keys: dict[str, str]) -> Iterator[tuple[str, Any, Any]]:
        """The (key, key node, value node) pairs of a mapping node, each known key once; a
        diagnostic for anything else. `keys` maps each known key to what it holds."""
        if not isinstance(node, yaml.MappingNode):
            self.problem("CC604", f"{what} must be a mapping", node, _expected(keys))
            return
        given: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in keys:
                shown = key if isinstance(key, str) else "a non-text key"
                hint = suggest(key, list(keys)) if isinstance(key, str) else ""
                self.problem(
                    "CC603", f"unknown key '{shown}' in {what}", key_node, hint or _expected(keys)
                )
                continue
            if key in given:
                line = given[key].start_mark.line + 1
                self.problem(
                    "CC611",
                    f"key '{key}' is given twice in {what}",
                    key_node,
                    f"it is first given on line {line}; keep one",
                )
                continue
            given[key] = key_node
            yield key, key_node, value_node

    def sequence(self, node: Any, what: str, hint: str) -> list[Any]:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem("CC604", f"{what} must be a list", node, hint)
            return []
        return list(node.value)

    def scalar(self, node: Any, tag: str, what: str, hint: str) -> Any:
        """The scalar's value when it has the type `tag` (str or bool), else None."""
        if not isinstance(node, yaml.ScalarNode) or node.tag != tag:
            kind = "true or false" if tag == BOOL else "a text"
            self.problem("CC604", f"{what} must be {kind}", node, hint)
            return None
        if tag == BOOL:
            return node.value.lower() in ("true", "yes", "on", "y")
        return node.value


def _expected(keys: dict[str, str]) -> str:
    return "known keys: " + ", ".join(f"'{key}' ({what})" for key, what in keys.items())


def too_long(display: str) -> Diagnostic:
    """CC710 (the grammar's code for a resource limit) for a declarations file of more than
    `MAX_BYTES` characters, however it is read."""
    return Diagnostic(
        "CC710",
        f"the declarations file is longer than the limit of {MAX_BYTES:,} characters",
        display,
        1,
        hint="a grammar needs a few hundred lines; is this the right file?",
    )


def _read(path: Path) -> tuple[bytes | None, tuple[str, str] | None]:
    """The file's bytes (None when they hold more than `MAX_BYTES` characters), or why they
    cannot be read: bounded, and only from a regular file (a pipe or a device would block or
    never end)."""
    limit = 4 * MAX_BYTES  # a character is at most 4 bytes in UTF-8
    try:
        # Non-blocking, so that opening a pipe does not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return b"", ("the declarations file is not a regular file", "name a YAML file")
            data = handle.read(limit + 1)
    except OSError as err:
        reason = err.strerror or str(err)
        return b"", (f"cannot read the declarations file: {reason}", "check that it can be read")
    return (None if len(data) > limit else data), None


def read_declarations(path: Path, display: str) -> tuple[str | None, list[Diagnostic]]:
    """The text of a declarations file, or None and why it cannot be read (CC601), is too long
    (CC710) or is not text (CC10x).

    The text is parsed and positioned once, by the grammar (`compiler.grammar.load.loads_grammar`),
    which reports the faults of the file as a whole (not YAML, not a mapping, anchors and
    aliases, unknown sections, size) with its own codes (CC70x); each section is read from the
    grammar's tree by the stage that owns it (``diff:`` by `compiler.diff.config`)."""
    data, problem = _read(path)
    if problem:
        message, hint = problem
        return None, [Diagnostic("CC601", message, display, 0, 1, hint=hint)]
    if data is None:
        return None, [too_long(display)]
    return decode(data, display)
