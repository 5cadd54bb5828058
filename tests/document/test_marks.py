"""A paragraph's inline formatting in the compiled JSON (schema 3.2.0): marks over its plain text,
counted in code points, only where there is formatting; links only with a safe, resolved href;
the typed model reads and writes them, and reads older documents (no marks) as before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from compiler.document import Mark, Paragraph, from_json, to_json, walk_blocks
from compiler.emit import schema
from compiler.pipeline import compile_sources
from compiler.reader import SourceFile

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "valid" / "marks.md"


def compile_text(text: str, name: str = "a.md") -> Any:
    return compile_sources([SourceFile(name, name, text)])


def paragraphs(document: Any, ident: str) -> list[Paragraph]:
    node = document.node(ident)
    return [block for block in walk_blocks(node.blocks) if isinstance(block, Paragraph)]


def marked(paragraph: Paragraph) -> list[tuple[str, str, str | None]]:
    return [(m.type, paragraph.text[m.start : m.end], m.href) for m in paragraph.marks]


def test_every_mark_type_nested_and_linked() -> None:
    result = compile_text(FIXTURE.read_text("utf-8"), "marks.md")
    assert result.ok, result.diagnostics
    first, nested, links, unicode, *_ = paragraphs(result.model, "formatting")
    assert marked(first) == [
        ("em", "emphasis", None),
        ("strong", "strong", None),
        ("code", "inline <code>", None),
        ("strike", "struck", None),
        ("link", "link", "https://example.org/a?b=1&c=2"),
    ]
    assert marked(nested) == [  # the outer of two marks first
        ("strong", "strong with emphasis inside", None),
        ("em", "emphasis", None),
        ("em", "emphasis with code and strong", None),
        ("code", "code", None),
        ("strong", "strong", None),
    ]
    assert marked(links) == [
        ("link", "to an id", "#kept-value"),
        ("link", "a formatted link", "#formatting"),
        ("em", "formatted", None),
        ("link", "Kept value", "#kept-value"),  # a placeholder: its target's title
        ("link", "link to itself", "#formatting"),  # a chapter: its first heading
    ]
    assert marked(unicode) == [
        ("em", "crème", None),
        ("em", "emoji after an emoji", None),
        ("strong", "math", None),
        ("code", "代码", None),
        ("em", "this", None),
    ]


def test_offsets_count_code_points() -> None:
    """An emoji (outside the BMP: two UTF-16 units, four UTF-8 bytes) counts one."""
    result = compile_text("# T {#t}\n\n😀😀 *a* 𝒳 **b**\n")
    [paragraph] = paragraphs(result.model, "t")
    assert paragraph.text == "😀😀 a 𝒳 b"
    assert paragraph.marks == (Mark("em", 3, 4), Mark("strong", 7, 8))
    utf16 = paragraph.text.encode("utf-16-le")
    assert utf16[2 * 5 : 2 * 6].decode("utf-16-le") == "a"  # what a UTF-16 offset would be


def test_spans_keep_their_marks_in_their_own_text() -> None:
    result = compile_text(FIXTURE.read_text("utf-8"), "marks.md")
    [value] = paragraphs(result.model, "kept-value")
    assert marked(value) == [
        ("strong", "Kept value", None),
        ("em", "marked", None),
        ("strong", "lead", None),
    ]
    [span] = paragraphs(result.model, "marked-span")
    assert marked(span) == [("em", "marked", None)]


def test_plain_text_has_no_marks() -> None:
    result = compile_text("# T {#t}\n\nJust words, and a \\*star\\*.\n")
    data = json.loads(result.to_json_bytes())
    [block] = data["nodes"][0]["blocks"]
    assert block == {"type": "paragraph", "text": "Just words, and a *star*."}


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "java%73cript:x"]
)
def test_an_unsafe_link_is_an_error_and_never_a_mark(href: str) -> None:
    result = compile_text(f"# T {{#t}}\n\nA [link]({href}).\n")
    assert [d.code for d in result.diagnostics] == ["CC207"]
    assert all(not p.marks for p in paragraphs(result.model, "t"))


def test_the_model_reads_what_it_writes() -> None:
    result = compile_text(FIXTURE.read_text("utf-8"), "marks.md")
    data = to_json(result.model)
    Draft202012Validator(schema()).validate(data)
    again = from_json(json.loads(json.dumps(data)))
    assert again == result.model
    assert to_json(again) == data


def test_a_document_before_3_2_records_no_formatting(repo_root: Path) -> None:
    for name in ("1.0.0.json", "2.0.0.json"):
        document = from_json(json.loads((repo_root / "releases" / name).read_text("utf-8")))
        assert not document.records_formatting
        assert all(
            not block.marks
            for node in document.nodes
            for block in walk_blocks(node.blocks)
            if isinstance(block, Paragraph)
        )
    assert compile_text("# T {#t}\n\nx\n").model.records_formatting


def test_spans_and_placeholders_in_one_paragraph_each_read_their_own_text() -> None:
    # A paragraph read in one pass: each span node's text holds its own words, placeholder and
    # marks only, and the paragraph's parts, marks and placeholders land where they are written.
    text = (
        "# Alpha {#a}\n\n# Beta {#b}\n\n"
        "[?](#a) and [x [?](#b) *y*]{#s .definition term=S} then **[?](#a)**, "
        "[`z`]{#t .definition term=T} [w](#b).\n"
    )
    result = compile_text(text)
    assert result.ok, result.diagnostics
    [paragraph] = paragraphs(result.model, "b")
    assert paragraph.text == "Alpha and x Beta y then Alpha, z w."
    assert [(part.text, part.node) for part in paragraph.parts] == [
        ("Alpha and ", None),
        ("x Beta y", "s"),
        (" then Alpha, ", None),
        ("z", "t"),
        (" w.", None),
    ]
    assert marked(paragraph) == [
        ("link", "Alpha", "#a"),
        ("link", "Beta", "#b"),
        ("em", "y", None),
        ("strong", "Alpha", None),
        ("link", "Alpha", "#a"),
        ("code", "z", None),
        ("link", "w", "#b"),
    ]
    [span_s] = paragraphs(result.model, "s")
    assert (span_s.text, marked(span_s)) == (
        "x Beta y",
        [("link", "Beta", "#b"), ("em", "y", None)],
    )
    [span_t] = paragraphs(result.model, "t")
    assert (span_t.text, marked(span_t)) == ("z", [("code", "z", None)])
