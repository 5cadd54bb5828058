"""The semantic diff of two compiled constitutions: nodes matched by id (renames and moves
detected), every change classified by a stable rule id and a level, with a word-level redline.

Pure functions over compiled JSON documents (`compile_spec(...).document` or a loaded release);
`diff_documents` is the entry point, `render_*` turn its result into text, Markdown, HTML or JSON.

Levels answer "what does a consumer that pinned the old version have to do?":

- **breaking**: something it relied on is gone or now means the opposite: an explicit id no longer
  resolves (a node removed or renamed), the order of the core values changed (a rank or the
  priority order), the priority mode changed, a hard constraint was removed, weakened or reworded,
  a constraint's scope was narrowed, or who may override a rule (`authority`) changed;
- **substantive**: the guidance changed but nothing it pinned broke: nodes added, text reworded,
  nodes moved, attributes changed;
- **editorial**: the words are the same once whitespace, punctuation, typography and letter case
  are normalised (`normalise_text`), or the only differences are spelling fixes (`is_typo_fix`).

The required version bump is major for breaking, minor for substantive, patch for editorial.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from itertools import pairwise
from typing import Any

from .collector import without_cycle_collection
from .emit import dumps, packaged_schema

SCHEMA_FILE = "diff.schema.json"


class Level(StrEnum):
    BREAKING = "breaking"
    SUBSTANTIVE = "substantive"
    EDITORIAL = "editorial"


#: Most severe first; the index is the severity rank used for sorting and `--fail-on`.
LEVELS: tuple[Level, ...] = (Level.BREAKING, Level.SUBSTANTIVE, Level.EDITORIAL)
BUMPS: dict[Level, str] = {
    Level.BREAKING: "major",
    Level.SUBSTANTIVE: "minor",
    Level.EDITORIAL: "patch",
}

#: Node kinds, in the order changes are reported, with the document key that holds them.
KINDS: dict[str, str] = {
    "section": "sections",
    "property": "properties",
    "priority": "priorities",
    "constraint": "constraints",
    "definition": "definitions",
    "rationale": "rationales",
}

#: Every rule: id -> (usual level, when it applies; where the level depends on the node, the
#: description says so). `constitution diff --rules` and the site's Versions page print it.
RULES: dict[str, tuple[Level, str]] = {
    "document-title-changed": (Level.SUBSTANTIVE, "the document's title changed"),
    "metadata-changed": (
        Level.EDITORIAL,
        "front matter other than title and version changed (license: substantive)",
    ),
    "section-added": (Level.SUBSTANTIVE, "a section was added"),
    "section-removed": (
        Level.BREAKING,
        "a section with an explicit id was removed (links to it break); "
        "substantive for a section whose id was made from its title",
    ),
    "section-renamed": (
        Level.BREAKING,
        "a section's explicit id changed, its content kept (links to the old id break); "
        "substantive when the old id was made from the title",
    ),
    "section-moved": (Level.SUBSTANTIVE, "a section moved to another parent or place"),
    "section-title-changed": (Level.SUBSTANTIVE, "a section's heading was reworded"),
    "section-text-changed": (Level.SUBSTANTIVE, "a section's own text was reworded"),
    "property-added": (Level.SUBSTANTIVE, "a core value was added"),
    "property-removed": (Level.BREAKING, "a core value was removed"),
    "property-renamed": (Level.BREAKING, "a core value's id changed, its content kept"),
    "property-title-changed": (Level.SUBSTANTIVE, "a core value's title was reworded"),
    "property-text-changed": (Level.SUBSTANTIVE, "a core value's text was reworded"),
    "property-moved": (Level.SUBSTANTIVE, "a core value moved to another section"),
    "rank-changed": (
        Level.BREAKING,
        "the relative rank of core values present in both versions changed",
    ),
    "rank-renumbered": (
        Level.BREAKING,
        "a rank number changed (a core value was inserted above it) but the relative order of "
        "existing core values did not: a consumer that reads the number gets another value",
    ),
    "priority-added": (Level.SUBSTANTIVE, "a priority was added"),
    "priority-removed": (Level.BREAKING, "a priority was removed"),
    "priority-renamed": (Level.BREAKING, "a priority's id changed, its content kept"),
    "priority-mode-changed": (Level.BREAKING, "a priority changed between holistic and strict"),
    "priority-order-changed": (
        Level.BREAKING,
        "a priority's order changed: values swapped places, one was dropped, or one was "
        "inserted above an existing one",
    ),
    "priority-order-extended": (
        Level.SUBSTANTIVE,
        "values were appended to a priority's order, below all the existing ones",
    ),
    "priority-text-changed": (Level.SUBSTANTIVE, "a priority's text was reworded"),
    "priority-moved": (Level.SUBSTANTIVE, "a priority moved to another section"),
    "constraint-added": (Level.SUBSTANTIVE, "a constraint was added"),
    "constraint-removed": (Level.BREAKING, "a constraint was removed"),
    "constraint-renamed": (Level.BREAKING, "a constraint's id changed, its content kept"),
    "constraint-text-changed": (
        Level.BREAKING,
        "a hard constraint was reworded; substantive for other kinds",
    ),
    "constraint-kind-changed": (
        Level.BREAKING,
        "a hard constraint became another kind; substantive for other kind changes",
    ),
    "constraint-concerns-narrowed": (
        Level.BREAKING,
        "a constraint no longer concerns some of what it did",
    ),
    "constraint-concerns-widened": (Level.SUBSTANTIVE, "a constraint concerns more than before"),
    "constraint-moved": (Level.SUBSTANTIVE, "a constraint moved to another section"),
    "definition-added": (Level.SUBSTANTIVE, "a definition was added"),
    "definition-removed": (Level.BREAKING, "a definition was removed"),
    "definition-renamed": (Level.BREAKING, "a definition's id changed, its content kept"),
    "definition-term-changed": (Level.SUBSTANTIVE, "the term a definition defines changed"),
    "definition-text-changed": (Level.SUBSTANTIVE, "a definition was reworded"),
    "definition-moved": (Level.SUBSTANTIVE, "a definition moved to another section"),
    "rationale-added": (Level.SUBSTANTIVE, "a rationale was added"),
    "rationale-removed": (Level.BREAKING, "a rationale was removed"),
    "rationale-renamed": (Level.BREAKING, "a rationale's id changed, its content kept"),
    "rationale-justifies-changed": (Level.SUBSTANTIVE, "what a rationale justifies changed"),
    "rationale-text-changed": (Level.SUBSTANTIVE, "a rationale was reworded"),
    "rationale-moved": (Level.SUBSTANTIVE, "a rationale moved to another section"),
    "authority-changed": (
        Level.BREAKING,
        "the 'authority' attribute changed: who may override the rule is different",
    ),
    "attribute-changed": (Level.SUBSTANTIVE, "a key=value attribute was added, removed or changed"),
    "class-changed": (Level.SUBSTANTIVE, "a .class was added or removed"),
    "link-changed": (
        Level.SUBSTANTIVE,
        "the text reads the same but its links point at other ids",
    ),
    "text-editorial": (
        Level.EDITORIAL,
        "wording-only edit: equal after normalising whitespace, punctuation, typography and "
        "case, or spelling fixes only",
    ),
}

#: Words whose change is never a spelling fix, however close their spelling.
_MEANING_WORDS = frozenset(
    [
        "not",
        "no",
        "nor",
        "never",
        "none",
        "nothing",
        "always",
        "all",
        "any",
        "every",
        "must",
        "may",
        "might",
        "can",
        "cannot",
        "cant",
        "could",
        "shall",
        "should",
        "would",
        "will",
        "wont",
        "dont",
        "doesnt",
        "isnt",
        "arent",
        "wasnt",
        "before",
        "after",
        "above",
        "below",
        "more",
        "most",
        "less",
        "least",
        "higher",
        "lower",
        "first",
        "last",
        "only",
        "unless",
        "except",
    ]
)


# --- result types --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """One run of a word-level redline."""

    op: str
    """``equal``, ``delete`` (only in the old text) or ``insert`` (only in the new text)."""
    text: str


@dataclass(frozen=True, slots=True)
class Position:
    """Where a node was written: file relative to the spec root, 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Change:
    """One classified difference between two versions."""

    rule: str
    """Stable rule id, a key of `RULES`."""
    level: Level
    kind: str
    """``document`` or a key of `KINDS`."""
    id: str
    """The node's id in the new version (the old id for a removed node)."""
    message: str
    """One sentence for people."""
    old_id: str | None = None
    """The node's id in the old version, when it differs (renames) or the node is new (None)."""
    field: str | None = None
    """What changed: ``text``, ``title``, ``rank``, ``order``, ``attributes.authority``..."""
    old_value: Any = None
    new_value: Any = None
    old: Position | None = None
    new: Position | None = None
    redline: tuple[Segment, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level.value,
            "kind": self.kind,
            "id": self.id,
            "old_id": self.old_id,
            "message": self.message,
            "field": self.field,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "old": _position_json(self.old),
            "new": _position_json(self.new),
            "redline": [{"op": s.op, "text": s.text} for s in self.redline],
        }


@dataclass(frozen=True, slots=True)
class Side:
    """What one side of a diff is."""

    label: str
    """How the user named it: a path, ``1.0.0``, ``git:HEAD~1``..."""
    title: str | None = None
    version: str | None = None


@dataclass(slots=True)
class DiffResult:
    """Every change from `old` to `new`, most severe first, then in document order."""

    old: Side
    new: Side
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {level.value: sum(c.level is level for c in self.changes) for level in LEVELS}

    @property
    def level(self) -> Level | None:
        """The most severe level present, or None when nothing changed."""
        return next((lvl for lvl in LEVELS if any(c.level is lvl for c in self.changes)), None)

    @property
    def bump(self) -> str:
        """``major``, ``minor``, ``patch`` or ``none``."""
        level = self.level
        return BUMPS[level] if level is not None else "none"

    def at_or_above(self, level: Level) -> list[Change]:
        limit = LEVELS.index(level)
        return [c for c in self.changes if LEVELS.index(c.level) <= limit]

    def to_json(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "$schema": schema_id(),
            "old": _side_json(self.old),
            "new": _side_json(self.new),
            "summary": {**counts, "total": len(self.changes), "bump": self.bump},
            "changes": [c.to_json() for c in self.changes],
        }


def _position_json(position: Position | None) -> dict[str, Any] | None:
    return None if position is None else {"file": position.file, "line": position.line}


def _side_json(side: Side) -> dict[str, Any]:
    return {"label": side.label, "title": side.title, "version": side.version}


def schema() -> dict[str, Any]:
    """The JSON Schema of `DiffResult.to_json`, as shipped in the package."""
    return packaged_schema(SCHEMA_FILE)


def schema_id() -> str:
    return str(schema()["$id"])


# --- text: normalising, typos, redlines ----------------------------------------------------

#: Characters that change nothing a reader sees: soft hyphens, zero-width spaces and joiners.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_NOT_WORD = re.compile(r"[^\w]+")
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
#: Apostrophes (straight, curly, modifier letter, prime) inside a word: ``don’t`` = ``dont``.
_APOSTROPHE_IN_WORD = re.compile("(?<=\\w)['\u2018\u2019\u02bc\u201b\u2032](?=\\w)")


def normalise_words(text: str) -> list[str]:
    """The words of `text` with typography, punctuation and case normalised away.

    NFKC (non-breaking spaces, ellipses, ligatures, full-width forms become plain ones); soft
    hyphens and zero-width characters vanish; apostrophes inside words, straight or curly, are
    dropped (``don’t`` = ``don't`` = ``dont``); every other run of punctuation (quotes of any
    kind, dashes of any length) or whitespace separates words; letters are case-folded.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = _APOSTROPHE_IN_WORD.sub("", text).casefold()
    return [word for word in _NOT_WORD.split(text) if word]


def normalise_text(text: str) -> str:
    """`normalise_words` joined by single spaces: equal results mean an editorial difference."""
    return " ".join(normalise_words(text))


def is_typo_fix(old: str, new: str) -> bool:
    """True when replacing the word `old` by `new` (both normalised) looks like a spelling fix.

    Allowed: two neighbouring letters swapped (words of 3+ letters: ``teh`` → ``the``); one letter
    inserted or deleted (4+ letters: ``stil`` → ``still``); one letter replaced (5+ letters:
    ``recieve`` → ``receive``... ``wrold`` → ``world``); up to two edits in words of 8+ letters;
    ``a`` ↔ ``an``. Never: digits, a changed ending that makes another form of the word
    (``rule`` → ``rules``, ``allow`` → ``allowed``), or a word whose change can flip meaning
    (``not``, ``must``, ``never``, ``may``...). Short words like ``lose`` → ``lost`` are never
    typos: too many of them are other real words.
    """
    if old == new:
        return True
    if {old, new} == {"a", "an"}:
        return True
    if not (old.isalpha() and new.isalpha()) or old in _MEANING_WORDS or new in _MEANING_WORDS:
        return False
    shorter, longer = sorted((old, new), key=len)
    if longer[: len(shorter)] == shorter and longer[len(shorter) :] in _INFLECTIONS:
        return False
    size = len(shorter)
    if len(old) == len(new):
        differ = [i for i in range(size) if old[i] != new[i]]
        if len(differ) == 2 and differ[1] == differ[0] + 1:
            i, j = differ
            if old[i] == new[j] and old[j] == new[i]:
                return size >= 3
        if len(differ) == 1:
            return size >= 5
        return size >= 8 and _edit_distance(old, new, 2) <= 2
    if size < 4:
        return False
    limit = 2 if size >= 8 else 1
    return _edit_distance(old, new, limit) <= limit


_INFLECTIONS = frozenset({"s", "es", "d", "ed", "ing", "n", "r", "er", "ly"})


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (transpositions count 1), giving up past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def is_editorial(old: str, new: str) -> bool:
    """True when `old` and `new` differ only in wording: equal once normalised, or differing in
    one-for-one word replacements that are all spelling fixes."""
    old_middle, new_middle = _middles(old, new)
    a, b = normalise_words(old_middle), normalise_words(new_middle)
    if a == b:
        return True
    if len(a) != len(b):
        return False
    differing = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    # A handful of fixes is copy-editing; rewriting many words is not, however alike they look.
    limit = max(3, len(old.split()) // 20)
    return len(differing) <= limit and all(is_typo_fix(x, y) for x, y in differing)


def _middles(old: str, new: str) -> tuple[str, str]:
    """`old` and `new` without their common head and tail (cut between tokens)."""
    prefix, suffix = _common_ends(old, new)
    return old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]


def _common_ends(old: str, new: str) -> tuple[int, int]:
    prefix = _common_prefix(old, new)
    return prefix, _common_prefix(old[prefix:][::-1], new[prefix:][::-1])


#: Blocks of changed lines with more tokens than this are shown whole rather than word by word
#: (word matching costs the product of the two blocks' lengths).
_WORD_DIFF_TOKENS = 4000


def redline(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level redline from `old` to `new` (words, punctuation and whitespace are tokens).

    Lines are matched first, then words within each changed block of lines, as ``git diff
    --word-diff`` does; so the cost grows with the size of the changes, not of the text.
    """
    if old == new:
        return (Segment("equal", old),) if old else ()
    prefix, suffix = _common_ends(old, new)
    head, tail = old[:prefix], old[len(old) - suffix :]
    old_middle, new_middle = old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]
    segments: list[Segment] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1] = Segment(op, segments[-1].text + text)
        else:
            segments.append(Segment(op, text))

    add("equal", head)
    old_lines = old_middle.splitlines(keepends=True)
    new_lines = new_middle.splitlines(keepends=True)
    lines = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            add("equal", "".join(old_lines[i1:i2]))
            continue
        a = _TOKEN.findall("".join(old_lines[i1:i2]))
        b = _TOKEN.findall("".join(new_lines[j1:j2]))
        if not a or not b or len(a) + len(b) > _WORD_DIFF_TOKENS:
            add("delete", "".join(a))
            add("insert", "".join(b))
            continue
        words = SequenceMatcher(None, a, b, autojunk=False)
        for word_tag, k1, k2, m1, m2 in words.get_opcodes():
            if word_tag == "equal":
                add("equal", "".join(a[k1:k2]))
            else:
                add("delete", "".join(a[k1:k2]))
                add("insert", "".join(b[m1:m2]))
    add("equal", tail)
    return tuple(segments)


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, backed off to a token boundary so no word is split."""
    # Bisect on slice equality: a few comparisons done in C instead of a loop per character.
    n, high = 0, min(len(a), len(b))
    while n < high:
        middle = (n + high + 1) // 2
        if a[:middle] == b[:middle]:
            n = middle
        else:
            high = middle - 1

    def splits_a_word(text: str) -> bool:
        return n < len(text) and _is_word(text[n - 1]) and _is_word(text[n])

    while n > 0 and (splits_a_word(a) or splits_a_word(b)):
        n -= 1
    return n


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


# --- nodes ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Node:
    kind: str
    id: str
    data: Mapping[str, Any]
    index: int
    """Position in document order (sections first, then each kind's list)."""
    own_text: str
    """The node's text without the text of annotations nested in it (reported separately)."""

    @property
    def position(self) -> Position:
        source = self.data.get("source") or {}
        return Position(str(source.get("file", "")), int(source.get("line", 0)))

    @property
    def label(self) -> str:
        """The title or term, for content matching."""
        return str(self.data.get("title") or self.data.get("term") or "")

    @property
    def explicit_id(self) -> bool:
        return not self.data.get("auto_id", False)


def _nodes(document: Mapping[str, Any]) -> dict[str, dict[str, _Node]]:
    """kind -> id -> node, with each node's own text computed."""
    annotations = [
        (kind, data)
        for kind, key in KINDS.items()
        if kind != "section"
        for data in document.get(key) or []
    ]
    nested = _nested_texts(annotations)
    result: dict[str, dict[str, _Node]] = {}
    index = 0
    for kind, key in KINDS.items():
        nodes: dict[str, _Node] = {}
        for data in document.get(key) or []:
            ident = str(data["id"])
            text = str(data.get("text") or "")
            inner_texts = nested.get((kind, ident), ())
            for inner in inner_texts:
                text = text.replace(inner, "", 1)
            nodes[ident] = _Node(kind, ident, data, index, _tidy(text) if inner_texts else text)
            index += 1
        result[kind] = nodes
    return result


def _tidy(text: str) -> str:
    """Collapse the blank lines left where nested text was taken out."""
    return _BLANK_LINES.sub("\n\n", text).strip()


_BLANK_LINES = re.compile(r"\n{3,}")


def _span(data: Mapping[str, Any]) -> tuple[str, int, int]:
    source = data.get("source") or {}
    line = int(source.get("line", 0))
    return str(source.get("file", "")), line, max(int(source.get("end_line", line)), line)


def _nested_texts(
    annotations: Sequence[tuple[str, Mapping[str, Any]]],
) -> dict[tuple[str, str], list[str]]:
    """(kind, id) -> texts of the annotations written directly inside that node.

    Annotations inside a section are part of the section's text, and nested annotations part of
    the enclosing one's; each is diffed once, as itself. Only direct children are listed: a
    grandchild's text goes with its parent's.
    """
    result: dict[tuple[str, str], list[str]] = defaultdict(list)
    ordered = sorted(
        ((_span(data), kind, data) for kind, data in annotations),
        key=lambda item: (item[0][0], item[0][1], -item[0][2]),
    )
    enclosing: list[tuple[tuple[str, int, int], str, Mapping[str, Any]]] = []
    for span, kind, data in ordered:
        while enclosing and not (enclosing[-1][0][0] == span[0] and enclosing[-1][0][2] >= span[2]):
            enclosing.pop()
        text = str(data.get("text") or "")
        if text and enclosing:
            _, outer_kind, outer = enclosing[-1]
            result[(outer_kind, str(outer["id"]))].append(text)
        elif text and data.get("section") is not None:
            result[("section", str(data["section"]))].append(text)
        enclosing.append((span, kind, data))
    return result


# --- matching ------------------------------------------------------------------------------

#: Two nodes with this much of their word pairs in common are the same node, renamed.
RENAME_SIMILARITY = 0.6
#: Sections at the same place under the same parent need only this much in common.
ALIGNED_SIMILARITY = 0.5
#: Word pairs found in more nodes than this say nothing about which node is which.
_COMMON_SHINGLE = 200
#: How many of its rarest word pairs a removed node looks up to find its candidates.
_PROBES = 24
#: How many of the most similar-looking added nodes each removed node is compared with.
_CANDIDATES = 8


@dataclass(slots=True)
class _Content:
    """A node's normalised words, as a key for exact matches and word pairs for near ones."""

    key: str
    shingles: frozenset[str]
    title: str


def _content(node: _Node) -> _Content:
    words = normalise_words(node.own_text)
    title = normalise_text(node.label)
    extra = str(node.data.get("kind") or node.data.get("mode") or "")
    key = hashlib.sha256(f"{extra}\x00{title}\x00{' '.join(words)}".encode()).hexdigest()
    every = title.split() + words
    shingles = {f"{a} {b}" for a, b in pairwise(every)} if len(every) > 1 else set(every)
    return _Content(key, frozenset(shingles), title)


def _dice(a: _Content, b: _Content) -> float:
    total = len(a.shingles) + len(b.shingles)
    return 2 * len(a.shingles & b.shingles) / total if total else 0.0


def match_renames(
    removed: Sequence[_Node], added: Sequence[_Node], contents: Mapping[int, _Content]
) -> list[tuple[_Node, _Node]]:
    """Pairs (old, new) of one kind that are the same node under a new id.

    Equal normalised content pairs first (in document order); then the rest pair by the Dice
    coefficient of their word pairs, at least `RENAME_SIMILARITY`, best first. Each removed node
    looks up only its rarest word pairs in an index of the added ones and compares itself with the
    few nodes that share the most, so the work grows with the size of the text, not with the
    product of the numbers of removed and added nodes.
    """
    pairs: list[tuple[_Node, _Node]] = []
    by_key: dict[str, list[_Node]] = defaultdict(list)
    for node in added:
        by_key[contents[id(node)].key].append(node)
    rest_removed: list[_Node] = []
    for node in removed:
        same = by_key.get(contents[id(node)].key)
        if same:
            pairs.append((node, same.pop(0)))
        else:
            rest_removed.append(node)
    taken = {id(new) for _, new in pairs}
    rest_added = [node for node in added if id(node) not in taken]
    if not rest_removed or not rest_added:
        return pairs
    index: dict[str, list[int]] = defaultdict(list)
    for position, node in enumerate(rest_added):
        for shingle in contents[id(node)].shingles:
            index[shingle].append(position)
    scored: list[tuple[float, int, int]] = []
    for r_position, node in enumerate(rest_removed):
        content = contents[id(node)]
        known = [s for s in content.shingles if 0 < len(index.get(s, ())) <= _COMMON_SHINGLE]
        probes = sorted(known, key=lambda s: (len(index[s]), s))[:_PROBES]
        shared: dict[int, int] = defaultdict(int)
        for shingle in probes:
            for a_position in index[shingle]:
                shared[a_position] += 1
        best = sorted(shared, key=lambda a_position: (-shared[a_position], a_position))
        for a_position in best[:_CANDIDATES]:
            dice = _dice(content, contents[id(rest_added[a_position])])
            if dice >= RENAME_SIMILARITY:
                scored.append((dice, r_position, a_position))
    scored.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_removed: set[int] = set()
    used_added: set[int] = set()
    for _, r_position, a_position in scored:
        if r_position in used_removed or a_position in used_added:
            continue
        used_removed.add(r_position)
        used_added.add(a_position)
        pairs.append((rest_removed[r_position], rest_added[a_position]))
    return pairs


# --- comparing -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Pair:
    old: _Node
    new: _Node
    renamed: bool


_KIND_ORDER = {kind: rank for rank, kind in enumerate(KINDS)}


class _Differ:
    """One diff: matches nodes, then compares each matched pair field by field."""

    def __init__(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        self.old_doc, self.new_doc = old, new
        self.old_nodes, self.new_nodes = _nodes(old), _nodes(new)
        self.old_links, self.new_links = _links_by_origin(old), _links_by_origin(new)
        self.changes: list[tuple[tuple[int, int, int], Change]] = []
        self.pairs: dict[str, list[_Pair]] = {}
        self.renamed: dict[str, str] = {}
        """Old id -> new id, for every renamed node (to compare lists of ids)."""

    def run(self) -> list[Change]:
        self._document()
        removed_by_kind: dict[str, list[_Node]] = {}
        for kind in KINDS:
            old_nodes, new_nodes = self.old_nodes[kind], self.new_nodes[kind]
            pairs = [_Pair(old_nodes[i], new_nodes[i], False) for i in old_nodes if i in new_nodes]
            removed = [n for i, n in old_nodes.items() if i not in new_nodes]
            added = [n for i, n in new_nodes.items() if i not in old_nodes]
            contents = {id(node): _content(node) for node in (*removed, *added)}
            renames = match_renames(removed, added, contents)
            if kind == "section":
                renames += self._aligned_sections(pairs, renames, contents)
                renames += self._renamed_parents(pairs + [_Pair(a, b, True) for a, b in renames])
            for old_node, new_node in renames:
                pairs.append(_Pair(old_node, new_node, True))
                self.renamed[old_node.id] = new_node.id
            paired_old = {id(p.old) for p in pairs}
            paired_new = {id(p.new) for p in pairs}
            removed_by_kind[kind] = [n for n in removed if id(n) not in paired_old]
            for node in added:
                if id(node) not in paired_new:
                    self._added(node)
            pairs.sort(key=lambda p: p.new.index)
            self.pairs[kind] = pairs
        for kind in KINDS:
            for node in removed_by_kind[kind]:
                self._removed(node)
            for pair in self.pairs[kind]:
                self._compare(pair)
        self._section_order()
        self._ranks()
        ordered = sorted(self.changes, key=lambda item: (LEVELS.index(item[1].level), item[0]))
        return [change for _, change in ordered]

    def _aligned_sections(
        self,
        pairs: Sequence[_Pair],
        renames: Sequence[tuple[_Node, _Node]],
        contents: Mapping[int, _Content],
    ) -> list[tuple[_Node, _Node]]:
        """Unmatched sections at the same place: under the same (matched) parent, after the same
        matched sibling, at the same level, in the same order, and alike (same title, or at least
        `ALIGNED_SIMILARITY`). Catches renames whose text changed too much, or is too common in
        the document, to be recognised by content alone. Top-down, so parents pair first."""
        partner = {p.old.id: p.new.id for p in pairs}
        partner.update((a.id, b.id) for a, b in renames)
        back = {new: old for old, new in partner.items()}
        old_children: dict[str | None, list[_Node]] = defaultdict(list)
        for node in self.old_nodes["section"].values():
            old_children[node.data.get("parent")].append(node)
        new_children: dict[str | None, list[_Node]] = defaultdict(list)
        for node in self.new_nodes["section"].values():
            new_children[node.data.get("parent")].append(node)
        found: list[tuple[_Node, _Node]] = []
        for new_parent in [None, *self.new_nodes["section"]]:
            old_parent = back.get(new_parent) if new_parent is not None else None
            if new_parent is not None and old_parent is None:
                continue
            old_runs = _unmatched_runs(old_children.get(old_parent, []), partner.get)
            new_runs = _unmatched_runs(new_children.get(new_parent, []), back.get, same=True)
            for anchor, old_run in old_runs.items():
                for old, new in zip(old_run, new_runs.get(anchor, []), strict=False):
                    a, b = contents[id(old)], contents[id(new)]
                    if old.data.get("level") == new.data.get("level") and (
                        (a.title and a.title == b.title) or _dice(a, b) >= ALIGNED_SIMILARITY
                    ):
                        found.append((old, new))
                        partner[old.id], back[new.id] = new.id, old.id
        return found

    def _renamed_parents(self, pairs: list[_Pair]) -> list[tuple[_Node, _Node]]:
        """Sections left unmatched whose subsections all moved under one new section of the same
        level: a heading retitled (so its id, made from the title, changed) with little or no
        text of its own to recognise it by. Deepest first, so renames cascade upwards."""
        old_sections, new_sections = self.old_nodes["section"], self.new_nodes["section"]
        partner = {p.old.id: p.new.id for p in pairs}
        taken = set(partner.values())
        children: dict[str, list[str]] = defaultdict(list)
        for node in old_sections.values():
            parent = node.data.get("parent")
            if parent is not None:
                children[str(parent)].append(node.id)
        # Annotations count as children too: their ids are explicit, so they match by id.
        held: dict[str, list[Any]] = defaultdict(list)
        for kind in KINDS:
            if kind == "section":
                continue
            new_nodes = self.new_nodes[kind]
            for ident, node in self.old_nodes[kind].items():
                section = node.data.get("section")
                if section is not None:
                    moved_to = new_nodes[ident].data.get("section") if ident in new_nodes else ""
                    held[str(section)].append(moved_to)
        found: list[tuple[_Node, _Node]] = []
        unmatched = [n for i, n in old_sections.items() if i not in partner]
        for node in sorted(unmatched, key=lambda n: -int(n.data.get("level", 1))):
            kids = [partner[k] for k in children.get(node.id, ()) if k in partner]
            parents = {new_sections[k].data.get("parent") for k in kids}
            parents.update(held.get(node.id, ()))
            if len(kids) != len(children.get(node.id, ())) or len(parents) != 1:
                continue
            candidate = new_sections.get(str(parents.pop()))
            if (
                candidate is not None
                and candidate.id not in taken
                and candidate.data.get("level") == node.data.get("level")
            ):
                found.append((node, candidate))
                partner[node.id] = candidate.id
                taken.add(candidate.id)
        return found

    # --- reporting ---------------------------------------------------------------------

    def _emit(
        self,
        rule: str,
        node: _Node,
        message: str,
        *,
        pair: _Pair | None = None,
        level: Level | None = None,
        field_name: str | None = None,
        old_value: Any = None,
        new_value: Any = None,
        segments: tuple[Segment, ...] = (),
        old_position: Position | None = None,
        new_position: Position | None = None,
    ) -> None:
        if pair is not None:
            old_position, new_position = pair.old.position, pair.new.position
        old_id = pair.old.id if pair is not None and pair.renamed else None
        change = Change(
            rule=rule,
            level=level or RULES[rule][0],
            kind=node.kind,
            id=node.id,
            message=message,
            old_id=old_id,
            field=field_name,
            old_value=old_value,
            new_value=new_value,
            old=old_position,
            new=new_position,
            redline=segments,
        )
        side = 0 if new_position is not None else 1
        kind_rank = _KIND_ORDER.get(node.kind, -1)  # the document itself comes first
        self.changes.append(((kind_rank, side, node.index), change))

    def _document(self) -> None:
        old_info = self.old_doc.get("document") or {}
        new_info = self.new_doc.get("document") or {}
        anchor = _Node("document", "", {}, -1, "")
        old_title, new_title = str(old_info.get("title") or ""), str(new_info.get("title") or "")
        if old_title != new_title:
            self._text_change(
                "document-title-changed",
                anchor,
                None,
                "title",
                old_title,
                new_title,
                "the document's title changed",
            )
        old_meta: Mapping[str, Any] = old_info.get("metadata") or {}
        new_meta: Mapping[str, Any] = new_info.get("metadata") or {}
        for key in sorted(set(old_meta) | set(new_meta)):
            if key in ("title", "version") or old_meta.get(key) == new_meta.get(key):
                continue
            level = Level.SUBSTANTIVE if key == "license" else Level.EDITORIAL
            self._emit(
                "metadata-changed",
                anchor,
                f"front matter '{key}': {_value(old_meta.get(key))} → {_value(new_meta.get(key))}",
                level=level,
                field_name=f"metadata.{key}",
                old_value=old_meta.get(key),
                new_value=new_meta.get(key),
            )

    def _added(self, node: _Node) -> None:
        self._emit(
            f"{node.kind}-added",
            node,
            f"{node.kind} '{node.id}' added{_titled(node)}",
            new_position=node.position,
            segments=(Segment("insert", node.own_text),) if node.own_text else (),
        )

    def _removed(self, node: _Node) -> None:
        level = None
        if node.kind == "section" and not node.explicit_id:
            level = Level.SUBSTANTIVE
        self._emit(
            f"{node.kind}-removed",
            node,
            f"{node.kind} '{node.id}' removed{_titled(node)}",
            level=level,
            old_position=node.position,
            segments=(Segment("delete", node.own_text),) if node.own_text else (),
        )

    # --- one matched node ------------------------------------------------------------------

    def _compare(self, pair: _Pair) -> None:
        old, new = pair.old, pair.new
        kind = new.kind
        if pair.renamed:
            level = None if old.explicit_id else Level.SUBSTANTIVE
            self._emit(
                f"{kind}-renamed",
                new,
                f"{kind} '{old.id}' renamed to '{new.id}'",
                pair=pair,
                level=level,
                field_name="id",
                old_value=old.id,
                new_value=new.id,
            )
        if kind in ("section", "property"):
            self._text_change(f"{kind}-title-changed", new, pair, "title", old.label, new.label)
        if kind == "definition":
            self._text_change("definition-term-changed", new, pair, "term", old.label, new.label)
        text_level = None
        if kind == "constraint" and "hard" not in (old.data.get("kind"), new.data.get("kind")):
            text_level = Level.SUBSTANTIVE
        self._text_change(
            f"{kind}-text-changed", new, pair, "text", old.own_text, new.own_text, level=text_level
        )
        if kind == "section":
            self._parent(pair)
        else:
            self._moved(pair)
        if kind == "priority":
            self._priority(pair)
        elif kind == "constraint":
            self._constraint(pair)
        elif kind == "rationale":
            self._id_list_change(pair, "justifies", "rationale-justifies-changed")
        self._attributes(pair)
        self._links(pair)

    def _text_change(
        self,
        rule: str,
        node: _Node,
        pair: _Pair | None,
        field_name: str,
        old_text: str,
        new_text: str,
        message: str | None = None,
        level: Level | None = None,
    ) -> None:
        if old_text == new_text:
            return
        what = "text" if field_name == "text" else field_name
        editorial = is_editorial(old_text, new_text)
        self._emit(
            "text-editorial" if editorial else rule,
            node,
            (message or f"{node.kind} '{node.id}': {what} changed")
            + (" (wording only)" if editorial else ""),
            pair=pair,
            level=None if editorial else level,
            field_name=field_name,
            segments=redline(old_text, new_text),
        )

    def _map(self, ident: str) -> str:
        return self.renamed.get(ident, ident)

    def _parent(self, pair: _Pair) -> None:
        old_parent = pair.old.data.get("parent")
        new_parent = pair.new.data.get("parent")
        mapped = self._map(old_parent) if old_parent is not None else None
        if mapped != new_parent:
            self._emit(
                "section-moved",
                pair.new,
                f"section '{pair.new.id}' moved from {_under(mapped)} to {_under(new_parent)}",
                pair=pair,
                field_name="parent",
                old_value=old_parent,
                new_value=new_parent,
            )

    def _moved(self, pair: _Pair) -> None:
        old_section = pair.old.data.get("section")
        new_section = pair.new.data.get("section")
        mapped = self._map(old_section) if old_section is not None else None
        if mapped != new_section:
            kind = pair.new.kind
            self._emit(
                f"{kind}-moved",
                pair.new,
                f"{kind} '{pair.new.id}' moved from {_under(mapped)} to {_under(new_section)}",
                pair=pair,
                field_name="section",
                old_value=old_section,
                new_value=new_section,
            )

    def _section_order(self) -> None:
        """Sections that kept their parent but changed place among their siblings."""
        old_index = {p.new.id: p.old.index for p in self.pairs["section"]}
        siblings: dict[str | None, list[_Pair]] = defaultdict(list)
        for pair in self.pairs["section"]:
            old_parent = pair.old.data.get("parent")
            if (self._map(old_parent) if old_parent else None) == pair.new.data.get("parent"):
                siblings[pair.new.data.get("parent")].append(pair)
        for group in siblings.values():
            group.sort(key=lambda p: p.new.index)
            keep = _longest_increasing([old_index[p.new.id] for p in group])
            for position, pair in enumerate(group):
                if position not in keep:
                    self._emit(
                        "section-moved",
                        pair.new,
                        f"section '{pair.new.id}' moved to another place under "
                        f"{_under(pair.new.data.get('parent'))}",
                        pair=pair,
                        field_name="order",
                    )

    def _ranks(self) -> None:
        pairs = self.pairs["property"]
        by_old = sorted(pairs, key=lambda p: (int(p.old.data.get("rank", 0)), p.old.index))
        by_new = sorted(pairs, key=lambda p: (int(p.new.data.get("rank", 0)), p.new.index))
        old_place = {id(p): position for position, p in enumerate(by_old)}
        for position, pair in enumerate(by_new):
            old_rank, new_rank = pair.old.data.get("rank"), pair.new.data.get("rank")
            if old_rank == new_rank and old_place[id(pair)] == position:
                continue
            reordered = old_place[id(pair)] != position
            self._emit(
                "rank-changed" if reordered else "rank-renumbered",
                pair.new,
                f"property '{pair.new.id}' rank {old_rank} → {new_rank}"
                + (" (its place among the core values changed)" if reordered else ""),
                pair=pair,
                field_name="rank",
                old_value=old_rank,
                new_value=new_rank,
            )

    def _priority(self, pair: _Pair) -> None:
        old_mode, new_mode = pair.old.data.get("mode"), pair.new.data.get("mode")
        if old_mode != new_mode:
            self._emit(
                "priority-mode-changed",
                pair.new,
                f"priority '{pair.new.id}' mode {old_mode} → {new_mode}",
                pair=pair,
                field_name="mode",
                old_value=old_mode,
                new_value=new_mode,
            )
        old_order = [self._map(i) for i in pair.old.data.get("order") or []]
        new_order = list(pair.new.data.get("order") or [])
        if old_order == new_order:
            return
        appended = new_order[: len(old_order)] == old_order
        rule = "priority-order-extended" if appended else "priority-order-changed"
        self._emit(
            rule,
            pair.new,
            f"priority '{pair.new.id}' order {' > '.join(old_order)} → {' > '.join(new_order)}",
            pair=pair,
            field_name="order",
            old_value=list(pair.old.data.get("order") or []),
            new_value=new_order,
        )

    def _constraint(self, pair: _Pair) -> None:
        old_kind, new_kind = pair.old.data.get("kind"), pair.new.data.get("kind")
        if old_kind != new_kind:
            self._emit(
                "constraint-kind-changed",
                pair.new,
                f"constraint '{pair.new.id}' kind {old_kind} → {new_kind}",
                pair=pair,
                level=None if old_kind == "hard" else Level.SUBSTANTIVE,
                field_name="kind",
                old_value=old_kind,
                new_value=new_kind,
            )
        old = {self._map(i) for i in pair.old.data.get("concerns") or []}
        new = set(pair.new.data.get("concerns") or [])
        if old - new:
            self._emit(
                "constraint-concerns-narrowed",
                pair.new,
                f"constraint '{pair.new.id}' no longer concerns {', '.join(sorted(old - new))}",
                pair=pair,
                field_name="concerns",
                old_value=list(pair.old.data.get("concerns") or []),
                new_value=list(pair.new.data.get("concerns") or []),
            )
        elif new - old:
            self._emit(
                "constraint-concerns-widened",
                pair.new,
                f"constraint '{pair.new.id}' now also concerns {', '.join(sorted(new - old))}",
                pair=pair,
                field_name="concerns",
                old_value=list(pair.old.data.get("concerns") or []),
                new_value=list(pair.new.data.get("concerns") or []),
            )

    def _id_list_change(self, pair: _Pair, key: str, rule: str) -> None:
        old = [self._map(i) for i in pair.old.data.get(key) or []]
        new = list(pair.new.data.get(key) or [])
        if sorted(old) != sorted(new):
            self._emit(
                rule,
                pair.new,
                f"{pair.new.kind} '{pair.new.id}' {key} {', '.join(old)} → {', '.join(new)}",
                pair=pair,
                field_name=key,
                old_value=list(pair.old.data.get(key) or []),
                new_value=new,
            )

    def _attributes(self, pair: _Pair) -> None:
        old: Mapping[str, Any] = pair.old.data.get("attributes") or {}
        new: Mapping[str, Any] = pair.new.data.get("attributes") or {}
        for key in sorted(set(old) | set(new)):
            if old.get(key) == new.get(key):
                continue
            self._emit(
                "authority-changed" if key == "authority" else "attribute-changed",
                pair.new,
                f"{pair.new.kind} '{pair.new.id}' {key}: {_value(old.get(key))} → "
                f"{_value(new.get(key))}",
                pair=pair,
                field_name=f"attributes.{key}",
                old_value=old.get(key),
                new_value=new.get(key),
            )
        old_classes = list(pair.old.data.get("classes") or [])
        new_classes = list(pair.new.data.get("classes") or [])
        if sorted(old_classes) != sorted(new_classes):
            self._emit(
                "class-changed",
                pair.new,
                f"{pair.new.kind} '{pair.new.id}' classes: {_value(old_classes)} → "
                f"{_value(new_classes)}",
                pair=pair,
                field_name="classes",
                old_value=old_classes,
                new_value=new_classes,
            )

    def _links(self, pair: _Pair) -> None:
        if pair.old.own_text != pair.new.own_text:
            return  # the text change already shows it
        old = sorted(self._map(t) for t in self.old_links.get(pair.old.id, ()))
        new = sorted(self.new_links.get(pair.new.id, ()))
        if old != new:
            self._emit(
                "link-changed",
                pair.new,
                f"{pair.new.kind} '{pair.new.id}' links to {_value(new)} instead of {_value(old)}",
                pair=pair,
                field_name="links",
                old_value=old,
                new_value=new,
            )


def _unmatched_runs(
    children: Sequence[_Node], matched: Callable[[str], str | None], same: bool = False
) -> dict[str | None, list[_Node]]:
    """The unmatched children, grouped by the matched sibling before them (as a new id; None at
    the start). `matched(id)` gives a child's partner, or None; `same` says the children are
    already new ones, so a matched child is its own anchor."""
    runs: dict[str | None, list[_Node]] = defaultdict(list)
    anchor: str | None = None
    for child in children:
        partner = matched(child.id)
        if partner is None:
            runs[anchor].append(child)
        else:
            anchor = child.id if same else partner
    return runs


def _links_by_origin(document: Mapping[str, Any]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for reference in document.get("references") or []:
        if reference.get("from") is not None:
            result[str(reference["from"])].append(str(reference["to"]))
    return result


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (patience sorting, n log n)."""
    tails: list[int] = []
    tail_positions: list[int] = []
    previous = [-1] * len(values)
    for position, value in enumerate(values):
        slot = bisect_left(tails, value)
        if slot == len(tails):
            tails.append(value)
            tail_positions.append(position)
        else:
            tails[slot] = value
            tail_positions[slot] = position
        previous[position] = tail_positions[slot - 1] if slot else -1
    keep: set[int] = set()
    position = tail_positions[-1] if tail_positions else -1
    while position >= 0:
        keep.add(position)
        position = previous[position]
    return keep


def _titled(node: _Node) -> str:
    return f" ({node.label!r})" if node.label else ""


def _under(parent: str | None) -> str:
    return f"'{parent}'" if parent else "the top level"


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return " ".join(str(v) for v in value) or "(none)"
    return str(value)


@without_cycle_collection  # a third of a 20 MB diff
def diff_documents(
    old: Mapping[str, Any], new: Mapping[str, Any], old_side: Side, new_side: Side
) -> DiffResult:
    """Every change from `old` to `new` (two compiled documents), most severe first."""
    return DiffResult(old_side, new_side, _Differ(old, new).run())


def side_of(label: str, document: Mapping[str, Any]) -> Side:
    info = document.get("document") or {}
    title, version = info.get("title"), info.get("version")
    return Side(
        label, None if title is None else str(title), None if version is None else str(version)
    )


# --- rendering -----------------------------------------------------------------------------

#: Equal runs longer than this many words are shortened around the edits in text and Markdown.
CONTEXT_WORDS = 12


def _elide(segments: Sequence[Segment], context: int) -> list[Segment]:
    """Shorten long equal runs to `context` words either side of an edit."""
    result: list[Segment] = []
    last = len(segments) - 1
    for position, segment in enumerate(segments):
        if segment.op != "equal":
            result.append(segment)
            continue
        words = _WORD_RUN.findall(segment.text)
        keep_head = context if position > 0 else 0  # follows an edit
        keep_tail = context if position < last else 0  # precedes an edit
        if len(words) <= keep_head + keep_tail + 1:
            result.append(segment)
            continue
        head = "".join(words[:keep_head])
        tail = "".join(words[len(words) - keep_tail :])
        if keep_head and keep_tail:
            shortened = f"{head}… {tail}"
        else:
            shortened = f"{head.rstrip()} …" if keep_head else f"…{tail}"
        result.append(Segment("equal", shortened))
    return result


_WORD_RUN = re.compile(r"\s*\S+\s*")


def redline_text(
    segments: Sequence[Segment], *, color: bool = False, context: int = CONTEXT_WORDS
) -> str:
    """``[-deleted-]{+inserted+}`` (git's word-diff), in red and green when `color`."""
    import click

    parts: list[str] = []
    for segment in _elide(segments, context):
        if segment.op == "equal":
            parts.append(segment.text)
        elif segment.op == "delete":
            text = f"[-{segment.text}-]"
            parts.append(click.style(text, fg="red", strikethrough=True) if color else text)
        else:
            text = f"{{+{segment.text}+}}"
            parts.append(click.style(text, fg="green", underline=True) if color else text)
    return "".join(parts)


def redline_html(segments: Sequence[Segment]) -> str:
    """The redline as escaped HTML: ``<del>`` and ``<ins>`` around the edits."""
    parts: list[str] = []
    for segment in segments:
        text = html.escape(segment.text).replace("\n\n", "<br><br>")
        if segment.op == "delete":
            parts.append(f'<del class="critic">{text}</del>')
        elif segment.op == "insert":
            parts.append(f'<ins class="critic">{text}</ins>')
        else:
            parts.append(text)
    return "".join(parts)


_LEVEL_COLORS = {Level.BREAKING: "red", Level.SUBSTANTIVE: "yellow", Level.EDITORIAL: "cyan"}


def _where(change: Change) -> str:
    if change.old is not None and change.new is not None:
        return f"{change.old} → {change.new}"
    return str(change.new or change.old or "")


def summary_line(result: DiffResult) -> str:
    counts = result.counts()
    parts = ", ".join(f"{counts[level.value]} {level.value}" for level in LEVELS)
    total = len(result.changes)
    noun = "change" if total == 1 else "changes"
    return f"{total} {noun} ({parts}); required version bump: {result.bump}"


def _heading(result: DiffResult) -> str:
    return f"{_side_name(result.old)} → {_side_name(result.new)}"


def _side_name(side: Side) -> str:
    return side.label + (f" (version {side.version})" if side.version else "")


def render_text(result: DiffResult, *, color: bool = False, context: int = CONTEXT_WORDS) -> str:
    """For a terminal: one block per change, most severe first, and a summary line."""
    import click

    lines = [f"diff {_heading(result)}"]
    for change in result.changes:
        level = change.level.value.upper()
        tag = click.style(level, fg=_LEVEL_COLORS[change.level], bold=True) if color else level
        lines.append(f"{tag} {change.rule}: {change.message}")
        where = _where(change)
        if where:
            lines.append(f"    at {where}")
        if change.redline and change.rule not in _NO_REDLINE:
            body = redline_text(change.redline, color=color, context=context)
            lines.extend(f"    | {line}" for line in body.split("\n"))
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"


#: Whole texts of added or removed nodes are not worth repeating in text and Markdown output.
_NO_REDLINE = frozenset(f"{kind}-{what}" for kind in KINDS for what in ("added", "removed"))


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>()#+!|~])", r"\\\1", text).replace("\n", " ")


def redline_markdown(segments: Sequence[Segment], context: int = CONTEXT_WORDS) -> str:
    """``~~deleted~~ **inserted**``, with Markdown in the text escaped."""
    parts: list[str] = []
    for segment in _elide(segments, context):
        text = _md_escape(segment.text)
        if segment.op == "equal" or not text.strip():
            parts.append(text)
        elif segment.op == "delete":
            parts.append(f"~~{text.strip()}~~" + (" " if text.endswith(" ") else ""))
        else:
            parts.append(f"**{text.strip()}**" + (" " if text.endswith(" ") else ""))
    return "".join(parts)


def render_markdown(result: DiffResult, *, context: int = CONTEXT_WORDS) -> str:
    """For a pull request comment or a changelog: a summary table and one entry per change."""
    counts = result.counts()
    lines = [
        f"## Changes: {_md_escape(_heading(result))}",
        "",
        f"Required version bump: **{result.bump}**",
        "",
        "| level | changes |",
        "|---|---|",
        *(f"| {level.value} | {counts[level.value]} |" for level in LEVELS),
        "",
    ]
    for level in LEVELS:
        changes = [c for c in result.changes if c.level is level]
        if not changes:
            continue
        lines += [f"### {level.value.capitalize()}", ""]
        for change in changes:
            lines.append(
                f"- `{change.rule}` {_md_escape(change.message)} ({_md_escape(_where(change))})"
            )
            if change.redline and change.rule not in _NO_REDLINE:
                lines.append(f"  > {redline_markdown(change.redline, context)}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def render_html_fragment(result: DiffResult) -> str:
    """The changes as an HTML fragment (for the site's Changes pages and `--format html`)."""
    counts = result.counts()
    out = [
        '<div class="cc-diff">',
        '<p class="cc-diff-summary">'
        + ", ".join(
            f'<span class="cc-level cc-{level.value}">{counts[level.value]} {level.value}</span>'
            for level in LEVELS
        )
        + f"; required version bump: <strong>{result.bump}</strong></p>",
    ]
    for change in result.changes:
        level = change.level.value
        out.append(
            f'<div class="admonition {_ADMONITIONS[change.level]} cc-change cc-{level}" '
            f'data-rule="{change.rule}" data-level="{level}">\n'
            f'<p class="admonition-title">{level}: <code>{change.rule}</code></p>\n'
            f"<p>{html.escape(change.message)}"
            f' <span class="cc-where">{html.escape(_where(change))}</span></p>'
        )
        if change.redline:
            out.append(f'<p class="cc-redline">{redline_html(change.redline)}</p>')
        out.append("</div>")
    out.append("</div>")
    return "\n".join(out) + "\n"


#: mkdocs-material admonition types, so the site colours each change by its level.
_ADMONITIONS = {Level.BREAKING: "danger", Level.SUBSTANTIVE: "warning", Level.EDITORIAL: "info"}

_HTML_STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
del { background: #fdd; color: #900; } ins { background: #dfd; color: #060; text-decoration: none; }
.admonition { border-left: 4px solid #888; margin: 1em 0; padding: .1em 1em; background: #fafafa; }
.admonition-title { font-weight: bold; text-transform: capitalize; }
.danger { border-color: #c00; } .warning { border-color: #d80; } .info { border-color: #08a; }
.cc-where { color: #666; font-size: .9em; }
.cc-redline { white-space: pre-wrap; }
"""


def render_html(result: DiffResult) -> str:
    """A standalone HTML page (no scripts, no external resources)."""
    title = html.escape(f"Changes: {_heading(result)}")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"<style>{_HTML_STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
        f"{render_html_fragment(result)}</body>\n</html>\n"
    )


def render_json(result: DiffResult) -> str:
    return dumps(result.to_json()).decode("utf-8")


RENDERERS: dict[str, Callable[[DiffResult], str]] = {
    "markdown": render_markdown,
    "json": render_json,
    "html": render_html,
}


def rules_table() -> str:
    """The rules as a Markdown table (for the docs and `constitution diff --rules`)."""
    rows = [f"| `{rule}` | {level.value} | {text} |" for rule, (level, text) in RULES.items()]
    return "\n".join(["| rule | level | when |", "|---|---|---|", *rows]) + "\n"
