"""spec/ is the whole constitution as published (../shared/corpus/claude-constitution): every
sentence of the corpus file, its closing source and licence lines aside, is in the compiled JSON
and on its chapter's page of the built site, word for word, in order, and nothing else is.

The corpus is read with plain CommonMark (markdown-it-py's "commonmark" preset, not the compiler's
dialect), so what the spec adds (heading ids, annotations, links, front matter) cannot hide a change
of words. Normalising is limited to what is not a word:

- white space: any run of spaces and line breaks is one space (paragraphs and list items are
  joined differently in Markdown, in the JSON and in HTML);
- quotes, on the site only: the site may render typographic quotes for the source's straight
  ones (’ ‘ for ', “ ” for "; markdown-it's typographer, which it does not use today), so both
  count as straight there. The JSON keeps the source's characters and is compared without this;
- permalinks, on the site only: the ¶ that links to a heading or an annotated span (the corpus
  has none) is left out.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from test_site_build import parse, squash

from compiler.document import from_json
from compiler.pipeline import compile_spec

CORPUS = Path("claude-constitution") / "claude-constitution.md"
CLOSING = ("*Source: https://www.anthropic.com/constitution*", "*License: Creative Commons CC0")

#: The spec's files, and how many of the corpus's parts (separated by `---`) each holds: the
#: preface and the summary share the first file.
FILES = (
    ("00-preface.md", 2),
    ("01-overview.md", 1),
    ("02-being-helpful.md", 1),
    ("03-following-anthropics-guidelines.md", 1),
    ("04-being-broadly-ethical.md", 1),
    ("05-being-broadly-safe.md", 1),
    ("06-claudes-nature.md", 1),
    ("07-concluding-thoughts.md", 1),
    ("08-acknowledgements.md", 1),
)
NOT_NORMATIVE = ("00-preface.md", "08-acknowledgements.md")
WORDS_PER_MINUTE = 230

#: Where the text points at another part of itself, and the id it links to.
CROSS_REFERENCES = (
    ("contribution statement and acknowledgments below", "acknowledgements"),
    ("Helpfulness", "being-helpful"),
    ("principals", "principals"),
    ("Anthropic's guidelines", "following-guidelines"),
    ("Claude's ethics", "being-broadly-ethical"),
    ("current list of hard constraints", "hard-constraints-section"),
    ("Being broadly safe", "being-broadly-safe"),
    ("Claude's nature", "claudes-nature"),
    ("section on being broadly ethical", "being-broadly-ethical"),
    ("we discuss such hard constraints below", "hard-constraints-section"),
    ("hard constraints", "hard-constraints-section"),
    ("section on big-picture safety", "being-broadly-safe"),
    ("section on how we think about corrigibility", "corrigibility"),
    ("safety", "being-broadly-safe"),
    ("ethics", "being-broadly-ethical"),
    ("guideline adherence", "following-guidelines"),
    ("helpfulness", "being-helpful"),
    ("section on broad safety", "being-broadly-safe"),
    ("ideals of helpfulness", "being-helpful"),
    ("As we have said", "mission"),
    ("illegitimate concentrations of human power", "concentrations-of-power"),
    ("As we discussed above", "views-on-claudes-nature"),
    ("concentrations of power", "concentrations-of-power"),
    ("epistemic autonomy", "epistemic-autonomy"),
    ("good values", "good-values-and-judgment"),
    ("broad safety", "being-broadly-safe"),
    ("honesty", "being-honest"),
    ("Claude's wellbeing", "claudes-wellbeing"),
    ("content on model nature, identity, and psychology", "claudes-nature"),
    ("wellbeing section", "claudes-wellbeing"),
    ("discussion of Claude's nature and psychology", "claudes-nature"),
    ("other priorities discussed in this document", "core-priority"),
    ("the hard constraints", "hard-constraints-section"),
    ("priority on safety", "core-priority"),
    ("already a hard constraint", "no-disempowering-humanity"),
    ("treat broad safety as having a very high priority", "core-priority"),
    ("explain why we think the current approach is wise", "corrigibility"),
    ("the hard constraints we've specified", "hard-constraints-section"),
)

#: A sentence ends at ., ? or ! (and a closing quote or parenthesis after it) before white space.
#: The corpus writes its abbreviations "e.g.," and "i.e.," with a comma, so none of them ends a
#: sentence here; and a wrong break would only cut a sentence in two pieces that must each be
#: found, while the word-for-word test below checks the order of every word.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.?!])|(?<=[.?!][\"')]))\s+")
_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
#: The permalink glyph (¶) that follows headings and annotated spans on the site is not text.
_NOT_TEXT = str.maketrans({"\u00b6": ""})


# --- reading the corpus ------------------------------------------------------------------------


def _plain(inline: Token) -> str:
    """The words of an inline token: its text, without emphasis or link markup."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _only_bold(inline: Token) -> bool:
    """True for a paragraph that is bold text and nothing else (`**Avoiding ...**`)."""
    kinds = [child.type for child in inline.children or [] if child.content or child.nesting]
    return kinds == ["strong_open", "text", "strong_close"]


def corpus_parts(text: str) -> list[list[tuple[Token, Token]]]:
    """The corpus's parts (split at `---`), each a list of (opening token, inline token)."""
    lines = text.rstrip("\n").split("\n")
    closing = [line[: len(start)] for line, start in zip(lines[-2:], CLOSING, strict=True)]
    assert closing == list(CLOSING)
    tokens = MarkdownIt("commonmark").parse("\n".join(lines[:-2]))
    parts: list[list[tuple[Token, Token]]] = [[]]
    for position, token in enumerate(tokens):
        if token.type == "hr":
            parts.append([])
        elif token.type == "inline":
            parts[-1].append((tokens[position - 1], token))
    return [part for part in parts if part]


def sentences(block: str) -> list[str]:
    return [s for s in _SENTENCE_BREAK.split(squash(block)) if s]


@pytest.fixture(scope="module")
def parts(corpus_dir: Path) -> list[list[tuple[Token, Token]]]:
    """The corpus's blocks, grouped by the spec file that holds them."""
    path = corpus_dir / CORPUS
    assert path.is_file(), f"the constitution is missing from the corpus: {path}"
    split = corpus_parts(path.read_text("utf-8"))
    assert len(split) == sum(count for _, count in FILES)
    grouped, start = [], 0
    for _, count in FILES:
        grouped.append([block for part in split[start : start + count] for block in part])
        start += count
    return grouped


@pytest.fixture(scope="module")
def document(repo_root: Path) -> dict[str, Any]:
    result = compile_spec(repo_root / "spec")
    assert result.ok, [d.format() for d in result.diagnostics]
    loaded: dict[str, Any] = json.loads(result.to_json_bytes())
    return loaded


def _sections(document: dict[str, Any], file: str | None = None) -> list[dict[str, Any]]:
    return [
        node
        for node in document["nodes"]
        if node["kind"] == "section" and file in (None, node["source"]["file"])
    ]


def _file_text(document: dict[str, Any], file: str) -> str:
    """A file's sections, each title followed by its text with its annotations' in place, in
    document order."""
    model = from_json(document)
    sections = _sections(document, file)
    assert sections, file
    return squash(" ".join(f"{s['title']} {model.full_text(s['id'])}" for s in sections))


# --- the JSON ------------------------------------------------------------------------------------


def test_spec_has_the_chapters_in_the_published_order(
    document: dict[str, Any], repo_root: Path
) -> None:
    files = [source["file"] for source in document["document"]["sources"]]
    assert files == [name for name, _ in FILES]
    assert sorted(p.name for p in (repo_root / "spec").glob("*.md")) == files


def test_every_sentence_of_the_corpus_is_in_the_json(
    document: dict[str, Any], parts: list[list[tuple[Token, Token]]]
) -> None:
    total = 0
    for (file, _), blocks in zip(FILES, parts, strict=True):
        text = _file_text(document, file)
        wanted = [s for _, inline in blocks for s in sentences(_plain(inline))]
        assert [s for s in wanted if s not in text] == [], file
        total += len(wanted)
    assert total > 900  # the whole text (932 sentences), not a part of it


def test_the_json_holds_the_corpus_word_for_word_and_nothing_else(
    document: dict[str, Any], parts: list[list[tuple[Token, Token]]]
) -> None:
    """The same words in the same order, chapter by chapter: nothing added, dropped or moved."""
    for (file, _), blocks in zip(FILES, parts, strict=True):
        corpus_words = " ".join(_plain(inline) for _, inline in blocks).split()
        assert _file_text(document, file).split() == corpus_words, file


def test_headings_are_the_corpus_headings_with_explicit_ids(
    document: dict[str, Any], parts: list[list[tuple[Token, Token]]]
) -> None:
    """Every heading, plus the two paragraphs of bold text alone that head a passage in the
    corpus (the spec makes them headings, so that the text can link to them)."""
    for (file, _), blocks in zip(FILES, parts, strict=True):
        headings = [
            _plain(inline)
            for opening, inline in blocks
            if opening.type == "heading_open"
            or (opening.type == "paragraph_open" and opening.level == 0 and _only_bold(inline))
        ]
        sections = _sections(document, file)
        assert [s["title"] for s in sections] == headings, file
    assert all(not s["auto_id"] for s in _sections(document))
    assert len(_sections(document)) == 42


def test_front_matter_chapters_and_reading_times(document: dict[str, Any]) -> None:
    sources = document["document"]["sources"]
    assert [s["chapter"] for s in sources] == [None, 1, 2, 3, 4, 5, 6, 7, None]
    for source in sources:
        words = len(_file_text(document, source["file"]).split())
        assert source["reading_time"] == math.ceil(words / WORDS_PER_MINUTE), source["file"]
    assert document["document"]["title"] == "Claude's Constitution"


def test_preface_and_acknowledgements_are_not_normative(document: dict[str, Any]) -> None:
    for section in _sections(document):
        expected = section["source"]["file"] not in NOT_NORMATIVE
        assert section.get("normative", True) is expected, section["id"]
    assert document["document"]["metadata"]["normative"] is False  # the first file's
    preface = _file_text(document, "00-preface.md")
    assert "The preface and the acknowledgements are not part of the official constitution." in (
        preface
    )


def test_the_text_links_where_it_points_at_itself(document: dict[str, Any]) -> None:
    references = [(r["text"], r["target"]) for r in document["references"]]
    missing = [pair for pair in CROSS_REFERENCES if pair not in references]
    assert missing == []
    ids = {s["id"]: s["source"]["file"] for s in _sections(document)}
    for reference in document["references"]:
        if reference["target"] in ids:
            # Pointers go to another part of the text, not to where they stand.
            assert reference["origin"] != reference["target"]


def test_links_to_other_sites_are_the_corpus_links(repo_root: Path, corpus_dir: Path) -> None:
    def hrefs(text: str) -> list[str]:
        tokens = MarkdownIt("commonmark").parse(text)
        return [
            str(child.attrs["href"])
            for token in tokens
            if token.type == "inline"
            for child in token.children or []
            if child.type == "link_open" and not str(child.attrs["href"]).startswith("#")
        ]

    spec = "\n".join(p.read_text("utf-8") for p in sorted((repo_root / "spec").glob("*.md")))
    corpus = hrefs((corpus_dir / CORPUS).read_text("utf-8"))
    assert len(corpus) == 4 and hrefs(spec) == corpus


# --- the site ------------------------------------------------------------------------------------


def _page_text(site: Path, file: str) -> str:
    page = site / file.removesuffix(".md") / "index.html"
    return squash("".join(parse(page).text).translate(_NOT_TEXT)).translate(_TYPOGRAPHIC)


def test_every_sentence_of_the_corpus_is_on_its_chapter_page(
    repo_site: Path, parts: list[list[tuple[Token, Token]]]
) -> None:
    for (file, _), blocks in zip(FILES, parts, strict=True):
        text = _page_text(repo_site, file)
        wanted = [s for _, inline in blocks for s in sentences(_plain(inline))]
        assert [s for s in wanted if s not in text] == [], file
    overview = _page_text(repo_site, "01-overview.md")
    assert "Chapter 1 · 9 min read" in overview


def test_pages_say_which_chapters_are_not_part_of_the_constitution(repo_site: Path) -> None:
    for file, _ in FILES:
        text = _page_text(repo_site, file)
        assert ("Not part of the official text" in text) is (file in NOT_NORMATIVE), file
