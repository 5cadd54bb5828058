"""The print version and the search, in Chromium, against the repository's constitution with its
releases (the `released_site` fixture), served on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import serve_directory
from test_site_browser import DESKTOP, SCREENSHOTS, Visit, _visit

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PHONE_360 = {"width": 360, "height": 780}


@pytest.fixture(scope="module")
def released_url(released_site: Path) -> Iterator[str]:
    with serve_directory(released_site) as url:
        yield url


@pytest.fixture
def visit(browser: Browser, released_url: str) -> Iterator[Visit]:
    yield from _visit(browser, released_url, DESKTOP, "light")


def test_search_lists_the_defining_chapter_first_and_no_archive(visit: Visit) -> None:
    visit.goto("")
    page = visit.page
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("corrigibility", delay=20)
    results = page.locator(".md-search-result__list > li > a")
    results.first.wait_for(state="visible")
    hrefs = [link.get_attribute("href") or "" for link in results.all()]
    assert hrefs[0].startswith(f"{visit.origin}/05-being-broadly-safe/"), hrefs
    # Every hit appears once: no archived release, no change list, no print page.
    for href in hrefs:
        path = href.removeprefix(f"{visit.origin}/")
        assert not path.startswith(("versions/1", "changes", "print")), hrefs
    assert len(set(hrefs)) == len(hrefs)


def test_print_page_shows_every_chapter_and_links_its_pdf(visit: Visit) -> None:
    visit.goto("print/")
    page = visit.page
    headings = page.locator("article h1")
    assert headings.count() == 10  # the title, then nine chapters
    contents = page.locator(".cc-print-contents a")
    assert contents.count() == 9
    # The contents lead to each chapter on this page.
    anchor = contents.nth(5).get_attribute("href") or ""
    assert anchor.startswith("#")
    contents.nth(5).click()
    assert page.url == f"{visit.origin}/print/{anchor}"
    target = page.locator(f"[id='{anchor[1:]}']")
    assert target.inner_text().startswith("Being broadly safe")
    assert target.evaluate("e => e.getBoundingClientRect().top") < 200
    link = page.locator("a.cc-pdf-link, .cc-pdf-link a").first
    href = link.get_attribute("href") or ""
    response = page.request.get(f"{visit.origin}/print/{href}")
    assert response.ok and response.body().startswith(b"%PDF-")
    # Printing leaves out the site's header, navigation and search.
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()


def test_release_print_page_loads(visit: Visit) -> None:
    visit.goto("print/1.0.0/")
    page = visit.page
    assert "1.0.0" in page.locator("article h1").first.inner_text()
    href = page.locator(".cc-pdf-link a").first.get_attribute("href") or ""
    assert href.endswith("pdf/constitution-1.0.0.pdf")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_print_page_screenshot(
    browser: Browser, released_url: str, scheme: str, device: str
) -> None:
    """Screenshots for review (tests/browser/screenshots/, not committed); at 360 px the page
    does not scroll sideways."""
    viewport = DESKTOP if device == "desktop" else PHONE_360
    for visit in _visit(browser, released_url, viewport, scheme):
        visit.goto("print/")
        page = visit.page
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        SCREENSHOTS.mkdir(exist_ok=True)
        target = SCREENSHOTS / f"print-{scheme}-{device}.png"
        page.screenshot(path=str(target))
        assert target.stat().st_size > 10_000
