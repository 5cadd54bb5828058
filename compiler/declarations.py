"""The spec's declarations file, ``constitution.yaml`` beside its chapters: read as YAML with the
position of every value, its top-level sections checked; each section is read by the stage that
owns it (``diff:`` by `compiler.diff.config`).

The file is optional; a one-file spec names it explicitly (``--config FILE``).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, suggest
from .reader import decode
from .spec_files import DECLARATIONS_FILE

__all__ = ["DECLARATIONS_FILE", "MAX_BYTES", "YamlReader", "declarations_path", "read_declarations"]

#: A declarations file larger than this is refused: it holds a few settings, not data (the
#: grammar's limit too, `compiler.grammar.load`).
MAX_BYTES = 256 * 1024
#: The top-level sections, and what they declare.
SECTIONS: dict[str, str] = {
    "kinds": "the kinds of node and their typed fields",
    "sections": "the typed fields of headings",
    "diff": "the levels of the diff's rules, and the changes it ignores",
    "examples": "the example syntax, for the grammar",
}

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STR = "tag:yaml.org,2002:str"
BOOL = "tag:yaml.org,2002:bool"


def declarations_path(spec: Path) -> Path | None:
    """The declarations file of a spec directory, or None (a file spec, or none written)."""
    candidate = spec / DECLARATIONS_FILE
    return candidate if spec.is_dir() and candidate.is_file() else None


@dataclass(slots=True)
class YamlReader:
    """Diagnostics about one declarations file, at the position of the value concerned."""

    display: str
    """The file as the user named it."""
    problems: list[Diagnostic]
    seen: set[int]
    text: str | None = None
    """The file's text, once read and decoded: the grammar is read from it too."""

    def problem(self, code: str, message: str, node: Any, hint: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Diagnostic(code, message, self.display, mark.line + 1, mark.column + 1, hint=hint)
        )

    def repeated(self, node: Any) -> bool:
        """True, with a diagnostic, for a node reached before (a YAML alias): every value is
        written once, and an alias could make a small file expand without bound."""
        if id(node) in self.seen:
            self.problem(
                "CC612",
                "YAML anchors and aliases are not allowed here",
                node,
                "write the value out where it is used",
            )
            return True
        return False

    def visit(self, node: Any) -> bool:
        """Mark `node` as read; False (with a diagnostic) when it was read before."""
        if self.repeated(node):
            return False
        self.seen.add(id(node))
        return True

    def mapping(self, node: Any, what: str, keys: dict[str, str]) -> Iterator[tuple[str, Any, Any]]:
        """The (key, key node, value node) pairs of a mapping node, each known key once; a
        diagnostic for anything else. `keys` maps each known key to what it holds."""
        if not self.visit(node):
            return
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
        if not self.visit(node):
            return []
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem("CC604", f"{what} must be a list", node, hint)
            return []
        return list(node.value)

    def scalar(self, node: Any, tag: str, what: str, hint: str) -> Any:
        """The scalar's value when it has the type `tag` (str or bool), else None."""
        if not self.visit(node):
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != tag:
            kind = "true or false" if tag == BOOL else "a text"
            self.problem("CC604", f"{what} must be {kind}", node, hint)
            return None
        if tag == BOOL:
            return node.value.lower() in ("true", "yes", "on", "y")
        return node.value


def _expected(keys: dict[str, str]) -> str:
    return "known keys: " + ", ".join(f"'{key}' ({what})" for key, what in keys.items())


def _read(path: Path) -> tuple[bytes, tuple[str, str] | None]:
    """The file's bytes, or why they cannot be read: bounded, and only from a regular file (a
    pipe or a device would block or never end)."""
    try:
        # Non-blocking, so that opening a pipe does not wait for a writer.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return b"", ("the declarations file is not a regular file", "name a YAML file")
            data = handle.read(MAX_BYTES + 1)
    except OSError as err:
        reason = err.strerror or str(err)
        return b"", (f"cannot read the declarations file: {reason}", "check that it can be read")
    if len(data) > MAX_BYTES:
        limit = f"{MAX_BYTES // 1024} KiB"
        return b"", (f"the declarations file is larger than {limit}", "is this the right file?")
    return data, None


def read_declarations(path: Path, display: str) -> tuple[dict[str, Any], YamlReader]:
    """The top-level sections of a declarations file (name -> YAML node), and the reader that
    holds the diagnostics found so far (the file cannot be read, is not YAML, has an unknown
    section); its sections' readers add theirs to it."""
    reader = YamlReader(display, [], set())
    data, problem = _read(path)
    if problem:
        message, hint = problem
        reader.problems.append(Diagnostic("CC601", message, display, 0, 1, hint=hint))
        return {}, reader
    text, problems = decode(data, display)
    reader.problems.extend(problems)
    if text is None:
        return {}, reader
    reader.text = text
    try:
        root = yaml.compose(text, Loader=_BASE_LOADER)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 1)
        reader.problems.append(
            Diagnostic(
                "CC602",
                f"not valid YAML: {err.problem or err.context}",
                display,
                line,
                column,
                hint="check the indentation and the quoting on this line",
            )
        )
        return {}, reader
    except (yaml.YAMLError, RecursionError) as err:
        message = "nested too deeply" if isinstance(err, RecursionError) else str(err)
        reader.problems.append(
            Diagnostic("CC602", f"not valid YAML: {message}", display, 0, 1, hint="simplify it")
        )
        return {}, reader
    if root is None:
        return {}, reader
    sections = {
        key: value for key, _, value in reader.mapping(root, "the declarations file", SECTIONS)
    }
    return sections, reader
