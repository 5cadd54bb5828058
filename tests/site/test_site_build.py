"""`constitution build` and the mkdocs plugin: the built site, its pages, links and published
files, errors, determinism, the live preview's error page, and the extension point."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import types
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner, Result

from compiler.cli import cli
from compiler.document import from_json
from compiler.pipeline import compile_sources
from compiler.reader import SourceFile
from compiler.site import GeneratedPage, Site

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

TEST_CONFIG = """\
site_name: Test constitution
docs_dir: docs
site_dir: site
strict: true
theme:
  name: material
  font: false
plugins:
  - search
  - constitution
"""

GENERATED = ("index", "core-values", "constraints", "glossary", "tool-builders", "authoring")


def make_project(root: Path, files: dict[str, str], config: str = TEST_CONFIG) -> Path:
    """A mkdocs project in `root` with `files` in its docs directory; returns mkdocs.yml."""
    for name, text in files.items():
        path = root / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    config_file = root / "mkdocs.yml"
    config_file.write_text(config, encoding="utf-8")
    return config_file


def build(config_file: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["build", "--config", str(config_file), *args])


def copy_repo_project(repo_root: Path, target: Path) -> Path:
    """The repository's own mkdocs.yml and spec/, copied so a build cannot touch the checkout."""
    shutil.copy(repo_root / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(repo_root / "spec", target / "spec")
    return target / "mkdocs.yml"


# --- reading the built HTML ------------------------------------------------------------------------


BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "td",
        "th",
        "tr",
        "table",
        "pre",
        "blockquote",
        "figure",
        "figcaption",
        "section",
        "article",
        "details",
        "summary",
    ]
)
"""Tags whose text never runs into the text around them."""


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []
        """(tag, attribute, url) of every href and src."""
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        # A canonical link names the page's published address: no browser loads it.
        kind = "link rel=canonical" if tag == "link" and values.get("rel") == "canonical" else tag
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.refs.append((kind, name, str(values[name])))
        if tag in ("script", "style", "svg", "nav", "header", "footer"):
            self._skip += 1
        if tag in BLOCKS:
            self.text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.text.append(" ")
        if tag in ("script", "style", "svg", "nav", "header", "footer") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def squash(text: str) -> str:
    return " ".join(text.split())


# --- the repository's site --------------------------------------------------------------------------


def test_generated_pages_exist_with_their_content(repo_site: Path) -> None:
    for name in GENERATED:
        path = repo_site / ("index.html" if name == "index" else f"{name}/index.html")
        assert path.is_file(), name
    core = (repo_site / "core-values/index.html").read_text(encoding="utf-8")
    assert core.index('id="broadly-safe"') < core.index('id="broadly-ethical"')
    assert core.index('id="compliant-with-guidelines"') < core.index('id="genuinely-helpful"')
    assert '<svg class="cc-diagram cc-diagram--holistic"' in core
    # A principal is a list item: shown on its page with its bold name, as in the chapter.
    principals = (repo_site / "principals-and-trust/index.html").read_text(encoding="utf-8")
    assert "<p><strong>Anthropic</strong>: We are the entity" in principals
    assert "weighed together" in core.replace("</text><text", " ").replace(
        ">together", "> together"
    )
    glossary = (repo_site / "glossary/index.html").read_text(encoding="utf-8")
    for term in ("good values", "holistic", "supporting human oversight", "hard constraints"):
        assert f"<dfn>{term}</dfn>" in glossary
    constraints = (repo_site / "constraints/index.html").read_text(encoding="utf-8")
    for ident in (
        "no-mass-casualty-weapons",
        "no-csam",
        "safety-robust-to-reasoning",
        "ethics-over-guidelines-exceptions",
    ):
        assert f'id="{ident}"' in constraints
    tools = (repo_site / "tool-builders/index.html").read_text(encoding="utf-8")
    assert 'href="../constitution.json"' in tools
    assert 'href="../schemas/constitution.schema.json"' in tools
    assert 'id="def-node"' in tools and "A section or an annotation." in tools
    authoring = (repo_site / "authoring/index.html").read_text(encoding="utf-8")
    assert "Annotations" in authoring and 'id="cc302"' in authoring
    home = (repo_site / "index.html").read_text(encoding="utf-8")
    assert 'href="01-overview/"' in home and "9 min read" in home


def test_nav_lists_chapters_then_generated_pages(repo_site: Path) -> None:
    html = (repo_site / "01-overview/index.html").read_text(encoding="utf-8")
    nav = html[html.index('class="md-nav md-nav--primary"') :]
    order = [
        nav.index(title)
        for title in (
            "The Constitution",
            "Overview",
            "Reference",
            "Core values",
            "Constraints",
            "Glossary",
            "For developers",
            "For tool builders",
            "Authoring guide",
        )
    ]
    assert order == sorted(order)
    # Each chapter's reading time stands by its title.
    overview = nav[nav.index("Overview") :]
    assert overview.index("9 min") < overview.index("Being helpful") < overview.index("25 min")


def test_nav_has_three_parts() -> None:
    result = compile_sources(
        [
            SourceFile("01-a.md", "01-a.md", "---\nreading_time: 3\n---\n# A {#a}\n"),
            SourceFile(
                "02-b.md", "02-b.md", "# B {#b}\n\n::: property {#p rank=1}\n**P**: p.\n:::\n"
            ),
        ]
    )
    extra = [
        GeneratedPage("versions.md", "Versions", markdown="# Versions\n"),
        GeneratedPage(
            "versions/1.0.0.md", "Version 1.0.0", html="<h1>1</h1>", nav_group="Releases"
        ),
        GeneratedPage("hidden.md", "Hidden", html="<h1>h</h1>", nav=False),
    ]
    site = Site(result, extra)
    assert site.nav() == [
        {"Home": "index.md"},
        {"The Constitution": [{"A": "01-a.md"}, {"B": "02-b.md"}]},
        {"Reference": [{"Core values": "core-values.md"}]},
        {
            "For developers": [
                {"For tool builders": "tool-builders.md"},
                {"Authoring guide": "authoring.md"},
                {"Versions": "versions.md"},
                {"Releases": [{"Version 1.0.0": "versions/1.0.0.md"}]},
            ]
        },
    ]
    assert site.reading_time("01-a.md") == 3 and site.reading_time("02-b.md") is None


def test_property_is_a_numbered_item_with_permalink(repo_site: Path) -> None:
    html = (repo_site / "01-overview/index.html").read_text(encoding="utf-8")
    assert '<li class="cc-node cc-property" id="broadly-safe" data-rank="1" value="1">' in html
    assert 'href="#broadly-safe" title="Permanent link">¶</a>' in html
    # Every id of the JSON is an HTML id, on the page of the chapter that defines it.
    document = json.loads((repo_site / "constitution.json").read_text(encoding="utf-8"))
    pages: dict[str, set[str]] = {}
    kinds = {node["kind"] for node in document["nodes"]}
    assert {"section", "property", "priority", "constraint", "definition", "rationale"} < kinds
    assert {"principal", "behavior", "honesty", "safe-behavior"} < kinds  # spec/'s own kinds
    for node in document["nodes"]:
        page = node["source"]["file"].removesuffix(".md")
        if page not in pages:
            pages[page] = parse(repo_site / page / "index.html").ids
        assert node["id"] in pages[page], node["id"]
    assert len(pages) == len(document["document"]["sources"])


def test_links_to_definitions_show_the_definition(repo_site: Path) -> None:
    html = (repo_site / "01-overview/index.html").read_text(encoding="utf-8")
    assert re.search(
        r'<a href="#human-oversight" title="supporting human oversight: Supporting human oversight '
        r'doesn&#x27;t mean[^"]*" class="cc-ref cc-ref--definition">human oversight</a>',
        html,
    )


def test_every_internal_link_resolves(repo_site: Path, repo_root: Path) -> None:
    config = (repo_root / "mkdocs.yml").read_text("utf-8")
    site_url = re.search(r"^site_url: (\S+)$", config, re.MULTILINE)
    assert site_url is not None
    check_links(repo_site, urlsplit(site_url[1]).path)


def check_links(site: Path, base: str = "/") -> None:
    """Every link between the site's files resolves; `base` is the path the site is published
    at (its site_url's), which links from the site root (404.html's) begin with."""
    pages = {path: parse(path) for path in html_files(site)}
    broken = []
    checked = 0
    for path, page in pages.items():
        for tag, attribute, url in page.refs:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            if parts.path.startswith("/"):  # 404.html links from the site root
                assert parts.path.startswith(base), url
                target = site / unquote(parts.path.removeprefix(base)).lstrip("/")
            else:
                target = (path.parent / unquote(parts.path)) if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            target = target.resolve()
            if not target.exists() or not target.is_relative_to(site.resolve()):
                broken.append(f"{path.relative_to(site)}: <{tag} {attribute}={url!r}> (no file)")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target in pages and fragment not in pages[target].ids:
                broken.append(f"{path.relative_to(site)}: {url!r} (no id {parts.fragment!r})")
    assert checked > 50
    assert not broken, "\n".join(broken[:20])


EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def assert_nothing_loads_from_other_hosts(site: Path) -> None:
    problems = []
    for path in html_files(site):
        text = path.read_text(encoding="utf-8")
        for tag, attribute, url in parse(path).refs:
            if tag in ("a", "link rel=canonical"):
                continue  # a link the reader may follow, or the page's address: nothing loads
            if EXTERNAL.match(url.strip()) or url.strip().lower().startswith("data:text/html"):
                problems.append(f"{path.relative_to(site)}: <{tag} {attribute}={url!r}>")
        styles = re.findall(r"<style[^>]*>(.*?)</style>", text, re.DOTALL)
        styles += re.findall(r'\sstyle="([^"]*)"', text)
        for style in styles:
            for match in re.finditer(
                r"url\(\s*(?:['\"]|&quot;)?\s*((?:https?:)?//[^'\")&]+)", style
            ):
                problems.append(f"{path.relative_to(site)}: style url({match[1]})")
    for path in list(site.rglob("*.css")) + list(site.rglob("*.js")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"@import\s+(?:url\()?['\"]?((?:https?:)?//[^'\")]+)", text):
            problems.append(f"{path.relative_to(site)}: @import {match[1]}")
        if path.suffix == ".css":
            for match in re.finditer(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", text):
                problems.append(f"{path.relative_to(site)}: url({match[1]})")
    assert not problems, "\n".join(problems[:20])


def test_no_page_loads_anything_from_another_host(repo_site: Path) -> None:
    assert_nothing_loads_from_other_hosts(repo_site)
    index = (repo_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in index and "fonts.gstatic.com" not in index


def test_published_json_and_schema_are_the_compiled_ones(repo_site: Path, repo_root: Path) -> None:
    compiled = CliRunner().invoke(cli, ["compile", str(repo_root / "spec")])
    assert compiled.exit_code == 0
    assert (repo_site / "constitution.json").read_bytes() == compiled.stdout_bytes
    schema = (repo_root / "compiler/schemas/constitution.schema.json").read_bytes()
    assert (repo_site / "schemas/constitution.schema.json").read_bytes() == schema


def test_search_index_has_the_text(repo_site: Path) -> None:
    index = json.loads((repo_site / "search/search_index.json").read_text(encoding="utf-8"))
    # The chapters' sections that hold the word are indexed at full weight; the pages that
    # repeat parts of them (core values, constraints, glossary) are indexed ranked below them;
    # the print version and archived releases, which repeat them whole, are not indexed.
    docs = [d for d in index["docs"] if "corrigibility" in d["text"] and d.get("boost", 1) == 1]
    document = json.loads((repo_site / "constitution.json").read_text(encoding="utf-8"))
    model = from_json(document)  # a section's page holds its annotations' text too
    holding = {
        f"{s['source']['file'].removesuffix('.md')}/#{s['id']}"
        for s in document["nodes"]
        if s["kind"] == "section" and "corrigibility" in model.full_text(s["id"])
    }
    assert "05-being-broadly-safe/#corrigibility" in holding
    assert {d["location"] for d in docs} == holding
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert {"", "tool-builders/", "authoring/", "core-values/", "constraints/", "glossary/"} <= (
        locations
    )
    boosts = {d["location"].split("#")[0]: d.get("boost", 1) for d in index["docs"]}
    assert all(boosts[page] < 1 for page in ("core-values/", "constraints/", "glossary/"))
    assert all(
        boosts[f"{s['source']['file'].removesuffix('.md')}/"] == 1
        for s in document["nodes"]
        if s["kind"] == "section"
    )
    archived = [
        place for place in locations if place.startswith(("versions/", "changes", "print/"))
    ]
    assert archived == []


def test_build_prints_one_line_per_stage(tmp_path: Path, repo_root: Path) -> None:
    result = build(copy_repo_project(repo_root, tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert [line.split()[0] for line in lines] == ["compile", "validate", "site"], lines
    assert re.fullmatch(
        r"compile   \S*spec -> 9 chapters, 42 sections, 4 core values, 3 priorities, "
        r"\d+ constraints, \d+ definitions, \d+ rationales, 3 principals, "
        r"3 non-principal parties, 13 instructable behaviors, 7 honesty components, "
        r"4 groups of safe behaviors, 19 safe behaviors \(\d+\.\d\ds\)",
        lines[0],
    )
    assert not [*tmp_path.glob(".site.*.tmp"), *tmp_path.glob(".site.*.old")], (
        "staging directories must not be left behind"
    )


def test_builds_are_byte_identical(tmp_path: Path, repo_root: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        result = build(copy_repo_project(repo_root, tmp_path / name))
        assert result.exit_code == 0, result.output
        site = tmp_path / name / "site"
        outputs.append(
            {
                p.relative_to(site).as_posix(): p.read_bytes()
                for p in sorted(site.rglob("*"))
                if p.is_file() and not p.name.startswith("sitemap.xml")
            }
        )
    assert outputs[0].keys() == outputs[1].keys()
    differing = [name for name in outputs[0] if outputs[0][name] != outputs[1][name]]
    assert not differing


# --- errors -------------------------------------------------------------------------------------


BAD = {
    "index.md": "# Home\n\nSee [nowhere](#missing).\n\n::: property {#p rank=x}\n**P**: text\n:::\n",
}


def test_errors_stop_the_build_and_leave_the_old_site(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": "# Home\n\nFine.\n"})
    assert build(config).exit_code == 0
    before = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    make_project(tmp_path, BAD)
    result = build(config)
    assert result.exit_code == 1
    shown = str(tmp_path / "docs" / "index.md")
    assert f"{shown}:3:5: CC302 link to unknown id '#missing'" in result.stderr
    assert f"{shown}:5:18: CC720 property 'p': rank=\"x\" is not a whole number" in result.stderr
    assert "Traceback" not in result.output
    after = {p: p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before


def test_build_names_files_as_check_does_relative_to_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path, BAD)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["build"])
    checked = CliRunner().invoke(cli, ["check", "docs"])
    assert result.exit_code == checked.exit_code == 1
    assert "docs/index.md:3:5: CC302 link to unknown id '#missing'" in result.stderr.splitlines()
    assert str(tmp_path) not in result.stderr
    problems = [line for line in checked.stderr.splitlines() if ": CC" in line]
    assert problems and all(line in result.stderr.splitlines() for line in problems)
    assert not [*tmp_path.glob(".site.*.tmp"), *tmp_path.glob(".site.*.old")]


def test_plain_mkdocs_build_fails_with_file_and_line(tmp_path: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    config_file = make_project(tmp_path, BAD)
    config = load_config(config_file=str(config_file))
    config.plugins.on_startup(command="build", dirty=False)
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep()
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        with pytest.raises(Abort):
            mkdocs_build(config)
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
    message = "\n".join(records)
    assert "the constitution has errors" in message
    assert f"{tmp_path / 'docs' / 'index.md'}:3:5: CC302" in message


def test_bad_config_is_reported_without_a_traceback(tmp_path: Path) -> None:
    config = make_project(
        tmp_path, {"index.md": "# Home\n"}, TEST_CONFIG.replace("font: false", "font: [1")
    )
    result = build(config)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "mkdocs.yml" in result.output


def test_preview_shows_errors_on_the_page_instead_of_stopping(tmp_path: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(config_file=str(make_project(tmp_path, BAD)))
    config.plugins.on_startup(command="serve", dirty=False)
    mkdocs_build(config)
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "The constitution has errors" in html
    assert "index.md:3:5: CC302 link to unknown id &#x27;#missing&#x27;" in html
    assert 'See <a href="#missing">nowhere</a>' in html  # the text is still shown
    assert not (tmp_path / "site" / "constitution.json").exists()


# --- other documents --------------------------------------------------------------------------


def test_a_spec_with_index_and_folders(tmp_path: Path) -> None:
    files = {
        "index.md": "---\ntitle: Tiny\nversion: 2.0.0\n---\n\n# Welcome\n\nSee [b](part/02-b.md#bee).\n",
        "part/02-b.md": "# B {#bee}\n\n::: property {#p rank=1}\n**P**: text\n:::\n\nBack [home](../index.md).\n",
        "part/10-c.md": "# C\n\n[?](#bee)\n",
    }
    result = build(make_project(tmp_path, files))
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="part/02-b/#bee"' in home  # the spec's index.md is the home page
    c = (site / "part/10-c/index.html").read_text(encoding="utf-8")
    assert '<a href="../02-b/#bee">B</a>' in c
    nav = c[c.index('class="md-nav md-nav--primary"') :]
    # Spec order: numbers in names compare as numbers (02 before 10), index first.
    assert nav.index("Welcome") < nav.index("B\n") < nav.index("C\n")
    check_links(site)
    assert (site / "core-values/index.html").exists()


def test_a_chapter_named_like_a_generated_page_is_refused(tmp_path: Path) -> None:
    """It would be overwritten by the generated page (or take its place): reported, in `check`
    as in `build`, and the previous site stays."""
    files = {"glossary.md": "# Our glossary\n\n::: definition {#t term=t}\nA term.\n:::\n"}
    result = build(make_project(tmp_path, files))
    assert result.exit_code == 1, result.output
    assert "glossary.md:1:1: CC311 'glossary.md' would be published at 'glossary.html'" in (
        result.output
    )
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("version", ["2025-02-12", "2025-04-11"])
def test_the_openai_model_spec_builds_and_reads_well(
    tmp_path: Path, corpus_dir: Path, version: str
) -> None:
    source = corpus_dir / "openai-model-spec" / version / "model_spec.md"
    assert source.is_file(), f"{source} is missing from the corpus"
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(source, docs / "model_spec.md")  # a temporary copy, never into the repository
    config = make_project(tmp_path, {})
    result = build(config)
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    html = (site / "model_spec/index.html").read_text(encoding="utf-8")
    assert '<div class="admonition meta">\n<p class="admonition-title">Commentary</p>' in html
    assert ">?</a>" not in html  # `[?](#id)` placeholders show their target's title
    assert re.search(
        r'<a href="#letter_and_spirit">Respect the letter and spirit of instructions</a>', html
    )
    assert '<h2 id="follow_all_applicable_instructions" data-authority="platform">' in html
    assert "&lt;assistant" in html and "<assistant" not in html  # code blocks escaped
    # One file with many h1s: the table of contents lists them all, not the first one's only.
    toc = html[html.index('class="md-nav md-nav--secondary"') :]
    assert 'href="#stay_in_bounds"' in toc and 'href="#best_work"' in toc
    # No annotations, so no empty pages for them.
    assert not (site / "glossary").exists() and not (site / "core-values").exists()
    assert (site / "tool-builders/index.html").exists()
    check_links(site)
    assert_nothing_loads_from_other_hosts(site)


# --- the extension point ------------------------------------------------------------------------


def test_release_pages_are_added_through_the_extension_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Path, Path | None]] = []

    def site_pages(project_dir: Path, spec_dir: Path | None = None) -> list[GeneratedPage]:
        calls.append((project_dir, spec_dir))
        return [
            GeneratedPage(
                "versions.md",
                "Versions",
                markdown="# Versions\n\n- [1.0.0](releases/1.0.0.json), see [P](#p)\n",
                files={"releases/1.0.0.json": b"{}\n"},
            ),
            GeneratedPage("changes.md", "Changes", html='<h1 id="changes">Changes</h1>'),
        ]

    module = types.ModuleType("compiler.site.releases")
    module.site_pages = site_pages  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "compiler.site.releases", module)
    files = {"index.md": "# Home\n\n::: property {#p rank=1}\n**P**: text\n:::\n"}
    result = build(make_project(tmp_path, files))
    assert result.exit_code == 0, result.output
    # The project and its docs directory, whose constitution.yaml holds the project's levels.
    assert [(project, spec.resolve() if spec else None) for project, spec in calls] == [
        (tmp_path.resolve(), (tmp_path / "docs").resolve())
    ]
    site = tmp_path / "site"
    versions = (site / "versions/index.html").read_text(encoding="utf-8")
    assert 'href="../releases/1.0.0.json"' in versions
    assert 'href="../#p"' in versions
    assert (site / "releases/1.0.0.json").read_bytes() == b"{}\n"
    assert '<h1 id="changes">Changes</h1>' in (site / "changes/index.html").read_text(
        encoding="utf-8"
    )
    nav = (site / "index.html").read_text(encoding="utf-8")
    assert nav.index("Authoring guide") < nav.index("Versions") < nav.index("Changes")


def test_a_config_without_the_plugin_is_refused(tmp_path: Path) -> None:
    config = make_project(
        tmp_path, {"index.md": "# Home\n"}, TEST_CONFIG.replace("  - constitution\n", "")
    )
    result = build(config)
    assert result.exit_code == 1
    assert "does not use the constitution plugin" in result.output
    assert not (tmp_path / "site").exists()


def test_a_written_nav_is_kept_and_gets_the_generated_pages(tmp_path: Path) -> None:
    files = {
        "a.md": "# A\n\n::: definition {#t term=t}\nA term.\n:::\n",
        "b.md": "# B\n",
    }
    config = (
        TEST_CONFIG + "nav:\n  - Start: b.md\n  - Parts:\n      - a.md\n  - Words: glossary.md\n"
    )
    result = build(make_project(tmp_path, files, config))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "site" / "a" / "index.html").read_text(encoding="utf-8")
    nav = html[html.index('class="md-nav md-nav--primary"') :]
    positions = [nav.index(title) for title in ("Start", "Parts", "Words", "For tool builders")]
    assert positions == sorted(positions)
    assert nav.count("Glossary") == 0  # listed once, under the project's own name


def test_preview_survives_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    config_file = make_project(tmp_path, {"index.md": "# Home\n\nFine.\n"})
    (tmp_path / "docs" / "latin1.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    config = load_config(config_file=str(config_file))
    config.plugins.on_startup(command="serve", dirty=False)
    mkdocs_build(config)
    for page in ("index.html", "latin1/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert "latin1.md:1:6: CC101 file is not valid UTF-8 (byte 0xe9 at offset 5)" in html, page


def test_front_matter_reaches_the_page_meta(tmp_path: Path) -> None:
    files = {"index.md": '---\ntitle: T\ndescription: "A <b>bold</b> claim"\n---\n\n# Home\n'}
    result = build(make_project(tmp_path, files))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="A &lt;b&gt;bold&lt;/b&gt; claim">' in html


def test_file_urls_spaces_and_unicode_ids(tmp_path: Path) -> None:
    files = {
        "index.md": "# Welcome\n\nSee [b](part/02-b.md#bee), [über](#über), [sp](my%20chapter.md).\n\n## Über\n",
        "part/02-b.md": "# B {#bee}\n\n::: definition {#d term=dee}\nDee.\n:::\n\nBack [home](../index.md).\n",
        "my chapter.md": "# Spaced\n\n[?](#bee) and [d](#d)\n",
    }
    config = TEST_CONFIG + "use_directory_urls: false\n"
    result = build(make_project(tmp_path, files, config))
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].startswith("site      ")
    # 3 chapters, glossary, tool builders, authoring, the print version
    assert " -> 7 pages (" in result.stderr
    site = tmp_path / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="part/02-b.html#bee"' in home and 'href="#über"' in home
    assert 'href="my%20chapter.html"' in home
    spaced = (site / "my chapter.html").read_text(encoding="utf-8")
    assert '<a href="part/02-b.html#bee">B</a>' in spaced
    assert 'href="part/02-b.html#d" title="dee: Dee."' in spaced
    check_links(site)


def test_mkdocs_warnings_fail_a_strict_build_and_keep_the_old_site(tmp_path: Path) -> None:
    relaxed = TEST_CONFIG.replace("strict: true\n", "")
    config = make_project(tmp_path, {"index.md": "# Home\n"}, relaxed + "nav:\n  - missing.md\n")
    result = build(config)  # a warning only
    assert result.exit_code == 0, result.output
    assert "warning: A reference to 'missing.md' is included in the 'nav'" in result.stderr
    before = (tmp_path / "site" / "index.html").read_bytes()
    make_project(tmp_path, {"index.md": "# Home, changed\n"}, relaxed + "nav:\n  - missing.md\n")
    result = build(config, "--strict")
    assert result.exit_code == 1
    assert "Aborted with 1 warnings in strict mode!" in result.stderr
    assert "was left as it was" in result.stderr
    assert (tmp_path / "site" / "index.html").read_bytes() == before
    assert not [*tmp_path.glob(".site.*.tmp"), *tmp_path.glob(".site.*.old")]


def test_the_built_page_shows_what_the_compiler_read_not_python_markdown(tmp_path: Path) -> None:
    # CommonMark nests a list indented by two spaces; Python-Markdown (mkdocs' own Markdown)
    # would make it a sibling, and would read `1)` as text rather than an ordered list.
    text = "# Lists\n\n- a\n  - b\n\n1) one\n2) two\n"
    result = build(make_project(tmp_path, {"index.md": text}))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<li>a\s*<ul>\s*<li>b</li>\s*</ul>\s*</li>", html)
    assert re.search(r"<ol>\s*<li>one</li>\s*<li>two</li>\s*</ol>", html)
    document = json.loads((tmp_path / "site" / "constitution.json").read_text(encoding="utf-8"))
    assert document["nodes"][0]["text"].startswith("a")


def test_home_page_title_is_the_front_matter_title_else_the_site_name(tmp_path: Path) -> None:
    untitled = make_project(tmp_path / "a", {"01-x.md": "# First heading\n\nText.\n"})
    assert build(untitled).exit_code == 0
    html = (tmp_path / "a" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<h1 id="home">Test constitution' in html
    titled = make_project(
        tmp_path / "b", {"01-x.md": "---\ntitle: The Rules\n---\n\n# First heading\n"}
    )
    assert build(titled).exit_code == 0
    html = (tmp_path / "b" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<h1 id="home">The Rules' in html


def test_a_disabled_plugin_leaves_the_build_to_mkdocs(tmp_path: Path) -> None:
    from support.preview import build_preview

    disabled = TEST_CONFIG.replace(
        "  - constitution\n", "  - constitution:\n      enabled: false\n"
    )
    page = "# Home\n\n::: property {#p rank=1}\n**P**: text\n:::\n"
    site = build_preview(make_project(tmp_path / "off", {"index.md": page}, disabled))
    html = (site / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article") :]
    assert "<p>::: property {#p rank=1}" in article, article[:600]  # Python-Markdown's page
    assert "constitution.css" not in html
    assert not (site / "constitution.json").exists()
    site = build_preview(make_project(tmp_path / "on", {"index.md": page}))
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "::: property" not in html and 'id="p"' in html
    assert (site / "constitution.json").exists()


def test_tool_builders_page_names_the_site_by_its_site_url(tmp_path: Path) -> None:
    result = compile_sources([SourceFile("01-a.md", "01-a.md", "# A {#a}\n")])

    def page(site_url: str | None, repo_url: str | None) -> str:
        site = Site(result, site_url=site_url, repo_url=repo_url)
        rendered = site.render("tool-builders.md", lambda path: path)
        assert rendered is not None
        return rendered.html

    published = page("https://rules.example.net/constitution", "https://git.example.net/cc")
    assert "BASE = &quot;https://rules.example.net/constitution/&quot;" in published
    assert "curl -s https://rules.example.net/constitution/constitution.json" in published
    assert "repo: https://git.example.net/cc" in published
    for text in (published, page(None, None)):
        assert "example.org/constitution" not in text and "OWNER" not in text and "{{" not in text
    local = page(None, None)
    assert "BASE = &quot;http://127.0.0.1:8000/&quot;" in local
    assert "set site_url in mkdocs.yml" in local
    assert "repo: local" in local and "entry: constitution check" in local


def test_landing_page_is_made_from_the_spec() -> None:
    first = (
        "---\ntitle: The Rules\nversion: 2.0.0\nreading_time: 4\n---\n# Preface {#preface}\n\n"
        "*A subtitle.*\n\nThe opening words, with a [link](02-b.md#b).\n\n"
        + "Another paragraph of words. " * 30
        + "\n\nA paragraph too many.\n\n## Later {#later}\n\nNot in the introduction.\n"
    )
    second = (
        "# B {#b}\n\n::: property {#one rank=1}\n**One**: first.\n:::\n\n"
        "::: property {#two rank=2}\n**Two**: second.\n:::\n\n"
        '::: priority {#order mode=strict order="one two"}\nOne, then two.\n:::\n'
    )
    result = compile_sources(
        [SourceFile("01-a.md", "01-a.md", first), SourceFile("02-b.md", "02-b.md", second)]
    )
    assert result.ok, [d.format() for d in result.diagnostics]
    page = Site(result).render(
        "index.md", lambda path: path.removesuffix(".md") + "/" if path.endswith(".md") else path
    )
    assert page is not None
    html = page.html
    assert '<h1 id="home">The Rules' in html and "Version 2.0.0" in html
    # The first chapter's opening paragraphs, up to about INTRO_WORDS words, with no ids.
    intro = html[html.index('<div class="cc-intro">') : html.index("</div>")]
    assert "<em>A subtitle.</em>" in intro and '<a href="02-b/#b">link</a>' in intro
    assert "Another paragraph" in intro and "A paragraph too many" not in intro
    assert "Not in the introduction" not in html and 'id="' not in intro
    assert '<a class="md-button md-button--primary" href="01-a/">Start reading</a>' in html
    # The core values: the priority's diagram and each value in its words, by rank.
    assert 'class="cc-diagram cc-diagram--strict"' in html and 'href="core-values/#one"' in html
    values = html[html.index('<ol class="cc-values">') :]
    assert values.index("<strong>One</strong>") < values.index("<strong>Two</strong>")
    assert '<h2 id="core-values">The two core values' in html
    # Chapters with their reading time, and the downloads.
    assert "4 min read" in html
    assert 'href="constitution.json" download>The compiled constitution, as JSON</a>' in html


def test_landing_page_of_a_spec_without_values_or_text() -> None:
    result = compile_sources([SourceFile("01-a.md", "01-a.md", "# A {#a}\n\n## B {#b}\n")])
    page = Site(result).render("index.md", lambda path: path)
    assert page is not None
    assert "core-values" not in page.html and "cc-diagram" not in page.html
    assert "cc-intro" not in page.html and "Start reading" in page.html
