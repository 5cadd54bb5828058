"""Fixtures shared by the whole suite: paths, a loopback HTTP server, Chromium and ajv-cli.

A missing outside prerequisite skips its tests locally and fails them in CI (see support.prereqs).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# pytest already puts tests/ on sys.path while tests/ has no __init__.py; this keeps
# `import support` working if one is ever added.
_TESTS_DIR = str(Path(__file__).resolve().parent)
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from support.ajv import NODE_ENV, AjvCli, find_ajv, require_ajv  # noqa: E402
from support.browser import (  # noqa: E402
    CHROMIUM_ENV,
    DEFAULT_CHROMIUM,
    find_chromium,
    launch_chromium,
)
from support.paths import REPO_ROOT, find_corpus_dir  # noqa: E402
from support.prereqs import is_required, missing  # noqa: E402
from support.serve import serve_directory  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

BROWSER_ENV = "CONSTITUTION_REQUIRE_BROWSER"
CORPUS_ENV = "CONSTITUTION_REQUIRE_CORPUS"

# Tests that use any of these get the `browser` marker, so `-m "not browser"` leaves them out.
BROWSER_FIXTURES = frozenset({"chromium_path", "browser", "page"})


def pytest_configure(config: pytest.Config) -> None:
    # pyproject.toml declares the marker too; registering it here keeps --strict-markers happy
    # even if that list changes.
    declared = [line.split(":", 1)[0].strip() for line in config.getini("markers")]
    if "browser" not in declared:
        config.addinivalue_line("markers", "browser: drives Chromium against the built site")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def pytest_report_header(config: pytest.Config) -> list[str]:
    ajv = find_ajv()
    corpus = find_corpus_dir()
    required = [name for name in (BROWSER_ENV, NODE_ENV, CORPUS_ENV) if is_required(name)]
    return [
        f"constitution: chromium={find_chromium() or 'MISSING'}"
        f" ajv={ajv.executable if ajv else 'MISSING'} corpus={corpus or 'MISSING'}",
        "constitution: missing prerequisites "
        + ("FAIL tests (CI=" + os.environ.get("CI", "") + ")" if required else "skip tests"),
    ]


# --- paths -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository checkout (holds pyproject.toml), whatever the current directory."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def corpus_dir(repo_root: Path) -> Path:
    """The shared corpus, ``../shared/corpus`` beside the checkout (or $CONSTITUTION_CORPUS_DIR)."""
    corpus = find_corpus_dir(repo_root)
    if corpus is None:
        missing(
            f"the shared corpus is absent (looked in {repo_root.parent / 'shared' / 'corpus'})",
            env_var=CORPUS_ENV,
            fix="check out beside shared/, or set CONSTITUTION_CORPUS_DIR",
        )
    return corpus


# --- the repository's site ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def repo_site(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The repository's constitution built with `constitution build`, as on a fresh clone (once
    per session: read it, never change it)."""
    yield _built_repo_site(repo_root, tmp_path_factory.mktemp("repo-site"), with_releases=False)


@pytest.fixture(scope="session")
def released_site(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The repository's constitution with its releases (releases/), built with `constitution
    build` and the repository's mkdocs.yml, as on a fresh clone: its print pages and PDFs, the
    release pages (once per session: read it, never change it)."""
    yield _built_repo_site(repo_root, tmp_path_factory.mktemp("released-site"), with_releases=True)


def _built_repo_site(repo_root: Path, root: Path, *, with_releases: bool) -> Path:
    """The repository's project copied into `root` (with its releases, or none), built."""
    from test_site_build import build, copy_repo_project

    config = copy_repo_project(repo_root, root)
    if with_releases:
        shutil.copytree(repo_root / "releases", root / "releases")
    result = build(config)
    assert result.exit_code == 0, result.output
    return root / "site"


# --- HTTP --------------------------------------------------------------------------------------


@pytest.fixture
def serve_dir() -> Iterator[Callable[[str | Path], str]]:
    """``serve_dir(path) -> "http://127.0.0.1:PORT"``: serves ``path`` until the test ends.

    Call it as often as needed; every server is shut down at teardown.
    """
    with ExitStack() as stack:

        def serve(path: str | Path) -> str:
            return stack.enter_context(serve_directory(path))

        yield serve


# --- Chromium ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of Debian's Chromium (/usr/bin/chromium, or $CONSTITUTION_CHROMIUM)."""
    path = find_chromium()
    if path is None:
        looked = os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM
        missing(
            f"Chromium is not installed ({looked} is missing or not executable)",
            env_var=BROWSER_ENV,
            fix="scripts/setup.sh --with-browser (apt-get install chromium)",
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    """One headless Chromium for the whole session, driven through Playwright's sync API."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        missing(
            f"Playwright is not importable ({error})",
            env_var=BROWSER_ENV,
            fix="scripts/setup.sh --test",
        )
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright, chromium_path)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own browser context (no cookies or storage shared between tests)."""
    context = browser.new_context()
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


# --- ajv-cli -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def ajv() -> AjvCli:
    """The checkout's ajv-cli: ``ajv.validate(schema, data_paths)``, ``ajv.compile(schema)``."""
    return require_ajv()
