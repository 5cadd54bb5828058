"""Finding and reading the declarations file, the default grammar, and hostile input."""

from __future__ import annotations

import fnmatch
import re
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.diagnostics import CODES, render
from compiler.diff import load_levels
from compiler.grammar import load
from compiler.grammar.load import GRAMMAR_FILE, default_grammar, load_grammar, loads_grammar
from compiler.grammar.types import FieldType, Form, Grammar, Granularity, Mode, TitleSource
from compiler.pipeline import compile_sources
from compiler.reader import SourceFile

DATA = Path(__file__).resolve().parent.parent / "data" / "grammar" / "valid"
CLAUDE = (DATA / "claude.yaml").read_text("utf-8")


def _codes(text: str) -> list[str]:
    return [d.code for d in loads_grammar(text, "constitution.yaml")[1]]


# --- where the declarations come from -------------------------------------------------------


def test_a_spec_without_declarations_has_the_default_grammar(tmp_path: Path) -> None:
    (tmp_path / "index.md").write_text("# Hello\n")
    assert load.grammar_file(tmp_path) is None
    assert load_grammar(tmp_path) == (default_grammar(), [])
    assert load_grammar(tmp_path / "index.md") == (default_grammar(), [])
    assert load_grammar() == (default_grammar(), [])


def test_a_directory_spec_reads_its_constitution_yaml(tmp_path: Path) -> None:
    (tmp_path / GRAMMAR_FILE).write_text(CLAUDE)
    grammar, problems = load_grammar(tmp_path)
    assert problems == []
    assert grammar.file == str(tmp_path / GRAMMAR_FILE)
    assert "principal" in grammar.kinds


def test_an_explicit_file_wins_over_the_spec_s_own(tmp_path: Path) -> None:
    (tmp_path / GRAMMAR_FILE).write_text("kinds: [broken]\n")
    other = tmp_path / "elsewhere.yaml"
    other.write_text(CLAUDE)
    grammar, problems = load_grammar(tmp_path, other)
    assert problems == [] and "behavior" in grammar.kinds


def test_a_link_to_a_file_outside_the_spec_is_refused(tmp_path: Path) -> None:
    spec, outside = tmp_path / "spec", tmp_path / "outside.yaml"
    spec.mkdir()
    outside.write_text(CLAUDE)
    (spec / GRAMMAR_FILE).symlink_to(outside)
    grammar, problems = load_grammar(spec)
    assert grammar.kinds == default_grammar().kinds
    assert [(p.code, p.file) for p in problems] == [("CC712", str(spec / GRAMMAR_FILE))]
    assert "outside the spec" in problems[0].message


def test_a_link_inside_the_spec_is_read(tmp_path: Path) -> None:
    (tmp_path / "grammar.yaml").write_text(CLAUDE)
    (tmp_path / GRAMMAR_FILE).symlink_to(tmp_path / "grammar.yaml")
    grammar, problems = load_grammar(tmp_path)
    assert problems == [] and "honesty" in grammar.kinds


def test_a_missing_explicit_file(tmp_path: Path) -> None:
    grammar, problems = load_grammar(tmp_path, tmp_path / "nope.yaml")
    assert grammar.kinds == default_grammar().kinds
    assert [p.code for p in problems] == ["CC106"]


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"kinds:\n  a: {label: \xff}\n", "CC101"), (b"kinds: {}\x00\n", "CC102")],
)
def test_bytes_that_are_not_text(tmp_path: Path, data: bytes, code: str) -> None:
    path = tmp_path / GRAMMAR_FILE
    path.write_bytes(data)
    assert [p.code for p in load_grammar(tmp_path)[1]] == [code]


def test_a_file_that_is_too_large(tmp_path: Path) -> None:
    path = tmp_path / GRAMMAR_FILE
    path.write_text("# " + "x" * load.MAX_BYTES + "\n")
    grammar, problems = load_grammar(tmp_path)
    assert grammar.kinds == default_grammar().kinds
    assert [(p.code, p.line) for p in problems] == [("CC710", 1)]


def test_line_endings_and_a_byte_order_mark_do_not_matter(tmp_path: Path) -> None:
    path = tmp_path / GRAMMAR_FILE
    path.write_bytes(b"\xef\xbb\xbf" + CLAUDE.replace("\n", "\r\n").encode("utf-8"))
    grammar, problems = load_grammar(tmp_path)
    assert problems == []
    assert grammar.kinds == load_grammar(file=DATA / "claude.yaml")[0].kinds


# --- the default grammar describes today's compiler -------------------------------------------


def test_the_default_grammar_declares_the_built_in_kinds() -> None:
    grammar = default_grammar()
    assert list(grammar.kinds) == [
        "section",
        "property",
        "priority",
        "constraint",
        "definition",
        "rationale",
        "reference",
    ]
    assert all(kind.builtin for kind in grammar.kinds.values())
    assert [k.name for k in grammar.annotation_kinds()] == [
        "property",
        "priority",
        "constraint",
        "definition",
        "rationale",
    ]
    assert {k.key for k in grammar.kinds.values()} == {
        "sections",
        "properties",
        "priorities",
        "constraints",
        "definitions",
        "rationales",
        "references",
    }
    assert grammar.kinds["section"].form is Form.HEADING
    assert grammar.kinds["reference"].form is Form.LINK
    assert grammar.section_fields == ()
    assert grammar.diff is None and grammar.examples is None and grammar.file is None


def test_the_built_in_fields_are_those_the_compiler_reads() -> None:
    kinds = default_grammar().kinds

    def field(kind: str, name: str) -> tuple[object, ...]:
        spec = kinds[kind].field(name)
        assert spec is not None
        return (spec.type, spec.many, spec.required, spec.default, spec.values, spec.ordered)

    assert field("property", "rank") == (FieldType.INTEGER, False, True, None, (), False)
    assert kinds["property"].fields[0].minimum == 1
    assert field("priority", "mode") == (
        FieldType.ENUM,
        False,
        True,
        None,
        ("holistic", "strict"),
        False,
    )
    assert {"holistic", "strict"} == set(Mode)
    assert field("priority", "order") == (FieldType.REFERENCE, True, False, None, (), True)
    assert field("constraint", "kind") == (
        FieldType.ENUM,
        False,
        False,
        "hard",
        ("hard", "exception", "robustness"),
        False,
    )
    assert field("constraint", "concerns") == (FieldType.REFERENCE, True, False, None, (), False)
    assert field("rationale", "justifies") == (FieldType.REFERENCE, True, True, None, (), False)
    assert kinds["property"].title.sources == (TitleSource.ATTRIBUTE, TitleSource.LEAD)
    assert (kinds["property"].title.attribute, kinds["definition"].title.attribute) == (
        "title",
        "term",
    )
    assert kinds["constraint"].binding and not kinds["property"].binding
    order = kinds["priority"].order
    assert order is not None and order.ranked_by is not None
    assert (order.levels, order.mode, order.ranked_by.kind, order.ranked_by.field) == (
        "order",
        "mode",
        "property",
        "rank",
    )
    pages = {k.page.slug: k.page.title for k in kinds.values() if k.page is not None}
    assert pages == {
        "core-values": "Core values",
        "constraints": "Constraints",
        "glossary": "Glossary",
    }
    assert all(k.open for k in kinds.values() if k.form is not Form.LINK)


def test_settings_only_the_default_grammar_may_give() -> None:
    text = "kinds:\n  thing:\n    open: true\n    form: heading\n    fields:\n      x: {type: enum, values: [a], extensible: false}\n"
    assert _codes(text) == ["CC702", "CC702", "CC702"]


def test_a_broken_default_grammar_is_caught() -> None:
    broken = (
        "kinds:\n  priority:\n    order: {levels: nope, mode: rank, ranked_by: {kind: x, field: y}}\n"
        "    fields:\n      rank: {type: integer}\n"
    )
    grammar, problems = load._read(broken, "default.yaml", None)
    assert [p.message for p in problems] == [
        "priority.order.levels names no ordered reference",
        "priority.order.mode names no enum of modes",
        "priority.order.ranked_by names no integer field",
    ]
    assert list(grammar.kinds) == ["priority"]


# --- merging and best effort -------------------------------------------------------------------


def test_declared_kinds_follow_the_built_in_ones_in_declaration_order() -> None:
    grammar, _ = loads_grammar(CLAUDE, "claude.yaml")
    assert list(grammar.kinds)[-4:] == ["principal", "behavior", "honesty", "safe-behavior"]
    behavior = grammar.kinds["behavior"]
    assert (behavior.key, behavior.label, behavior.plural) == (
        "behaviors",
        "Instructable behavior",
        "Instructable behaviors",
    )
    assert behavior.granularity == (Granularity.ITEM, Granularity.SPAN)
    assert not behavior.open and not behavior.builtin


def test_defaults_of_a_declared_kind() -> None:
    grammar, problems = loads_grammar("kinds:\n  safe-behavior: {}\n", "x.yaml")
    assert problems == []
    kind = grammar.kinds["safe-behavior"]
    assert (kind.key, kind.label, kind.plural, kind.fields, kind.page) == (
        "safe_behaviors",
        "Safe behavior",
        "Safe behaviors",
        (),
        None,
    )
    assert kind.title.sources == (TitleSource.ATTRIBUTE, TitleSource.LEAD)
    assert not kind.title.required


def test_a_kind_with_problems_is_kept_without_them() -> None:
    """So that the Markdown is still checked against what could be read."""
    text = "kinds:\n  behavior:\n    label: 5\n    fields:\n      ok: {type: string}\n      bad: {type: nope}\n"
    grammar, problems = loads_grammar(text, "x.yaml")
    assert [p.code for p in problems] == ["CC703", "CC709"]
    behavior = grammar.kinds["behavior"]
    assert [f.name for f in behavior.fields] == ["ok"]
    assert behavior.label == "Behavior"


def test_the_diff_section_is_passed_through_with_its_positions() -> None:
    grammar, problems = loads_grammar("diff:\n  rules:\n    section-moved: editorial\n", "x.yaml")
    assert problems == []
    assert grammar.diff is not None
    assert grammar.diff.value == {"rules": {"section-moved": "editorial"}}
    assert (grammar.diff.node.start_mark.line, grammar.diff.file) == (1, "x.yaml")


def test_the_examples_section_is_read_as_an_example_syntax() -> None:
    grammar, problems = loads_grammar("examples: [{prompt: hi}]\n", "x.yaml")
    assert [(p.code, p.line, p.column) for p in problems] == [("CC703", 1, 11)]
    assert grammar.examples is not None and grammar.examples.value == [{"prompt": "hi"}]
    grammar, problems = loads_grammar("examples: {fence: xml, roles: [user]}\n", "x.yaml")
    assert problems == []
    assert grammar.examples is not None and grammar.examples.value["roles"] == ["user"]


def test_every_code_used_is_declared() -> None:
    compiler_dir = Path(load.__file__).parent.parent  # the grammar package and extract/
    paths = [
        *compiler_dir.joinpath("grammar").glob("*.py"),
        *compiler_dir.joinpath("extract").glob("*.py"),
    ]
    used = {code for path in paths for code in re.findall(r'"(CC7\d\d)"', path.read_text("utf-8"))}
    assert used and used <= set(CODES)
    # CC701-CC729 are the grammar's, CC730 on the extractor's (compiler/extract): all used.
    assert {code for code in CODES if code.startswith("CC7")} == used


# --- hostile input -----------------------------------------------------------------------------


def test_an_alias_bomb_is_refused_before_it_is_expanded() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    started = time.perf_counter()
    grammar, problems = loads_grammar("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - started < 5  # would never finish if expanded
    assert grammar.kinds == default_grammar().kinds
    assert {p.code for p in problems} == {"CC711"}


def test_deep_nesting_is_refused_without_recursion() -> None:
    text = "kinds: " + "[" * 100_000 + "]" * 100_000 + "\n"
    grammar, problems = loads_grammar(text, "deep.yaml")
    assert [p.code for p in problems] == ["CC710"]
    assert grammar.kinds == default_grammar().kinds


def test_a_huge_number_in_the_diff_section() -> None:
    _, problems = loads_grammar("diff: {x: " + "9" * 5000 + "}\n", "x.yaml")
    assert [p.code for p in problems] == ["CC705"]


def test_markup_in_names_and_labels_stays_text() -> None:
    """Nothing from the file becomes markup: names are refused, labels are kept as text."""
    grammar, problems = loads_grammar(
        'kinds:\n  "<script>": {}\n  note: {label: "<b>Note</b>"}\n', "x.yaml"
    )
    assert [p.code for p in problems] == ["CC706"]
    assert grammar.kinds["note"].label == "<b>Note</b>"


YAML_PIECES = st.sampled_from(
    [
        "kinds:",
        "sections:",
        "  fields:",
        "  behavior:",
        "    fields:",
        "      x: {type: enum, values: [a, b], default: a}",
        "      y: {type: integer, minimum: 5, maximum: 1}",
        "    label: X",
        "    page: {title: T, view: table, columns: [x]}",
        "  property:",
        "    fields: {rank: {maximum: 3}}",
        "diff: [1, 2]",
        "examples: {}",
        "- a",
        "&a x",
        "*a",
        "!!str x",
        "{",
        "]",
        ": :",
        "\t",
        "'",
        '"',
        "---",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(YAML_PIECES, max_size=12), st.text(max_size=40))
def test_any_text_gives_a_grammar_or_diagnostics(lines: list[str], noise: str) -> None:
    text = "\n".join([*lines, noise])
    grammar, problems = loads_grammar(text, "fuzz.yaml")
    assert isinstance(grammar, Grammar)
    assert "section" in grammar.kinds
    for problem in problems:
        assert problem.code in CODES and problem.line >= 1 and problem.column >= 1
    assert render(problems, "text") == render(loads_grammar(text, "fuzz.yaml")[1], "text")


def test_the_default_grammar_file_is_package_data() -> None:
    """An installed wheel holds default.yaml: pyproject's package data covers it."""
    package = Path(load.__file__).parents[1]
    config = tomllib.loads((package.parent / "pyproject.toml").read_text("utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["compiler"]
    shipped = [
        path.relative_to(package).as_posix()
        for path in (package / "grammar").iterdir()
        if not path.name.endswith((".py", ".pyc")) and path.is_file()
    ]
    assert "grammar/default.yaml" in shipped
    for name in shipped:
        if name.endswith(".yaml"):
            assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def test_the_authoring_guide_s_examples_load() -> None:
    """The authoring guide builds one declarations file step by step: together, its examples
    load without a problem (each alone may name a kind an earlier one declares)."""
    text = (Path(load.__file__).parent.parent / "pages" / "authoring.md").read_text("utf-8")
    start = text.index("## Declaring your own kinds")
    guide = text[start : text.index("\n## References", start)]
    blocks = re.findall(r"```yaml\n(.*?)```", guide, re.DOTALL)
    whole = [yaml.safe_load(block) for block in blocks if not block[0].isspace()]
    assert len(whole) >= 5
    combined: dict[str, Any] = {}
    for block in whole:
        _merge(combined, block)
    grammar, problems = loads_grammar(yaml.safe_dump(combined), "constitution.yaml")
    assert render(problems, "text") == ""
    assert {"principal", "behavior"} <= set(grammar.kinds)
    assert grammar.section_fields[0].name == "authority"
    # ...and its Markdown examples, together, compile with that grammar.
    markdown = "\n\n".join(re.findall(r"```markdown\n(.*?)```", guide, re.DOTALL))
    source = SourceFile("example.md", "example.md", markdown)
    result = compile_sources([source], grammar=grammar)
    assert render(result.diagnostics, "text") == ""
    assert result.model is not None
    assert [n.id for n in result.model.by_key("principals")] == ["anthropic", "operators", "users"]


def test_a_directory_is_not_a_declarations_file(tmp_path: Path) -> None:
    (tmp_path / "chapter.md").write_text("kinds: {}\n")
    grammar, problems = load_grammar(file=tmp_path)
    assert grammar.kinds == default_grammar().kinds
    assert [(p.code, p.message) for p in problems] == [
        ("CC106", "cannot read the declarations file: it is a directory")
    ]
    (tmp_path / GRAMMAR_FILE).mkdir()
    assert [p.code for p in load_grammar(tmp_path)[1]] == ["CC106"]


def test_text_beyond_the_limit_is_refused_whatever_its_source() -> None:
    grammar, problems = loads_grammar("#" * (load.MAX_BYTES + 1), "big.yaml")
    assert [(p.code, p.file) for p in problems] == [("CC710", "big.yaml")]
    assert grammar.kinds == default_grammar().kinds


# --- control characters that escapes make ---------------------------------------------------


def test_tab_and_new_line_escapes_stay_allowed() -> None:
    text = 'kinds:\n  widget:\n    description: "a\\tb\\nc\\u00e9"\n    label: "\\\\e"\n'
    assert _codes(text) == []


def test_a_control_character_written_in_the_text_is_reported_once(tmp_path: Path) -> None:
    # Found where it stands when the file is read; its quoted value adds nothing (the diff's
    # levels read the text on, so both checks see it).
    path = tmp_path / GRAMMAR_FILE
    path.write_text('kinds:\n  widget:\n    label: "Wid\u202eget \\u202e"\n', "utf-8")
    _, problems = load_levels(path, GRAMMAR_FILE)
    assert [(p.code, p.line, p.column) for p in problems] == [("CC108", 3, 16)]
    assert "more" not in problems[0].message
