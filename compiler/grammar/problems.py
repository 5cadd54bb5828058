"""A problem with one attribute value, before anyone knows where the attribute stands: the
extractor turns it into a `Diagnostic` at the attribute's line and column.
"""

from __future__ import annotations

import re

from msgspec import Struct

from ..diagnostics import Diagnostic, Severity
from ..syntax.attributes import ID_PATTERN

_SEPARATORS = re.compile(r"[\s,]+")


class ValueProblem(Struct, frozen=True):
    """What is wrong with a value, and how to fix it."""

    code: str
    """Stable code (``CC720``...); see `compiler.diagnostics.CODES`."""
    message: str
    """What is wrong, in one sentence without a final period."""
    hint: str = ""
    """How to fix it."""
    severity: Severity = Severity.ERROR

    def at(self, file: str, line: int, column: int) -> Diagnostic:
        """The problem as a diagnostic at this place."""
        return Diagnostic(self.code, self.message, file, line, column, self.hint, self.severity)


def split_values(raw: str) -> list[str]:
    """The values of a many-valued attribute: separated by white space or commas."""
    return [part for part in _SEPARATORS.split(raw) if part]


def named_twice(code: str, name: str, value: str, hint: str) -> ValueProblem:
    """The attribute `name` gives `value` twice."""
    return ValueProblem(code, f"{name} names '{value}' twice", hint)


def id_problem(name: str, ident: str) -> ValueProblem | None:
    """Why `ident` cannot be an id named by the attribute `name`, or None when it can."""
    if ID_PATTERN.match(ident):
        return None
    return ValueProblem(
        "CC720",
        f"{name} names '{ident}', which is not an id",
        "ids hold letters, digits, '-' and '_'; separate several with spaces",
    )
