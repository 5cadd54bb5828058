"""Hypothesis strategies that write constitutions (annotated Markdown, well-formed or not) and the
contract every compile must keep; shared by tests/test_fuzz.py and the long harness run.py.

The contract: any input compiles to schema-valid JSON, or yields well-formed diagnostics. Nothing
is ever raised, and the same input always gives the same bytes.
"""

from __future__ import annotations

import string
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jsonschema
from hypothesis import strategies as st

from compiler.diagnostics import CODES, Diagnostic, Severity, render
from compiler.emit import schema
from compiler.extract import ANNOTATION_KINDS
from compiler.pipeline import CompileResult, compile_sources, compile_spec
from compiler.reader import SourceFile, normalise

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
