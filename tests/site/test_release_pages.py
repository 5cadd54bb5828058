"""The release pages of the site (`compiler.site.releases`): Versions, Changes, each release in full,
released JSON at `releases/VERSION.json`; built with `constitution build` and read in Chromium;
and the repository's own releases."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import cli
from compiler.release import load_index, make_release, verify_releases
from compiler.site.releases import RELEASES_INDEX, site_pages
from compiler.site.render import PageContext, SiteIndex

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

DATA = Path(__file__).resolve().parents[1] / "data" / "diff"


def release_versions(project: Path) -> None:
    """Release the base spec as 1.0.0, then the reworded definition as 1.1.0."""
    spec = project / "spec"
    spec.mkdir(parents=True, exist_ok=True)
    for version, source, date in (
        ("1.0.0", DATA / "base.md", "2026-01-01"),
        ("1.1.0", DATA / "reword-definition" / "new.md", "2026-02-01"),
    ):
        text = source.read_text("utf-8").replace("version: 1.0.0", f"version: {version}")
        (spec / "01-base.md").write_text(text, "utf-8")
        outcome = make_release(version, spec, project / "releases", date=date)
        assert outcome.entry is not None, [d.format() for d in outcome.diagnostics]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    release_versions(tmp_path)
    return tmp_path


def test_no_releases_no_pages(tmp_path: Path) -> None:
    assert site_pages(tmp_path) == []


def test_pages(project: Path) -> None:
    pages = {page.path: page for page in site_pages(project)}
    assert list(pages) == [
        "versions.md",
        "changes.md",
        "changes/1.1.0.md",
        "versions/1.1.0.md",
        "changes/1.0.0.md",
        "versions/1.0.0.md",
    ]
    listed = [p.path for p in pages.values() if p.nav]
    assert listed == ["versions.md", "changes.md", "versions/1.1.0.md", "versions/1.0.0.md"]
    assert {p.path for p in pages.values() if p.nav_group == "Releases"} == set(listed[2:])
    files = {path: data for page in pages.values() for path, data in page.files.items()}
    for version in ("1.0.0", "1.1.0"):
        artifact = (project / "releases" / f"{version}.json").read_bytes()
        assert files[f"releases/{version}.json"] == artifact
    assert files["releases/index.json"] == (project / "releases" / "index.json").read_bytes()
    schema_file = Path(__file__).resolve().parents[2] / "schemas" / "diff.schema.json"
    assert files["schemas/diff.schema.json"] == schema_file.read_bytes()

    versions = pages["versions.md"].markdown or ""
    index, _ = load_index(project / "releases")
    for entry in index.entries:
        assert f"`{entry.sha256}`" in versions
        assert f"[{entry.version}.json](releases/{entry.version}.json)" in versions
    assert "[0 breaking, 1 substantive, 0 editorial](changes/1.1.0.md)" in versions
    assert "[first release](changes/1.0.0.md)" in versions
    assert versions.index("1.1.0") < versions.index("1.0.0")  # newest first
    head = index.entries[-1].entry_sha256  # the newest entry's link fixes the whole chain
    assert f"The release chain ends at `{head}`" in versions
    assert f"`constitution verify --head {head}`" in versions

    changes = pages["changes/1.1.0.md"].html or ""
    assert "Compared with 1.0.0." in changes
    assert '<ins class="critic">, adjust</ins>' in changes
    assert 'data-rule="definition-text-changed"' in changes

    # A release renders like a chapter: the same labels, lists and relations, ids on the page.
    release = pages["versions/1.0.0.md"]
    assert release.release == "1.0.0" and release.build is not None
    rendered = release.build(
        PageContext(SiteIndex(), None, lambda path: f"../../{path.removesuffix('.md')}/")
    )
    full = rendered.html
    assert rendered.title is not None and rendered.title.endswith(" 1.0.0")
    assert '<h2 id="overview">' in full
    assert '<li class="cc-node cc-property" id="safe" data-rank="1" value="1">' in full
    assert "<p><strong>Safe</strong>: " in full
    assert 'class="admonition' not in full and "Property safe" not in full
    # Each annotation's words once, where they stand, not repeated in its section.
    assert full.count("understand and correct the model&#x27;s dispositions") == 1
    assert "understand and correct the model&#x27;s dispositions" in full
    # The notice links the current text and the release's redline.
    assert 'href="../../index/">the current text</a>' in full
    assert 'href="../../changes/1.0.0/">what changed in 1.0.0</a>' in full
    assert [entry.id for entry in rendered.toc[0].children] == ["overview"]


def test_changes_are_weighed_at_the_projects_levels(project: Path) -> None:
    spec = project / "spec"
    (spec / "constitution.yaml").write_text(
        "diff:\n  levels:\n    - rule: definition-text-changed\n      level: editorial\n",
        "utf-8",
    )
    pages = {page.path: page for page in site_pages(project, spec)}
    versions = pages["versions.md"].markdown or ""
    # Without the spec's levels the same change counts as substantive (test_pages).
    assert "[0 breaking, 0 substantive, 1 editorial](changes/1.1.0.md)" in versions
    assert "definition-text-changed" in versions
    changes = pages["changes/1.1.0.md"].html or ""
    assert 'data-rule="definition-text-changed"' in changes
    assert "editorial" in changes


def test_levels_with_errors_fall_back_to_the_defaults_with_a_warning(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    spec = project / "spec"
    (spec / "constitution.yaml").write_text("diff:\n  levels:\n    - rule: no-such-rule\n", "utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.constitution"):
        pages = {page.path: page for page in site_pages(project, spec)}
    assert "[0 breaking, 1 substantive, 0 editorial](changes/1.1.0.md)" in (
        pages["versions.md"].markdown or ""
    )
    assert "the diff levels in constitution.yaml have errors" in caplog.text
    assert "CC6" in caplog.text


def test_a_tampered_release_is_not_published(
    project: Path, repo_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    artifact = project / "releases" / "1.0.0.json"
    artifact.write_text(artifact.read_text("utf-8").replace("Safe", "Unsafe"), "utf-8")
    assert site_pages(project) == []
    assert "the releases do not verify" in caplog.text and "CC505" in caplog.text
    # mkdocs' strict mode turns the warning into a failed build; the old site stays.
    shutil.copy(repo_root / "mkdocs.yml", project / "mkdocs.yml")
    result = CliRunner().invoke(cli, ["build", "--config", str(project / "mkdocs.yml")])
    assert result.exit_code == 1
    assert not (project / "site" / "releases").exists()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    """A project with two releases, built with `constitution build`."""
    root = tmp_path_factory.mktemp("release-site")
    release_versions(root)
    shutil.copy(repo_root / "mkdocs.yml", root / "mkdocs.yml")
    result = CliRunner().invoke(cli, ["build", "--config", str(root / "mkdocs.yml")])
    assert result.exit_code == 0, result.output
    return root / "site"


def test_released_json_at_stable_paths(built: Path) -> None:
    for version in ("1.0.0", "1.1.0"):
        published = built / "releases" / f"{version}.json"
        assert (
            published.read_bytes() == (built.parent / "releases" / f"{version}.json").read_bytes()
        )
    for page in ("versions", "changes", "changes/1.1.0", "versions/1.0.0", "versions/1.1.0"):
        assert (built / page / "index.html").is_file()


def test_versions_page_in_a_browser(built: Path, serve_dir, page) -> None:  # type: ignore[no-untyped-def]
    base = serve_dir(built)
    page.goto(f"{base}/versions/")
    rows = page.locator("article table").first.locator("tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).locator("td")
    assert first.nth(0).inner_text() == "1.1.0"
    assert first.nth(2).inner_text() == "0 breaking, 1 substantive, 0 editorial"
    sha = first.nth(5).inner_text()
    href = first.nth(4).locator("a").get_attribute("href")
    data = page.request.get(f"{base}/versions/{href}").body()
    assert hashlib.sha256(data).hexdigest() == sha
    assert json.loads(data)["document"]["version"] == "1.1.0"

    first.nth(2).locator("a").click()
    page.wait_for_url(f"{base}/changes/1.1.0/")
    inserted = page.locator("article ins.critic")
    assert inserted.first.inner_text() == ", adjust"
    assert page.locator("article div.cc-change.admonition.warning").count() == 1

    page.goto(f"{base}/versions/")
    rows.nth(1).locator("td").nth(0).locator("a").click()
    page.wait_for_url(f"{base}/versions/1.0.0/")
    assert page.locator("article h1").first.inner_text().removesuffix("¶").endswith("1.0.0")
    assert "understand and correct" in page.locator("article #oversight").inner_text()


def test_version_selector_switches_between_the_current_text_and_each_release(
    built: Path,
    serve_dir,
    page,  # type: ignore[no-untyped-def]
) -> None:
    base = serve_dir(built)
    page.goto(f"{base}/01-base/")
    selector = page.locator("header details.cc-version")
    assert selector.locator("summary").inner_text() == "Version: current"
    selector.locator("summary").click()
    links = selector.locator("a")
    assert links.all_inner_texts() == [
        "Current text (1.1.0)",
        "Release 1.1.0",
        "Release 1.0.0",
        "What changed, release by release",
    ]
    assert links.nth(0).get_attribute("aria-current") == "page"
    links.nth(2).click()
    page.wait_for_url(f"{base}/versions/1.0.0/")
    selector = page.locator("header details.cc-version")
    assert selector.locator("summary").inner_text() == "Version: 1.0.0 (archived)"
    assert selector.locator("a[aria-current=page]").text_content() == "Release 1.0.0"
    # The release links its redline and the current text.
    notice = page.locator("article .cc-archived")
    notice.get_by_text("what changed in 1.0.0").click()
    page.wait_for_url(f"{base}/changes/1.0.0/")
    page.go_back()
    page.locator("header details.cc-version summary").click()
    page.locator("header details.cc-version a").first.click()
    page.wait_for_url(f"{base}/")
    # Previous and next lead through the releases as through the chapters.
    page.goto(f"{base}/versions/1.1.0/")
    footer = page.locator("nav.md-footer__inner")
    assert "Changes" in footer.locator(".md-footer__link--prev").inner_text()
    assert "Version 1.0.0" in footer.locator(".md-footer__link--next").inner_text()


@pytest.mark.parametrize("width", [1280, 360])
def test_version_selector_is_in_the_header_of_every_page(
    built: Path,
    serve_dir,
    page,  # type: ignore[no-untyped-def]
    width: int,
) -> None:
    base = serve_dir(built)
    page.set_viewport_size({"width": width, "height": 800})
    for path in ("", "01-base/", "glossary/", "tool-builders/", "versions/", "versions/1.0.0/"):
        page.goto(f"{base}/{path}")
        assert page.locator("details.cc-version").count() == 1, path
        selector = page.locator("header.md-header details.cc-version")
        summary = selector.locator("summary")
        assert summary.is_visible(), path
        box = summary.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, path
        summary.click()
        links = selector.locator("a")
        assert links.count() == 4, path
        for number in range(links.count()):
            link = links.nth(number).bounding_box()
            assert link is not None and link["x"] >= 0 and link["x"] + link["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    # A release page marks itself; the current text is one click away, here too.
    assert "1.0.0" in page.locator("header details.cc-version summary").inner_text()
    page.locator("header details.cc-version a").first.click()
    page.wait_for_url(f"{base}/")


def test_nav_lists_versions_and_changes(built: Path) -> None:
    home = (built / "index.html").read_text("utf-8")
    assert 'href="versions/"' in home and 'href="changes/"' in home


# --- the repository's own releases ---------------------------------------------------------


def test_the_repository_has_verified_releases(repo_root: Path) -> None:
    entries, problems = verify_releases(repo_root / "releases")
    assert [p.format() for p in problems] == []
    assert "1.0.0" in [entry.version for entry in entries]


def test_the_release_page_of_1_0_0_holds_every_nodes_own_text_once(repo_root: Path) -> None:
    """Read through the typed model and rendered like a chapter: every node's own text on the
    page once, every annotation where it stands, with its id."""
    from compiler.document import from_json
    from compiler.site.release_view import ReleaseFacts, release_builder
    from compiler.site.render import PageContext, SiteIndex, escape

    index, _ = load_index(repo_root / "releases")
    entry = index.get("1.0.0")
    assert entry is not None
    data = json.loads((repo_root / "releases" / entry.file).read_text("utf-8"))
    document = from_json(data)
    facts = ReleaseFacts(entry.version, entry.date, entry.sha256, "changes/1.0.0.md")
    page = release_builder("versions/1.0.0.md", facts, document)(
        PageContext(SiteIndex(), None, lambda path: None)
    )
    html = page.html
    shown = re.sub(r"<[^>]*>", "", html)  # the words a reader sees (no tooltips in attributes)
    for node in document.nodes:
        for paragraph in filter(None, node.text.split("\n\n")):
            assert shown.count(escape(" ".join(paragraph.split()))) == 1, node.id
        assert f'id="{node.id}"' in html
    assert [t.id for t in page.toc[0].children] == ["overview"]


def test_a_release_page_shows_worked_examples_as_conversations(tmp_path: Path) -> None:
    """A release read from its JSON shows each worked example as its chapter does (its title,
    then its turns and judged replies), never as an empty annotation box; markup stays text."""
    from compiler.document import from_json
    from compiler.pipeline import compile_spec
    from compiler.site.release_view import ReleaseFacts, release_builder

    spec = tmp_path / "spec"
    spec.mkdir()
    (spec / "constitution.yaml").write_text(
        "examples: {fence: xml, title: Example, roles: [user, assistant], "
        "comparison: comparison, reply: assistant, labels: {GOOD: good, BAD: bad}}\n",
        "utf-8",
    )
    (spec / "a.md").write_text(
        "# Be kind {#kind}\n\nSay thanks.\n\n**Example**: a `<b>` greeting\n\n~~~xml\n"
        "<user>\nHi <script>x()</script>\n</user>\n<comparison>\n"
        "<assistant> <!-- GOOD -->\nHello, thanks!\n</assistant>\n"
        "<assistant> <!-- BAD: rude -->\nGo away.\n</assistant>\n</comparison>\n~~~\n",
        "utf-8",
    )
    result = compile_spec(spec)
    assert result.ok and result.document is not None, result.diagnostics
    document = from_json(json.loads(result.to_json_bytes()))
    facts = ReleaseFacts("1.0.0", "2026-01-01", "0" * 64, "changes/1.0.0.md")
    html = release_builder("versions/1.0.0.md", facts, document)(
        PageContext(SiteIndex(), None, lambda path: None)
    ).html
    assert html.count('<details class="cc-example"') == 1
    assert "Hello, thanks!" in html and "Go away." in html and "rude" in html
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html
    assert html.count("a <code>&lt;b&gt;</code> greeting") == 1  # its title, once, formatted
    assert re.search(r'<div class="cc-annotation[^"]*"[^>]*data-kind="example"', html) is None


def test_a_build_without_releases_loads_no_release_module(tmp_path: Path) -> None:
    """The extension point finds the releases where `compiler.release` keeps them, and a project
    without any does not import the diff or the release modules to learn that."""
    from compiler.release import DEFAULT_RELEASES_DIR, INDEX_FILE

    assert Path(DEFAULT_RELEASES_DIR, INDEX_FILE) == RELEASES_INDEX
    script = (
        "import sys; from pathlib import Path; from compiler.site.releases import site_pages; "
        f"assert site_pages(Path({str(tmp_path)!r})) == []; "
        "print(sorted(m for m in sys.modules if m.startswith(('compiler.diff', 'compiler.release'))))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
