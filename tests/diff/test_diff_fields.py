"""The levels of field changes come from the grammar (`compiler.diff.fields`): each field's
`diff` levels; ordered enumerations and integers by their direction; many values added or
removed; aliases read as their values."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from compiler.diff import (
    DEFAULT_LEVELS,
    Levels,
    Side,
    diff_documents,
    load_levels,
    rules_table,
)
from compiler.diff.fields import BUILTIN_RULES, grammar_entries
from compiler.diff.rules import Facts
from compiler.document import from_json, to_json
from compiler.grammar.load import default_grammar
from compiler.pipeline import compile_sources, compile_spec
from compiler.reader import SourceFile

GRAMMAR = """\
sections:
  fields:
    authority:
      type: enum
      ordered: true
      values: [root, system, developer, user, guideline]
      aliases: {platform: root}
      diff: {changed: breaking, raised: substantive, lowered: breaking}
    audience:
      type: enum
      values: [a, b, c]
      many: true
      diff: {changed: breaking, added: substantive}
    weight:
      type: integer
      diff: {changed: substantive, lowered: breaking}
"""


def doc(attributes: str) -> dict[str, object]:
    text = f"# Rules {{#rules {attributes}}}\n\nThe rules.\n"
    result = compile_sources([SourceFile("spec.md", "spec.md", text)])
    assert result.document is not None, [d.format() for d in result.diagnostics]
    return result.document


@pytest.fixture
def levels(tmp_path: Path) -> Levels:
    path = tmp_path / "constitution.yaml"
    path.write_text(GRAMMAR, "utf-8")
    found, problems = load_levels(path)
    assert problems == []
    return found


def changes(old: str, new: str, levels: Levels) -> list[tuple[str, str]]:
    result = diff_documents(doc(old), doc(new), Side("old"), Side("new"), levels)
    return [(c.rule, c.level.value) for c in result.changes]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("authority=developer", "authority=user", [("field-lowered", "breaking")]),
        ("authority=user", "authority=developer", [("field-raised", "substantive")]),
        ("authority=platform", "authority=root", []),  # an alias is its value
        ("authority=guideline", "authority=platform", [("field-raised", "substantive")]),
        ('audience="a b"', 'audience="a b c"', [("field-values-added", "substantive")]),
        ('audience="a b"', "audience=a", [("field-values-removed", "breaking")]),
        ('audience="a b"', 'audience="a c"', [("field-changed", "breaking")]),
        ("weight=3", "weight=5", [("field-raised", "substantive")]),
        ("weight=5", "weight=3", [("field-lowered", "breaking")]),
        ("", "weight=3", [("field-changed", "substantive")]),
    ],
)
def test_declared_fields_are_compared_typed_at_their_levels(
    levels: Levels, old: str, new: str, expected: list[tuple[str, str]]
) -> None:
    assert changes(old, new, levels) == expected


def test_the_message_says_the_direction(levels: Levels) -> None:
    result = diff_documents(
        doc("authority=developer"), doc("authority=user"), Side("o"), Side("n"), levels
    )
    (change,) = result.changes
    assert change.message == "section 'rules' authority: developer → user (lowered)"
    assert change.field == "fields.authority"


def test_without_a_grammar_authority_is_a_string() -> None:
    assert changes("authority=developer", "authority=user", DEFAULT_LEVELS) == [
        ("authority-changed", "breaking")
    ]
    assert changes("authority=platform", "authority=root", DEFAULT_LEVELS) == [
        ("authority-changed", "breaking")
    ]


def test_a_project_level_wins_over_the_grammars(tmp_path: Path) -> None:
    path = tmp_path / "constitution.yaml"
    path.write_text(
        GRAMMAR + "diff:\n  levels:\n    - rule: field-lowered\n      level: editorial\n",
        "utf-8",
    )
    levels, problems = load_levels(path)
    assert problems == []
    assert changes("authority=developer", "authority=user", levels) == [
        ("field-lowered", "editorial")
    ]


def test_grammar_problems_are_reported_with_the_levels(tmp_path: Path) -> None:
    path = tmp_path / "constitution.yaml"
    path.write_text(GRAMMAR.replace("ordered: true", "ordered: yes please"), "utf-8")
    levels, problems = load_levels(path)
    assert problems and all(p.file == str(path) and p.line for p in problems)
    assert levels.fields == {}  # the defaults, as for any error in the file


def test_the_default_grammar_gives_the_built_in_rules_their_levels() -> None:
    """The built-in fields' `diff` in default.yaml is where their rules' levels come from:
    the same levels as the rules table, and the finer rule for constraint kinds kept."""
    entries = grammar_entries(default_grammar())
    assert {entry.rule for entry in entries} == {
        rule for rules in BUILTIN_RULES.values() for rule, _, _ in rules
    }
    for entry in entries:
        selector = entry.selector
        facts = Facts("x", None, bool(selector.binding), False)
        assert DEFAULT_LEVELS.level(entry.rule, facts) is entry.level, entry
    from_grammar = Levels(grammar=entries)
    kind_change = "constraint-kind-changed"
    assert from_grammar.level(kind_change, Facts("constraint", "kind", True, False)).value == (
        "breaking"
    )
    assert from_grammar.level(kind_change, Facts("constraint", "kind", False, False)).value == (
        "substantive"
    )


def test_a_tie_made_or_broken_in_an_order_is_a_change() -> None:
    """Orders are compared by their levels (2.0.0): the same ids in the same sequence, but two
    of them tied, is a changed order."""
    base = Path(__file__).resolve().parents[1] / "data" / "diff" / "base.md"
    compiled = compile_spec(base).document
    assert compiled is not None
    ranked = to_json(from_json(compiled))
    tied = copy.deepcopy(ranked)
    core = next(node for node in tied["nodes"] if node["id"] == "core")
    assert core["fields"]["order"] == [["safe"], ["ethical"], ["helpful"]]
    core["fields"]["order"] = [["safe", "ethical"], ["helpful"]]
    made = diff_documents(ranked, tied, Side("ranked"), Side("tied"))
    assert [(c.rule, c.level.value, c.message) for c in made.changes] == [
        (
            "priority-order-changed",
            "breaking",
            "priority 'core': order of properties changed: safe > ethical > helpful → "
            "safe ethical > helpful (a tie made)",
        )
    ]
    broken = diff_documents(tied, ranked, Side("tied"), Side("ranked"))
    assert [c.message for c in broken.changes] == [
        "priority 'core': order of properties changed: safe ethical > helpful → "
        "safe > ethical > helpful (a tie broken)"
    ]
    assert made.changes[0].to_json()["ordered"] == {"kind": "property", "label": "Properties"}


def test_declared_fields_of_2_0_0_documents_are_compared_typed(levels: Levels) -> None:
    """A 2.0.0 document holds declared fields in `fields`, typed: compared the same way."""
    ranked = to_json(from_json(doc("")))
    section = next(node for node in ranked["nodes"] if node["id"] == "rules")
    old, new = copy.deepcopy(ranked), copy.deepcopy(ranked)
    for document, value in ((old, "developer"), (new, "user")):
        node = next(n for n in document["nodes"] if n["id"] == section["id"])
        node["fields"] = {"authority": value}
    result = diff_documents(old, new, Side("old"), Side("new"), levels)
    assert [(c.rule, c.level.value, c.field) for c in result.changes] == [
        ("field-lowered", "breaking", "fields.authority")
    ]


def test_the_guides_authority_example_reads_and_gives_its_levels(
    repo_root: Path, tmp_path: Path
) -> None:
    guide = (repo_root / "compiler" / "pages" / "authoring.md").read_text("utf-8")
    # The guide's example that gives the authority levels their diff levels.
    (example,) = [
        block
        for block in re.findall(r"```yaml\n(sections:.*?)```", guide, re.DOTALL)
        if "diff:" in block
    ]
    path = tmp_path / "constitution.yaml"
    path.write_text(example, "utf-8")
    levels, problems = load_levels(path)
    assert problems == []
    assert changes("authority=developer", "authority=user", levels) == [
        ("field-lowered", "breaking")
    ]
    assert changes("authority=user", "authority=developer", levels) == [
        ("field-raised", "substantive")
    ]


def test_the_rules_table_shows_the_levels_of_declared_fields(levels: Levels) -> None:
    table = rules_table(levels)
    assert "| `field-lowered` (kind section, field fields.authority) | breaking |" in table
    assert "| `field-raised` (kind section, field fields.authority) | substantive |" in table
