"""`constitution serve`: a live preview that recompiles on save and shows errors on the page
instead of stopping."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_site_build import make_project

pytestmark = pytest.mark.slow

#: Generous: how long to wait for the server to start or to rebuild (not an assertion on speed).
WAIT_SECONDS = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_until(condition: Callable[[], bool], what: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if server.poll() is not None:
            pytest.fail(
                f"the server stopped while waiting for {what}:\n{server.stdout.read() if server.stdout else ''}"
            )
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    config = make_project(tmp_path, {"index.md": "# Home\n\nFirst words.\n"})
    port = free_port()
    executable = Path(sys.executable).with_name("constitution")
    server = subprocess.Popen(
        [str(executable), "serve", "--config", str(config), "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        yield f"http://127.0.0.1:{port}/", tmp_path / "docs" / "index.md", server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_serve_recompiles_on_save_and_shows_errors(
    serve: tuple[str, Path, subprocess.Popen[str]],
) -> None:
    url, source, server = serve
    wait_until(lambda: "First words." in fetch(url), "the first build", server)

    source.write_text("# Home\n\nSee [there](#nowhere).\n", encoding="utf-8")
    wait_until(lambda: "The constitution has errors" in fetch(url), "the error page", server)
    page = fetch(url)
    # Paths in the banner are relative to the project: a shared preview shows no local folders.
    assert "<code>docs/index.md:3:5: CC302 link to unknown id &#x27;#nowhere&#x27;" in page
    assert str(source.parent.parent) not in page
    assert 'See <a href="#nowhere">there</a>' in page  # the new text, with the error above it

    source.write_text("# Home\n\nFixed words.\n", encoding="utf-8")
    wait_until(lambda: "Fixed words." in fetch(url), "the fixed page", server)
    assert "The constitution has errors" not in fetch(url)
    assert server.poll() is None

    os.killpg(server.pid, signal.SIGINT)
    output, _ = server.communicate(timeout=20)
    assert "CC302 link to unknown id '#nowhere'" in output  # reported in the terminal too
    assert "Traceback" not in output
