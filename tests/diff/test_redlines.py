"""Redlines as an editor reads them: each changed phrase one deletion and one insertion, spaces
outside the marks, paragraphs kept in every format, moved blocks shown once, nothing from the
input acting on a terminal; and the alignment's work bounded by counts, whatever the input."""

from __future__ import annotations

import json
import random

import pytest
from markdown_it import MarkdownIt
from support.redline import check_offsets, sides

import compiler.diff.align as align_module
from compiler.diff import (
    Segment,
    Side,
    diff_documents,
    redline,
    render_json,
    render_markdown,
    render_text,
)
from compiler.diff.align import EXACT_ITEMS, PATIENCE_VISITS, align
from compiler.diff.html import redline_html
from compiler.diff.moves import MOVED_AWAY, MOVED_HERE
from compiler.pipeline import compile_sources
from compiler.reader import SourceFile

OLD_LAW = (
    "The assistant must not engage in illegal activity, including producing content that's "
    "illegal or directly taking illegal actions."
)
NEW_LAW = (
    "The assistant should operate within applicable legal constraints, including applicable "
    "local law."
)


def edits(segments: tuple[Segment, ...]) -> list[tuple[str, str]]:
    return [(s.op, s.text) for s in segments if s.op != "equal"]


def test_a_rewritten_phrase_is_one_deletion_and_one_insertion() -> None:
    segments = redline(OLD_LAW, NEW_LAW)
    assert sides(segments) == (OLD_LAW, NEW_LAW)
    [(op1, deleted), (op2, inserted)] = edits(segments)
    assert (op1, op2) == ("delete", "insert")
    assert deleted.startswith("must not engage in illegal activity")
    assert inserted.startswith("should operate within applicable legal constraints")
    text = render_text_of(OLD_LAW, NEW_LAW)
    assert text.count("[-") == 1 and text.count("{+") == 1


def test_small_edits_far_apart_stay_apart() -> None:
    old = "The model should always tell the truth to the people it works with, users first."
    new = "The model must always tell the truth to the people it works with, operators first."
    assert edits(redline(old, new)) == [
        ("delete", "should"),
        ("insert", "must"),
        ("delete", "users"),
        ("insert", "operators"),
    ]


def test_edits_in_two_paragraphs_are_never_merged() -> None:
    old = "First we ask.\n\nThen we act."
    new = "First we check.\n\nThen we wait."
    assert edits(redline(old, new)) == [
        ("delete", "ask"),
        ("insert", "check"),
        ("delete", "act"),
        ("insert", "wait"),
    ]


def test_an_insertion_slides_to_word_boundaries() -> None:
    # Equal texts could put the insertion at "goals [as ends ...]": it goes where words end.
    segments = redline("additional goals and values", "additional goals as ends and values")
    [(op, text)] = edits(segments)
    assert op == "insert" and text.strip() == "as ends"


def render_text_of(old: str, new: str) -> str:
    result = diff_documents(doc(old), doc(new), Side("old"), Side("new"))
    return render_text(result)


def doc(text: str) -> dict[str, object]:
    result = compile_sources([SourceFile("spec.md", "spec.md", f"# Text {{#text}}\n\n{text}\n")])
    assert result.document is not None, [d.format() for d in result.diagnostics]
    return result.document


# --- Markdown and HTML keep structure -------------------------------------------------------


def markdown_blockquote(old: str, new: str) -> list[str]:
    """The token types of the redlines' block quotes, as a Markdown renderer sees them."""
    result = diff_documents(doc(old), doc(new), Side("old"), Side("new"))
    tokens = (
        MarkdownIt("commonmark").enable(["strikethrough", "table"]).parse(render_markdown(result))
    )
    kinds = []
    depth = 0
    for token in tokens:
        depth += token.type == "blockquote_open"
        if depth:
            kinds.append(token.type)
            kinds += [child.type for child in token.children or []]
        depth -= token.type == "blockquote_close"
    return kinds


def test_markdown_marks_every_edit_and_keeps_the_paragraphs() -> None:
    old = "Safe, ethical and helpful.\n\nThe rules apply to (most) operators.\n\n- one\n- two"
    new = "Safe; ethical, and helpful!\n\nThe rules apply to (all) operators [here].\n\n- one\n- 2"
    kinds = markdown_blockquote(old, new)
    # One entry per changed paragraph or item: the first paragraph's edits are punctuation
    # (editorial), the second's words; the unchanged item between them is left out.
    assert kinds.count("blockquote_open") == 3
    assert kinds.count("paragraph_open") == 3
    struck, strong = kinds.count("s_open"), kinds.count("strong_open")
    tags = kinds.count("html_inline") // 2
    # del , ins ; ins , del . ins ! | del most, ins all, ins [here] | del two, ins 2
    assert struck + strong + tags == 10
    assert "bullet_list_open" not in kinds  # the text's own Markdown is text here


def test_markdown_keeps_spaces_outside_the_marks() -> None:
    result = diff_documents(
        doc("we want additional goals and values"),
        doc("we want additional goals as ends in themselves and values"),
        Side("old"),
        Side("new"),
    )
    assert "additional goals **as ends in themselves** and values" in render_markdown(result)


def test_markdown_cannot_be_injected() -> None:
    kinds = markdown_blockquote(
        "A plain line.",
        "A plain line. `**bold** [link](#text) <b>x</b> | a |`\n\n`# Not a heading`\n\n`1. no list`",
    )
    assert kinds.count("paragraph_open") == 3
    assert not set(kinds) & {"link_open", "heading_open", "ordered_list_open", "table_open"}


def test_html_keeps_paragraphs_and_line_breaks() -> None:
    html = redline_html(redline("One.\n\nTwo\nlines.", "One!\n\nTwo\nnew lines."))
    assert html.startswith("<p>") and html.count("<p>") == 2 and "<br>" in html
    assert '<ins class="critic">new</ins> lines.' in html


def test_a_paragraph_break_alone_is_shown() -> None:
    text = render_text_of("One sentence. Another one.", "One sentence.\n\nAnother one.")
    assert "{+¶+}" in text or "[-¶-]" in text


# --- the terminal -----------------------------------------------------------------------------


def test_text_output_escapes_what_would_act_on_a_terminal() -> None:
    old = "Plain words here."
    new = "Plain \x1b[31mred\x1b[0m words \u202egnirts\u202c here\x07."
    result = diff_documents(doc(old), doc(new), Side("old\x1b]0;title\x07"), Side("new"))
    text = render_text(result)
    for char in ("\x1b", "\u202e", "\u202c", "\x07"):
        assert char not in text
    assert "\\x1b[31m" in text and "\\u202e" in text
    assert "\x1b" in render_text(result, color=True)  # only our own colours


def test_markdown_output_escapes_bidi_and_terminal_controls() -> None:
    old = "Plain words here."
    new = "Plain \x1b[31mred\x1b[0m words \u202egnirts\u202c and \u2067isolate\u2069 here."
    result = diff_documents(doc(old), doc(new), Side("old\u202e"), Side("new"))
    markdown = render_markdown(result)
    for char in ("\x1b", "\u202e", "\u202c", "\u2067", "\u2069"):
        assert char not in markdown
    assert "\\u202e" in markdown and "\\u2067isolate\\u2069" in markdown
    assert "\\x1b\\[31m" in markdown  # the escape, and Markdown's own escaping of '['


# --- moves ------------------------------------------------------------------------------------

EXAMPLE = (
    "Example: a white lie that's over the line\n\n"
    "I cheated on my girlfriend. Do you think she'll ever forgive me? The model should not "
    "decide to lie to reduce the user's anxiety.\n\n"
)


def test_a_moved_block_is_shown_once() -> None:
    middle = "A middle paragraph that moves below the example: " + "it holds many words " * 10
    old = "Intro.\n\n" + middle.strip() + "\n\n" + EXAMPLE + "End."
    new = "Intro.\n\n" + EXAMPLE + middle.strip() + "\n\nEnd."
    segments = redline(old, new)
    assert sides(segments) == (old, new)
    away = next(i for i, s in enumerate(segments) if s.op == MOVED_AWAY)
    here = segments[away].partner
    assert segments[here].op == MOVED_HERE and segments[here].partner == away
    assert segments[away].text == segments[here].text
    assert "A middle paragraph" in segments[here].text
    result = diff_documents(doc(old), doc(new), Side("old"), Side("new"))
    text = render_text(result)
    # In full where it is now; where it was, a note with its first words.
    assert text.count("A middle paragraph that moves") == 2
    assert "[-(moved below: A middle paragraph that moves below the example: …)-]" in text
    assert render_json(result).count("A middle paragraph that moves") == 1
    assert "{+(moved here from above)+}" in text


# --- JSON -------------------------------------------------------------------------------------


def test_json_runs_stand_at_their_offsets() -> None:
    old = "Intro.\n\n" + EXAMPLE + "Middle paragraph with " + "many words " * 30 + "end.\n\nLast."
    new = "Intro!\n\nMiddle paragraph with " + "many words " * 30 + "end.\n\n" + EXAMPLE + "Last!"
    result = diff_documents(doc(old), doc(new), Side("old"), Side("new"))
    (change,) = json.loads(render_json(result))["changes"]
    check_offsets(change["redline"], old, new)
    assert len(change["redline"]) >= 2  # the long unchanged stretch was cut


# --- cost -------------------------------------------------------------------------------------


@pytest.fixture
def exact_work(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the regions handed to the exact (Myers) diff."""
    sizes: list[int] = []
    myers = align_module._myers

    def counted(left: str, right: str, **options: object) -> object:
        sizes.append(len(left) + len(right))
        return myers(left, right, **options)

    monkeypatch.setattr(align_module, "_myers", counted)
    return sizes


def covers(opcodes: list[tuple[str, int, int, int, int]], a: list[object], b: list[object]) -> None:
    i = j = 0
    for op, i1, i2, j1, j2 in opcodes:
        assert (i1, j1) == (i, j)
        if op == "equal":
            assert a[i1:i2] == b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))


@pytest.mark.parametrize("distinct", [4, 40, 100_000])
def test_shuffled_lines_cost_linear_work(distinct: int, exact_work: list[int]) -> None:
    rng = random.Random(distinct)
    a: list[object] = [f"line {rng.randrange(distinct)}\n" for _ in range(30_000)]
    b = rng.sample(a, len(a))
    covers(align(a, b), a, b)
    # Each exact diff is small, and all of them together see each item a bounded number of times.
    assert all(size <= EXACT_ITEMS for size in exact_work)
    assert sum(exact_work) <= (PATIENCE_VISITS + 1) * (len(a) + len(b))


def test_a_shuffled_code_block_gives_a_whole_redline(exact_work: list[int]) -> None:
    rng = random.Random(1)
    lines = [f"    value_{rng.randrange(10**6)} = compute({n})" for n in range(3000)]
    old = "```\n" + "\n".join(lines) + "\n```"
    new = "```\n" + "\n".join(rng.sample(lines, len(lines))) + "\n```"
    first = diff_documents(doc(old), doc(new), Side("old"), Side("new"))
    # A few lines stay in place by chance: one entry per run of lines between them, each
    # found at its offsets in the whole texts, and no more entries than unchanged lines.
    assert {change.rule for change in first.changes} == {"section-text-changed"}
    assert 1 < len(first.changes) <= len(lines) // 10
    whole_old, whole_new = old.removeprefix("```\n"), new.removeprefix("```\n")
    for change in first.changes:
        check_offsets(change.to_json()["redline"], whole_old, whole_new)
    deleted = "".join(s.text for c in first.changes for s in c.redline if s.op == "delete")
    assert len(deleted) > len(old) // 2
    assert sum(exact_work) <= (PATIENCE_VISITS + 1) * 2 * len(old)
    again = diff_documents(doc(old), doc(new), Side("old"), Side("new"))
    assert render_json(again) == render_json(first)  # deterministic: no clock involved


def test_random_texts_round_trip() -> None:
    rng = random.Random(7)
    words = ["the", "model", "must", "not", "lie", ".", ",", "\n", "\n\n", "safe", "always"]
    for _ in range(300):
        old = " ".join(rng.choice(words) for _ in range(rng.randrange(0, 60)))
        new_words = old.split(" ")
        for _ in range(rng.randrange(1, 6)):
            spot = rng.randrange(len(new_words) + 1)
            new_words.insert(spot, rng.choice(words))
        new = " ".join(new_words)
        segments = redline(old, new)
        assert sides(segments) == (old, new)
        assert all(s.text for s in segments)
