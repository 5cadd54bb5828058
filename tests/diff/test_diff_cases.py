"""The semantic diff engine on synthetic versions: `tests/data/diff/CASE/new.md` against
`CASE/old.md` (or the shared `base.md`), at the levels of `CASE/constitution.yaml` when there is
one, with the expected reports in `CASE/expected.txt` (and `.md`, `.json`, `.html` where the
case is about that format); the issue's cases asserted rule by rule; the text normaliser and typo
rules; the renderers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from compiler.diff import (
    RULES,
    DiffResult,
    Level,
    Segment,
    Side,
    diff_documents,
    is_editorial,
    is_typo_fix,
    load_levels,
    normalise_text,
    redline,
    render_html,
    render_html_fragment,
    render_json,
    render_markdown,
    render_text,
    rules_table,
    schema,
)
from compiler.pipeline import compile_spec

DATA = Path(__file__).resolve().parents[1] / "data" / "diff"
CASES = sorted(path for path in DATA.iterdir() if path.is_dir())


def compiled(path: Path) -> dict[str, Any]:
    result = compile_spec(path)
    assert result.document is not None, [d.format() for d in result.diagnostics]
    return result.document


def diff_case(name: str) -> DiffResult:
    case = DATA / name
    old = case / "old.md" if (case / "old.md").exists() else DATA / "base.md"
    config = case / "constitution.yaml"
    levels, problems = load_levels(config if config.exists() else None, "constitution.yaml")
    assert problems == []
    return diff_documents(
        compiled(old), compiled(case / "new.md"), Side("old"), Side("new"), levels
    )


def rules_of(result: DiffResult) -> list[tuple[str, str]]:
    return [(change.rule, change.level.value) for change in result.changes]


def test_the_diff_schema_is_a_valid_2020_12_schema() -> None:
    Draft202012Validator.check_schema(schema())
    assert schema()["$id"].endswith("/diff/3.1.0/diff.schema.json")


RENDERED: dict[str, Callable[[DiffResult], str]] = {
    "expected.txt": render_text,
    "expected.md": render_markdown,
    "expected.json": render_json,
    "expected.html": render_html_fragment,
}
EXPECTED = sorted((case, name) for case in CASES for name in RENDERED if (case / name).exists())


def test_the_cases_are_found() -> None:
    assert len(CASES) >= 30
    assert all((case / "expected.txt").exists() for case in CASES)
    assert {name for _, name in EXPECTED} == set(RENDERED)
    assert sum(name != "expected.txt" for _, name in EXPECTED) >= 6


@pytest.mark.parametrize(("case", "name"), EXPECTED, ids=lambda item: getattr(item, "name", item))
def test_case_report(case: Path, name: str) -> None:
    result = diff_case(case.name)
    assert RENDERED[name](result) == (case / name).read_text("utf-8")


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_case_json_follows_the_schema(case: Path) -> None:
    document = json.loads(render_json(diff_case(case.name)))
    errors = list(Draft202012Validator(schema()).iter_errors(document))
    assert errors == []
    assert {change["rule"] for change in document["changes"]} <= set(RULES)


# --- the cases ---------------------------------------------------------------------


def test_reordering_two_properties_is_breaking_and_major() -> None:
    result = diff_case("reorder-properties")
    assert rules_of(result) == [
        ("rank-changed", "breaking"),
        ("rank-changed", "breaking"),
        ("priority-order-changed", "breaking"),
    ]
    assert {c.id for c in result.changes} == {"safe", "ethical", "core"}
    assert result.bump == "major"


def test_rewording_a_definition_is_substantive() -> None:
    result = diff_case("reword-definition")
    assert rules_of(result) == [("definition-text-changed", "substantive")]
    (change,) = result.changes
    assert change.id == "oversight"
    assert change.old is not None and change.new is not None
    assert (str(change.old), str(change.new)) == ("base.md:45", "new.md:45")  # its text
    assert [s.op for s in change.redline] == ["equal", "insert", "equal"]
    assert change.redline[1].text == ", adjust"
    assert result.bump == "minor"


def test_fixing_a_typo_is_editorial_and_patch() -> None:
    result = diff_case("typo-fix")
    assert rules_of(result) == [("text-editorial", "editorial")] * 2
    assert result.bump == "patch"


def test_renaming_an_id_is_a_rename_not_a_removal_and_an_addition() -> None:
    result = diff_case("rename-id")
    (change,) = result.changes
    assert (change.rule, change.old_id, change.id) == (
        "definition-renamed",
        "oversight",
        "human-oversight",
    )
    assert change.level is Level.BREAKING  # consumers that pinned 'oversight' break


def test_rename_with_an_edit_reports_the_rename_and_the_edit() -> None:
    result = diff_case("rename-with-edit")
    assert rules_of(result) == [
        ("constraint-renamed", "breaking"),
        ("constraint-text-changed", "breaking"),
    ]
    assert all(c.old_id == "no-weapons" for c in result.changes)


def test_a_nested_annotation_change_is_reported_once() -> None:
    # The definition's text is part of the priority's and the section's text too.
    assert rules_of(diff_case("nested-definition-changed")) == [
        ("definition-text-changed", "substantive")
    ]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("priority-mode", {("priority-mode-changed", "breaking")}),
        ("hard-constraint-removed", {("constraint-removed", "breaking")}),
        ("hard-constraint-changed", {("constraint-text-changed", "breaking")}),
        (
            "exception-changed",
            {
                ("constraint-text-changed", "substantive"),
                ("constraint-concerns-widened", "substantive"),
            },
        ),
        (
            "constraint-softened",
            {("constraint-kind-changed", "breaking"), ("constraint-concerns-narrowed", "breaking")},
        ),
        ("section-reordered", {("section-moved", "substantive")}),
        (
            "auto-id-heading-renamed",
            {("section-renamed", "substantive"), ("section-title-changed", "substantive")},
        ),
        ("link-retargeted", {("link-changed", "substantive")}),
        (
            # No text of its own: recognised by its subsection and annotations.
            "heading-retitled",
            {("section-renamed", "substantive"), ("section-title-changed", "substantive")},
        ),
        (
            "annotated-heading-retitled",  # recognised by the annotations it holds
            {("section-renamed", "substantive"), ("section-title-changed", "substantive")},
        ),
        ("property-renamed", {("property-renamed", "breaking")}),
        (
            # Nothing in common but the title and the place: still the same section.
            "renamed-and-rewritten",
            {("section-renamed", "breaking"), ("section-text-changed", "substantive")},
        ),
        (
            # Another title and other words at the same place: a replacement, not a rename.
            "section-replaced",
            {("section-removed", "breaking"), ("section-added", "substantive")},
        ),
        (
            "property-inserted-first",
            {
                ("property-added", "substantive"),
                ("rank-renumbered", "breaking"),
                ("priority-order-changed", "breaking"),
            },
        ),
        ("identical", set()),
    ],
)
def test_rule_and_level(case: str, expected: set[tuple[str, str]]) -> None:
    assert set(rules_of(diff_case(case))) == expected


def test_swapping_the_sides_turns_additions_into_removals() -> None:
    case = DATA / "property-added"
    result = diff_documents(
        compiled(case / "new.md"), compiled(DATA / "base.md"), Side("new"), Side("old")
    )
    assert ("property-removed", "breaking") in rules_of(result)
    assert ("priority-order-changed", "breaking") in rules_of(result)


def test_same_input_same_output() -> None:
    first, second = diff_case("sections"), diff_case("sections")
    assert render_json(first) == render_json(second)


# --- text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Don't stop", "Don’t stop"),
        ("a “quoted” word", 'a "quoted" word'),
        ("wait—no", "wait - no"),
        ("and so…", "and so..."),
        ("two  spaces\nand a line", "two spaces and a line"),
        ("Case", "case"),
        ("safe, ethical and helpful", "safe; ethical, and helpful."),
        ("well-known", "well known"),
        ("teh model", "the model"),
        ("the mdoel and the wrold", "the model and the world"),
        ("use a end marker", "use an end marker"),
    ],
)
def test_editorial(old: str, new: str) -> None:
    assert is_editorial(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("It must do X.", "It must not do X."),
        ("It must do X.", "It may do X."),
        ("Wait 3 days", "Wait 4 days"),
        ("Never lose data", "Never lost data"),
        ("the rule applies", "the rules applies"),
        ("always allowed", "never allowed"),
        ("one two three four five six seven", "uno dos tres cuatro cinco seis siete"),
        ("the catalogue of safeguards", "the catalogue of safegaurds and more"),
    ],
)
def test_not_editorial(old: str, new: str) -> None:
    assert not is_editorial(old, new)


def test_many_small_spelling_changes_are_not_copy_editing() -> None:
    old = " ".join(["alpha", "bravo", "charlie", "delta", "foxtrot"])
    new = " ".join(["alpah", "bravo", "chralie", "detla", "foxtort"])
    assert all(is_typo_fix(a, b) for a, b in zip(old.split(), new.split(), strict=True))
    assert not is_editorial(old, new)


def test_normalise_text() -> None:
    assert normalise_text("  Don’t — STOP…\n") == "dont stop"


def test_redline_round_trips() -> None:
    old = "The model should never lie, and should be kind."
    new = "The model must never deceive, and should be very kind!"
    segments = redline(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    assert Segment("delete", "lie") in segments and Segment("insert", "deceive") in segments


def test_redline_does_not_split_words_at_a_common_prefix() -> None:
    assert redline("the cat", "the catalogue") == (
        Segment("equal", "the "),
        Segment("delete", "cat"),
        Segment("insert", "catalogue"),
    )


# --- renderers -----------------------------------------------------------------------------


def test_markdown_report() -> None:
    text = render_markdown(diff_case("reword-definition"))
    assert "Required version bump: **minor**" in text
    assert "| substantive | 1 |" in text
    # Emphasis cannot open between a letter and a comma (CommonMark's flanking rules): tags can.
    assert "understand<ins>, adjust</ins> and correct" in text


def test_html_escapes_the_text(tmp_path: Path) -> None:
    base = (DATA / "base.md").read_text("utf-8")
    edited = tmp_path / "new.md"
    edited.write_text(base.replace("clear and direct", "clear & `<b>direct</b>`"), "utf-8")
    old, new = compiled(DATA / "base.md"), compiled(edited)
    page = render_html(diff_documents(old, new, Side("<old>"), Side("new")))
    assert "<b>" not in page and "&lt;b&gt;" in page and "&amp;" in page
    assert '<ins class="critic">' in page
    assert "<script" not in page and "http" not in page.replace("charset", "")


def test_text_report_in_colour() -> None:
    text = render_text(diff_case("reword-definition"), color=True)
    assert "\x1b[" in text
    assert "\x1b[" not in render_text(diff_case("reword-definition"))


def test_rules_table_lists_every_rule_with_its_level() -> None:
    table = rules_table()
    for rule, (level, _) in RULES.items():
        assert f"| `{rule}` | {level.value} |" in table


def test_document_changes_are_of_kind_document() -> None:
    changes = diff_case("front-matter").changes
    assert [(c.kind, c.id, c.field) for c in changes] == [
        ("document", "", "title"),
        ("document", "", "metadata.license"),
    ]
