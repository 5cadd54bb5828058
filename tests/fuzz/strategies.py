"""Hypothesis strategies that write constitutions (annotated Markdown, well-formed or not) and the
contract every compile must keep; shared by tests/fuzz/test_fuzz.py and the long harness run.py.

The contract: any input compiles to schema-valid JSON, or yields well-formed diagnostics. Nothing
is ever raised, and the same input always gives the same bytes.
"""

from __future__ import annotations

import json
import string
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jsonschema
from hypothesis import strategies as st

from compiler.diagnostics import CODES, Diagnostic, Severity, render
from compiler.emit import schema
from compiler.grammar.load import default_grammar
from compiler.pipeline import CompileResult, compile_sources, compile_spec
from compiler.reader import SourceFile, normalise

ANNOTATION_KINDS = [kind.name for kind in default_grammar().annotation_kinds()]

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "openai-model-spec"

# --- pieces ------------------------------------------------------------------------------------

#: A small pool, so that generated links, orders and duplicates often hit real ids.
IDS = st.sampled_from(["a", "b", "c", "safe", "ethical", "x-1", "p_2", "intro", "A", "é"])
WEIRD = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "jav&#x61;script:",
        "\ufeff",
        "\r",
        "\r\n",
        "\t",
        "\u2028",
        "\u0085",
        "\x0b",
        "\x0c",
        "\u200b",
        "\U0001f600",
        "\\",
        "&amp;",
        "&#0;",
        "&#x110000;",
        "`",
        "*",
        "_",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        "#",
        ":::",
        "::::",
        "---",
        "|",
        ">",
        "<",
        '"',
        "'",
        "=",
        "!",
        "~~",
        "    ",
        "\n",
        "\n\n",
        "1. ",
        "- ",
        "%",
        "%00",
        "%ZZ",
    ]
)
WORD = st.text(alphabet=string.ascii_letters + "äé中 -_", min_size=1, max_size=12)
TEXT = st.lists(st.one_of(WORD, WEIRD, st.text(max_size=6)), max_size=8).map("".join)


@st.composite
def attribute_lists(draw: st.DrawFn, kind: str = "") -> str:
    """``{#id .class key=value ...}``, usually plausible for `kind`, sometimes broken."""
    parts: list[str] = []
    if draw(st.booleans()) or kind:
        parts.append("#" + draw(st.one_of(IDS, WORD, st.just(""))))
    values = {
        "property": st.fixed_dictionaries(
            {"rank": st.one_of(st.integers(-2, 5).map(str), WORD, st.just("١"))}
        ),
        "priority": st.fixed_dictionaries(
            {
                "mode": st.sampled_from(["holistic", "strict", "lexical", ""]),
                "order": st.lists(IDS, max_size=4).map(" ".join),
            }
        ),
        "constraint": st.fixed_dictionaries(
            {
                "kind": st.sampled_from(["hard", "exception", "x"]),
                "concerns": st.lists(IDS, max_size=3).map(" ".join),
            }
        ),
        "definition": st.fixed_dictionaries({"term": WORD}),
        "rationale": st.fixed_dictionaries({"justifies": st.lists(IDS, max_size=3).map(" ".join)}),
    }.get(kind, st.dictionaries(WORD, TEXT, max_size=2))
    for key, value in draw(values).items():
        if draw(st.integers(0, 9)) == 0:
            continue  # a missing required attribute
        parts.append(f'{key}="{value}"' if draw(st.booleans()) else f"{key}={value}")
    if draw(st.integers(0, 5)) == 0:
        parts.append(draw(st.sampled_from([".cls", "onclick=alert(1)", 'x="a\\"b"', "=", "#"])))
    if draw(st.integers(0, 7)) == 0:
        parts.append(draw(TEXT))  # garbage
    close = "}" if draw(st.integers(0, 9)) else ""
    return "{" + " ".join(parts) + close


@st.composite
def inlines(draw: st.DrawFn) -> str:
    pieces = st.one_of(
        TEXT,
        WORD.map(lambda w: f"**{w}**"),
        WORD.map(lambda w: f"*{w}*"),
        WORD.map(lambda w: f"`{w}`"),
        IDS.map(lambda i: f"[ref](#{i})"),
        st.tuples(WORD, st.sampled_from(["x.md", "../up.md", "a.md#a", "https://e.x/", "#"])).map(
            lambda t: f"[{t[0]}]({t[1]})"
        ),
        st.sampled_from(
            [
                "[x](javascript:alert(1))",
                "<javascript:alert(1)>",
                "![i](data:image/png;base64,AA==)",
                "[r][ref]\n\n[ref]: vbscript:x\n",
                "<b>raw</b>",
                "<!-- c -->",
                "<https://example.org>",
            ]
        ),
    )
    return " ".join(draw(st.lists(pieces, min_size=1, max_size=5)))


def _blocks(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    @st.composite
    def annotation(draw: st.DrawFn) -> str:
        kind = draw(st.one_of(st.sampled_from(ANNOTATION_KINDS), WORD, st.just("")))
        colons = ":" * draw(st.integers(3, 6))
        lead = f"**{draw(WORD)}**: " if draw(st.booleans()) else ""
        body = draw(children)
        close = colons if draw(st.integers(0, 7)) else draw(st.sampled_from(["", ":::", "::"]))
        return f"{colons} {kind} {draw(attribute_lists(kind))}\n{lead}{body}\n{close}\n"

    return st.one_of(
        annotation(),
        children.map(lambda b: "".join("> " + line + "\n" for line in b.split("\n"))),
        children.map(lambda b: "- " + b.replace("\n", "\n  ") + "\n"),
        children.map(lambda b: "1. " + b.replace("\n", "\n   ") + "\n"),
    )


@st.composite
def headings(draw: st.DrawFn) -> str:
    level = "#" * draw(st.integers(1, 7))
    attrs = f" {draw(attribute_lists())}" if draw(st.booleans()) else ""
    return f"{level} {draw(inlines())}{attrs}\n"


FRONT_MATTER = st.lists(
    st.tuples(
        st.sampled_from(
            ["title", "version", "chapter", "reading_time", "authors", "date", "license", "titel"]
        ),
        st.one_of(
            WORD,
            st.integers(-5, 10**6).map(str),
            st.sampled_from(
                ["[a, b]", "{a: 1}", "yes", "null", "2020-01-01", "'x", "&a [*a]", "|"]
            ),
        ),
    ),
    max_size=4,
).map(lambda items: "---\n" + "".join(f"{k}: {v}\n" for k, v in items) + "---\n")

LEAF = st.one_of(
    inlines().map(lambda t: t + "\n"),
    headings(),
    st.just("```\ncode <script>\n```\n"),
    st.just("| a | b |\n|---|---|\n| [x](#a) | <i>y</i> |\n"),
    st.sampled_from([":::\n", "::::\n", "---\n", "***\n", "\n", "    indented code\n"]),
)
BLOCKS = st.recursive(LEAF, _blocks, max_leaves=12)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """One Markdown file of a constitution: front matter, headings, annotations, mistakes."""
    head = draw(FRONT_MATTER) if draw(st.integers(0, 3)) == 0 else ""
    blocks = draw(st.lists(BLOCKS, max_size=8))
    return head + "\n".join(blocks)


@cache
def seed_texts() -> tuple[str, ...]:
    """Real documents to mutate: the repository's spec, and the shared corpus when present."""
    paths = sorted((REPO / "spec").glob("*.md")) + sorted(CORPUS.glob("*/model_spec.md"))
    return tuple(path.read_text("utf-8") for path in paths if path.is_file())


@st.composite
def mutated_seeds(draw: st.DrawFn) -> str:
    """A window of a real document with a few slices replaced by hostile snippets."""
    seeds = seed_texts()
    if not seeds:
        return draw(documents())
    text = draw(st.sampled_from(seeds))
    start = draw(st.integers(0, max(len(text) - 1, 0)))
    text = text[start : start + draw(st.integers(200, 6000))]
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 20))
        text = text[:at] + draw(st.one_of(WEIRD, TEXT, inlines(), headings())) + text[at + cut :]
    return text


FILE_NAMES = st.sampled_from(
    [
        "index.md",
        "01 intro.md",
        "2-safety.md",
        "10-ethics.md",
        "Überblick.md",
        "安全.md",
        "a b/c.md",
        "new\nline.md",
        "quote'\"<b>.md",
        "sub/index.md",
    ]
)


# --- the contract ------------------------------------------------------------------------------


def _line_count(text: str) -> int:
    return normalise(text).count("\n") + 1


def check_diagnostics(diagnostics: Sequence[Diagnostic], lines: dict[str, int]) -> None:
    """Every diagnostic is well formed: a known code, a file of the spec, a line within it."""
    for d in diagnostics:
        assert d.code in CODES, d.format()
        assert d.message and d.hint, d.format()
        assert d.format().count("\n") == 1, d.format()  # one line, and the hint's line
        assert d.column >= 1, d.format()
        assert isinstance(d.severity, Severity)
        if d.file in lines:
            assert 1 <= d.line <= lines[d.file] + 1, d.format()
        else:
            assert d.line >= 0, d.format()
    render(diagnostics, "text")
    render(diagnostics, "json")
    render(diagnostics, "github")


def check_result(result: CompileResult, lines: dict[str, int]) -> None:
    check_diagnostics(result.diagnostics, lines)
    if result.ok:
        assert result.document is not None
        jsonschema.Draft202012Validator(schema()).validate(result.document)
        result.to_json_bytes()
    else:
        assert result.document is None
        assert any(d.severity is Severity.ERROR for d in result.diagnostics)


def check_texts(texts: Sequence[tuple[str, str]]) -> CompileResult:
    """Compile `(name, text)` files in memory, twice, and hold the result to the contract."""
    sources = [SourceFile(name, name, normalise(text)) for name, text in texts]
    result = compile_sources(sources)
    check_result(result, {name: _line_count(text) for name, text in texts})
    again = compile_sources(sources)
    assert [d.format() for d in again.diagnostics] == [d.format() for d in result.diagnostics]
    if result.ok:
        assert again.to_json_bytes() == result.to_json_bytes()
    return result


def check_files(files: Sequence[tuple[str, bytes]]) -> CompileResult:
    """Write `(relative name, bytes)` files into a fresh directory and compile it from disk."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "spec"
        lines: dict[str, int] = {}
        for name, data in files:
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            lines[str(path)] = _line_count(data.decode("utf-8", errors="replace"))
        root.mkdir(exist_ok=True)
        result = compile_spec(root)
        check_result(result, lines)
        return result


# --- through a site build: attribute values and file names -------------------------------------

#: Markup and URLs that would act if they became live on a page.
MARKUP = st.sampled_from(
    [
        "\"'><img src=x onerror=window.__pwned=1>",
        "<script>window.__pwned=2</script>",
        "'><svg/onload=window.__pwned=3>",
        "javascript:window.__pwned=4",
        "</title><script>window.__pwned=5</script>",
        "<img src=//off-host.invalid/x.png>",
        "{{ config }}",
        "&lt;script&gt;",
        "&#x3c;img src=x onerror=alert(6)&#x3e;",
        "\\",
        '\\"',
    ]
)
VALUE = st.lists(st.one_of(WORD, WEIRD, MARKUP, st.text(max_size=4)), max_size=5).map("".join)
NAME_PART = st.lists(
    st.one_of(
        WORD,
        MARKUP.map(lambda m: m.replace("/", "")),
        st.text(st.characters(blacklist_characters="/\x00", codec="utf-8"), max_size=6),
    ),
    min_size=1,
    max_size=3,
).map("".join)
EXTENSIONS = st.sampled_from(
    [".md", ".md", ".md", ".MD", ".markdown", ".html", ".png", ".svg", ".js", ".yaml", ""]
)
SITE_FILE_NAMES = st.tuples(
    st.lists(NAME_PART, min_size=1, max_size=2).map("/".join), EXTENSIONS
).map("".join).filter(lambda n: all(p not in ("", ".", "..") for p in n.split("/")))  # fmt: skip

_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
_HOSTILE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=7"/>'


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


@st.composite
def payload_documents(draw: st.DrawFn) -> str:
    """A chapter with a drawn value in every attribute slot of every kind, front matter title,
    heading text and link titles: usually valid, so that the site shows the values."""

    def value() -> str:
        return _quoted(draw(VALUE))

    key = draw(st.sampled_from(["onclick", "style", "href", "src", "x", "on:x", "data-x"]))
    title = draw(VALUE).replace("\n", " ")
    return f"""---
title: {json.dumps(title)}
version: 1.0.0
description: "{value()}"
---
# {draw(VALUE).replace(chr(10), " ")} {{#top {key}="{value()}"}}

::: property {{#p1 rank=1 title="{value()}" {key}="{value()}"}}
**{draw(WORD)}**: text [x](#p1 "{value()}") [?](#d1).
:::

::: constraint {{#c1 kind="{value()}" concerns="p1" {key}="{value()}"}}
Never.
:::

::: definition {{#d1 term="{value()}"}}
A term.
:::

::: rationale {{#r1 justifies="p1" {key}="{value()}"}}
Why.
:::

!!! note "{value()}"
    Noted.
"""


@st.composite
def site_specs(draw: st.DrawFn) -> list[tuple[str, bytes]]:
    """A spec directory: a payload chapter, and files with drawn names (chapters, images, SVGs
    with and without handlers, and files the spec may not hold)."""
    files = {"index.md": draw(payload_documents()).encode()}
    contents = st.sampled_from(
        [b"# A chapter\n\nText.\n", _PNG, _SVG, _HOSTILE_SVG, b"<script>window.__pwned=8</script>"]
    )
    for name, content in draw(st.lists(st.tuples(SITE_FILE_NAMES, contents), max_size=4)):
        files.setdefault(name, content)
    return list(files.items())


SITE_CONFIG = """\
site_name: Fuzz
docs_dir: docs
site_dir: site
theme: {name: material, font: false}
plugins: [search, constitution]
"""


def check_site(files: Sequence[tuple[str, bytes]]) -> None:
    """Compile `files` as a spec directory, hold it to the contract, then build its site as a
    live preview does (pages are built even when the spec has errors): no page and no search
    entry holds live markup, and the site holds no spec file the compiler did not approve."""
    from support.markup import THEME_ELEMENTS, live_markup, script_text
    from support.preview import build_preview

    from compiler.spec_files import fold, generated_at, is_chapter, page_addresses

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        docs = root / "docs"
        for name, data in files:
            path = docs / name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            except OSError:
                continue  # a name this file system cannot hold (too long, a file as a folder)
        result = compile_spec(docs)
        check_diagnostics(result.diagnostics, {})
        (root / "mkdocs.yml").write_text(SITE_CONFIG, "utf-8")
        site = build_preview(root / "mkdocs.yml")
        approved = result.files.published if result.files is not None else frozenset()
        allowed = {
            fold(address)
            for name in approved
            for address in (page_addresses(name) if is_chapter(name) else (name,))
        }
        for path in site.rglob("*"):
            if not path.is_file():
                continue
            where = path.relative_to(site).as_posix()
            assert where == "index.html" or fold(where) in allowed or generated_at(fold(where)), (
                where
            )
            if path.suffix == ".html":
                text = path.read_text("utf-8")
                assert [f for f in live_markup(text) if f not in THEME_ELEMENTS] == [], where
                assert "__pwned" not in script_text(text), where
        index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
        for entry in index["docs"]:
            assert live_markup(entry["title"]) == [] and live_markup(entry["text"]) == [], entry
