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

from compiler.document import from_json
from compiler.document_v1 import to_v1
from compiler.pipeline import compile_spec

ROOT = Path(__file__).resolve().parent.parent
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


def _spec() -> dict[str, Any]:
    result = compile_spec(ROOT / "spec")
    assert result.ok, [d.format() for d in result.diagnostics]
    loaded: dict[str, Any] = json.loads(result.to_json_bytes())
    return loaded


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
    return label, _release() if label == "release 1.0.0" else _spec()


def _arrays(document: dict[str, Any]) -> dict[str, Any]:
    """The document (1.0.0 or 2.0.0) through the typed model, in the arrays per kind of 1.x."""
    return to_v1(from_json(document))


def test_properties_priority_constraints(chapter_one: tuple[str, dict[str, Any]]) -> None:
    label, document = chapter_one
    document = _arrays(document)
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
    assert (
        "assuming Claude is not violating any hard constraints"
        in constraints["hard-constraints-not-weighed"]["text"]
    )
    assert constraints["hard-constraints-not-weighed"]["kind"] == "hard"
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
    assert {"good values", "being overseeable", "holistic prioritization"} <= terms
    rationales = document["rationales"]
    assert all(r["justifies"] for r in rationales)
    assert document["document"]["title"] == "Claude's Constitution"


def test_list_sits_where_the_text_introduces_it(chapter_one: tuple[str, dict[str, Any]]) -> None:
    label, document = chapter_one
    text = from_json(document).full_text("core-values")
    assert (
        text.index("should be:")
        < text.index(FIRST_VALUE[label][1])
        < text.index("In cases of apparent conflict")
    )


#: Each annotation kind and the fields that say what it binds (its text aside).
BINDING_FIELDS = {
    "properties": ("id", "title", "rank", "section"),
    "priorities": ("id", "mode", "order", "section"),
    "constraints": ("id", "kind", "concerns", "section"),
    "definitions": ("id", "term", "section"),
    "rationales": ("id", "justifies", "section"),
}


def test_spec_keeps_the_annotations_of_release_1_0_0(release: dict[str, Any]) -> None:
    """The revised chapter 1 keeps every annotation of 1.0.0, binding the same things; their
    texts differ only where the published wording does (quotes aside)."""
    spec = _arrays(_spec())
    release = _arrays(release)

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
    # and the full stops that end the four core values.
    assert changed == 5
