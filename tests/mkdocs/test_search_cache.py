"""The cache of each page's search entries (compiler.mkdocs.search_cache): a build that takes
entries from it writes the same search index, byte for byte, as one that reads every page; an
edited page is read again; a damaged entry is a miss; the cache holds one file per page."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_search_speedups import CHAPTER, build, files_of

from compiler.mkdocs.plugin import ConstitutionPlugin

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

CACHE = Path(".cache", "constitution", "search")
SECOND = "# Second {#second}\n\nA chapter about **corrigibility**, linking [back](#examples).\n"


def index_of(site: Path) -> list[dict[str, object]]:
    docs = json.loads((site / "search" / "search_index.json").read_text("utf-8"))["docs"]
    assert isinstance(docs, list)
    return docs


def project(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "01-examples.md").write_text(CHAPTER, "utf-8")
    (root / "docs" / "02-second.md").write_text(SECOND, "utf-8")
    return root


def test_a_build_from_the_cache_writes_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    cold = files_of(build(root, "cold"))
    cached = sorted((root / CACHE).iterdir())
    assert len(cached) >= 3  # the chapters, the home page and the generated pages
    stamps = {path: path.stat().st_mtime_ns for path in cached}
    warm = files_of(build(root, "warm"))
    assert sorted((root / CACHE).iterdir()) == cached
    assert {path: path.stat().st_mtime_ns for path in cached} == stamps  # read, not written
    assert [name for name in cold if cold[name] != warm.get(name)] == []
    assert cold.keys() == warm.keys()
    # Without the plugin's page_context events the search plugin reads every page itself.
    monkeypatch.delattr(ConstitutionPlugin, "on_page_context")
    plain = files_of(build(root, "plain"))
    assert plain["search/search_index.json"] == warm["search/search_index.json"]


def test_an_edited_page_is_read_again_and_replaces_its_entry(tmp_path: Path) -> None:
    root = project(tmp_path)
    build(root, "site")
    count = len(list((root / CACHE).iterdir()))
    (root / "docs" / "02-second.md").write_text(SECOND.replace("corrigibility", "ethics"))
    site = build(root, "site")
    texts = " ".join(str(entry["text"]) for entry in index_of(site))
    assert "ethics" in texts
    assert "corrigibility" not in texts
    assert len(list((root / CACHE).iterdir())) == count


def test_a_damaged_entry_is_a_miss(tmp_path: Path) -> None:
    root = project(tmp_path)
    expected = (build(root, "site") / "search" / "search_index.json").read_bytes()
    damage = [b"", b"not json", b"[]", b'{"digest": 1}', b'{"entries": [1]}']
    for number, path in enumerate(sorted((root / CACHE).iterdir())):
        path.write_bytes(damage[number % len(damage)])
    assert (build(root, "site") / "search" / "search_index.json").read_bytes() == expected


def test_a_cache_linked_outside_the_project_is_not_used(tmp_path: Path) -> None:
    root = project(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / ".cache").symlink_to(outside, target_is_directory=True)
    site = build(root, "site")
    assert index_of(site)
    assert list(outside.iterdir()) == []
