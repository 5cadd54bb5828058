"""The package's own pages kept between builds (compiler.site.page_cache): a page from the cache
is the page rendered afresh, and any change of what it is made of renders it again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from test_site_build import build, make_project
from test_template_cache import digest

import compiler.site.page_cache as page_cache
from compiler.site.page_cache import render_package_page
from compiler.site.render import PageContext, RenderedPage, SiteIndex, render_markdown
from compiler.site.render.context import NodeInfo

CACHE = Path(".cache", "constitution", "pages")

TEXT = """\
# Guide {#guide}

See [the files](#files), [the JSON](/constitution.json) and [a chapter](one.md).

## Files {#files}

```python
print("hello")
```
"""


def context(urls: dict[str, str | None] | None = None, highlight: bool = False) -> PageContext:
    answers: dict[str, str | None] = {
        "constitution.json": "../constitution.json",
        "one.md": "../one/",
    }
    answers.update(urls or {})
    return PageContext(SiteIndex(), None, answers.get, highlight=highlight)


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts rendered afresh (not taken from the cache), in order."""
    rendered: list[str] = []

    def counted(text: str, context: PageContext) -> RenderedPage:
        rendered.append(text)
        return render_markdown(text, context)

    monkeypatch.setattr(page_cache, "render_markdown", counted)
    return rendered


def same(a: RenderedPage, b: RenderedPage) -> bool:
    return (a.html, a.toc, a.title) == (b.html, b.toc, b.title)


def test_a_cached_page_is_the_page_rendered_afresh(tmp_path: Path, renders: list[str]) -> None:
    fresh = render_package_page("guide.md", TEXT, context(), None)
    first = render_package_page("guide.md", TEXT, context(), tmp_path)
    second = render_package_page("guide.md", TEXT, context(), tmp_path)
    assert renders == [TEXT, TEXT]  # the second call read the cache
    assert same(first, fresh) and same(second, fresh)
    assert 'href="../constitution.json"' in second.html and 'href="../one/"' in second.html
    assert [entry.id for entry in second.toc] == ["guide"]
    assert [entry.id for entry in second.toc[0].children] == ["files"]
    assert len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda: ("guide.md", TEXT.replace("hello", "bye"), context()), "the text"),
        (lambda: ("guide.md", TEXT, context(highlight=True)), "highlighted code"),
        (lambda: ("guide.md", TEXT, context({"one.md": "../../one/"})), "a file's URL"),
        (lambda: ("guide.md", TEXT, context({"one.md": None})), "a file left out"),
    ],
)
def test_any_change_renders_the_page_again(
    tmp_path: Path,
    renders: list[str],
    change: Callable[[], tuple[str, str, PageContext]],
    why: str,
) -> None:
    render_package_page("guide.md", TEXT, context(), tmp_path)
    name, text, changed = change()
    page = render_package_page(name, text, changed, tmp_path)
    assert len(renders) == 2, why
    # The new page replaced the entry, and is read from it next time.
    assert same(render_package_page(name, text, changed, tmp_path), page)
    assert len(renders) == 2 and len(list(tmp_path.iterdir())) == 1
    assert same(page, render_package_page(name, text, changed, None)), why


def test_a_change_of_the_package_code_renders_the_page_again(
    tmp_path: Path, renders: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    (package / "site").mkdir(parents=True)
    source = package / "site" / "module.py"
    source.write_text("x = 1\n")
    monkeypatch.setattr(page_cache, "PACKAGE", package)
    cache = tmp_path / "cache"
    cache.mkdir()
    render_package_page("guide.md", TEXT, context(), cache)
    render_package_page("guide.md", TEXT, context(), cache)
    assert len(renders) == 1
    source.write_text("x = 22\n")  # as an edit of the renderer would
    render_package_page("guide.md", TEXT, context(), cache)
    (package / "new.py").write_text("")  # a module added
    render_package_page("guide.md", TEXT, context(), cache)
    assert len(renders) == 3


@pytest.mark.parametrize(
    "damage", [b"", b"not json", b"[]", b'{"key": 1}', b'{"key": "x", "asked": {}}']
)
def test_a_damaged_entry_is_rendered_again(
    tmp_path: Path, renders: list[str], damage: bytes
) -> None:
    fresh = render_package_page("guide.md", TEXT, context(), tmp_path)
    (entry,) = tmp_path.iterdir()
    entry.write_bytes(damage)
    assert same(render_package_page("guide.md", TEXT, context(), tmp_path), fresh)
    assert len(renders) == 2


def test_a_damaged_entry_with_the_right_key_is_rendered_again(
    tmp_path: Path, renders: list[str]
) -> None:
    fresh = render_package_page("guide.md", TEXT, context(), tmp_path)
    (entry,) = tmp_path.iterdir()
    stored = json.loads(entry.read_bytes())
    stored["toc"] = [["one", "two"]]
    entry.write_text(json.dumps(stored))
    assert same(render_package_page("guide.md", TEXT, context(), tmp_path), fresh)
    assert len(renders) == 2


def test_the_spec_does_not_take_the_page_links(tmp_path: Path) -> None:
    """An id of the spec named like one of the page's headings leaves its links on the page."""
    index = SiteIndex()
    index.nodes["files"] = NodeInfo("section", "one.md", "Files of the spec")
    spec = PageContext(index, None, context().url_of_file)
    for directory in (None, tmp_path, tmp_path):
        page = render_package_page("guide.md", TEXT, spec, directory)
        assert 'href="#files"' in page.html
        assert "Files of the spec" not in page.html


def test_builds_keep_the_package_pages_and_the_site_is_the_same(tmp_path: Path) -> None:
    chapter = "# Files {#files-in-the-spec}\n\nA chapter whose id the authoring guide names.\n"
    config = make_project(tmp_path, {"index.md": chapter})
    first = build(config)
    assert first.exit_code == 0, first.output
    entries = sorted((tmp_path / CACHE).iterdir())
    assert len(entries) == 2  # the authoring guide and the tool builders' page
    site = digest(tmp_path / "site")
    guide = (tmp_path / "site" / "authoring" / "index.html").read_text("utf-8")
    assert 'href="#files-in-the-spec"' in guide  # its own heading, not the chapter
    second = build(config)
    assert second.exit_code == 0, second.output
    assert digest(tmp_path / "site") == site
    assert sorted((tmp_path / CACHE).iterdir()) == entries
