"""Each version of OpenAI's model spec in ../shared/corpus compiles as a single-file spec: every
`{#id ...}` heading becomes a section carrying its attributes, every `(#id)` link resolves or is
reported. The expectations are read from the Markdown independently of the compiler.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.pipeline import compile_spec

VERSIONS = ("2025-02-12", "2025-04-11")

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*\{#([\w-]+)([^}]*)\}\s*$")
LINK = re.compile(r"\]\(#([^)\s]+)\)")


def _outside_fences(text: str) -> list[tuple[int, str]]:
    """(line number, line) for every line outside ``` and ~~~ fences."""
    lines: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip()
        marker = stripped[:3]
        if fence is None and marker in ("```", "~~~"):
            fence = marker
            continue
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]).strip():
                fence = None
            continue
        lines.append((number, line))
    return lines


def _model_spec(corpus_dir: Path, version: str) -> Path:
    """The model spec of `version`; the corpus_dir fixture skips locally (fails in CI) without it."""
    path = corpus_dir / "openai-model-spec" / version / "model_spec.md"
    assert path.is_file(), f"{path} is missing from the corpus"
    return path


GRAMMAR = Path(__file__).resolve().parents[1] / "data" / "grammar" / "valid" / "model-spec.yaml"
#: The levels of authority the grammar declares, highest first; 2025-02-12 says platform for root.
LEVELS = ("root", "system", "developer", "user", "guideline")


@pytest.mark.parametrize("grammar", [False, True], ids=["without-grammar", "with-authority"])
@pytest.mark.parametrize("version", VERSIONS)
def test_model_spec_compiles_with_every_heading_and_link(
    corpus_dir: Path, version: str, grammar: bool
) -> None:
    """Without a grammar, `authority` is an attribute kept as written; with one declaring the
    ordered levels (alias platform -> root), it is a typed field of every section that gives it."""
    path = _model_spec(corpus_dir, version)
    result = compile_spec(path, grammar_file=GRAMMAR if grammar else None)
    lines = _outside_fences(path.read_text("utf-8"))
    expected_sections: dict[str, tuple[int, str, int, dict[str, str]]] = {}
    expected_links: list[tuple[int, str]] = []
    for number, line in lines:
        match = HEADING.match(line)
        if match:
            attributes = dict(re.findall(r"([\w-]+)=([\w-]+)", match[4]))
            expected_sections[match[3]] = (number, match[2], len(match[1]), attributes)
        expected_links += [(number, target) for target in LINK.findall(line)]
    assert len(expected_sections) > 60
    assert any(attrs.get("authority") == "platform" for *_, attrs in expected_sections.values())

    reported = {(d.line, d.message) for d in result.diagnostics if d.code == "CC302"}
    assert result.document is not None or reported, [d.format() for d in result.diagnostics]
    document = result.model
    assert document is not None
    sections = {s.id: s for s in document.of_kind("section")}
    for ident, (number, title, level, attributes) in expected_sections.items():
        section = sections[ident]
        assert (section.source.line, section.title, section.level) == (number, title, level)
        if grammar:
            authority = attributes.pop("authority", None)
            expected = "root" if authority == "platform" else authority
            assert section.fields.get("authority") == expected
            assert expected is None or expected in LEVELS
        assert dict(section.attributes) == attributes
        assert section.auto_id is False
    resolved = {(r.source.line, r.target) for r in document.references}
    for number, target in expected_links:
        assert (number, target) in resolved or (
            number,
            f"link to unknown id '#{target}'",
        ) in reported
    assert len(document.references) == len(expected_links)


@pytest.mark.parametrize("version", VERSIONS)
def test_model_spec_keeps_commentary_and_examples_as_text(corpus_dir: Path, version: str) -> None:
    path = _model_spec(corpus_dir, version)
    result = compile_spec(path)
    assert result.model is not None
    text = "\n".join(s.text for s in result.model.nodes)
    assert "<comparison>" in text  # ~~~xml examples are kept as text, not rejected as HTML
    assert result.ok, [d.format() for d in result.diagnostics]
