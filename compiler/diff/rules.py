"""The rules of the diff: every stable rule id with its default level, and the levels in force.

Levels answer "what does a consumer that pinned the old version have to do?":

- **breaking** (a new major version): something it relied on is gone or now means the opposite:
  normative text removed, an explicit id no longer resolves (a node renamed), the order of the
  core values changed, a priority's mode changed, a binding node (a hard constraint) reworded or
  made another kind, a constraint's scope narrowed, who may override a rule (`authority`) changed;
- **substantive** (a new minor version): the guidance changed but nothing it pinned broke;
- **editorial** (a new patch version): the words are the same once whitespace, punctuation,
  typography and letter case are set aside, or the only differences are spelling fixes.

Each rule has one default level; `DEFAULT_ENTRIES` refine a few of them for some changes (by node
kind, field, whether the node is binding, whether its id was made from its title), and a project
refines or overrides any of them, and ignores single changes, in its ``constitution.yaml``
(`compiler.diff.config`). `Levels` is what is in force for one diff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from enum import StrEnum

from msgspec import Struct
from msgspec.structs import fields

from ..grammar.load import default_grammar
from ..grammar.types import FieldSpec, FieldType, Form, RankSpec
from .example_rules import EXAMPLE_KINDS, EXAMPLE_RULES


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

#: The built-in kinds, as the default grammar declares them (`compiler.grammar.default_grammar`):
#: the diff names no kind itself, it reads their roles from the grammar.
BUILTIN_KINDS = default_grammar().kinds
#: The built-in node kinds, in the order changes are reported, with the document key that holds
#: them; each has rules of its own (``property-added``...). Kinds a spec declares come after
#: them, in the order its grammar declares them, and are reported by the ``node-*`` rules.
KINDS: dict[str, str] = {
    kind.name: kind.key
    for kind in BUILTIN_KINDS.values()
    if kind.form in (Form.HEADING, Form.ANNOTATION)
}
#: The kind of headings (sections): nested, matched by their place as well as their ids.
HEADING = next(kind.name for kind in BUILTIN_KINDS.values() if kind.form is Form.HEADING)
#: The global rank that orders a kind when an order names no levels (a core value's ``rank``).
RANKED: RankSpec = next(
    kind.order.ranked_by
    for kind in BUILTIN_KINDS.values()
    if kind.order is not None and kind.order.ranked_by is not None
)
#: What a change to the document itself (its title, its front matter) is reported as.
DOCUMENT = "document"

#: Built-in kinds whose nodes are binding when a field has a value: a binding kind's first
#: enumeration with a default, at that default (a constraint's ``kind``, ``hard``). Their text
#: is a commitment, so a change to it is never only editorial. (kind -> (field, value))
BINDING: dict[str, tuple[str, str]] = {
    kind.name: next(
        (spec.name, str(spec.default))
        for spec in kind.fields
        if spec.type is FieldType.ENUM and spec.default is not None
    )
    for kind in BUILTIN_KINDS.values()
    if kind.binding
}


#: Every rule: id -> (default level, when it applies). `constitution diff --rules` and the
#: site's Versions page print them with the refinements below.
RULES: dict[str, tuple[Level, str]] = {
    "document-title-changed": (Level.SUBSTANTIVE, "the document's title changed"),
    "metadata-changed": (
        Level.EDITORIAL,
        "front matter other than title and version changed",
    ),
    "section-added": (Level.SUBSTANTIVE, "a section was added"),
    "section-removed": (
        Level.BREAKING,
        "a section was removed: its text is no longer part of the constitution, whatever its id",
    ),
    "section-renamed": (
        Level.BREAKING,
        "a section's id changed, its content kept (links to the old id break)",
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
    "constraint-text-changed": (Level.SUBSTANTIVE, "a constraint was reworded"),
    "constraint-kind-changed": (Level.SUBSTANTIVE, "a constraint became another kind"),
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
    # Kinds a spec declares (behavior, principal...): one rule for each change, whatever the kind;
    # a levels entry picks a kind with `kind:`.
    "node-added": (Level.SUBSTANTIVE, "a node of a declared kind was added"),
    "node-removed": (Level.BREAKING, "a node of a declared kind was removed"),
    "node-renamed": (Level.BREAKING, "a declared kind's node got another id, its content kept"),
    "node-title-changed": (Level.SUBSTANTIVE, "a declared kind's node's title was reworded"),
    "node-text-changed": (Level.SUBSTANTIVE, "a declared kind's node was reworded"),
    "node-moved": (Level.SUBSTANTIVE, "a declared kind's node moved to another section"),
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
    "formatting-changed": (
        Level.EDITORIAL,
        "the text reads the same but its formatting changed: emphasis, strong, struck-through "
        "or inline code put on or taken off, a link's URL (between documents of schema 3.2.0 "
        "or later, which record formatting)",
    ),
    "field-changed": (
        Level.SUBSTANTIVE,
        "a field the grammar declares changed (its level: the field's 'diff' in the grammar)",
    ),
    "field-raised": (
        Level.SUBSTANTIVE,
        "an ordered field (an enumeration declared highest first, or an integer) moved up",
    ),
    "field-lowered": (
        Level.SUBSTANTIVE,
        "an ordered field (an enumeration declared highest first, or an integer) moved down",
    ),
    "field-values-added": (Level.SUBSTANTIVE, "a many-valued declared field gained values"),
    "field-values-removed": (Level.SUBSTANTIVE, "a many-valued declared field lost values"),
    "text-editorial": (
        Level.EDITORIAL,
        "wording-only edit: equal after normalising whitespace, punctuation, typography and "
        "case, or spelling fixes only",
    ),
}

#: The prefix of the rules of kinds a spec declares: ``node-added``, ``node-text-changed``...
DECLARED_RULE = "node-"


def node_rule(kind: str, what: str) -> str:
    """The rule of a change `what` (``added``, ``text-changed``...) to a node of `kind`: the
    kind's own rule for a built-in kind, the ``node-*`` rule for a kind a spec declares."""
    return f"{kind}-{what}" if kind in KINDS else DECLARED_RULE + what


# Worked examples and evaluation prompts: their rules live with them (compiler.examples).
RULES.update({rule: (Level(level), why) for rule, (level, why) in EXAMPLE_RULES.items()})

#: Rules that concern nodes of any kind (the others name their kind, or the document's).
_ANY_NODE = frozenset(
    {"authority-changed", "attribute-changed", "class-changed", "link-changed"}
    | {"formatting-changed"}
    | {"field-changed", "field-raised", "field-lowered", "field-values-added"}
    | {"field-values-removed"}
)


def rule_kinds(rule: str, declared: Iterable[str] = ()) -> frozenset[str]:
    """The kinds of node a rule can report (``document`` for the document itself), among the
    built-in ones and the `declared` ones (a spec's grammar's)."""
    others = frozenset(declared) - set(KINDS)
    if rule == "text-editorial":
        return frozenset({DOCUMENT, *KINDS, *others})
    if rule in _ANY_NODE:
        return frozenset({*KINDS, *others})
    if rule.startswith(DECLARED_RULE):
        return others
    if rule.startswith(f"{RANKED.field}-"):
        return frozenset({RANKED.kind})
    head = rule.split("-", 1)[0]
    if head in EXAMPLE_KINDS:
        return frozenset({head})
    return frozenset({head}) if head in KINDS or head == DOCUMENT else frozenset({DOCUMENT})


#: Fields a change can name (besides ``attributes.KEY`` and ``metadata.KEY``).
FIELDS = frozenset(
    [
        "text",
        "title",
        "term",
        "rank",
        "order",
        "mode",
        "kind",
        "concerns",
        "justifies",
        "parent",
        "section",
        "id",
        "classes",
        "links",
        "formatting",
    ]
)


def known_field(name: str) -> bool:
    head, dot, key = name.partition(".")
    return name in FIELDS or (
        bool(dot) and bool(key) and head in ("attributes", "metadata", "fields")
    )


class Selector(Struct, frozen=True):
    """Which changes of a rule an entry concerns; None matches anything."""

    kind: str | None = None
    """The node's kind (``document`` for the document itself)."""
    field: str | None = None
    """What changed: ``text``, ``title``, ``attributes.authority``... (`Change.field`)."""
    binding: bool | None = None
    """Whether the node is binding (a hard constraint); for a kind change, whether it was."""
    auto_id: bool | None = None
    """Whether the node's id (its old id, for a rename) was made from its title."""

    def matches(self, facts: Facts) -> bool:
        return all(
            wanted is None or wanted == getattr(facts, name)
            for name, wanted in ((f.name, getattr(self, f.name)) for f in fields(self))
        )

    @property
    def specificity(self) -> int:
        return sum(getattr(self, f.name) is not None for f in fields(self))

    def describe(self) -> str:
        parts = []
        if self.kind is not None:
            parts.append(f"kind {self.kind}")
        if self.field is not None:
            parts.append(f"field {self.field}")
        if self.binding is not None:
            parts.append("binding nodes" if self.binding else "nodes that are not binding")
        if self.auto_id is not None:
            parts.append("ids made from titles" if self.auto_id else "explicit ids")
        return ", ".join(parts)


class Facts(Struct, frozen=True):
    """What the levels of one change depend on."""

    kind: str
    field: str | None
    binding: bool
    auto_id: bool


class LevelEntry(Struct, frozen=True):
    """The level of a rule's changes, or of those its selector matches."""

    rule: str
    level: Level
    selector: Selector = Selector()
    origin: str = ""
    """Where it was set, ``file:line``; empty for a default."""
    why: str = ""
    """For a default: why it differs from the rule's level."""


class IgnoreEntry(Struct, frozen=True):
    """One change a project has decided not to count, and why."""

    rule: str
    id: str
    """The node's id, old or new."""
    reason: str
    origin: str = ""


#: The refinements every project starts from.
DEFAULT_ENTRIES: tuple[LevelEntry, ...] = (
    LevelEntry(
        "metadata-changed",
        Level.SUBSTANTIVE,
        Selector(field="metadata.license"),
        why="the terms of use changed",
    ),
    LevelEntry(
        "section-renamed",
        Level.SUBSTANTIVE,
        Selector(auto_id=True),
        why="the old id was made from the heading, so retitling it changed the id",
    ),
    LevelEntry(
        "constraint-text-changed",
        Level.BREAKING,
        Selector(binding=True),
        why="a binding node's words are its commitment",
    ),
    LevelEntry(
        "constraint-kind-changed",
        Level.BREAKING,
        Selector(binding=True),
        why="a binding node (a hard constraint) became something weaker",
    ),
    LevelEntry(
        "node-text-changed",
        Level.BREAKING,
        Selector(binding=True),
        why="a binding node's words are its commitment",
    ),
    LevelEntry(
        "text-editorial",
        Level.SUBSTANTIVE,
        Selector(binding=True),
        why="a binding node's words are never only editorial",
    ),
)


class Levels:
    """The levels in force for one diff: a project's entries over the defaults, and the
    changes it ignores."""

    def __init__(
        self,
        entries: Iterable[LevelEntry] = (),
        ignores: Iterable[IgnoreEntry] = (),
        source: str | None = None,
        grammar: Iterable[LevelEntry] = (),
        fields: Mapping[tuple[str, str], FieldSpec] | None = None,
    ) -> None:
        self.entries = tuple(entries)
        self.ignores = tuple(ignores)
        self.source = source
        """The file the entries came from, or None for the defaults alone."""
        self.grammar = tuple(grammar)
        """The levels the grammar's fields set (`compiler.diff.fields`), under the project's
        entries and over the defaults."""
        self.fields: Mapping[tuple[str, str], FieldSpec] = fields or {}
        """The fields a spec declares, by (kind, name): compared typed, not as strings."""
        self._project = _by_rule(self.entries)
        self._defaults = _by_rule((*DEFAULT_ENTRIES, *self.grammar))
        self._ignored = {(entry.rule, entry.id): entry for entry in self.ignores}

    def with_grammar(
        self, grammar: Iterable[LevelEntry], fields: Mapping[tuple[str, str], FieldSpec]
    ) -> Levels:
        """These levels with another grammar's field levels (`grammar`) and declared `fields`
        under the project's entries."""
        return Levels(self.entries, self.ignores, self.source, grammar, fields)

    def level(self, rule: str, facts: Facts) -> Level:
        """The project's most specific matching entry (the later one of equals), else the most
        specific default refinement, else the rule's level."""
        for table in (self._project, self._defaults):
            entry = _most_specific(table.get(rule, ()), facts)
            if entry is not None:
                return entry.level
        return RULES[rule][0]

    def ignored(self, rule: str, ids: Iterable[str | None]) -> IgnoreEntry | None:
        for ident in ids:
            entry = self._ignored.get((rule, ident or ""))
            if entry is not None:
                return entry
        return None


def _by_rule(entries: Iterable[LevelEntry]) -> dict[str, list[LevelEntry]]:
    table: dict[str, list[LevelEntry]] = defaultdict(list)
    for entry in entries:
        table[entry.rule].append(entry)
    return dict(table)


def _most_specific(entries: Iterable[LevelEntry], facts: Facts) -> LevelEntry | None:
    best: LevelEntry | None = None
    for entry in entries:
        if entry.selector.matches(facts) and (
            best is None or entry.selector.specificity >= best.selector.specificity
        ):
            best = entry
    return best


DEFAULT_LEVELS = Levels()


def rules_table(levels: Levels = DEFAULT_LEVELS) -> str:
    """The rules and their levels as a Markdown table: each rule's level, then the refinements
    (``rule (for ...)``), the project's first; with a project file, who set each level and the
    changes it ignores."""
    project = levels.source is not None
    head = ["| rule | level | when |", "|---|---|---|"]
    if project:
        head = ["| rule | level | set by | when |", "|---|---|---|---|"]
    rows: list[str] = []
    for rule, (level, when) in RULES.items():
        own = [e for e in levels.entries if e.rule == rule]
        base = next((e for e in reversed(own) if e.selector.specificity == 0), None)
        shown = base.level if base is not None else level
        origin = f"{base.origin} (default: {level.value})" if base is not None else "default"
        rows.append(_row(f"`{rule}`", shown, origin if project else None, when))
        for entry in own:
            if entry.selector.specificity:
                name = f"`{rule}` ({entry.selector.describe()})"
                rows.append(_row(name, entry.level, entry.origin, when))
        for entry in DEFAULT_ENTRIES:
            if entry.rule == rule:
                name = f"`{rule}` ({entry.selector.describe()})"
                rows.append(_row(name, entry.level, "default" if project else None, entry.why))
        for entry in levels.grammar:
            if entry.rule == rule and entry.origin:  # a field the spec declares
                name = f"`{rule}` ({entry.selector.describe()})"
                rows.append(_row(name, entry.level, entry.origin if project else None, when))
    lines = head + rows
    if levels.ignores:
        lines += ["", "Changes ignored:", ""]
        lines += [
            f"- `{entry.rule}` `{entry.id}` ({entry.origin}): {entry.reason}"
            for entry in levels.ignores
        ]
    return "\n".join(lines) + "\n"


def _row(name: str, level: Level, origin: str | None, when: str) -> str:
    when = when.replace("|", "\\|")
    if origin is None:
        return f"| {name} | {level.value} | {when} |"
    return f"| {name} | {level.value} | {origin} | {when} |"
