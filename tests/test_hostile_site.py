"""Injected markup never becomes live on the site.

The policy (authoring guide, "What is refused"): raw HTML is rejected (CC206), and so are
`javascript:`, `vbscript:`, `data:` and `file:` links and images (CC207), however they are
spelled. What does compile is escaped: attribute values, titles and code are text on the page.
As a second line of defence the renderer escapes raw HTML and drops unsafe URLs even when it is
handed tokens the compiler would have refused. Both are checked here in Chromium: no dialog opens
and the `window.__pwned` sentinel stays unset.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

from test_site_build import build, make_project

from compiler.extract import UNSAFE_SCHEMES
from compiler.render import PageContext, SiteIndex, render_markdown

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

DATA = Path(__file__).parent / "data"
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


THEME_ELEMENTS = {"<script>", "<svg>", "<form>"}


class _LiveMarkup(HTMLParser):
    """Collects what could run: script-capable elements, on* attributes, unsafe URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "svg", "math", "style", "base", "form"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "xlink:href") and browser_scheme(value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")


def browser_scheme(url: str) -> str | None:
    """The script-capable scheme a browser would see in an attribute value (WHATWG URL parsing:
    leading and trailing C0 controls and spaces are stripped, tabs and newlines removed)."""
    url = "".join(ch for ch in url.strip("".join(map(chr, range(33)))) if ch not in "\t\n\r")
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", url, re.IGNORECASE)
    return scheme[1] if scheme and f"{scheme[1].lower()}:" in UNSAFE_SCHEMES else None


def live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


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
        assert "__pwned" not in _script_text(html), page
        assert "alert(" not in _script_text(html), page


def _script_text(html: str) -> str:
    class Scripts(HTMLParser):
        text = ""
        inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.inside = tag == "script"

        def handle_endtag(self, tag: str) -> None:
            self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.text += data

    parser = Scripts()
    parser.feed(html)
    return parser.text


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
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    files = {path.name: path.read_text("utf-8") for path in INJECTIONS}
    files["index.md"] = "# Home {#home}\n\nInjections follow.\n"
    files["zz-extra.md"] = EXTRA
    config = load_config(config_file=str(make_project(tmp_path, files)))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    site = tmp_path / "site"
    origin = serve_dir(site)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert len(pages) > len(INJECTIONS)
    for path in pages:
        html = (site / path).read_text("utf-8")
        assert "The constitution has errors" in html, path
        assert [f for f in live_markup(html) if f not in THEME_ELEMENTS] == [], path
        _visit_without_running_anything(page, f"{origin}/{path}")
