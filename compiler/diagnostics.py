"""The one diagnostic type: a coded problem at a source position, with a hint.

Every stage yields `Diagnostic`s instead of raising; the CLI and the mkdocs plugin render them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


#: Every diagnostic code, with a one-line summary (the authoring guide lists them).
CODES: dict[str, str] = {
    "CC101": "file is not valid UTF-8",
    "CC102": "file contains a NUL byte",
    "CC103": "no Markdown files in the spec",
    "CC104": "input exceeds a resource limit",
    "CC105": "link or path leaves the spec directory",
    "CC106": "file cannot be read",
    "CC201": "front matter is not valid YAML",
    "CC202": "front matter has a wrong key or type",
    "CC203": "malformed attributes",
    "CC204": "unknown annotation kind",
    "CC205": "unclosed or unopened annotation fence",
    "CC206": "raw HTML in the source",
    "CC207": "unsafe link URL",
    "CC208": "invalid id",
    "CC301": "duplicate id",
    "CC302": "link to an unknown id",
    "CC303": "priority names something that is not a property",
    "CC304": "properties ranked inconsistently",
    "CC305": "empty text",
    "CC306": "missing required attribute",
    "CC307": "contradictory or cyclic priorities",
    "CC308": "invalid attribute value",
    "CC309": "attribute names an unknown id",
    "CC401": "compiled output does not match the schema",
    "CC402": "JSON input is not valid JSON",
    "CC403": "JSON input is not a compiled constitution of this schema version",
    "CC501": "release already exists",
    "CC502": "release version is not greater than the latest",
    "CC503": "release version bump is smaller than the changes require",
    "CC504": "the spec's version differs from the release version",
    "CC505": "released artifact was modified",
    "CC506": "released artifact is missing",
    "CC507": "file in releases/ is not in the index",
    "CC508": "release index is missing or malformed",
    "CC509": "no release has this id",
    # Diff configuration: the levels and ignored changes in constitution.yaml.
    "CC601": "the declarations file cannot be read or is too large",
    "CC602": "the declarations file is not valid YAML",
    "CC603": "unknown key in the declarations file",
    "CC604": "a value of the wrong type in the declarations file",
    "CC605": "unknown diff rule",
    "CC606": "unknown diff level",
    "CC607": "unknown node kind, or one the rule never concerns",
    "CC608": "unknown changed field",
    "CC609": "missing required key in the declarations file",
    "CC610": "an ignored change without a reason",
    "CC611": "a key, level or ignored change given twice",
    "CC612": "YAML anchor or alias in the declarations file",
    "CC901": "internal error",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the input."""

    code: str
    """Stable code, e.g. ``CC302``; see `CODES`."""
    message: str
    """What is wrong, in one sentence without a final period."""
    file: str
    """Path of the file as the user named it (or relative to the spec)."""
    line: int
    """1-based line; 0 when the problem concerns the whole file or spec."""
    column: int = 1
    """1-based column."""
    hint: str = ""
    """How to fix it."""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        head = f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"
        if self.severity is Severity.WARNING:
            head = f"{self.file}:{self.line}:{self.column}: {self.code} warning: {self.message}"
        # Source text quoted in a message (an id, a path) may hold line breaks or control
        # characters: escape them, so that one diagnostic stays one line plus its hint.
        head, hint = _one_line(head), _one_line(self.hint)
        return f"{head}\n    hint: {hint}" if hint else head

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
        }

    def format_github(self) -> str:
        """A GitHub Actions workflow command, shown as an annotation on the pull request."""
        kind = "error" if self.severity is Severity.ERROR else "warning"
        message = self.message + (f" (hint: {self.hint})" if self.hint else "")
        return (
            f"::{kind} file={_gh_escape(self.file, True)},line={max(self.line, 1)},"
            f"col={self.column},title={self.code}::{_gh_escape(message, False)}"
        )


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)


def _gh_escape(text: str, in_property: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if in_property:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order by file, then position, so output is stable whatever order stages ran in."""
    return sorted(diagnostics, key=lambda d: (d.file, d.line, d.column, d.code, d.message))


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


def render(diagnostics: Sequence[Diagnostic], fmt: str) -> str:
    """Render diagnostics as ``text``, ``json`` or ``github``; text ends with a summary line."""
    if fmt == "json":
        return json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        return "".join(d.format_github() + "\n" for d in diagnostics)
    if not diagnostics:
        return ""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    summary = f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
    return "".join(d.format() + "\n" for d in diagnostics) + summary + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
