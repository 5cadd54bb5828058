"""Release pages keep the text's formatting: a paragraph's marks (schema 3.2.0) are rendered by
the chapters' renderer, so emphasis, strong, struck-out text, code and links read on a release
page as on the chapter the text came from; hostile marks in a hand-made JSON stay text."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from compiler.document import from_json
from compiler.pipeline import compile_sources
from compiler.reader import SourceFile
from compiler.release import load_index
from compiler.site import Site
from compiler.site.release_view import ReleaseFacts, release_builder
from compiler.site.render import PageContext, SiteIndex

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "valid" / "marks.md"
FACTS = ReleaseFacts("1.0.0", "2026-01-01", "0" * 64, "changes/1.0.0.md")
#: The inline formatting a reader sees: these tags (a link with its target), and the text.
_FORMAT_TAG = re.compile(r"<(/?)(em|strong|s|code|a)\b([^>]*)>")


def release_html(data: dict[str, Any]) -> str:
    page = release_builder("versions/1.0.0.md", FACTS, from_json(data))
    return page(PageContext(SiteIndex(), None, lambda path: None)).html


def compiled() -> tuple[Site, dict[str, Any]]:
    result = compile_sources([SourceFile("marks.md", "marks.md", FIXTURE.read_text("utf-8"))])
    assert result.ok, result.diagnostics
    return Site(result), json.loads(result.to_json_bytes())


def formatting(html: str) -> str:
    """The text as a reader sees its formatting: the formatting tags (a link with its target:
    an id, or the URL) and the words, headings, labels, permalinks and other tags left out."""
    html = re.sub(r'<a class="[^"]*headerlink"[^>]*>¶</a>', "", html)
    html = re.sub(r"<h\d[^>]*>.*?</h\d>", " ", html, flags=re.S)
    html = re.sub(r'<p class="cc-[^"]*"[^>]*>.*?</p>', " ", html, flags=re.S)

    def tag(found: re.Match[str]) -> str:
        closing, name, attributes = found.groups()
        if closing:
            return f"</{name}>"
        href = re.search(r'href="([^"]*)"', attributes)
        target = href.group(1) if href else ""
        return f"<{name} {target.rsplit('#', 1)[-1]}>" if target else f"<{name}>"

    marked = re.sub(r"<(?!/?(?:em|strong|s|code|a|br)\b)[^>]*>", " ", html)
    return " ".join(_FORMAT_TAG.sub(tag, marked).split())


def test_a_release_page_shows_the_formatting_as_the_chapter_does() -> None:
    site, data = compiled()
    chapter = site.render("marks.md", lambda path: None)
    assert chapter is not None
    on_chapter, on_release = formatting(chapter.html), formatting(release_html(data))
    # A link to a chapter goes to that chapter's page there, to its first heading here.
    assert on_release == on_chapter.replace("<a marks.md>", "<a formatting>")
    joined = on_release
    for tag in ("<em>", "<strong>", "<s>", "<code>", "<a https://example.org/a?b=1&amp;c=2>"):
        assert tag in joined
    assert "<a kept-value>Kept value</a>" in joined  # a placeholder reads as its target's title
    assert "😀 <em>emoji after an emoji</em>" in joined
    assert "<strong>strong with <em>emphasis</em> inside</strong>" in joined
    assert "<code>inline &lt;code&gt;</code>" in joined
    assert "line<br /> and" in joined  # the hard break kept


def test_a_release_page_says_when_its_file_records_plain_text_only(repo_root: Path) -> None:
    index, _ = load_index(repo_root / "releases")
    for entry in index.entries:
        data = json.loads((repo_root / "releases" / entry.file).read_text("utf-8"))
        html = release_html(data)
        assert "records plain text only" in html, entry.version  # 1.0.0 and 2.0.0: before 3.2.0
    _, data = compiled()
    assert "records plain text only" not in release_html(data)


def test_hostile_marks_in_a_hand_made_release_stay_text() -> None:
    """Unsafe hrefs, however disguised, give no link; marks that cross, run past the text, are
    empty or of an unknown type give well-nested tags or none; the text is escaped."""
    _, data = compiled()
    hostile = copy.deepcopy(data)
    section = next(node for node in hostile["nodes"] if node["id"] == "formatting")
    hrefs = ["javascript:alert(2)", "JaVa\tScRiPt:alert(3)", "&#106;avascript:alert(4)",
             "%6Aavascript:alert(5)", "data:text/html,<script>alert(6)</script>",
             "vbscript:msgbox(7)", "file:///etc/passwd", '#x" onmouseover="alert(8)']  # fmt: skip
    words = [f"w{index}" for index in range(len(hrefs))]
    text = f"<script>alert(1)</script> {' '.join(words)} one two three four"
    marks: list[dict[str, Any]] = [
        {"type": "link", "start": text.index(word), "end": text.index(word) + 2, "href": href}
        for word, href in zip(words, hrefs, strict=True)
    ]
    one = text.index(" one") + 1
    marks += [
        {"type": "link", "start": one, "end": len(text), "href": "#formatting"},
        {"type": "link", "start": one, "end": one + 3, "href": "#kept-value"},  # inside it
        {"type": "em", "start": one, "end": one + 7},  # "one two", crossed by the next one
        {"type": "strong", "start": one + 4, "end": one + 13},  # "two three"
        {"type": "code", "start": one + 14, "end": 999},  # "four", and past the text
        {"type": "em", "start": 5, "end": 5},  # empty
        {"type": "blink", "start": 0, "end": 4},  # unknown
    ]
    section["blocks"][0] = {"type": "paragraph", "text": text, "marks": marks}
    html = release_html(hostile)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"(?i)href=\"\s*(javascript|vbscript|data|file|&#)", html)
    assert '" onmouseover' not in html
    assert 'href="#x&quot; onmouseover=&quot;alert(8)"' in html  # escaped: an attribute value
    first = re.search(r"<p>(.*?)</p>", html.split('id="formatting"', 1)[1], re.S)
    assert first is not None
    paragraph = first.group(1)
    tags = re.findall(r"<(/?)(\w+)", paragraph)
    stack: list[str] = []
    for closing, name in tags:  # well nested
        if closing:
            assert stack.pop() == name, paragraph
        elif name != "br":
            stack.append(name)
    assert stack == []
    assert "<blink" not in paragraph
    assert paragraph.count("<a") == len(hrefs) + 1  # a link holds no other
    assert 'href="#formatting"' in paragraph and 'href="#kept-value"' not in paragraph
    assert "<em>one <strong>two</strong></em> three <code>four</code>" in paragraph
