"""A project's levels: the ``diff:`` section of its ``constitution.yaml``, checked key by key.

```yaml
diff:
  levels:                         # later entries win over earlier ones of equal precision
    - rule: authority-changed     # a rule's level everywhere
      level: substantive
    - rule: text-editorial        # ... or only for some of its changes:
      kind: definition            #   a node kind (section, property, ..., a declared one)
      field: text                 #   what changed (text, title, attributes.KEY, metadata.KEY...)
      binding: true               #   binding nodes (hard constraints), or (false) the others
      auto_id: false              #   ids made from titles, or (false) explicit ones
      level: substantive
  ignore:                         # changes not to count, each with why
    - rule: section-renamed
      id: be_kind                 # the node's id, old or new
      reason: renamed on purpose; the old anchor is kept by a redirect
```

Every problem is a diagnostic at its line and column (CC6xx), all of them in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..declarations import BOOL, STR, YamlReader, declarations_path, read_declarations
from ..diagnostics import Diagnostic, has_errors, sort_diagnostics, suggest
from ..grammar.load import loads_grammar
from ..grammar.types import Form
from .fields import grammar_levels
from .rules import (
    DOCUMENT,
    KINDS,
    LEVELS,
    RULES,
    IgnoreEntry,
    Level,
    LevelEntry,
    Levels,
    Selector,
    known_field,
    rule_kinds,
)

_DIFF_KEYS = {
    "levels": "a list of {rule, level} entries, optionally with kind, field, binding, auto_id",
    "ignore": "a list of {rule, id, reason} entries",
}
_LEVEL_KEYS = {
    "rule": "a rule id",
    "level": "breaking, substantive or editorial",
    "kind": "a node kind",
    "field": "what changed",
    "binding": "true or false",
    "auto_id": "true or false",
}
_IGNORE_KEYS = {"rule": "a rule id", "id": "the node's id", "reason": "why it is not counted"}
_RULES_HINT = "`constitution diff --rules` lists them"


def levels_file(config: Path | None, spec: Path | None) -> Path | None:
    """The levels to use: `config` when given (``--config FILE``), else the declarations file of
    the spec directory `spec`, if it has one."""
    if config is not None:
        return config
    return declarations_path(spec) if spec is not None else None


def load_levels(path: Path | None, display: str | None = None) -> tuple[Levels, list[Diagnostic]]:
    """The levels a declarations file sets (the defaults when `path` is None), and every
    problem in its ``diff:`` section; with errors, the levels are the defaults."""
    if path is None:
        return Levels(), []
    shown = display or str(path)
    text, problems = read_declarations(path, shown)
    if text is None:
        return Levels(), problems  # not readable, too long or not text
    # The file is parsed once, by the grammar: it reports the file's own faults (not YAML,
    # anchors, unknown sections...), and its tree holds the 'diff' section read here. The kinds
    # the file declares (as far as they could be read) are kinds levels may name.
    grammar, grammar_problems = loads_grammar(text, shown)
    kinds = [kind.name for kind in grammar.kinds.values() if kind.form is not Form.LINK]
    reader = YamlReader(shown, [])
    entries: list[LevelEntry] = []
    ignores: list[IgnoreEntry] = []
    if grammar.diff is not None:
        for key, _, value in reader.mapping(grammar.diff.node, "'diff'", _DIFF_KEYS):
            if key == "levels":
                entries = list(_level_entries(reader, value, kinds))
            else:
                ignores = list(_ignore_entries(reader, value))
    problems = sort_diagnostics([*problems, *grammar_problems, *reader.problems])
    if has_errors(problems):
        return Levels(), problems
    return grammar_levels(Levels(entries, ignores, shown), grammar), problems


def _entry_fields(
    reader: YamlReader, node: Any, what: str, keys: dict[str, str], required: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """An entry's values by key, and their nodes; None when it is not a mapping."""
    if not isinstance(node, yaml.MappingNode):
        reader.problem("CC604", f"{what} must be a mapping", node, "write it as 'key: value' lines")
        return None
    values: dict[str, Any] = {}
    nodes: dict[str, Any] = {}
    for key, _, value in reader.mapping(node, what, keys):
        nodes[key] = value
        tag = BOOL if key in ("binding", "auto_id") else STR
        values[key] = reader.scalar(value, tag, f"'{key}'", f"'{key}' is {keys[key]}")
    for key in required:
        if key not in nodes:
            reader.problem("CC609", f"{what} has no '{key}'", node, f"add '{key}:' ({keys[key]})")
    return values, nodes


def _rule(reader: YamlReader, values: dict[str, Any], nodes: dict[str, Any]) -> str | None:
    rule: str | None = values.get("rule")
    if rule is not None and rule not in RULES:
        reader.problem(
            "CC605",
            f"unknown rule '{rule}'",
            nodes["rule"],
            suggest(rule, list(RULES)) or _RULES_HINT,
        )
        return None
    return rule


def _level_entries(reader: YamlReader, node: Any, kinds: Sequence[str]) -> Iterable[LevelEntry]:
    first: dict[tuple[str, Selector], int] = {}
    for item in reader.sequence(node, "'levels'", "write one '- rule: ...' entry per line"):
        fields = _entry_fields(reader, item, "a levels entry", _LEVEL_KEYS, ("rule", "level"))
        if fields is None:
            continue
        values, nodes = fields
        rule = _rule(reader, values, nodes)
        level = _level(reader, values, nodes)
        kind = _kind(reader, values, nodes, rule, kinds)
        field = values.get("field")
        if field is not None and not known_field(field):
            reader.problem(
                "CC608",
                f"unknown field '{field}'",
                nodes["field"],
                "a field is text, title, term, rank, order, mode, kind, concerns, justifies, "
                "parent, section, id, classes, links, attributes.KEY, fields.KEY or metadata.KEY",
            )
            continue
        if rule is None or level is None or (values.get("kind") is not None and kind is None):
            continue
        selector = Selector(kind, field, values.get("binding"), values.get("auto_id"))
        message = f"the level of '{rule}'{_for(selector)} is set twice"
        if _once(reader, first, (rule, selector), item, message, "set"):
            yield LevelEntry(rule, level, selector, _origin(reader, item))


def _for(selector: Selector) -> str:
    described = selector.describe()
    return f" for {described}" if described else ""


def _level(reader: YamlReader, values: dict[str, Any], nodes: dict[str, Any]) -> Level | None:
    level = values.get("level")
    if level is None:
        return None
    if level not in {lvl.value for lvl in LEVELS}:
        reader.problem(
            "CC606",
            f"unknown level '{level}'",
            nodes["level"],
            suggest(level, [lvl.value for lvl in LEVELS])
            or "a level is breaking, substantive or editorial (to not count one change, "
            "list it under 'ignore')",
        )
        return None
    return Level(level)


def _kind(
    reader: YamlReader,
    values: dict[str, Any],
    nodes: dict[str, Any],
    rule: str | None,
    declared: Sequence[str],
) -> str | None:
    """The kind an entry names: the document, a built-in kind or one the file declares."""
    kind: str | None = values.get("kind")
    if kind is None:
        return None
    known = [DOCUMENT, *KINDS, *(name for name in declared if name not in KINDS)]
    if kind not in known:
        reader.problem(
            "CC607",
            f"unknown kind '{kind}'",
            nodes["kind"],
            suggest(kind, known) or "a kind is " + ", ".join(known),
        )
        return None
    concerned = rule_kinds(rule, declared) if rule is not None else frozenset(known)
    if kind not in concerned:
        reader.problem(
            "CC607",
            f"rule '{rule}' never concerns a {kind}",
            nodes["kind"],
            "it concerns: "
            + (", ".join(k for k in known if k in concerned) or "the kinds the file declares"),
        )
        return None
    return kind


def _ignore_entries(reader: YamlReader, node: Any) -> Iterable[IgnoreEntry]:
    first: dict[tuple[str, str], int] = {}
    for item in reader.sequence(node, "'ignore'", "write one '- rule: ...' entry per line"):
        fields = _entry_fields(
            reader, item, "an ignore entry", _IGNORE_KEYS, ("rule", "id", "reason")
        )
        if fields is None:
            continue
        values, nodes = fields
        rule = _rule(reader, values, nodes)
        ident, reason = values.get("id"), values.get("reason")
        if reason is not None and not reason.strip():
            reader.problem(
                "CC610",
                "an ignore entry's reason is empty",
                nodes["reason"],
                "say why this change does not count: the next editor will ask",
            )
            continue
        if ident is not None and not ident:
            reader.problem("CC604", "'id' is empty", nodes["id"], "name the node's id")
            continue
        if rule is None or ident is None or reason is None:
            continue
        message = f"'{rule}' of '{ident}' is ignored twice"
        if _once(reader, first, (rule, ident), item, message, "ignored"):
            yield IgnoreEntry(rule, ident, reason.strip(), _origin(reader, item))


def _once(
    reader: YamlReader, first: dict[Any, int], key: Any, item: Any, message: str, done: str
) -> bool:
    """True the first time `key` is met; a diagnostic at `item` after that."""
    if key in first:
        hint = f"it is first {done} on line {first[key]}; keep one"
        reader.problem("CC611", message, item, hint)
        return False
    first[key] = item.start_mark.line + 1
    return True


def _origin(reader: YamlReader, item: Any) -> str:
    return f"{reader.display}:{item.start_mark.line + 1}"
