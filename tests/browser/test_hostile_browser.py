"""The payload site in Chromium: a spec whose every attribute of every kind, front matter, heading,
title and file name carries markup (`tests/site/test_hostile_site.py`), checked, released twice and
built, served on 127.0.0.1. On every built page, its images and its search results: no dialog
opens, `document.title` stays what the server sent, the `window.__pwned` sentinel stays unset,
and no request leaves 127.0.0.1. Screenshots of the payload pages go to tests/browser/screenshots/.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from support import block_other_hosts, serve_directory
from test_hostile_site import SENTINEL, payload_project
from test_site_build import build

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
#: Fire the events that inline handlers listen to, on every element.
FIRE_EVENTS = """() => { for (const el of document.querySelectorAll('body *')) {
  for (const type of ['mouseover', 'mouseenter', 'focus', 'error', 'load', 'click', 'animationstart'])
    try { el.dispatchEvent(new Event(type, {bubbles: false})); } catch (e) {}
} }"""


@dataclass
class Watch:
    """One browser context that blocks and records every request to another host, and records
    every dialog."""

    page: Page
    origin: str
    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def assert_inert(self, where: str, title: str | None) -> None:
        assert self.dialogs == [], (where, self.dialogs)
        assert self.page.evaluate(f"typeof {SENTINEL}") == "undefined", where
        assert self.foreign == [], (where, self.foreign)
        if title is not None:  # as the browser reads a <title>: white space collapsed
            assert self.page.title() == " ".join(title.split()), where


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("payload-browser")
    result = build(payload_project(root))
    assert result.exit_code == 0, result.output
    with serve_directory(root / "site") as origin:
        yield root / "site", origin


def _watch(browser: Browser, origin: str, viewport: dict[str, int], scheme: str) -> Iterator[Watch]:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch = Watch(page, origin)
    block_other_hosts(context, origin, watch.foreign)
    page.on("dialog", lambda dialog: (watch.dialogs.append(dialog.message), dialog.dismiss()))
    try:
        yield watch
    finally:
        context.close()


def _served_title(path: Path) -> str | None:
    match = re.search(r"<title>(.*?)</title>", path.read_text("utf-8"), re.DOTALL)
    return html.unescape(match[1]) if match else None


def test_no_payload_runs_or_fetches_on_any_page_or_in_the_search_results(
    browser: Browser, payload_site: tuple[Path, str]
) -> None:
    site, origin = payload_site
    pages = sorted(site.rglob("*.html"))
    images = sorted(site.rglob("*.svg")) + sorted(site.rglob("*.png"))
    assert len(pages) >= 15 and any("pwned" in p.name for p in images), pages + images
    for watch in _watch(browser, origin, {"width": 1280, "height": 900}, "light"):
        for path in pages + images:
            where = path.relative_to(site).as_posix()
            response = watch.page.goto(f"{origin}/{quote(where)}")
            assert response is not None and response.ok, where
            watch.page.wait_for_load_state("load")
            watch.page.evaluate(FIRE_EVENTS)
            watch.page.wait_for_timeout(50)
            watch.assert_inert(where, _served_title(path) if path.suffix == ".html" else None)
        # mkdocs-material renders the search index's titles and texts as HTML in its results.
        watch.page.goto(f"{origin}/")
        title = watch.page.title()
        watch.page.locator("input.md-search__input").click()
        watch.page.keyboard.type("pwned")  # material searches on key events, not on fill()
        watch.page.locator(".md-search-result__list a").first.wait_for(state="visible")
        assert f"<script>{SENTINEL}=" in watch.page.locator(".md-search-result").inner_text()
        watch.page.evaluate(FIRE_EVENTS)
        watch.assert_inert("search results", title)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_payload_pages_screenshot(
    browser: Browser, payload_site: tuple[Path, str], scheme: str, device: str
) -> None:
    """Screenshots (not committed): the payloads read as text, and the pages still lay out."""
    _, origin = payload_site
    viewport = (
        {"width": 1280, "height": 900} if device == "desktop" else {"width": 390, "height": 844}
    )
    for watch in _watch(browser, origin, viewport, scheme):
        for name, path in (("constraints", "constraints/"), ("chapter", "01-payload/")):
            watch.page.goto(f"{origin}/{path}")
            watch.page.wait_for_load_state("load")
            heading = watch.page.locator("article h1").first
            assert "<script>" in heading.inner_text() or name == "constraints"
            assert f"<script>{SENTINEL}=" in watch.page.locator("article").inner_text()
            SCREENSHOTS.mkdir(exist_ok=True)
            target = SCREENSHOTS / f"payload-{name}-{scheme}-{device}.png"
            watch.page.screenshot(path=str(target), full_page=False)
            assert target.stat().st_size > 10_000
            watch.assert_inert(path, None)
