"""The built site in a real browser: Debian's Chromium through Playwright, against the site that
`constitution build` makes of this repository, served on 127.0.0.1.

Every test records the requests the page makes and the console errors it logs: nothing may go to
another host, and nothing may fail.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from support import block_other_hosts, collect_page_errors, serve_directory
from test_site_build import build, copy_repo_project

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Request

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PAGES = (
    "",
    "00-preface/",  # not normative, no chapter number
    "01-overview/",  # the annotations
    "04-being-broadly-ethical/",  # the longest chapter, nested lists
    "core-values/",
    "constraints/",
    "glossary/",
    "principals-and-trust/",
    "behaviors/",
    "honesty/",
    "safe-behavior-list/",
    "print/",  # the whole text on one page, to print
    "tool-builders/",
    "authoring/",
    "versions/",
    "changes/",
    "changes/1.0.0/",
    "versions/1.0.0/",  # a release, rendered like a chapter
)
CHAPTERS = ("01-overview/", "02-being-helpful/", "04-being-broadly-ethical/", "versions/1.0.0/")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROWEST = {"width": 360, "height": 780}
#: How much of each page a screenshot shows (its first screens; long chapters run to 20,000 px).
SHOT_HEIGHT = 2400

#: Characters per line of the body text, line by line: every paragraph of the article, all its
#: lines but the last (a paragraph's last line is short).
MEASURE_JS = """() => {
  const counts = [];
  for (const p of document.querySelectorAll("article.md-content__inner > p")) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const lines = new Map();
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (rect) lines.set(Math.round(rect.bottom), (lines.get(Math.round(rect.bottom)) || 0) + 1);
      }
    }
    const perLine = [...lines.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]);
    perLine.pop();
    counts.push(...perLine);
  }
  return counts;
}"""

#: Where each code element's text wraps: the character before every line break.
CODE_BREAKS_JS = """() => {
  const found = [];
  const range = document.createRange();
  for (const code of document.querySelectorAll("article :not(pre) > code")) {
    let top = null, previous = "";
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect || !rect.width) { previous = node.data[i]; continue; }
        if (top !== null && rect.top > top + 2) found.push(previous + "|" + node.data[i]);
        top = rect.top;
        previous = node.data[i];
      }
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def site_url(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser-site")
    config = copy_repo_project(repo_root, root)
    shutil.copytree(repo_root / "releases", root / "releases")  # as a fresh clone has them
    result = build(config)
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

    def on_request(request: Request) -> None:
        recorder.requests.append(request.url)

    block_other_hosts(context, site_url, recorder.foreign)
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
        assert nav.get_by_text(title).first.count() == 1
    assert page.locator("article").get_by_text("9 min read").first.is_visible()


def published_url(repo_root: Path) -> str:
    """The repository's `site_url` (mkdocs.yml): where the site is published."""
    import yaml

    with (repo_root / "mkdocs.yml").open(encoding="utf-8") as file:
        config = yaml.load(file, Loader=yaml.BaseLoader)
    url = config["site_url"]
    assert isinstance(url, str) and url.startswith("https://") and url.endswith("/")
    return url


def test_pages_name_the_published_site_without_requesting_it(visit: Visit, repo_root: Path) -> None:
    """A canonical link names the published address; it is no request, so the guard, which fails
    a test on any request that leaves 127.0.0.1, never sees it."""
    published = published_url(repo_root)
    for path in ("", "01-overview/", "versions/1.0.0/"):
        visit.goto(path)
        canonical = visit.page.locator('link[rel="canonical"]')
        assert canonical.get_attribute("href") == published + path
    visit.goto("tool-builders/")
    code = visit.page.locator("article pre").all_inner_texts()
    assert any(f"{published}constitution.json" in text for text in code)
    assert not any(url.startswith(published) for url in visit.requests)
    assert all(urlsplit(url).hostname == "127.0.0.1" for url in visit.requests)


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
    assert "Broadly safe" in block.inner_text() and "core value" in block.inner_text().lower()
    assert block.evaluate("b => b.tagName") == "LI"  # an item of the list the text speaks of
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
def test_every_page_screenshot(browser: Browser, site_url: str, scheme: str, device: str) -> None:
    """Screenshots of every page for review (tests/browser/screenshots/, not committed): at
    1280 px and on a 360 px phone, light and dark. No page scrolls sideways."""
    viewport = DESKTOP if device == "desktop" else NARROWEST
    SCREENSHOTS.mkdir(exist_ok=True)
    for visit in _visit(browser, site_url, viewport, scheme):
        page = visit.page
        for path in PAGES:
            visit.goto(path)
            expected = "slate" if scheme == "dark" else "default"
            assert page.locator("body").get_attribute("data-md-color-scheme") == expected
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path or 'home'} scrolls sideways by {overflow}px"
            name = path.strip("/").replace("/", "-") or "home"
            target = SCREENSHOTS / f"{name}-{scheme}-{device}.png"
            height = min(page.evaluate("document.documentElement.scrollHeight"), SHOT_HEIGHT)
            clip = {"x": 0, "y": 0, "width": viewport["width"], "height": height}
            page.screenshot(path=str(target), full_page=True, clip=clip)  # type: ignore[arg-type]
            assert target.stat().st_size > 10_000


def test_no_page_scrolls_sideways_on_a_360_px_phone(browser: Browser, site_url: str) -> None:
    """Every page of the site, the generated ones and the releases too: tables and code fit, or
    scroll inside their own box."""
    for visit in _visit(browser, site_url, NARROWEST, "light"):
        visit.goto("")
        links = visit.page.eval_on_selector_all(
            "nav.md-nav--primary a.md-nav__link[href]", "links => links.map(a => a.href)"
        )
        pages = sorted({link.split("#")[0] for link in links if link.startswith(site_url)})
        assert len(pages) >= len(PAGES), pages
        for url in pages:
            visit.goto(url.removeprefix(f"{site_url}/"))
            overflow = visit.page.evaluate(
                "document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px"


#: Every cell of the page's tables: (left, right, width, column), in CSS pixels.
CELLS_JS = """() => Array.from(document.querySelectorAll("article table td")).map(td => {
  const box = td.getBoundingClientRect();
  return [box.left, box.right, box.width, td.cellIndex];
})"""


def test_tables_read_as_cards_on_a_360_px_phone(browser: Browser, site_url: str) -> None:
    """Each row of a table is a card as wide as the text: its first cell (the behavior, the
    field, the file) is never squeezed into a narrow column, and no cell leaves the screen."""
    for visit in _visit(browser, site_url, NARROWEST, "light"):
        for path in ("behaviors/", "tool-builders/", "authoring/", "versions/"):
            visit.goto(path)
            cells = [cell for cell in visit.page.evaluate(CELLS_JS) if cell[2] > 0]
            assert cells, path
            outside = [cell for cell in cells if cell[0] < 0 or cell[1] > NARROWEST["width"]]
            assert not outside, (path, outside[:3])
            firsts = [width for _, _, width, column in cells if column == 0]
            assert min(firsts) >= 0.8 * (NARROWEST["width"] - 40), (path, min(firsts))
            label = visit.page.evaluate(
                """() => getComputedStyle(
                    document.querySelector("article table td:nth-child(2)"), "::before"
                ).content"""
            )
            assert label.endswith(': "') or label.endswith(':"') or ": " in label, (path, label)


def test_body_text_measure_at_1280_px(visit: Visit) -> None:
    """60-75 characters a line, in the bundled reading face, loaded from this site."""
    for path in CHAPTERS:
        visit.goto(path)
        page = visit.page
        page.evaluate("document.fonts.ready")
        family = page.evaluate("getComputedStyle(document.querySelector('article p')).fontFamily")
        assert family.startswith('"Source Serif 4"'), family
        assert page.evaluate("document.fonts.check('18px \"Source Serif 4\"')")
        counts = sorted(page.evaluate(MEASURE_JS))
        assert len(counts) > 20, path
        assert counts[-1] <= 75, f"{path}: lines of up to {counts[-1]} characters"
        median = counts[len(counts) // 2]
        assert 60 <= median <= 75, f"{path}: a median line of {median} characters"
        # The chapter title is as dark as the text, not light grey.
        colours = page.evaluate(
            "[getComputedStyle(document.querySelector('article h1')).color,"
            " getComputedStyle(document.querySelector('article > p:not([class])')).color]"
        )
        assert colours[0] == colours[1], colours
    fonts = [url for url in visit.requests if url.endswith(".woff2")]
    assert fonts and all(
        url.startswith(f"{visit.origin}/assets/constitution/fonts/") for url in fonts
    )


def test_landing_page_introduces_the_constitution(visit: Visit) -> None:
    visit.goto("")
    page = visit.page
    article = page.locator("article")
    # The introduction is the first chapter's opening, rendered as there.
    assert (
        "Claude's constitution is a detailed description"
        in article.locator(".cc-intro").inner_text()
    )
    # The four core values, in priority order: the diagram and their words.
    diagram = article.locator("svg.cc-diagram")
    assert diagram.is_visible() and diagram.locator("a.cc-diagram__item").count() == 4
    values = article.locator("ol.cc-values > li")
    assert values.count() == 4
    assert values.nth(0).inner_text().startswith("Broadly safe")
    assert values.nth(3).inner_text().startswith("Genuinely helpful")
    # Downloads and versions.
    downloads = article.locator("#downloads + ul.cc-links a")
    hrefs = [downloads.nth(i).get_attribute("href") for i in range(downloads.count())]
    assert hrefs[:4] == [
        "constitution.json",
        "schemas/constitution.schema.json",
        "versions/",
        "changes/",
    ]
    # Start reading leads to the first chapter.
    article.get_by_role("link", name="Start reading").click()
    page.wait_for_url("**/00-preface/")
    assert page.locator("article h1").first.inner_text().startswith("Claude's Constitution")


def test_nav_has_three_parts_and_releases(visit: Visit) -> None:
    visit.goto("01-overview/")
    nav = visit.page.locator("nav.md-nav--primary")
    labels = nav.locator(".md-nav__item--section > label, .md-nav__item--section > .md-nav__link")
    parts = [text.strip() for text in labels.all_inner_texts()]
    assert parts[:3] == ["The Constitution", "Reference", "For developers"], parts
    overview = nav.locator("a.md-nav__link[href='./']")
    assert "9 min" in overview.inner_text()
    # A release is in the nav, with previous and next like a chapter.
    # Releases are listed newest first, after the Changes page.
    visit.goto("versions/2.0.0/")
    footer = visit.page.locator("nav.md-footer__inner")
    assert "Changes" in footer.locator(".md-footer__link--prev").inner_text()
    assert "Version 1.0.0" in footer.locator(".md-footer__link--next").inner_text()


def test_annotations_are_named_as_every_link_to_them(visit: Visit) -> None:
    """Each relation link names its target as the target's label (or a core value's bold lead)
    shows it, and the relations wait in a closed <details> until asked for."""
    visit.goto("01-overview/")
    page = visit.page
    relations = page.locator("article details.cc-rel")
    assert relations.count() > 5
    assert page.locator("article details.cc-rel[open]").count() == 0
    pairs = page.evaluate(
        """() => [...document.querySelectorAll("article details.cc-rel a[href^='#']")].map(a => {
          const target = document.getElementById(a.getAttribute("href").slice(1));
          let shown = "";
          if (target && /^H[1-6]$/.test(target.tagName)) {
            shown = target.textContent;
          } else if (target && target.classList.contains("cc-anchor")) {
            shown = target.nextElementSibling.textContent;
          } else if (target) {
            const label = target.querySelector(":scope > .cc-label");
            const lead = target.querySelector(":scope > p > strong");
            shown = (label ? label.textContent : "") + " " + (lead ? lead.textContent : "");
          }
          return [a.textContent, shown];
        })"""
    )
    assert len(pairs) > 10
    for name, shown in pairs:
        assert name in shown, (name, shown)
    # The sentence that was three boxes deep sits in one block inside the priority.
    sentence = page.get_by_text("Here, the notion of prioritization is holistic").first
    depth = sentence.evaluate(
        "p => { let n = 0; for (let e = p; e; e = e.parentElement) if (e.classList.contains('cc-node')) n++; return n; }"
    )
    assert depth == 2
    # "This numbered list above": the core values are a numbered list.
    assert page.locator("article ol.cc-values > li.cc-property").count() == 4


def test_code_and_names_wrap_only_between_words(browser: Browser, site_url: str) -> None:
    for viewport in (DESKTOP, NARROWEST):
        for visit in _visit(browser, site_url, viewport, "light"):
            for path in ("tool-builders/", "authoring/"):
                visit.goto(path)
                breaks = visit.page.evaluate(CODE_BREAKS_JS)
                inside = [b for b in breaks if b[0].isalnum() and b[-1].isalnum()]
                assert not inside, f"{path} at {viewport['width']} px: {inside[:5]}"
