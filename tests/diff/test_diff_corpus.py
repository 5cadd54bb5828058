"""The diff on real documents: two published versions of OpenAI's model spec (../shared/corpus).

What changed between them was determined by reading `diff 2025-02-12/model_spec.md
2025-04-11/model_spec.md`: every heading (and its id and attributes) is the same in both; five
sections changed their text:

- risk_taxonomy (line 31): "misalignment," added to the misaligned-goals risk: substantive;
- definitions (line 123): "a end_turn=true message" → "an end_turn=true message": editorial;
- do_not_facilitate_illicit_behavior (lines 1156-1172): ``4/3 * \\pi`` written ``\\frac{4}{3}\\pi``;
- do_not_lie (lines 1846-1967): a sentence added, the white-lie example moved and rewritten;
- avoid_overstepping (line 2685): one bullet of an example answer replaced.

An independent oracle (a line diff of the raw files, mapped to the `{#id}` heading above each
changed line) must agree, so the test fails if the corpus is ever replaced by other versions.
A second test edits the newer version the way an editor would (rename, remove, add, move,
change an authority) and expects exactly those changes.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from compiler.diff import DiffResult, Side, diff_documents, render_json, schema
from compiler.pipeline import compile_spec

OLD, NEW = "2025-02-12", "2025-04-11"
HEADING = re.compile(r"^#{1,6} .*\{#([\w-]+)[^}]*\}\s*$")

CHANGED = {
    "risk_taxonomy": "substantive",
    "definitions": "editorial",
    "do_not_facilitate_illicit_behavior": "substantive",
    "do_not_lie": "substantive",
    "avoid_overstepping": "substantive",
}


@pytest.fixture(scope="module")
def versions(corpus_dir: Path) -> dict[str, Path]:
    paths = {v: corpus_dir / "openai-model-spec" / v / "model_spec.md" for v in (OLD, NEW)}
    for path in paths.values():
        assert path.is_file(), f"{path} is missing from the corpus"
    return paths


def compiled(path: Path) -> dict[str, Any]:
    result = compile_spec(path)
    assert result.document is not None, [d.format() for d in result.diagnostics[:5]]
    return result.document


def section_of_lines(text: str) -> list[str | None]:
    """For each line, the id of the nearest `{#id}` heading above it (None before the first)."""
    owner: list[str | None] = []
    current: str | None = None
    for line in text.split("\n"):
        match = HEADING.match(line)
        if match:
            current = match[1]
        owner.append(current)
    return owner


def oracle_changed_sections(old: str, new: str) -> set[str | None]:
    old_lines, new_lines = old.split("\n"), new.split("\n")
    old_owner, new_owner = section_of_lines(old), section_of_lines(new)
    changed: set[str | None] = set()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed.update(old_owner[i1:i2] or [old_owner[max(i1 - 1, 0)]])
        changed.update(new_owner[j1:j2] or [new_owner[max(j1 - 1, 0)]])
    return changed


def test_the_two_versions(versions: dict[str, Path]) -> None:
    old_text, new_text = (versions[v].read_text("utf-8") for v in (OLD, NEW))
    assert oracle_changed_sections(old_text, new_text) == set(CHANGED)

    result = diff_documents(compiled(versions[OLD]), compiled(versions[NEW]), Side(OLD), Side(NEW))
    assert {(c.rule, c.kind) for c in result.changes} <= {
        ("section-text-changed", "section"),
        ("text-editorial", "section"),
    }
    assert {c.id: c.level.value for c in result.changes} == CHANGED
    # Each changed sentence (or run of neighbouring changed lines) is an entry of its own: the
    # three formulas rewritten in three places, the bullet removed and the one added after an
    # unchanged line; the moved example keeps its section's changes in one entry.
    twice = ["do_not_facilitate_illicit_behavior", "avoid_overstepping"]
    assert sorted(c.id for c in result.changes) == sorted([*CHANGED, *twice, twice[0]])
    assert result.bump == "minor"

    by_id = {c.id: c for c in result.changes}
    definitions = by_id["definitions"]
    assert [(s.op, s.text) for s in definitions.redline if s.op not in ("equal", "skip")] == [
        ("delete", "a"),
        ("insert", "an"),
    ]
    lie = by_id["do_not_lie"]
    inserted = "".join(s.text for s in lie.redline if s.op == "insert")
    deleted = "".join(s.text for s in lie.redline if s.op == "delete")
    assert " but it cannot be overridden implicitly" in inserted
    assert "Second, there is an indirect interaction" in deleted
    # Where its first edit is: the section's heading is at 1842, its first paragraph at 1846.
    assert str(lie.old) == "model_spec.md:1846" and str(lie.new) == "model_spec.md:1846"
    risk = by_id["risk_taxonomy"]
    assert [s.text.strip() for s in risk.redline if s.op == "insert"] == ["misalignment,"]
    assert not [s for s in risk.redline if s.op == "delete"]


#: The size of `constitution diff --format json` on this pair before the JSON was compacted
#: (with one entry per changed section; each changed sentence now has its own, a few hundred
#: bytes of rule, message and places each, so the bound is a fourth rather than a fifth).
JSON_BEFORE = 35_559


def test_the_json_is_a_fourth_of_its_old_size_with_the_same_changes(
    versions: dict[str, Path],
) -> None:
    result = diff_documents(compiled(versions[OLD]), compiled(versions[NEW]), Side(OLD), Side(NEW))
    text = render_json(result)
    assert len(text.encode("utf-8")) <= JSON_BEFORE // 4
    document = json.loads(text)
    assert list(Draft202012Validator(schema()).iter_errors(document)) == []
    assert {c["id"]: c["level"] for c in document["changes"]} == CHANGED
    lie = next(c for c in document["changes"] if c["id"] == "do_not_lie")
    runs = [run for hunk in lie["redline"] for run in hunk["runs"]]
    # The white-lie example moved: it is written once, where it now is.
    assert sum("I cheated on my girlfriend" in str(run) for run in runs) == 1
    assert {run[0] for run in runs} >= {"=", "-", "+", "<", ">"}


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _section(text: str, heading: str) -> str:
    """The heading line and everything up to the next heading of the same or a higher level."""
    start = text.index(heading)
    level = len(heading) - len(heading.lstrip("#"))
    rest = text[start + len(heading) :]
    end = re.search(rf"^#{{1,{level}}} .*\{{#", rest, re.M)
    assert end is not None
    return text[start : start + len(heading) + end.start()]


def test_an_editors_changes_to_the_model_spec(versions: dict[str, Path], tmp_path: Path) -> None:
    text = versions[NEW].read_text("utf-8")
    edited = _edit(text, "{#be_kind authority=user}", "{#be_kind_to_everyone authority=user}")
    accents = _section(edited, "### Use accents respectfully")
    edited = edited.replace(accents, "")
    optimism = _section(edited, "## Be rationally optimistic")
    edited = edited.replace(optimism, "")
    edited = _edit(edited, "## Be suitably professional", optimism + "## Be suitably professional")
    edited = _edit(
        edited,
        "{#avoid_abuse authority=user}",
        "{#avoid_abuse authority=guideline}",
    )
    edited = _edit(
        edited,
        "## Use Markdown with LaTeX extensions",
        "## Be patient {#be_patient authority=user}\n\nThe assistant should not rush the user.\n\n"
        "## Use Markdown with LaTeX extensions",
    )
    path = tmp_path / "model_spec.md"
    path.write_text(edited, "utf-8")
    result: DiffResult = diff_documents(
        compiled(versions[NEW]), compiled(path), Side(NEW), Side("edited")
    )
    assert sorted((c.rule, c.level.value, c.old_id or "", c.id) for c in result.changes) == sorted(
        [
            ("section-renamed", "breaking", "be_kind", "be_kind_to_everyone"),
            ("section-removed", "breaking", "", "imitate_accents_in_voice_mode"),
            ("authority-changed", "breaking", "", "avoid_abuse"),
            ("section-moved", "substantive", "", "be_rationally_optimistic"),
            ("section-added", "substantive", "", "be_patient"),
        ]
    )
    moved = next(c for c in result.changes if c.rule == "section-moved")
    assert (moved.old_value, moved.new_value) == ("approachable", "style")
    assert result.bump == "major"
