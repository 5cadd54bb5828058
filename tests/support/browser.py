"""Launch Debian's Chromium through Playwright: Playwright's own browser download cannot work here,
so tests drive the system's /usr/bin/chromium instead."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, Route

CHROMIUM_ENV = "CONSTITUTION_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"

CHROMIUM_ARGS: tuple[str, ...] = (
    "--no-sandbox",  # tests run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    # The machine has no network but the package registries: without these Chromium keeps
    # trying to reach Google's services at start-up.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find_chromium() -> str | None:
    """The Chromium binary: ``$CONSTITUTION_CHROMIUM``, else /usr/bin/chromium, else PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    candidates = [configured] if configured else [DEFAULT_CHROMIUM, shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch_chromium(playwright: Playwright, executable_path: str) -> Browser:
    """Headless Chromium with the flags above.

    Playwright's ``launch`` gives every browser a fresh temporary user-data-dir and deletes it on
    close, so no profile state leaks between runs.
    """
    return playwright.chromium.launch(
        executable_path=executable_path,
        headless=True,
        args=list(CHROMIUM_ARGS),
        timeout=60_000,
    )


def collect_page_errors(page: Page) -> list[str]:
    """Start recording the page's uncaught exceptions and console errors; returns the live list."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"console.error: {message.text}")

    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    page.on("console", on_console)
    return errors


def block_other_hosts(context: BrowserContext, origin: str, foreign: list[str]) -> None:
    """Let the context load only from `origin` (and data:, blob:, about: URLs): any other
    request is aborted and its URL appended to `foreign`, for the test to assert it empty."""
    host = urlsplit(origin).netloc

    def guard(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob", "about") or url.netloc == host:
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
