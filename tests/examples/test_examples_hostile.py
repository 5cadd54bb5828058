"""Hostile input to the examples: any conversation either parses or gives diagnostics at lines
of its fence, nothing else escapes; a prompts file that leads out of its folder is refused,
never read; the export and the site never carry live markup."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.examples.conversation import Place, parse_conversation
from compiler.examples.export import dumps_jsonl
from compiler.examples.model import Verdict
from compiler.grammar.examples import ExampleSyntax
from compiler.pipeline import ExamplesResult, compile_examples

SYNTAX = ExampleSyntax(
    fence="xml",
    roles=MappingProxyType({"user": "user", "assistant": "assistant"}),
    title="Example",
    comparison="comparison",
    labels=MappingProxyType({"GOOD": Verdict.GOOD, "BAD": Verdict.BAD}),
)
PIECES = st.sampled_from(
    [
        "<user>", "</user>", "<assistant>", "</assistant>", "<comparison>", "</comparison>",
        "<assistant> <!-- GOOD -->", "<assistant><!-- BAD[#a]: no", "<!--", "-->", "<a b='",
        "<x/>", "<user role=x>", "&amp;", "&#0;", "\n", " ", "text", "<", ">", "\u202e", "\x00",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40))
def test_any_conversation_parses_or_is_reported_within_its_fence(pieces: list[str]) -> None:
    content = "".join(pieces)
    lines = content.count("\n") + 1
    place = Place.of(content, "spec.md", "spec.md", 10, [""] * 9 + content.split("\n"))
    found = parse_conversation(content, SYNTAX, place, lambda ident: ident == "a")
    for diagnostic in found.diagnostics:
        assert 10 <= diagnostic.line < 10 + lines and diagnostic.column >= 1
    for turn in [*found.turns, *(r.turn for r in found.replies)]:
        assert turn.role in ("user", "assistant")
        assert 10 <= turn.source.line <= turn.source.end_line < 10 + lines
    for reply in found.replies:
        assert 0 <= reply.after <= len(found.turns)


SECRET = "**Example**: leaked\n\n~~~xml\n<user>\nSECRET\n</user>\n~~~\n"


def _linked_out(tmp_path: Path, link: Callable[[Path, Path], Path]) -> tuple[Path, ExamplesResult]:
    """A one-file spec whose footnote names prompts that `link` (given the spec's folder and a
    folder outside it holding k.md) makes reachable only through a symbolic link; the linked
    path, and the result of compiling its examples."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "k.md").write_text(SECRET, "utf-8")
    spec = tmp_path / "spec"
    spec.mkdir()
    (spec / "rules.md").write_text("# A {#a}\n\nA passage[^k].\n", "utf-8")
    linked = link(spec, outside)
    grammar = tmp_path / "grammar.yaml"
    grammar.write_text(
        "examples: {fence: xml, title: Example, roles: [user], prompts: {folder: prompts}}\n",
        "utf-8",
    )
    return linked, compile_examples(spec / "rules.md", grammar)


def _file_link(spec: Path, outside: Path) -> Path:
    (spec / "prompts").mkdir()
    (spec / "prompts" / "k.md").symlink_to(outside / "k.md")
    return spec / "prompts" / "k.md"


def _folder_link(spec: Path, outside: Path) -> Path:
    (spec / "prompts").symlink_to(outside, target_is_directory=True)
    return spec / "prompts"


@pytest.mark.parametrize("link", [_file_link, _folder_link], ids=["file", "folder"])
def test_prompts_linked_from_outside_the_spec_are_refused_unread(
    tmp_path: Path, link: Callable[[Path, Path], Path]
) -> None:
    linked, result = _linked_out(tmp_path, link)
    codes = [(d.code, d.file) for d in result.diagnostics]
    assert ("CC105", str(linked)) in codes
    # Its footnote has no file it may read.
    assert ("CC811", str(tmp_path / "spec" / "rules.md")) in codes
    assert result.examples is None
    assert all("SECRET" not in d.format() for d in result.diagnostics)


def test_markup_stays_text_in_the_export(tmp_path: Path) -> None:
    (tmp_path / "constitution.yaml").write_text(
        "examples: {fence: xml, title: Example, roles: [user]}\n", "utf-8"
    )
    (tmp_path / "a.md").write_text(
        "# A {#a}\n\n**Example**: the `<b>` tag\n\n~~~xml\n"
        '<user note="&lt;i&gt;">\n<script>x()</script> &lt;b&gt;\n</user>\n~~~\n',
        "utf-8",
    )
    result = compile_examples(tmp_path)
    assert result.examples is not None, [d.format() for d in result.diagnostics]
    (line,) = [json.loads(x) for x in dumps_jsonl(result.examples).splitlines()]
    assert line["title"] == "the `<b>` tag"  # as written: Markdown, never HTML
    assert line["messages"] == [
        {"role": "user", "content": "<script>x()</script> <b>", "note": "<i>"}
    ]
