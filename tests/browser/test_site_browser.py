"""The built site in a real browser: Debian's Chromium through Playwright, against the site that
`constitution build` makes of this repository, served on 127.0.0.1.

Every test records the requests the page makes and the console errors it logs: nothing may go to
another host, and nothing may fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from support import collect_page_errors, serve_directory
from test_site_build import build, copy_repo_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PAGES = (
    "",
    "00-preface/",  # not normative, no chapter number
    "01-overview/",  # the annotations
    "04-being-broadly-ethical/",  # the longest chapter, nested lists
    "core-values/",
    "constraints/",
    "glossary/",
    "tool-builders/",
    "authoring/",
)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site_url(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser-site")
    result = build(copy_repo_project(repo_root, root))
    assert result.exit_code == 0, result.output
    with serve_directory(root / "site") as url:
        yield url


@dataclass
class Visit:
    """A browser context that records every request and blocks those to other hosts."""

    context: BrowserContext
    page: Page
    origin: str
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def goto(self, path: str) -> None:
        response = self.page.goto(f"{self.origin}/{path}")
        assert response is not None and response.ok, path
        self.page.wait_for_load_state("networkidle")

    def assert_clean(self) -> None:
        assert self.requests, "no request was recorded"
        assert not self.foreign, f"requests to other hosts: {self.foreign}"
        assert not self.errors, self.errors


@pytest.fixture
def visit(browser: Browser, site_url: str) -> Iterator[Visit]:
    yield from _visit(browser, site_url, DESKTOP, "light")


def _visit(
    browser: Browser, site_url: str, viewport: dict[str, int], scheme: str
) -> Iterator[Visit]:
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    page = context.new_page()
    recorder = Visit(context, page, site_url)
    host = urlsplit(site_url).netloc

    def on_request(request: Request) -> None:
        recorder.requests.append(request.url)

    def guard(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob", "about") or url.netloc == host:
            route.continue_()
        else:
            recorder.foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page.on("request", on_request)
    recorder.errors = collect_page_errors(page)
    try:
        yield recorder
        recorder.assert_clean()
    finally:
        context.close()


def test_home_page_renders(visit: Visit) -> None:
    visit.goto("")
    page = visit.page
    assert page.title().startswith("Claude's Constitution")
    heading = page.locator("article h1").first
    assert heading.is_visible() and heading.inner_text().startswith("Claude's Constitution")
    nav = page.locator("nav.md-nav--primary")
    for title in ("Overview", "Core values", "Constraints", "Glossary", "For tool builders"):
        assert nav.get_by_text(title, exact=True).first.count() == 1
    assert page.locator("article").get_by_text("9 min read").first.is_visible()


def test_every_page_loads_without_errors_or_foreign_requests(visit: Visit) -> None:
    for path in PAGES:
        visit.goto(path)
        assert visit.page.locator("article h1").first.is_visible(), path


def test_search_finds_the_right_page(visit: Visit) -> None:
    visit.goto("")
    page = visit.page
    page.locator("input.md-search__input").click()
    page.keyboard.type("corrigibility")  # material searches on key events, not on fill()
    first = page.locator(".md-search-result__list a").first
    first.wait_for(state="visible")
    # The best match is the chapter that explains it, then its section.
    chapter = f"{visit.origin}/05-being-broadly-safe/"
    assert (first.get_attribute("href") or "").startswith(chapter)
    result = page.locator(
        ".md-search-result__list a[href*='05-being-broadly-safe/'][href$='#corrigibility']"
    )
    assert result.count() == 1
    assert "corrigibility" in result.inner_text()
    result.click()
    page.wait_for_url("**/05-being-broadly-safe/**")
    assert "corrigibility" in page.locator("#corrigibility").evaluate(
        "h => { let t = ''; for (let n = h.nextElementSibling; n && n.tagName !== 'H2'; n = n.nextElementSibling) t += n.textContent; return t; }"
    )


def test_permalink_lands_on_the_property(visit: Visit) -> None:
    visit.goto("01-overview/#broadly-safe")
    page = visit.page
    block = page.locator("#broadly-safe")
    block.wait_for(state="visible")
    assert "cc-property" in (block.get_attribute("class") or "")
    assert "Broadly safe" in block.inner_text() and "Rank 1" in block.inner_text()
    box = block.bounding_box()
    assert box is not None and 0 <= box["y"] < DESKTOP["height"] / 2, box
    # The permalink in the block points at itself.
    assert block.locator("a.headerlink").get_attribute("href") == "#broadly-safe"


def test_priority_diagram_is_visible(visit: Visit) -> None:
    visit.goto("core-values/")
    page = visit.page
    diagram = page.locator("svg.cc-diagram")
    diagram.scroll_into_view_if_needed()
    assert diagram.is_visible()
    box = diagram.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150, box
    items = diagram.locator("a.cc-diagram__item")
    assert items.count() == 4
    assert [items.nth(i).locator("title").text_content() for i in range(4)] == [
        "1. Broadly safe",
        "2. Broadly ethical",
        "3. Compliant with Anthropic's guidelines",
        "4. Genuinely helpful",
    ]
    # Boxes link to the property on the page.
    items.first.click()
    page.wait_for_url("**/core-values/#broadly-safe")


def test_constitution_json_downloads_and_parses(visit: Visit) -> None:
    visit.goto("")
    page = visit.page
    with page.expect_download() as info:
        page.locator("a[href='constitution.json']").click()
    path = info.value.path()
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    assert document["document"]["title"] == "Claude's Constitution"
    assert next(n for n in document["nodes"] if n["kind"] == "property")["id"] == "broadly-safe"
    response = page.request.get(f"{visit.origin}/schemas/constitution.schema.json")
    assert response.ok and response.json()["$id"] == document["$schema"]


def test_definition_links_show_the_definition_on_hover(visit: Visit) -> None:
    visit.goto("01-overview/")
    page = visit.page
    link = page.locator("a.cc-ref--definition[href='#human-oversight']").first
    link.scroll_into_view_if_needed()
    link.hover()
    tooltip_text = page.evaluate(
        "() => Array.from(document.querySelectorAll('.md-tooltip2, .md-tooltip, [role=tooltip]'))"
        ".map(t => t.textContent).join(' ')"
    )
    title = link.get_attribute("title") or link.get_attribute("data-md-title") or ""
    assert "Supporting human oversight" in (tooltip_text + title)


def test_dark_mode_toggle(visit: Visit) -> None:
    visit.goto("core-values/")
    page = visit.page
    assert page.locator("body").get_attribute("data-md-color-scheme") == "default"
    page.locator("form[data-md-component=palette] label:visible").first.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_core_values_page_screenshot(
    browser: Browser, site_url: str, scheme: str, device: str
) -> None:
    """Screenshots for regressions (tests/browser/screenshots/, not committed); the page must
    not scroll sideways on a phone."""
    viewport = DESKTOP if device == "desktop" else PHONE
    for visit in _visit(browser, site_url, viewport, scheme):
        visit.goto("core-values/")
        page = visit.page
        expected = "slate" if scheme == "dark" else "default"
        assert page.locator("body").get_attribute("data-md-color-scheme") == expected
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
        SCREENSHOTS.mkdir(exist_ok=True)
        target = SCREENSHOTS / f"core-values-{scheme}-{device}.png"
        page.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
