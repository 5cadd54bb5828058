"""Examples and prompts in the diff: the two Model Spec releases, rule by rule on small specs,
and the `constitution diff --grammar` command (JSON valid against the diff schema)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from compiler.cli import cli
from compiler.diff.example_rules import EXAMPLE_RULES
from compiler.diff.examples import diff_examples
from compiler.diff.result import schema as diff_schema
from compiler.diff.rules import DEFAULT_LEVELS, RULES, Level, LevelEntry, Levels, rule_kinds
from compiler.examples.model import ExampleSet
from compiler.pipeline import compile_examples

REPO = Path(__file__).resolve().parent.parent.parent
GRAMMAR = REPO / "examples" / "model-spec.yaml"
SYNTAX = """examples:
  title: Example
  fence: xml
  roles: [user, assistant]
  comparison: comparison
  labels: {GOOD: good, BAD: bad}
  prompts: {folder: prompts}
"""


def _spec(root: Path, chapter: str, prompts: dict[str, str] | None = None) -> Path:
    root.mkdir()
    (root / "constitution.yaml").write_text(SYNTAX, "utf-8")
    (root / "rules.md").write_text(chapter, "utf-8")
    (root / "prompts").mkdir()
    for key, text in (prompts or {}).items():
        (root / "prompts" / f"{key}.md").write_text(text, "utf-8")
    return root


def _examples(spec: Path) -> ExampleSet:
    result = compile_examples(spec)
    assert result.examples is not None, [d.format() for d in result.diagnostics]
    return result.examples


def _example(title: str, reply: str, label: str = "GOOD", user: str = "Hi") -> str:
    return (
        f"**Example**: {title}\n\n~~~xml\n<user>\n{user}\n</user>\n<comparison>\n"
        f"<assistant> <!-- {label} -->\n{reply}\n</assistant>\n</comparison>\n~~~\n\n"
    )


PROMPT = "Prompts for [^{key}]:\n\n**Example**: p\n\n~~~xml\n<user>\n{text}\n</user>\n~~~\n"


def test_the_rules_are_the_diffs_own() -> None:
    for rule, (level, _) in EXAMPLE_RULES.items():
        assert RULES[rule][0] is Level(level)
        assert rule_kinds(rule) == {rule.split("-", 1)[0]}


def test_each_rule_reports_its_change(tmp_path: Path) -> None:
    old = _spec(
        tmp_path / "old",
        "# A {#a}\n\nPassage[^k] and another[^gone].\n\n"
        + _example("kept", "Hello")
        + _example("flips", "Sure.")
        + _example("reworded", "Hello there")
        + _example("retitled-old", "Yo", user="Retitle me")
        + _example("dropped", "Bye")
        + "# B {#b}\n\n"
        + _example("travels", "Moving"),
        {"k": PROMPT.format(key="k", text="one"), "gone": PROMPT.format(key="gone", text="x")},
    )
    new = _spec(
        tmp_path / "new",
        "# A {#a}\n\nPassage reworded[^k], and a new one[^fresh].\n\n"
        + _example("kept", "Hello")
        + _example("flips", "Sure.", label="BAD")
        + _example("reworded", "Hello, there", label="GOOD")
        + _example("retitled-old", "Yo", user="Retitle me changed")
        + _example("travels", "Moving")
        + _example("born", "Hi!")
        + "# B {#b}\n\n",
        {"k": PROMPT.format(key="k", text="two"), "fresh": PROMPT.format(key="fresh", text="y")},
    )
    changes = diff_examples(_examples(old), _examples(new), DEFAULT_LEVELS)
    found = {(c.rule, c.level.value, c.id) for c in changes}
    assert found == {
        ("example-verdict-changed", "breaking", "a-example-2"),
        ("example-replies-changed", "substantive", "a-example-3"),
        ("example-conversation-changed", "substantive", "a-example-4"),
        ("example-removed", "substantive", "a-example-5"),
        ("example-moved", "substantive", "a-example-5"),
        ("example-added", "substantive", "a-example-6"),
        ("prompts-removed", "substantive", "prompts-gone"),
        ("prompts-added", "substantive", "prompts-fresh"),
        ("prompts-passage-changed", "substantive", "prompts-k"),
        ("prompts-changed", "substantive", "prompts-k"),
    }
    moved = next(c for c in changes if c.rule == "example-moved")
    assert (moved.old_value, moved.new_value) == ("b", "a")
    flipped = next(c for c in changes if c.rule == "example-verdict-changed")
    assert (flipped.old_value, flipped.new_value) == ("good", "bad")


def test_a_project_sets_the_levels(tmp_path: Path) -> None:
    old = _spec(tmp_path / "old", "# A {#a}\n\n" + _example("t", "Yes", "GOOD"))
    new = _spec(tmp_path / "new", "# A {#a}\n\n" + _example("t", "Yes", "BAD"))
    levels = Levels([LevelEntry("example-verdict-changed", Level.SUBSTANTIVE)])
    (change,) = diff_examples(_examples(old), _examples(new), levels)
    assert (change.rule, change.level) == ("example-verdict-changed", Level.SUBSTANTIVE)


def test_the_model_spec_releases_report_their_changed_examples_and_prompts(
    corpus_dir: Path,
) -> None:
    specs = [
        corpus_dir / "openai-model-spec" / v / "model_spec.md" for v in ("2025-02-12", "2025-04-11")
    ]
    old, new = (compile_examples(spec, GRAMMAR).examples for spec in specs)
    assert old is not None and new is not None
    changes = diff_examples(old, new, DEFAULT_LEVELS)
    # Independently: the examples whose fence differs between the releases, by title.
    fences = [_fences(spec.read_text("utf-8")) for spec in specs]
    changed_titles = {t for t, body in fences[1].items() if fences[0].get(t, body) != body}
    reported = {c.message.split("'")[1] for c in changes if c.kind == "example"}
    assert changed_titles and reported == changed_titles
    # The passages carrying a footnote that were reworded.
    lines = [spec.read_text("utf-8").split("\n") for spec in specs]
    keys = {
        key: [[ln for ln in side if f"[^{key}]" in ln] for side in lines]
        for key in {k for ln in lines[1] for k in re.findall(r"\[\^(\w+)\]", ln)}
    }
    reworded = {key for key, (a, b) in keys.items() if a != b}
    assert reworded
    assert {c.id for c in changes if c.rule == "prompts-passage-changed"} == {
        f"prompts-{key}" for key in reworded
    }


def _fences(text: str) -> dict[str, list[str]]:
    """Each example title with the text of the fences under it, in order."""
    found: dict[str, list[str]] = {}
    pattern = r"^\*\*Example\*\*: ([^\n]*)\n\n~~~xml\n(.*?)\n~~~$"
    for match in re.finditer(pattern, text, re.M | re.S):
        found.setdefault(match[1].strip(), []).append(match[2])
    return found


def test_constitution_diff_reports_them(corpus_dir: Path) -> None:
    specs = [
        str(corpus_dir / "openai-model-spec" / v / "model_spec.md")
        for v in ("2025-02-12", "2025-04-11")
    ]
    run = CliRunner().invoke(cli, ["diff", *specs, "--grammar", str(GRAMMAR), "--format", "json"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    jsonschema.Draft202012Validator(diff_schema()).validate(document)
    kinds = {c["kind"] for c in document["changes"]}
    assert {"example", "prompts"} <= kinds


def test_a_change_inside_a_conversation_is_the_examples_not_its_sections(
    tmp_path: Path,
) -> None:
    """A section's own text excludes its examples (title and fence): the compiled JSON holds a
    node block where each stood, and the diff reports a change in a conversation once, as the
    example's."""
    old = _spec(tmp_path / "old", "# A {#a}\n\nIntro stays.\n\n" + _example("t", "Yes, I can."))
    new = _spec(tmp_path / "new", "# A {#a}\n\nIntro stays.\n\n" + _example("t", "No, I can't."))
    run = CliRunner().invoke(cli, ["compile", str(old), "-o", str(tmp_path / "a.json")])
    assert run.exit_code == 0, run.output
    (section,) = [
        n for n in json.loads((tmp_path / "a.json").read_text("utf-8"))["nodes"] if n["id"] == "a"
    ]
    assert section["text"] == "Intro stays."
    assert section["blocks"] == [
        {"type": "paragraph", "text": "Intro stays."},
        {"type": "node", "id": "a-example-1"},
    ]
    run = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    assert run.exit_code == 0, run.output
    changes = json.loads(run.stdout)["changes"]
    assert [(c["rule"], c["id"]) for c in changes] == [("example-replies-changed", "a-example-1")]


def test_compiled_json_sides_report_their_examples_too(tmp_path: Path) -> None:
    """Examples are nodes of the compiled JSON: a diff of two compiled files (or releases, or
    git revisions, read as JSON or compiled) reports their changes as a diff of specs does."""
    old = _spec(tmp_path / "old", "# A {#a}\n\n" + _example("t", "Yes", "GOOD"))
    new = _spec(tmp_path / "new", "# A {#a}\n\n" + _example("t", "Yes", "BAD"))
    outputs = []
    for spec in (old, new):
        output = tmp_path / f"{spec.name}.json"
        run = CliRunner().invoke(cli, ["compile", str(spec), "-o", str(output)])
        assert run.exit_code == 0, run.output
        outputs.append(str(output))
    expected = [("example-verdict-changed", "breaking", "a-example-1")]
    for sides in (outputs, [str(old), outputs[1]], [outputs[0], str(new)], [str(old), str(new)]):
        run = CliRunner().invoke(cli, ["diff", *sides, "--format", "json"])
        assert run.exit_code == 0, run.output
        changes = json.loads(run.stdout)["changes"]
        assert [(c["rule"], c["level"], c["id"]) for c in changes] == expected, sides


def test_one_file_specs_compiled_with_a_grammar_diff_as_json(tmp_path: Path) -> None:
    """A one-file spec whose example syntax is in a separate file (--grammar): its compiled JSON
    holds the examples, so the JSON files diff without the grammar."""
    files = []
    for name, label in (("old", "GOOD"), ("new", "BAD")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "rules.md").write_text("# A {#a}\n\n" + _example("t", "Yes", label), "utf-8")
        output = tmp_path / f"{name}.json"
        grammar = tmp_path / "grammar.yaml"
        grammar.write_text(SYNTAX.replace("  prompts: {folder: prompts}\n", ""), "utf-8")
        run = CliRunner().invoke(
            cli, ["compile", str(folder / "rules.md"), "--grammar", str(grammar), "-o", str(output)]
        )
        assert run.exit_code == 0, run.output
        files.append(str(output))
    run = CliRunner().invoke(cli, ["diff", *files, "--format", "json"])
    assert run.exit_code == 0, run.output
    changes = json.loads(run.stdout)["changes"]
    assert [(c["rule"], c["id"]) for c in changes] == [("example-verdict-changed", "a-example-1")]


def test_a_text_change_is_placed_at_its_line_whatever_the_prompts_files(tmp_path: Path) -> None:
    """A prompts node is a child of the passage's section but stands in another file: its lines
    do not move the place of the section's own changes."""
    prompts = {"k": PROMPT.format(key="k", text="one\n" + "more\n" * 30)}
    chapter = "# A {#a}\n\nPassage[^k].\n\nThe last sentence is old.\n"
    old = _spec(tmp_path / "old", chapter, prompts)
    new = _spec(tmp_path / "new", chapter.replace("is old", "is new"), prompts)
    run = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    assert run.exit_code == 0, run.output
    (change,) = json.loads(run.stdout)["changes"]
    assert (change["rule"], change["new"]) == (
        "section-text-changed",
        {"file": "rules.md", "line": 5},
    )
