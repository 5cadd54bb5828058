"""Rule dispatch (compiler/syntax/dispatch.py) changes how many rules are asked, never the
tokens: the dispatching parser is held to the same parser without dispatch, over every fixture,
the spec, the shared corpus (as written and hard-wrapped, where paragraphs check terminators on
every line) and generated Markdown."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from fuzz.strategies import documents, mutated_seeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from support.paths import REPO_ROOT, find_corpus_dir

from compiler.syntax import build_parser, parser
from compiler.syntax.dispatch import DispatchingBlock, starts_with

GENERATED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def plain() -> MarkdownIt:
    return build_parser(dispatch=False)


def shape(tokens: list[Token]) -> list[dict[str, Any]]:
    """Everything a token holds, children included, in a form `==` compares."""
    return [
        {**token.as_dict(children=False), "children": shape(token.children or [])}
        for token in tokens
    ]


def assert_same_parse(text: str) -> None:
    assert shape(parser().parse(text, {})) == shape(plain().parse(text, {}))


def markdown_files() -> Iterator[Path]:
    corpus = find_corpus_dir()
    assert corpus is not None, "the shared corpus is missing (see tests/support/paths.py)"
    for root in (REPO_ROOT / "tests" / "data", REPO_ROOT / "spec", corpus):
        yield from sorted(root.rglob("*.md"))


def hard_wrapped(text: str) -> str:
    """Every line longer than 60 characters broken into lines of at most 60 (blocks keep their
    indentation): how many documents are written, and where terminators are checked most."""
    lines = []
    for line in text.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        lines += textwrap.wrap(line, 60, initial_indent="", subsequent_indent=indent) or [line]
    return "\n".join(lines)


def test_the_real_documents_parse_the_same_as_written_and_hard_wrapped() -> None:
    files = list(markdown_files())
    assert len(files) > 100
    for path in files:
        text = path.read_text("utf-8", errors="replace")
        assert_same_parse(text)
        assert_same_parse(hard_wrapped(text))


@GENERATED
@given(text=documents())
def test_generated_constitutions_parse_the_same(text: str) -> None:
    assert_same_parse(text)


@GENERATED
@given(text=mutated_seeds())
def test_mutated_real_documents_parse_the_same(text: str) -> None:
    assert_same_parse(text)
    assert_same_parse(hard_wrapped(text))


MARKUP_SOUP = st.text(alphabet=" \n\t>*-_+#`~[]()!<>&\\:;{}.|=0123456789aZé/\"'?", max_size=400)
"""Every character a block or inline rule starts on, and blanks to indent and nest them."""


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=MARKUP_SOUP)
def test_markup_soup_parses_the_same(text: str) -> None:
    assert_same_parse(text)


# --- what is asked, and where ---------------------------------------------------------------


def counting_parser(dispatch: bool = True) -> tuple[MarkdownIt, dict[str, list[str]]]:
    """A parser with two extra inline rules that record the character they were asked at: one
    declared to start on ``%``, one that declared nothing."""
    md = build_parser(dispatch=dispatch)
    asked: dict[str, list[str]] = {"percent": [], "anything": []}

    def percent(state: StateInline, silent: bool) -> bool:
        asked["percent"].append(state.src[state.pos])
        return False

    def anything(state: StateInline, silent: bool) -> bool:
        asked["anything"].append(state.src[state.pos])
        return False

    starts_with(percent, "%")
    md.inline.ruler.before("link", "percent", percent)
    md.inline.ruler.before("link", "anything", anything)
    return md, asked


SAMPLE = "50% of *a* - b: [c](d) 7%\n"


def test_a_rule_is_asked_only_at_the_characters_it_declared() -> None:
    md, asked = counting_parser()
    md.parse(SAMPLE, {})
    assert asked["percent"] == ["%", "%"]
    md, asked = counting_parser(dispatch=False)
    md.parse(SAMPLE, {})
    assert asked["percent"] == ["%", "-", ":", "[", "%"]  # markdown-it asks at each terminator


def test_a_rule_that_declared_nothing_is_asked_wherever_markdown_it_asks_it() -> None:
    md, asked = counting_parser()
    md.parse(SAMPLE, {})
    # Where the text rule stopped and no earlier rule matched (emphasis took the stars).
    assert asked["anything"] == ["%", "-", ":", "[", "%"]
    md, plain_asked = counting_parser(dispatch=False)
    md.parse(SAMPLE, {})
    assert plain_asked["anything"] == asked["anything"]


def test_rules_changed_after_the_first_parse_are_honoured() -> None:
    md = build_parser()
    assert "<em>" in md.render("*a*\n")
    md.disable("emphasis")
    assert "<em>" not in md.render("*a*\n")
    md.enable("emphasis")
    assert "<em>" in md.render("*a*\n")

    def shout(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        start = state.bMarks[line] + state.tShift[line]
        if state.src[start] != "%":
            return False
        if not silent:
            state.push("shout", "", 0).content = state.src[start : state.eMarks[line]]
        state.line = line + 1
        return True

    md.block.ruler.before("paragraph", "shout", shout, {"alt": ["paragraph"]})
    tokens = md.parse("a paragraph\n%ends it\n", {})
    assert [token.type for token in tokens] == [
        "paragraph_open",
        "inline",
        "paragraph_close",
        "shout",
    ]


def test_the_dialect_s_parser_dispatches() -> None:
    assert isinstance(parser().block, DispatchingBlock)
    assert not isinstance(plain().block, DispatchingBlock)


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="\r\n\0a \t", max_size=60))
def test_line_endings_and_nul_are_normalised_as_markdown_it_does(text: str) -> None:
    assert_same_parse(text)
    assert_same_parse(f"# {text}\n\n> {text}\n\n- {text}\n\n```\n{text}\n```\n")


REFERENCES = [
    "[a]: /url\n\n[a]\n",
    "[a\nb]: /url 'title'\n\n[a b]\n",
    "> [a]: /url\n> [a]\n",
    "> [a\n> ]: /url\n\n[a]\n",
    "- [a]: /url\n\n  [a]\n",
    "[a]{.rule} text\n\n[b]: /x\n",
    "[a] text\n]: not a label's end\n\n[a]\n",
    "[a]\n\n]: /url\n",
    "[a]  \n   \n]: /url\n",
    "   [a]:\n   /url\n   'title'\n\n[a]\n",
    "[a\\]: /url\n",
]


def test_reference_definitions_parse_as_markdown_it_parses_them() -> None:
    for text in REFERENCES:
        assert_same_parse(text)
        assert_same_parse(text.replace("\n", "\n\n", 1))
