"""Release 1.0.0 holds every sentence of the seed text, the Overview chapter as it was first
written, word for word; and chapter 1's annotations make the same things binding in that release
and in spec/, which now holds the chapter as published (see test_constitution_text.py): four
ranked properties, a holistic priority, the constraints.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

import compiler
from compiler.api import Constitution
from compiler.document.v1 import to_v1

ROOT = Path(__file__).resolve().parents[2]
RELEASE = ROOT / "releases" / "1.0.0.json"


@pytest.fixture(scope="module")
def seed(corpus_dir: Path) -> str:
    """The seed text, in shared/ beside the corpus (skipped locally, a failure in CI, without it)."""
    path = corpus_dir.parent / "seeds" / "constitution-overview.txt"
    assert path.is_file(), f"the seed text is missing: {path}"
    return path.read_text("utf-8")


def _release() -> dict[str, Any]:
    """Release 1.0.0 as released: the file the index lists, with the digest it records."""
    index = json.loads((RELEASE.parent / "index.json").read_text("utf-8"))
    [entry] = [e for e in index["releases"] if e["version"] == "1.0.0"]
    assert hashlib.sha256(RELEASE.read_bytes()).hexdigest() == entry["sha256"]
    loaded: dict[str, Any] = json.loads(RELEASE.read_bytes())
    return loaded


#: Release 1.0.0 marked two sentences of chapter 1 `kind=hard` that only talk about hard
#: constraints ("we discuss such hard constraints below"; "assuming Claude is not violating any
#: hard constraints"): statements about hard constraints, not constraints. spec/ no longer
#: annotates them; the hard constraints themselves are the list in "Hard constraints".
NOT_CONSTRAINTS = ("hard-constraints", "hard-constraints-not-weighed")


def _chapter_one(constitution: Constitution) -> dict[str, Any]:
    """A compiled constitution as schema 1.x shaped it (each node with its own text), its
    annotations limited to chapter 1's (the other chapters of spec/ have theirs)."""
    loaded = to_v1(constitution.model)
    for kind in BINDING_FIELDS:
        loaded[kind] = [n for n in loaded[kind] if n["source"]["file"] == "01-overview.md"]
    return loaded


def _spec() -> dict[str, Any]:
    return _chapter_one(compiler.load(ROOT / "spec"))


def _released() -> dict[str, Any]:
    _release()  # the digest the index records
    return _chapter_one(compiler.load(RELEASE))


@pytest.fixture(scope="module")
def release() -> dict[str, Any]:
    return _release()


def _sentences(text: str) -> list[str]:
    lines = text.split("\n")
    # Line 1 ("Chapter 1 • 12 min read") is front matter; line 3 is the title.
    assert lines[0].startswith("Chapter 1")
    body = "\n".join(lines[3:])
    body = re.sub(r"^\s*\d+\.\s+", "", body, flags=re.MULTILINE)  # the numbered list
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", body):
        paragraph = " ".join(paragraph.split())
        sentences += [s for s in re.split(r"(?<=[.?!])\s+(?=[A-Z“])", paragraph) if s]
    return sentences


def _all_text(document: dict[str, Any]) -> str:
    parts: list[str] = []
    for section in document["sections"]:
        parts += [section["title"], section["text"]]
    return " ".join(" ".join(parts).split())


def test_every_sentence_of_the_seed_is_in_release_1_0_0(release: dict[str, Any], seed: str) -> None:
    text = _all_text(release)
    sentences = _sentences(seed)
    assert len(sentences) > 60
    missing = [s for s in sentences if s not in text]
    assert missing == []


def test_release_1_0_0_holds_nothing_but_the_seed(release: dict[str, Any], seed: str) -> None:
    """Word counts match: nothing paraphrased, added or dropped."""
    seed_lines = seed.split("\n")
    seed_words = sorted(" ".join(seed_lines[4:]).replace("’", "'").split())
    seed_words = [w for w in seed_words if not re.fullmatch(r"\d+\.", w)]
    json_words = _all_text(release).replace("’", "'").split()
    # The chapter heading "Overview" comes from the seed's title line.
    json_words.remove("Overview")
    assert sorted(json_words) == seed_words


#: What chapter 1's first property reads in each: the seed's list, and the list as published.
FIRST_VALUE = {
    "release 1.0.0": (
        "Compliant with Anthropic’s guidelines",
        "Broadly safe: not undermining appropriate human mechanisms to oversee the dispositions "
        "and actions of AI during the current phase of development",
    ),
    "spec": (
        "Compliant with Anthropic's guidelines",
        "Broadly safe: Not undermining appropriate human mechanisms to oversee the dispositions "
        "and actions of AI during the current phase of development.",
    ),
}


@pytest.fixture(scope="module", params=sorted(FIRST_VALUE))
def chapter_one(request: pytest.FixtureRequest) -> tuple[str, dict[str, Any]]:
    """Chapter 1 as released in 1.0.0 (the seed's wording), and as spec/ holds it now."""
    label: str = request.param
    return label, _released() if label == "release 1.0.0" else _spec()


def test_properties_priority_constraints(chapter_one: tuple[str, dict[str, Any]]) -> None:
    label, document = chapter_one
    third_title, first_text = FIRST_VALUE[label]
    properties = document["properties"]
    assert [(p["id"], p["title"], p["rank"]) for p in properties] == [
        ("broadly-safe", "Broadly safe", 1),
        ("broadly-ethical", "Broadly ethical", 2),
        ("compliant-with-guidelines", third_title, 3),
        ("genuinely-helpful", "Genuinely helpful", 4),
    ]
    assert properties[0]["text"] == first_text
    (priority,) = document["priorities"]
    assert priority["mode"] == "holistic"
    assert priority["order"] == [p["id"] for p in properties]
    constraints = {c["id"]: c for c in document["constraints"]}
    holistic = next(d for d in document["definitions"] if d["id"] == "holistic-prioritization")
    sentence = "assuming Claude is not violating any hard constraints"
    if label == "release 1.0.0":
        assert [constraints[i]["kind"] for i in NOT_CONSTRAINTS] == ["hard", "hard"]
        # The sentence was the hard constraint nested in the definition, which held nothing else.
        assert sentence in constraints["hard-constraints-not-weighed"]["text"]
        assert holistic["text"] == ""
    else:
        assert sentence in holistic["text"]
        assert not set(NOT_CONSTRAINTS) & set(constraints)
        assert [c["kind"] for c in document["constraints"]] == ["robustness", "exception"]
    exceptions = constraints["ethics-over-guidelines-exceptions"]
    assert "convinced that ethics requires otherwise" in exceptions["text"]
    assert set(exceptions["concerns"]) >= {
        "broadly-ethical",
        "compliant-with-guidelines",
        "broadly-safe",
    }
    robust = constraints["safety-robust-to-reasoning"]
    assert "even if Claude is confident in its reasoning" in robust["text"]
    assert robust["concerns"] == ["broadly-safe"]
    terms = {d["term"] for d in document["definitions"]}
    # 1.0.0 called the holistic definition "holistic prioritization", words its text does not
    # use ("the notion of prioritization is holistic"); spec/ names it by the word it defines.
    holistic_term = "holistic prioritization" if label == "release 1.0.0" else "holistic"
    assert {"good values", "being overseeable", holistic_term} <= terms
    rationales = document["rationales"]
    assert all(r["justifies"] for r in rationales)
    assert document["document"]["title"] == "Claude's Constitution"


def test_list_sits_where_the_text_introduces_it() -> None:
    """The four core values stand, in order, between the sentence that introduces them and the
    priority over them, in the release and in spec/."""
    for source in (RELEASE, ROOT / "spec"):
        blocks = compiler.load(source).node("core-values").blocks
        found = [getattr(b, "id", None) or getattr(b, "text", "")[-10:] for b in blocks[:6]]
        assert found == [
            "should be:",
            "broadly-safe",
            "broadly-ethical",
            "compliant-with-guidelines",
            "genuinely-helpful",
            "core-priority",
        ], source


#: Each annotation kind and the fields that say what it binds (its text aside).
BINDING_FIELDS = {
    "properties": ("id", "title", "rank", "section"),
    "priorities": ("id", "mode", "order", "section"),
    "constraints": ("id", "kind", "concerns", "section"),
    "definitions": ("id", "term", "section"),
    "rationales": ("id", "justifies", "section"),
}


def test_spec_keeps_the_annotations_of_release_1_0_0() -> None:
    """The revised chapter 1 keeps every annotation of 1.0.0 but the two sentences that were
    wrongly marked hard constraints, binding the same things; their texts differ only where the
    published wording does (quotes aside)."""
    spec, release = _spec(), _released()
    release["constraints"] = [c for c in release["constraints"] if c["id"] not in NOT_CONSTRAINTS]
    release["definitions"] = [
        {**d, "term": "holistic"} if d["term"] == "holistic prioritization" else d
        for d in release["definitions"]
    ]

    def words(text: str) -> list[str]:
        return text.translate({0x2019: "'", 0x201C: '"', 0x201D: '"'}).lower().split()

    changed = 0
    for kind, fields in BINDING_FIELDS.items():
        old, new = release[kind], spec[kind]
        assert [n["id"] for n in new] == [o["id"] for o in old], kind
        for o, n in zip(old, new, strict=True):
            if kind == "properties":
                o, n = dict(o), dict(n)
                o["title"], n["title"] = o["title"].replace("’", "'"), n["title"]
            assert [n[f] for f in fields] == [o[f] for f in fields], n["id"]
            changed += words(o["text"]) != words(n["text"])
    # "a minimal set of well-understood rules tends to generalize" (why-judgment-over-rules),
    # the full stops that end the four core values, and the holistic definition, whose own text
    # 1.0.0 gave to the hard constraint it nested (empty there; the sentence in spec/).
    assert changed == 6
