"""A change of formatting only (a word put in italics, code marks taken off, a link's URL) is a
change the diff reports, at the lowest level, and never against a document that records no
formatting (schema 3.1 and older): there, formatting is unknown, not removed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compiler.diff import RULES, Level, Side, diff_documents
from compiler.pipeline import compile_sources
from compiler.reader import SourceFile

BASE = "# T {#t}\n\nThe model acts with [care](https://example.org/care) and *judgment*.\n"


def compiled(text: str) -> dict[str, Any]:
    result = compile_sources([SourceFile("a.md", "a.md", text)])
    assert result.document is not None, result.diagnostics
    return result.document


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    result = diff_documents(old, new, Side("old"), Side("new"))
    return [(c.rule, str(c.level), c.old_value, c.new_value) for c in result.changes]


def test_the_rule_is_editorial() -> None:
    assert RULES["formatting-changed"][0] is Level.EDITORIAL


def test_formatting_alone_is_reported() -> None:
    old = compiled(BASE)
    assert changes(old, compiled(BASE)) == []
    assert changes(old, compiled(BASE.replace("*judgment*", "**judgment**"))) == [
        ("formatting-changed", "editorial", ["em 'judgment'"], ["strong 'judgment'"])
    ]
    assert changes(old, compiled(BASE.replace("example.org/care", "example.org/kindness"))) == [
        (
            "formatting-changed",
            "editorial",
            ["link 'care' -> https://example.org/care"],
            ["link 'care' -> https://example.org/kindness"],
        )
    ]


def test_a_rewording_is_not_also_a_formatting_change() -> None:
    new = compiled(BASE.replace("*judgment*", "good judgment"))
    assert [rule for rule, *_ in changes(compiled(BASE), new)] == ["section-text-changed"]


def test_no_formatting_change_against_a_document_that_records_none(repo_root: Path) -> None:
    old = compiled(BASE)
    old["$schema"] = old["$schema"].replace("/3.2.0/", "/3.1.0/")
    for node in old["nodes"]:
        for block in node["blocks"]:
            block.pop("marks", None)
    assert changes(old, compiled(BASE)) == []
