"""Injected markup never becomes live on the site.

The policy (authoring guide, "What is refused"): raw HTML is rejected (CC206), and so are
`javascript:`, `vbscript:`, `data:` and `file:` links and images (CC207), however they are
spelled. What does compile is escaped: attribute values, titles and code are text on the page.
As a second line of defence the renderer escapes raw HTML and drops unsafe URLs even when it is
handed tokens the compiler would have refused. Both are checked here in Chromium: no dialog opens
and the `window.__pwned` sentinel stays unset.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from support.markup import THEME_ELEMENTS, browser_scheme, live_markup, script_text
from support.preview import build_preview
from test_site_build import build, make_project

from compiler.cli import cli
from compiler.release import make_release
from compiler.site.render import PageContext, SiteIndex, render_markdown

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

DATA = Path(__file__).parents[1] / "data"
HOSTILE_VALID = DATA / "valid" / "hostile-but-valid.md"
#: Every injection the invalid corpus tries, fed straight to the renderer.
INJECTIONS = sorted(
    path
    for path in (DATA / "invalid").glob("*.md")
    if path.stem.startswith(("raw-html", "unsafe-", "attr-"))
)
#: A second chapter whose title and front matter try to leave the <title>, the nav and <meta>.
CHAPTER = """---
description: "\\"><script>window.__pwned='description'</script>"
reading_time: 3
---
# `</title><script>window.__pwned='title'</script>` and "quotes" {#chapter-two}

See [the first chapter](#hostile).
"""
EXTRA = """
# Title <img src=x onerror="window.__pwned=10"> `</title><script>window.__pwned=11</script>`

# H {#h onclick="window.__pwned=1" style="x" .a}

::: property {#p rank=1 onclick="window.__pwned=2" title="\\"><script>window.__pwned=3</script>"}
**P**: x <img src=x onerror="window.__pwned=4">
:::

!!! note "<script>window.__pwned=5</script>"
    <svg onload="window.__pwned=6"></svg>

[a](javascript:window.__pwned=7) ![b](javascript:window.__pwned=8) <javascript:window.__pwned=9>
"""


def hostile_page() -> str:
    context = PageContext(SiteIndex(), "a.md", lambda name: None)
    parts = [path.read_text("utf-8") for path in INJECTIONS] + [EXTRA]
    return render_markdown("\n\n".join(parts), context).html


def hostile_project() -> dict[str, str]:
    return {"index.md": HOSTILE_VALID.read_text("utf-8"), "2-chapter.md": CHAPTER}


def test_the_renderer_escapes_what_the_compiler_would_refuse() -> None:
    assert len(INJECTIONS) >= 10
    html = hostile_page()
    assert live_markup(html) == []
    assert "&lt;script&gt;" in html  # shown as text, not dropped silently


def test_the_built_site_of_hostile_but_valid_input_has_no_live_markup(tmp_path: Path) -> None:
    config = make_project(tmp_path, hostile_project())
    result = build(config)
    assert result.exit_code == 0, result.output
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text("utf-8")
        # The theme has its own scripts, inline SVG icons and a search form; what comes from the
        # source must show as escaped text, so no handler, unsafe URL or payload script appears.
        found = [f for f in live_markup(html) if f not in THEME_ELEMENTS]
        assert found == [], page
        assert "__pwned" not in script_text(html), page
        assert "alert(" not in script_text(html), page


# --- in the browser ----------------------------------------------------------------------------


def _visit_without_running_anything(page: Page, url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("load")
    # Fire the events inline handlers listen to on every element, then look again.
    page.evaluate(
        """() => { for (const el of document.querySelectorAll('body *')) {
             for (const type of ['mouseover', 'mouseenter', 'focus', 'error', 'load', 'animationstart'])
               el.dispatchEvent(new Event(type, {bubbles: false}));
           } }"""
    )
    assert dialogs == [], url
    assert page.evaluate("typeof window.__pwned") == "undefined", url
    handlers = page.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(el =>
             [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))"""
    )
    assert handlers == [], url


def test_no_script_runs_on_the_rendered_injections(
    page: Page, serve_dir: Callable[[str | Path], str], tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text(
        f"<!doctype html><meta charset=utf-8><title>t</title><body>{hostile_page()}</body>",
        "utf-8",
    )
    _visit_without_running_anything(page, serve_dir(tmp_path) + "/index.html")


def test_no_script_runs_on_the_hostile_but_valid_site(
    page: Page, serve_dir: Callable[[str | Path], str], tmp_path: Path
) -> None:
    config = make_project(tmp_path, hostile_project())
    result = build(config)
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    origin = serve_dir(site)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert "index.html" in pages
    for path in pages:
        _visit_without_running_anything(page, f"{origin}/{path}")
    shutil.rmtree(site)


def test_no_script_runs_on_a_preview_of_a_spec_full_of_injections(
    page: Page, serve_dir: Callable[[str | Path], str], tmp_path: Path
) -> None:
    """A live preview renders the pages even while the spec has errors: the refused input itself
    reaches the browser there, and must still be inert."""
    files = {path.name: path.read_text("utf-8") for path in INJECTIONS}
    files["index.md"] = "# Home {#home}\n\nInjections follow.\n"
    files["zz-extra.md"] = EXTRA
    site = build_preview(make_project(tmp_path, files))
    origin = serve_dir(site)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert len(pages) > len(INJECTIONS)
    for path in pages:
        html = (site / path).read_text("utf-8")
        assert "The constitution has errors" in html, path
        assert [f for f in live_markup(html) if f not in THEME_ELEMENTS] == [], path
        _visit_without_running_anything(page, f"{origin}/{path}")


# --- every attribute of every kind carries a payload, through check, release and build ----------

#: Markup that would act if it ever became live: each copy sets the `window.__pwned` sentinel,
#: changes `document.title`, or fetches from another host (`off-host.invalid`).
SENTINEL = "window.__pwned"


def payload(n: int) -> str:
    return (
        f"\"'><img src=x onerror=\"{SENTINEL}={n};document.title='PWNED'\">"
        f"<script>{SENTINEL}={n}</script><svg onload={SENTINEL}={n}>"
        f"<img src=https://off-host.invalid/{n}.png> javascript:{SENTINEL}={n} </title>"
    )


def bare_payload(n: int) -> str:
    """For unquoted attribute values: no spaces or quotes."""
    return f"'><svg/onload={SENTINEL}={n}><img/src=//off-host.invalid/{n}.png>"


def class_payload(n: int) -> str:
    """For `.class`: no spaces, dots, `=`, `#` or double quotes."""
    return f"'><script>alert({n})</script>"


def name_payload(n: int) -> str:
    """For file and folder names: no `/`."""
    return f"\"'><img src=x onerror={SENTINEL}={n}>"


def md_text(text: str) -> str:
    """`text` as Markdown inline text: every ASCII punctuation character backslash-escaped, so
    that it reaches the page as these very characters."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def quoted(text: str) -> str:
    """`text` as a double-quoted attribute value."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def attributes(n: int) -> str:
    """Attribute keys that mean something in HTML, each with a payload."""
    return (
        f'onclick="{quoted(payload(n))}" style="{quoted(payload(n + 1))}" '
        f'href="javascript:{SENTINEL}={n}" src={bare_payload(n + 2)} xlink:href="{quoted(payload(n + 3))}" '
        f'on:x="{quoted(payload(n + 4))}" .{class_payload(n + 5)}'
    )


#: PNG and SVG images the spec may hold (checked by content: these pass).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'
    f"<title>{html_escape(payload(90))}</title>"
    '<rect width="10" height="10" fill="url(#g)"/><defs><linearGradient id="g">'
    '<stop offset="0" stop-color="#36c"/></linearGradient></defs>'
    f"<text x='0' y='8'>{html_escape(payload(91))}</text></svg>"
)


def payload_chapter(version: str, wording: str) -> str:
    front = "\n".join(
        [
            "---",
            f"title: {json.dumps(payload(1))}",
            f"version: {version}",
            f"description: {json.dumps(payload(2))}",
            f"license: {json.dumps(payload(3))}",
            f"authors: [{json.dumps(payload(4))}]",
            "---",
        ]
    )
    image = quote(f"{name_payload(5)}.png")
    return f"""{front}

Preamble {md_text(payload(6))} before the first heading.

# {md_text(payload(10))} {{#top {attributes(11)}}}

## {md_text(payload(20))}

Text with `{payload(21)}` and [a link]( #p1 "{md_text(payload(22))}") and [?](#d1) and
![{md_text(payload(23))}]({image} "{md_text(payload(24))}") and ![diagram](diagram.svg).

| {md_text(payload(25))} | `{payload(26)}` |
|---|---|
| [{md_text(payload(27))}](#c1) | ![{md_text(payload(28))}](diagram.svg) |

::: property {{#p1 rank=1 title="{quoted(payload(30))}" {attributes(31)}}}
**{md_text(payload(37))}**: the first value, {wording}.
:::

::: property {{#p2 rank=2}}
**{md_text(payload(38))}**: the second value.
:::

::: priority {{#pr mode=holistic order="p1 p2" {attributes(40)}}}
{md_text(payload(47))} weighs both.
:::

::: constraint {{#c1 kind=hard note="{quoted(payload(50))}" concerns="p1 p2" {attributes(51)}}}
Never {md_text(payload(57))}.
:::

::: constraint {{#c2 kind=robustness note={bare_payload(58)} concerns="p2"}}
Also never.
:::

::: definition {{#d1 term="{quoted(payload(60))}" {attributes(61)}}}
A term that {md_text(payload(67))}, {wording}.
:::

::: rationale {{#r1 justifies="p1 c1" {attributes(70)}}}
Because [?](#p1) and [{md_text(payload(77))}](#d1).
:::

!!! note "{md_text(payload(80)).replace(chr(34), "'")}"
    An admonition {md_text(payload(81))}.

```{bare_payload(82)}
{payload(83)}
```
"""


def payload_project(root: Path) -> Path:
    """A project whose spec carries payloads in every attribute of every kind, in front matter,
    headings, link and image titles, table cells, admonition titles and file and folder names;
    released twice (so the Versions and Changes pages show them too). Returns mkdocs.yml."""
    docs = root / "docs"
    files = {
        "01-payload.md": payload_chapter("1.0.0", "first wording"),
        f"{name_payload(100)}.md": f"A chapter without a heading {md_text(payload(101))}.\n",
        f"{name_payload(110)}/{name_payload(111)}.md": (
            f"# {md_text(payload(112))} {{#deep}}\n\nIn a folder.\n"
        ),
    }
    config = make_project(root, files)
    (docs / f"{name_payload(5)}.png").write_bytes(PNG)
    (docs / "diagram.svg").write_text(SVG, "utf-8")
    for version, wording, date in (
        ("1.0.0", "first wording", "2026-01-01"),
        ("1.1.0", "second", "2026-02-01"),
    ):
        (docs / "01-payload.md").write_text(payload_chapter(version, wording), "utf-8")
        outcome = make_release(version, docs, root / "releases", date=date)
        assert outcome.entry is not None, [d.format() for d in outcome.diagnostics]
    return config


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The payload project, checked and built; its site directory."""
    root = tmp_path_factory.mktemp("payload")
    config = payload_project(root)
    checked = CliRunner().invoke(cli, ["check", str(root / "docs")])
    assert checked.exit_code == 0, checked.output
    result = build(config)
    assert result.exit_code == 0, result.output
    return root / "site"


def visible_text(html: str) -> str:
    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return "".join(parser.parts)


def test_payloads_in_every_attribute_stay_text_on_every_page_and_in_the_search_index(
    payload_site: Path,
) -> None:
    pages = sorted(payload_site.rglob("*.html"))
    names = {p.relative_to(payload_site).as_posix() for p in pages}
    for page in (
        "index.html",
        "constraints/index.html",
        "glossary/index.html",
        "versions/index.html",
        "changes/1.1.0/index.html",
        "versions/1.0.0/index.html",
    ):
        assert page in names, sorted(names)
    shown = 0
    for page in pages:
        text = page.read_text("utf-8")
        found = [f for f in live_markup(text) if f not in THEME_ELEMENTS]
        assert found == [], (page, found)
        assert SENTINEL not in script_text(text), page
        title = re.search(r"<title>(.*?)</title>", text, re.DOTALL)
        assert title is not None and "<" not in title[1], page
        shown += f"<script>{SENTINEL}=" in visible_text(text)
    assert shown >= 10  # the payloads did reach the pages, as text
    # mkdocs-material shows the index's titles and texts as HTML in its search results.
    index = json.loads((payload_site / "search" / "search_index.json").read_text("utf-8"))
    entries = index["docs"]
    assert any(f"<script>{SENTINEL}=" in html.unescape(e["title"]) for e in entries)
    for entry in entries:
        for key in ("title", "text"):
            assert live_markup(entry[key]) == [], entry
            assert "<img" not in entry[key] and "<script" not in entry[key], entry
        assert not browser_scheme(entry["location"]), entry


def test_a_chapter_the_compiler_cannot_read_keeps_an_escaped_title_in_a_preview(
    tmp_path: Path,
) -> None:
    """Found by the fuzzer: a preview shows a chapter that is not UTF-8 as an error page; mkdocs
    named it after its file, unescaped, in the <h1>, the header and the nav."""
    name = name_payload(1)
    config_file = make_project(tmp_path, {"index.md": "# Home {#home}\n"})
    (tmp_path / "docs" / f"{name}.md").write_bytes(b"\x89 not UTF-8")
    build_preview(config_file)
    for page in (tmp_path / "site").rglob("*.html"):
        assert [f for f in live_markup(page.read_text("utf-8")) if f not in THEME_ELEMENTS] == []
    page = (tmp_path / "site" / name / "index.html").read_text("utf-8")
    assert "&lt;img src=x onerror=" in page and "CC101" in page
