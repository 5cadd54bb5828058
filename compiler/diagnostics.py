"""The one diagnostic type: a coded problem at a source position, with a hint.

Every stage yields `Diagnostic`s instead of raising; the CLI and the mkdocs plugin render them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

from msgspec import Struct, structs


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
    "CC107": "file holds a control character",
    "CC108": "file holds a bidirectional control character",
    "CC110": "file the spec may not hold (not a chapter, an image or constitution.yaml)",
    "CC111": "image file does not hold the format its extension names",
    "CC112": "SVG image holds script, links to other files or markup it may not",
    "CC120": "symbolic link in a git revision (not followed)",
    "CC121": "submodule in a git revision (not read)",
    "CC122": "a git tree lists a name twice",
    "CC130": "front matter repeats a value with a YAML alias",
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
    "CC310": "two files would be published at one address",
    "CC311": "file where the site publishes a generated page or file",
    "CC312": "link to a file the site does not publish",
    "CC313": "id reserved for the site theme",
    "CC401": "compiled output does not match the schema",
    "CC402": "JSON input is not valid JSON",
    "CC403": "JSON input is not a compiled constitution of this schema version",
    "CC410": "JSON input holds a number the compiler never writes",
    "CC411": "JSON input holds a string that is not Unicode text",
    "CC412": "JSON input holds a node of a kind its 'kinds' do not describe",
    "CC501": "release already exists",
    "CC502": "release version is not greater than the latest",
    "CC503": "release version bump is smaller than the changes require",
    "CC504": "the spec's version differs from the release version",
    "CC505": "released artifact was modified",
    "CC506": "released artifact is missing",
    "CC507": "file in releases/ is not in the index",
    "CC508": "release index is missing or malformed",
    "CC509": "no release has this id",
    "CC510": "output path is not a file or directory the compiler may replace",
    "CC511": "output path lies outside the project",
    "CC512": "output cannot be written (disk full, read-only, no permission)",
    "CC513": "release index entry edited, reordered or unlinked (hash chain broken)",
    "CC514": "release index format unknown",
    "CC515": "another release is being written",
    "CC516": "version is not MAJOR.MINOR.PATCH in ASCII digits",
    "CC517": "date or SOURCE_DATE_EPOCH is not valid",
    "CC518": "release index predates the hash chain",
    "CC519": "an extra the command needs is not installed",
    "CC520": "release chain does not end at the pinned head",
    "CC521": "release interrupted before its index entry, taken up",
    # The print version's PDF.
    "CC540": "the PDF of the print version cannot be made (WeasyPrint or Pango is missing)",
    # Diff configuration: the levels and ignored changes in constitution.yaml.
    "CC601": "the declarations file cannot be read",
    "CC603": "unknown key in the declarations file's 'diff' section",
    "CC604": "a value of the wrong type in the declarations file",
    "CC605": "unknown diff rule",
    "CC606": "unknown diff level",
    "CC607": "unknown node kind, or one the rule never concerns",
    "CC608": "unknown changed field",
    "CC609": "missing required key in the declarations file",
    "CC610": "an ignored change without a reason",
    "CC611": "a key, level or ignored change given twice",
    # The declarations file (constitution.yaml), and attribute values read against it.
    "CC701": "declarations file is not valid YAML",
    "CC702": "unknown key in the declarations file",
    "CC703": "wrong type of value in the declarations file",
    "CC704": "key or value given twice in the declarations file",
    "CC705": "number out of bounds in the declarations file",
    "CC706": "invalid name in the declarations file",
    "CC707": "declaration names an unknown kind or field",
    "CC708": "declaration removes, retypes or widens something built in",
    "CC709": "declaration settings that do not apply or contradict each other",
    "CC710": "declarations file exceeds a resource limit",
    "CC711": "YAML anchor, alias or tag in the declarations file",
    "CC712": "declarations file is a link to a file outside the spec",
    "CC713": "declaration lacks a setting it needs",
    "CC714": "two kinds take the same name, key or page",
    "CC720": "attribute value is not of its field's type",
    "CC721": "attribute value outside its field's bounds",
    "CC722": "attribute value is not one of its field's values",
    "CC723": "attribute value repeated, or several values for a one-valued field",
    "CC724": "attribute names an unknown id, a node of another kind, or its own node",
    "CC725": "malformed order",
    "CC726": "attribute the node's kind does not declare",
    "CC727": "node lacks a required field",
    "CC728": "orders contradict each other",
    "CC729": "order over nodes of several kinds",
    "CC730": "looks like an annotation but is not read as one (an attribute list left in the text, a span without a kind)",
    "CC731": "annotation on more or less text than its kind may cover (a block, a list item, a span)",
    "CC732": "placeholder link [?](#id) to a node without a title",
    "CC800": "example syntax declaration (examples: in constitution.yaml) is not valid",
    "CC801": "example title without its conversation (warning)",
    "CC802": "tag of a conversation never closed",
    "CC803": "unknown role: a tag the example syntax does not declare",
    "CC804": "reply outside a comparison, or another turn inside one",
    "CC805": "reply label the example syntax does not declare",
    "CC806": "text outside a turn of a conversation, left out (warning)",
    "CC807": "closing tag in a conversation that closes nothing",
    "CC808": "comparison inside a comparison",
    "CC809": "reply in a comparison without a label (warning)",
    "CC810": "reply label names an unknown id",
    "CC811": "footnote whose prompts file is missing",
    "CC812": "prompts file that no footnote names",
    "CC813": "example conversation without turns (warning)",
    "CC814": "spec declares no example syntax",
    "CC815": "turn attribute given twice, or named role or content",
    "CC816": "worked example or prompts file whose id another node has",
    "CC817": "declared kind takes the name or key of the example kinds",
    "CC818": "prompt without its title in a prompts file (warning)",
    "CC901": "internal error",
}


class Diagnostic(Struct, frozen=True):
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

    def __post_init__(self) -> None:
        # Messages quote the input (ids, values, headers, paths): bounded here whatever a check
        # quotes, and printable: a lone surrogate (a file name that is not UTF-8, a "\\ud800"
        # in JSON) cannot be written as UTF-8, so it is shown as its escape.
        if (
            len(self.message) <= MAX_MESSAGE_CHARS
            and len(self.hint) <= MAX_MESSAGE_CHARS
            and self.message.isascii()
            and self.hint.isascii()
            and self.file.isascii()
        ):
            return  # the usual case, made cheap: a spec can have a hundred thousand problems
        for name in ("file", "message", "hint"):
            text = original = getattr(self, name)
            if len(text) > MAX_MESSAGE_CHARS and name != "file":
                text = shorten(text, MAX_MESSAGE_CHARS)
            if not text.isascii():
                text = _SURROGATE.sub(_escaped, text)
            if text is not original:
                structs.force_setattr(self, name, text)

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
        file, message = escape_controls(self.file), escape_controls(message)
        return (
            f"::{kind} file={_gh_escape(file, True)},line={max(self.line, 1)},"
            f"col={self.column},title={self.code}::{_gh_escape(message, False)}"
        )


#: Longest message or hint a diagnostic keeps; longer ones are cut, with an ellipsis.
MAX_MESSAGE_CHARS = 500

#: Characters a terminal would act on instead of showing: C0 and C1 controls (ANSI escape
#: sequences start with ESC or CSI), DEL, line and paragraph separators, and the bidirectional
#: controls that reorder what is shown (Trojan Source: U+061C, U+200E-U+200F, U+202A-U+202E,
#: U+2066-U+2069).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_CONTROL_BUT_LAYOUT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def escape_controls(text: str, *, keep_layout: bool = False) -> str:
    """`text` safe to print on a terminal: each control character shown as an escape
    (``\\x1b``, ``\\u202e``, ``\\n``). With `keep_layout`, line breaks and tabs are kept.

    Everything the CLI prints that comes from the input (diagnostics, textconv, diff text) goes
    through this, so a spec cannot colour, move, hide or reorder what the reader sees.
    """
    if text.isprintable():  # every character escaped here is one that is not printable
        return text
    return (_CONTROL_BUT_LAYOUT if keep_layout else _CONTROL).sub(_escaped, text)


def _one_line(text: str) -> str:
    return escape_controls(text)


def shorten(text: str, limit: int = 60) -> str:
    """`text` cut to at most `limit` characters, with an ellipsis where it was cut: for quoting
    input in a message without repeating a line of any length."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def yaml_position(mark: Any) -> tuple[int, int]:
    """The 1-based line and column of a PyYAML mark (0-based); the first line when there is
    none (PyYAML gives none for some errors)."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def render(diagnostics: Sequence[Diagnostic], fmt: str) -> str:
    """Render diagnostics as ``text``, ``json`` or ``github``; text ends with a summary line."""
    if fmt == "json":
        text = json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2)
        # JSON escapes C0 controls itself; C1 and bidirectional controls become \\u escapes too
        # (they can only stand inside strings), so the output is safe on a terminal.
        return _CONTROL_BUT_LAYOUT.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
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


# --- suggestions: the "did you mean" of a hint ----------------------------------------------------

#: Words longer than this get no suggestion: comparing two strings costs the product of their
#: lengths, and a typo in a word this long is better found by eye.
MAX_SUGGESTED_CHARS = 100
#: How many candidates one `Suggester` compares in all, over every word it is asked about. A
#: comparison costs up to ~20 µs, so hints for thousands of unknown ids in a spec of thousands
#: of ids could take minutes; past this budget, hints leave out the suggestion.
MAX_SUGGESTION_COMPARISONS = 20_000
_CUTOFF = 0.6


def _closest(
    word: str, by_length: dict[int, list[str]], budget: int | None = None
) -> tuple[str | None, int]:
    """The candidate `difflib.get_close_matches(word, candidates, n=1)` picks, and how many
    candidates were compared; None when there is none, or when `budget` comparisons did not
    suffice. Only candidates of a length that could reach the cutoff are compared (difflib's
    `real_quick_ratio` test, applied to whole lengths at once)."""
    if len(word) > MAX_SUGGESTED_CHARS or not by_length:
        return None, 0
    import difflib  # only when there is something to suggest: not at every start-up

    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: tuple[float, str] | None = None
    compared = 0
    for length, candidates in by_length.items():
        total = length + len(word)
        if total and 2.0 * min(length, len(word)) / total < _CUTOFF:
            continue
        for candidate in candidates:
            if budget is not None and compared >= budget:
                return None, compared
            compared += 1
            matcher.set_seq1(candidate)
            # quick_ratio() bounds ratio() from above: skip what cannot beat the best so far.
            if matcher.quick_ratio() < (best[0] if best else _CUTOFF):
                continue
            score = matcher.ratio()
            if score >= _CUTOFF and (best is None or (score, candidate) > best):
                best = (score, candidate)
    return (best[1] if best else None), compared


def _by_length(candidates: Iterable[str]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for candidate in candidates:
        grouped.setdefault(len(candidate), []).append(candidate)
    return grouped


def suggest(word: str, candidates: Sequence[str]) -> str:
    """' Did you mean X?' for the nearest candidate, or ''."""
    match, _ = _closest(word, _by_length(candidates))
    return f"did you mean '{match}'?" if match else ""


class Suggester:
    """`suggest` for many words against one set of candidates, at a bounded cost: each distinct
    word is looked up once, and at most `MAX_SUGGESTION_COMPARISONS` comparisons are made in
    all (a spec with thousands of links to unknown ids stays fast; later ones get no hint)."""

    def __init__(self, candidates: Iterable[str]) -> None:
        self._candidates = candidates
        self._by_length: dict[int, list[str]] | None = None  # made when first asked
        self._found: dict[str, str] = {}
        self._budget = MAX_SUGGESTION_COMPARISONS

    def __call__(self, word: str) -> str:
        found = self._found.get(word)
        if found is None:
            found = ""
            if self._budget > 0:
                if self._by_length is None:
                    self._by_length = _by_length(self._candidates)
                match, compared = _closest(word, self._by_length, self._budget)
                self._budget -= compared
                found = f"did you mean '{match}'?" if match else ""
            self._found[word] = found
        return found
