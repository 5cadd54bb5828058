"""The cache of the theme's compiled templates (compiler.mkdocs.template_cache): it lies in the
project, changes nothing in the site, survives damage, and is never written outside the project."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path

import pytest
from test_site_build import build, make_project

CHAPTER = "# One {#one}\n\nText with a [link](#one).\n"
CACHE = Path(".cache", "constitution", "templates")


def digest(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_the_cache_lies_in_the_project_and_changes_nothing(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": CHAPTER})
    first = build(config)
    assert first.exit_code == 0, first.output
    entries = sorted((tmp_path / CACHE).iterdir())
    assert len(entries) > 10  # the theme's templates, compiled
    site = digest(tmp_path / "site")
    second = build(config)
    assert second.exit_code == 0, second.output
    assert digest(tmp_path / "site") == site
    # A damaged entry is compiled again, and the site is the same.
    for entry in entries:
        entry.write_bytes(b"j2 not a cache entry")
    third = build(config)
    assert third.exit_code == 0, third.output
    assert digest(tmp_path / "site") == site


def test_a_cache_that_cannot_be_made_does_not_fail_the_build(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"index.md": CHAPTER})
    (tmp_path / CACHE).parent.mkdir(parents=True)
    (tmp_path / CACHE).write_text("a file where the cache would be")
    result = build(config)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / CACHE).read_text() == "a file where the cache would be"


def test_a_full_disk_under_the_cache_does_not_fail_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2.bccache

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(jinja2.bccache.tempfile, "NamedTemporaryFile", full)
    config = make_project(tmp_path, {"index.md": CHAPTER})
    result = build(config)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert list((tmp_path / CACHE).iterdir()) == []


def test_a_cache_linked_outside_the_project_is_not_used(tmp_path: Path) -> None:
    project = tmp_path / "project"
    outside = tmp_path / "outside"
    outside.mkdir()
    config = make_project(project, {"index.md": CHAPTER})
    (project / ".cache").symlink_to(outside, target_is_directory=True)
    result = build(config)
    assert result.exit_code == 0, result.output
    # The link's target is outside the project: nothing is cached there, not even a directory.
    assert list(outside.iterdir()) == []


def test_the_theme_is_listed_without_its_hidden_folders_and_mkdocs_copies_the_same_files(
    tmp_path: Path,
) -> None:
    """mkdocs-material's 14,000 icons lie in a hidden folder that mkdocs never copies: the
    theme's environment does not list them, and mkdocs adds the same files to the site."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from compiler.mkdocs.template_cache import theme_environments

    config_file = make_project(tmp_path, {"index.md": CHAPTER})
    config = load_config(config_file=str(config_file))
    theirs = config.theme.get_env()
    theme_environments(config.theme, tmp_path)
    ours = config.theme.get_env()
    assert ours.bytecode_cache is not None and theirs.bytecode_cache is None
    assert any(name.startswith(".icons/") for name in theirs.list_templates())
    assert not any("/." in f"/{name}" for name in ours.list_templates())
    files = {}
    for name, env in (("theirs", theirs), ("ours", ours)):
        found = Files([])
        found.add_files_from_theme(env, config)
        files[name] = sorted((file.src_uri, file.abs_src_path) for file in found)
    assert files["ours"] == files["theirs"] and len(files["ours"]) > 10
