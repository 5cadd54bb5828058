"""Proves the shared fixtures work for real: a page served from a temporary folder loads in
Chromium, and ajv-cli accepts good data and rejects bad data."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from support import AjvCli, collect_page_errors, is_required, serve_directory

if TYPE_CHECKING:
    from playwright.sync_api import Page

ServeDir = Callable[[str | Path], str]

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.org/test-support/item.schema.json",
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$"},
        "homepage": {"type": "string", "format": "uri"},
        "priority": {"type": "integer", "minimum": 1},
    },
    "required": ["id", "priority"],
    "additionalProperties": False,
}


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def test_repo_root_is_the_checkout(repo_root: Path) -> None:
    assert (repo_root / "pyproject.toml").is_file()
    assert (repo_root / "tests" / "conftest.py").is_file()


def test_corpus_dir_is_a_non_empty_folder(corpus_dir: Path) -> None:
    assert corpus_dir.is_dir()
    assert any(corpus_dir.iterdir())


@pytest.mark.parametrize(
    ("ci", "require", "expected"),
    [
        (None, None, False),
        ("", "0", False),
        ("false", None, False),
        ("true", None, True),
        (None, "1", True),
        ("0", "yes", True),
    ],
)
def test_prerequisites_are_required_in_ci_or_on_request(
    monkeypatch: pytest.MonkeyPatch, ci: str | None, require: str | None, expected: bool
) -> None:
    for name, value in (("CI", ci), ("CONSTITUTION_REQUIRE_X", require)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert is_required("CONSTITUTION_REQUIRE_X") is expected


def test_serve_dir_serves_files_and_404s(tmp_path: Path, serve_dir: ServeDir) -> None:
    (tmp_path / "hello.txt").write_text("hello", encoding="utf-8")
    base = serve_dir(tmp_path)
    assert base.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(f"{base}/hello.txt", timeout=10) as response:
        assert response.status == 200
        assert response.read() == b"hello"
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(f"{base}/absent.txt", timeout=10)
    assert raised.value.code == 404
    raised.value.close()


def test_serve_directory_stops_when_the_block_ends(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>x</p>", encoding="utf-8")
    with serve_directory(tmp_path) as base, urllib.request.urlopen(f"{base}/", timeout=10) as got:
        assert got.status == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base}/", timeout=2)


def test_serve_directory_rejects_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError), serve_directory(tmp_path / "absent"):
        pass


def test_browser_loads_a_served_page(tmp_path: Path, serve_dir: ServeDir, page: Page) -> None:
    (tmp_path / "index.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<title>Constitution fixture check</title>"
        # An empty icon: otherwise Chromium asks for /favicon.ico and logs the 404 as an error.
        "<link rel='icon' href='data:,'></head>"
        "<body><h1 id='heading'>It works</h1>"
        "<script>document.getElementById('heading').dataset.ran = 'yes';</script>"
        "</body></html>",
        encoding="utf-8",
    )
    errors = collect_page_errors(page)
    response = page.goto(f"{serve_dir(tmp_path)}/")
    assert response is not None and response.status == 200
    assert page.title() == "Constitution fixture check"
    assert page.locator("#heading").inner_text() == "It works"
    assert page.locator("#heading").get_attribute("data-ran") == "yes"
    assert errors == []


def test_ajv_accepts_valid_and_rejects_invalid_data(tmp_path: Path, ajv: AjvCli) -> None:
    schema = write_json(tmp_path / "item.schema.json", SCHEMA)
    valid = write_json(
        tmp_path / "valid.json",
        {"id": "be-honest", "homepage": "https://example.org/x", "priority": 1},
    )
    invalid = write_json(
        tmp_path / "invalid.json",
        {"id": "Be Honest", "homepage": "not a uri", "priority": 0, "extra": True},
    )

    accepted = ajv.validate(schema, [valid])
    assert accepted.returncode == 0, accepted.stderr
    assert "valid" in accepted.stdout

    rejected = ajv.validate(schema, [invalid])
    assert rejected.returncode != 0
    # --all-errors: every violation is reported, including the ajv-formats one.
    for keyword in ("additionalProperties", "pattern", "format", "minimum"):
        assert f'"keyword": "{keyword}"' in rejected.stderr, rejected.stderr

    both = ajv.validate(schema, [valid, invalid])
    assert both.returncode != 0


def test_ajv_compile_is_strict(tmp_path: Path, ajv: AjvCli) -> None:
    good = write_json(tmp_path / "good.schema.json", SCHEMA)
    compiled = ajv.compile(good)
    assert compiled.returncode == 0, compiled.stderr

    # Strict mode rejects keywords it does not know, which would otherwise be ignored silently.
    sloppy = write_json(tmp_path / "sloppy.schema.json", {**SCHEMA, "requird": ["id"]})
    refused = ajv.compile(sloppy)
    assert refused.returncode != 0
    assert "requird" in refused.stdout + refused.stderr


def test_run_ajv_module_helpers(tmp_path: Path, ajv: AjvCli) -> None:
    from support import compile_schema, run_ajv

    schema = write_json(tmp_path / "item.schema.json", SCHEMA)
    data = write_json(tmp_path / "data.json", {"id": "x", "priority": 2})
    assert compile_schema(schema).returncode == 0
    assert run_ajv(schema, data).returncode == 0
