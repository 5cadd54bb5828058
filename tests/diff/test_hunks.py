"""Each changed sentence of a text is an entry of its own (`compiler.diff.hunks`): on synthetic
texts, and on the real pair, release 1.0.0 against the current spec/, whose chapter 1 is the
published revision of the seed with five wording changes (../shared/corpus/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.redline import check_offsets

from compiler.diff import Change, Side, diff_documents, redline, render_markdown, render_text
from compiler.diff.hunks import Nature, classify, hunks
from compiler.document import from_json, to_json
from compiler.pipeline import compile_sources, compile_spec
from compiler.reader import SourceFile


def doc(text: str) -> dict[str, object]:
    result = compile_sources([SourceFile("spec.md", "spec.md", f"# Text {{#text}}\n\n{text}\n")])
    assert result.document is not None, [d.format() for d in result.diagnostics]
    return result.document


def test_sentences_with_an_unchanged_one_between_are_two_hunks() -> None:
    old = "One is old. Two stays. Three is old.\n\nFour stays."
    new = "One is new. Two stays. Three is new.\n\nFour stays."
    parts = hunks(redline(old, new))
    assert [(p.old, p.new) for p in parts] == [
        ("One is old.", "One is new."),
        ("Three is old.", "Three is new."),
    ]
    assert (parts[1].old_at, parts[1].new_at) == (old.rindex("old."), new.rindex("new."))


def test_neighbouring_changed_sentences_and_lines_are_one_hunk() -> None:
    old = "One is old. Two is old.\nThree is old.\n\nFour stays."
    new = "One is new. Two is new.\nThree is new.\n\nFour stays."
    (part,) = hunks(redline(old, new))
    assert (part.old, part.new) == (old[: old.index("\n\n")], new[: new.index("\n\n")])


def test_the_nature_of_a_hunk() -> None:
    def nature(old: str, new: str) -> Nature:
        (part,) = hunks(redline(old, new))
        return classify(part)

    assert nature("They don’t “agree”.", 'They don\'t "agree".') is Nature.TYPOGRAPHY
    assert nature("In most cases we go.", "In most cases, we go.") is Nature.EDITORIAL
    assert nature("Rules tend to work.", "Rules tends to work.") is Nature.WORDING


def test_each_changed_sentence_is_an_entry_where_it_is() -> None:
    old = "Alpha is kept.\n\nBeta was old. Gamma stays here. Delta don’t change.\n\nKept.\n\nEpsilon was old."
    new = "Alpha is kept.\n\nBeta is new. Gamma stays here. Delta don't change.\n\nKept.\n\nEpsilon is new."
    result = diff_documents(doc(old), doc(new), Side("old"), Side("new"))
    entries = [(c.rule, c.level.value, c.message, str(c.new)) for c in result.changes]
    assert entries == [
        ("section-text-changed", "substantive", "section 'text': text changed", "spec.md:5"),
        ("section-text-changed", "substantive", "section 'text': text changed", "spec.md:9"),
        (
            "text-editorial",
            "editorial",
            "section 'text': text changed (typography only)",
            "spec.md:5",
        ),
    ]
    for change in result.changes:  # every run at its offsets in the whole texts
        check_offsets(change.to_json()["redline"], old, new)
    text = render_text(result)
    assert "| Beta [-was old-]{+is new+}." in text and "Gamma" not in text.split("\n")[3]
    assert "| Delta don[-’-]{+'+}t change." in text


def test_typography_changes_of_one_node_are_one_entry_with_gaps_shown() -> None:
    old = "A don’t b. " + "Filler stays the same here. " * 20 + "C won’t d."
    new = "A don't b. " + "Filler stays the same here. " * 20 + "C won't d."
    result = diff_documents(doc(old), doc(new), Side("old"), Side("new"))
    (change,) = result.changes
    assert change.message.endswith("(typography only)") and change.level.value == "editorial"
    text = render_text(result)
    assert "A don[-’-]{+'+}t b. … C won[-’-]{+'+}t d." in text
    markdown = render_markdown(result)
    assert "A don<del>’</del><ins>'</ins>t b. … C won<del>’</del><ins>'</ins>t d." in markdown
    check_offsets(change.to_json()["redline"], old, new)


# --- the real pair --------------------------------------------------------------------------

#: Chapter 1's five wording changes from the seed (release 1.0.0) to the published text, as
#: ../shared/corpus/README.md lists them: (deleted, inserted, words around them, a rewording?).
WORDING_CHANGES = [
    ("", "that have", "harmful values, that have limited knowledge", True),
    ("to", "we", "and we try to explain any rules", True),
    ("", ",", "In most cases, we want Claude", False),
    ("tend", "tends", "well-understood rules tends to generalize", True),
    ("to be a good person,", "", "We want Claude to be safe,", True),
]


@pytest.fixture(scope="module")
def release_pair(repo_root: Path) -> tuple[list[Change], Path]:
    released = json.loads((repo_root / "releases" / "1.0.0.json").read_text("utf-8"))
    compiled = compile_spec(repo_root / "spec")
    assert compiled.document is not None
    result = diff_documents(released, compiled.document, Side("1.0.0"), Side("spec"))
    return result.changes, repo_root / "spec"


def _has_edit(change: Change, deleted: str, inserted: str) -> bool:
    """True when the change deletes `deleted` and inserts `inserted` (either may be empty)."""
    deletes = {s.text.strip() for s in change.redline if s.op == "delete"}
    inserts = {s.text.strip() for s in change.redline if s.op == "insert"}
    return (not deleted or deleted in deletes) and (not inserted or inserted in inserts)


def _new_text(change: Change) -> str:
    return "".join(s.text for s in change.redline if s.op in ("equal", "insert"))


@pytest.mark.parametrize(("deleted", "inserted", "words", "rewording"), WORDING_CHANGES)
def test_each_wording_change_of_chapter_1_is_an_entry_of_its_own(
    release_pair: tuple[list[Change], Path],
    deleted: str,
    inserted: str,
    words: str,
    rewording: bool,
) -> None:
    changes, spec = release_pair
    found = [
        c
        for c in changes
        if c.field == "text" and words in _new_text(c) and _has_edit(c, deleted, inserted)
    ]
    assert len(found) == 1, [(c.id, c.message) for c in found]
    (change,) = found
    assert (change.rule == "text-editorial") is not rewording
    assert change.level.value == ("substantive" if rewording else "editorial")
    # Its own place: the line of spec/ that holds the sentence.
    assert change.new is not None
    line = (spec / change.new.file).read_text("utf-8").split("\n")[change.new.line - 1]
    assert words in line


def test_the_five_wording_changes_are_five_entries(
    release_pair: tuple[list[Change], Path],
) -> None:
    changes, _ = release_pair
    entries = {
        id(c)
        for deleted, inserted, words, _ in WORDING_CHANGES
        for c in changes
        if words in _new_text(c) and _has_edit(c, deleted, inserted)
    }
    assert len(entries) == 5
    # Quotes straightened by the converter are typography, one entry per node, never mixed
    # into the entries of the wording changes.
    typography = [c for c in changes if c.message.endswith("(typography only)")]
    assert typography
    assert all(c.level.value == "editorial" for c in typography if c.kind != "constraint")


# --- across the change of schema -------------------------------------------------------------


def test_a_document_and_its_2_0_0_form_have_no_differences(repo_root: Path) -> None:
    """The same content written under schema 1.x and 2.0.0: a diff of format, not content, is
    empty."""
    released = json.loads((repo_root / "releases" / "1.0.0.json").read_text("utf-8"))
    as_2_0_0 = to_json(from_json(released))
    assert as_2_0_0["$schema"] != released["$schema"] and "nodes" in as_2_0_0
    for old, new in ((released, as_2_0_0), (as_2_0_0, released)):
        result = diff_documents(old, new, Side("old"), Side("new"))
        assert result.changes == [] and result.bump == "none"


def test_release_1_0_0_against_spec_in_2_0_0_reports_the_same_changes(
    repo_root: Path, release_pair: tuple[list[Change], Path]
) -> None:
    """Release 1.0.0 (schema 1.0.0) against spec/ compiled and written as 2.0.0: the changes of
    content, the same as against spec/ in the schema it compiles to today."""
    released = json.loads((repo_root / "releases" / "1.0.0.json").read_text("utf-8"))
    compiled = compile_spec(repo_root / "spec").document
    assert compiled is not None
    as_2_0_0 = to_json(from_json(compiled))
    across = diff_documents(released, as_2_0_0, Side("1.0.0"), Side("spec"))
    changes, _ = release_pair

    def summary(items: list[Change]) -> list[tuple[str, str, str, str]]:
        return [(c.rule, c.level.value, c.id, c.message) for c in items]

    assert summary(across.changes) == summary(changes)


_NESTED = (
    "Before stays. [Claude should never deny it is Claude.]{#deny .constraint kind=hard} "
    "After stays.\n\n- An item stays.\n- [The second item is old.]{#item .definition term=x}\n\n"
    "::: rationale {#why justifies=deny}\nThe block's text is old.\n:::"
)


@pytest.mark.parametrize(
    ("old", "new", "rule", "ident"),
    [
        ("never deny", "never directly deny", "constraint-text-changed", "deny"),
        ("second item is old", "second item is new", "definition-text-changed", "item"),
        ("block's text is old", "block's text is new", "rationale-text-changed", "why"),
        ("Before stays.", "Before is new.", "section-text-changed", "text"),
        ("After stays.", "After is new.", "section-text-changed", "text"),
        ("An item stays.", "An item is new.", "section-text-changed", "text"),
    ],
)
def test_a_sentence_changed_in_a_node_is_reported_once_as_the_nodes(
    old: str, new: str, rule: str, ident: str
) -> None:
    """A span, list item or block node's sentence is its node's change, not its section's too;
    a sentence outside every node stays a change of the section's text."""
    result = diff_documents(doc(_NESTED), doc(_NESTED.replace(old, new)), Side("old"), Side("new"))
    assert [(c.rule, c.id) for c in result.changes] == [(rule, ident)]


def test_a_sentence_changed_inside_and_outside_a_span_is_reported_by_both() -> None:
    new = _NESTED.replace("never deny", "never directly deny").replace("After stays", "After")
    result = diff_documents(doc(_NESTED), doc(new), Side("old"), Side("new"))
    assert sorted((c.rule, c.id) for c in result.changes) == [
        ("constraint-text-changed", "deny"),
        ("section-text-changed", "text"),
    ]
