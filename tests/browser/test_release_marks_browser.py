"""A release page in Chromium shows its text formatted as the chapter it came from: the same
emphasis, strong, struck-out text, code and links (issue 14), read from the release's marks;
screenshots of both pages at 1280 px and on a 360 px phone, light and dark, for review."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from support import block_other_hosts, collect_page_errors, serve_directory

from compiler.cli import cli
from compiler.release import make_release

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "valid" / "marks.md"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 780}}

#: The article's formatting as a reader's browser has it: each formatting element (a permalink,
#: the release's own head and the annotations' labels left out) with its text and, for a link,
#: where it leads (an id on the page, or the URL).
FORMATTING = """() => Array.from(document.querySelectorAll(
    'article :is(em, strong, s, code, a):not(.headerlink):not(.cc-archived *):not(.cc-chapter-meta *):not(.cc-label *)'
  )).filter(e => !e.closest('h1, h2'))
  .map(e => [e.tagName.toLowerCase(), e.textContent.replace('¶', '').trim(),
             e.tagName === 'A' ? (e.hash || e.href) : null])"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Iterator[str]:
    """A project whose only chapter is the marks fixture, released as 1.0.0 and built."""
    root = tmp_path_factory.mktemp("release-marks")
    (root / "spec").mkdir()
    shutil.copy(FIXTURE, root / "spec" / "marks.md")
    outcome = make_release("1.0.0", root / "spec", root / "releases", date="2026-01-01")
    assert outcome.entry is not None, [d.format() for d in outcome.diagnostics]
    shutil.copy(repo_root / "mkdocs.yml", root / "mkdocs.yml")
    result = CliRunner().invoke(cli, ["build", "--config", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    with serve_directory(root / "site") as url:
        yield url


def formatting(page: Page, url: str) -> list[Any]:
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("networkidle")
    found: list[Any] = page.evaluate(FORMATTING)
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_release_page_is_formatted_as_its_chapter(
    browser: Browser, site: str, scheme: str, device: str
) -> None:
    viewport = VIEWPORTS[device]
    context = browser.new_context(viewport=viewport, color_scheme=scheme)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    foreign: list[str] = []
    block_other_hosts(context, site, foreign)
    page = context.new_page()
    errors = collect_page_errors(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    try:
        shown = {}
        for name, path in (("chapter", "marks/"), ("release", "versions/1.0.0/")):
            shown[name] = formatting(page, f"{site}/{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
            target = SCREENSHOTS / f"release-marks-{name}-{scheme}-{device}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 10_000
        # A link to a chapter leads to its page there and to its first heading on the release.
        chapter = [
            [tag, text, "#formatting" if text == "link to itself" else href]
            for tag, text, href in shown["chapter"]
        ]
        assert shown["release"] == chapter
        tags = {tag for tag, _, _ in chapter}
        assert tags == {"em", "strong", "s", "code", "a"}
        assert ["em", "emoji after an emoji", None] in chapter
        assert ["a", "link", "https://example.org/a?b=1&c=2"] in chapter
        assert ["a", "Kept value", "#kept-value"] in chapter
        page.goto(f"{site}/versions/1.0.0/")
        assert "records plain text only" not in page.locator("article").inner_text()
        assert not foreign and not errors, (foreign, errors)
    finally:
        context.close()
