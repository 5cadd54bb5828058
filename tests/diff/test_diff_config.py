"""Levels a project sets in the ``diff:`` section of its ``constitution.yaml``: every bad key or
value in `tests/data/diff-config/NAME.yaml` gives exactly the diagnostics in `NAME.err`; the
levels and ignored changes take effect in `diff` and in `release`; `--rules` shows them; the
defaults (removing text is breaking whatever its id; a binding node's text is never editorial).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import cli
from compiler.declarations import MAX_BYTES
from compiler.diagnostics import CODES, render
from compiler.diff import (
    RULES,
    Level,
    LevelEntry,
    Levels,
    Selector,
    Side,
    diff_documents,
    load_levels,
    redline,
    rules_table,
)
from compiler.diff.redline_views import redline_json
from compiler.diff.result import JSON_CONTEXT_WORDS
from compiler.diff.rules import Facts
from compiler.pipeline import compile_sources
from compiler.reader import SourceFile

DATA = Path(__file__).resolve().parents[1] / "data"
CONFIGS = sorted((DATA / "diff-config").glob("*.yaml"))
BASE = DATA / "diff" / "base.md"
PROJECT = DATA / "diff" / "levels-project"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


def test_the_config_cases_are_found() -> None:
    assert len(CONFIGS) >= 8
    assert all(path.with_suffix(".err").exists() for path in CONFIGS)


@pytest.mark.parametrize("path", CONFIGS, ids=lambda path: path.stem)
def test_config_diagnostics(path: Path) -> None:
    levels, problems = load_levels(path, path.name)
    assert render(problems, "text") == path.with_suffix(".err").read_text("utf-8")
    assert problems and all(p.code in CODES for p in problems)
    assert levels.source is None  # with errors, nothing of the file is used


def test_every_diff_configuration_code_is_listed_and_used() -> None:
    codes = {code for code in CODES if code.startswith("CC6")}
    # CC602 (not YAML) and CC612 (aliases) are gone: the grammar reports them (CC701, CC711).
    assert codes == {"CC601", *(f"CC6{n:02d}" for n in range(3, 12))}
    used = {
        line.split()[1]
        for path in CONFIGS
        for line in path.with_suffix(".err").read_text().splitlines()
        if ": CC" in line
    }
    # CC601 (unreadable) is exercised below; CC101 stands for an encoding problem.
    assert codes - {"CC601"} <= used


def test_an_unreadable_or_huge_file(tmp_path: Path) -> None:
    _levels, problems = load_levels(tmp_path / "missing.yaml", "missing.yaml")
    assert [p.code for p in problems] == ["CC601"]
    huge = tmp_path / "huge.yaml"
    huge.write_text("# " + "x" * 300_000 + "\n", "utf-8")
    assert [p.code for p in load_levels(huge, "huge.yaml")[1]] == ["CC710"]  # the grammar's
    huger = tmp_path / "huger.yaml"
    huger.write_bytes(b"#" * (4 * MAX_BYTES + 1))  # refused before it is decoded
    assert [p.code for p in load_levels(huger, "huger.yaml")[1]] == ["CC710"]
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)  # nothing writes to it: reading would wait for ever
    (problem,) = load_levels(pipe, "pipe.yaml")[1]
    assert problem.format() == (
        "pipe.yaml:0:1: CC601 the declarations file is not a regular file\n    hint: name a YAML file"
    )


def test_an_empty_file_sets_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "constitution.yaml"
    empty.write_text("# nothing yet\n", "utf-8")
    levels, problems = load_levels(empty, "constitution.yaml")
    assert problems == [] and levels.entries == () and levels.ignores == ()


def test_an_alias_bomb_is_read_without_expanding_it(tmp_path: Path) -> None:
    # 4**30 entries if the aliases were expanded: the grammar refuses each anchor and alias
    # before the tree is built.
    lines = ["laughs:", "  a0: &a0 [x, x, x, x]"]
    lines += [f"  a{n}: &a{n} [*a{n - 1}, *a{n - 1}, *a{n - 1}, *a{n - 1}]" for n in range(1, 30)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\ndiff:\n  ignore: *a29\n", "utf-8")
    _, problems = load_levels(bomb, "bomb.yaml")
    assert {p.code for p in problems} == {"CC711"}
    assert sum(p.code == "CC711" for p in problems) == 30 + 29 * 4 + 1  # anchors, then aliases


# --- resolution ------------------------------------------------------------------------------


def facts(kind: str = "constraint", field: str | None = "text", binding: bool = False) -> Facts:
    return Facts(kind=kind, field=field, binding=binding, auto_id=False)


def test_the_most_specific_entry_wins_then_the_later_one() -> None:
    levels = Levels(
        [
            LevelEntry("attribute-changed", Level.BREAKING),
            LevelEntry("attribute-changed", Level.EDITORIAL, Selector(field="attributes.tone")),
            LevelEntry("attribute-changed", Level.SUBSTANTIVE, Selector(kind="section")),
        ],
        source="constitution.yaml",
    )
    assert levels.level("attribute-changed", facts("property", "attributes.x")) is Level.BREAKING
    assert (
        levels.level("attribute-changed", facts("property", "attributes.tone")) is Level.EDITORIAL
    )
    # Two entries of one precision match: the later one wins.
    assert (
        levels.level("attribute-changed", facts("section", "attributes.tone")) is Level.SUBSTANTIVE
    )


def test_a_project_entry_wins_over_a_default_refinement() -> None:
    defaults = Levels()
    assert defaults.level("text-editorial", facts(binding=True)) is Level.SUBSTANTIVE
    assert defaults.level("text-editorial", facts(binding=False)) is Level.EDITORIAL
    project = Levels([LevelEntry("text-editorial", Level.BREAKING, Selector(binding=True))])
    assert project.level("text-editorial", facts(binding=True)) is Level.BREAKING
    assert project.level("constraint-text-changed", facts(binding=True)) is Level.BREAKING


def test_the_rules_table_shows_defaults_and_the_projects_levels() -> None:
    table = rules_table()
    for rule, (level, _) in RULES.items():
        assert f"| `{rule}` | {level.value} |" in table
    assert "| `text-editorial` (binding nodes) | substantive |" in table
    levels, problems = load_levels(PROJECT / "constitution.yaml", "constitution.yaml")
    assert problems == []
    table = rules_table(levels)
    assert (
        "| `authority-changed` | substantive | constitution.yaml:4 (default: breaking) |" in table
    )
    assert (
        "| `constraint-text-changed` (nodes that are not binding) | editorial | constitution.yaml:6 |"
        in table
    )
    assert "| `section-added` | substantive | default |" in table
    assert "- `section-removed` `style` (constitution.yaml:10): the style guide moved" in table


# --- defaults --------------------------------------------------------------------------------


def compiled(text: str) -> dict[str, object]:
    result = compile_sources([SourceFile("spec.md", "spec.md", text)])
    assert result.document is not None, [d.format() for d in result.diagnostics]
    return result.document


def test_a_rewrite_that_removes_most_sections_needs_a_major_version() -> None:
    # Headings without explicit ids (their ids come from the titles), as in the 2023 and 2026
    # constitutions: 14 sections, of which a rewrite keeps 3 and adds 38 others.
    old = "\n".join(
        f"## Old topic {n}\n\nGuidance on old topic {n} that binds.\n" for n in range(14)
    )
    kept = "\n".join(
        f"## Old topic {n}\n\nGuidance on old topic {n} that binds.\n" for n in range(3)
    )
    added = "\n".join(f"## New chapter {n}\n\nA new text, number {n}.\n" for n in range(38))
    result = diff_documents(compiled(old), compiled(kept + added), Side("2023"), Side("2026"))
    removed = [c for c in result.changes if c.rule == "section-removed"]
    assert len(removed) == 11 and {c.level for c in removed} == {Level.BREAKING}
    assert sum(c.rule == "section-added" for c in result.changes) == 38
    assert result.bump == "major"


# --- the command line ------------------------------------------------------------------------


def spec_dirs(tmp_path: Path, with_config: bool) -> tuple[Path, Path]:
    old, new = tmp_path / "old", tmp_path / "new"
    for directory, source in ((old, BASE), (new, PROJECT / "new.md")):
        directory.mkdir()
        shutil.copy(source, directory / "01-spec.md")
    if with_config:
        shutil.copy(PROJECT / "constitution.yaml", new / "constitution.yaml")
    return old, new


def test_diff_reads_the_new_spec_directorys_levels(tmp_path: Path) -> None:
    old, new = spec_dirs(tmp_path, with_config=True)
    code, out, err = run("diff", "--format", "json", old, new)
    assert code == 0, err
    document = json.loads(out)
    assert document["summary"] == {
        "breaking": 0,
        "substantive": 1,
        "editorial": 1,
        "total": 2,
        "ignored": 1,
        "bump": "minor",
    }
    (ignored,) = document["ignored"]
    assert ignored["rule"] == "section-removed" and ignored["id"] == "style"
    assert ignored["reason"] == "the style guide moved to its own document"
    assert ignored["origin"] == f"{new / 'constitution.yaml'}:10"
    # Without the file, the defaults: the authority change and the removal are breaking.
    (new / "constitution.yaml").unlink()
    code, out, _ = run("diff", "--fail-on", "breaking", old, new)
    assert code == 1 and "required version bump: major" in out


def test_a_one_file_spec_names_its_levels_with_config(tmp_path: Path) -> None:
    code, out, _ = run("diff", "--config", PROJECT / "constitution.yaml", BASE, PROJECT / "new.md")
    assert code == 0
    assert "SUBSTANTIVE authority-changed" in out and "EDITORIAL constraint-text-changed" in out
    assert "IGNORED section-removed" in out
    assert out.endswith(
        "2 changes (0 breaking, 1 substantive, 1 editorial; 1 ignored); required version bump: minor\n"
    )
    code, out, _ = run("diff", BASE, PROJECT / "new.md")
    assert "required version bump: major" in out


def test_bad_levels_stop_the_diff(tmp_path: Path) -> None:
    config = DATA / "diff-config" / "bad-entries.yaml"
    code, out, err = run("diff", "--config", config, BASE, PROJECT / "new.md")
    assert code == 1 and out == ""
    assert f"{config}:3:13: CC605 unknown rule 'authority-changd'" in err
    assert "9 errors, 0 warnings" in err
    code, _, err = run("diff", "--config", tmp_path / "nowhere.yaml", BASE, BASE)
    assert code == 2 and "does not exist" in err


def test_rules_shows_the_levels_in_force(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, new = spec_dirs(tmp_path, with_config=True)
    code, out, _ = run("diff", "--rules", "--config", new / "constitution.yaml")
    assert code == 0
    assert "| `authority-changed` | substantive |" in out and "(default: breaking)" in out
    monkeypatch.chdir(tmp_path)  # no spec/constitution.yaml here: the defaults
    code, out, _ = run("diff", "--rules")
    assert "| `authority-changed` | breaking | the 'authority' attribute changed" in out


def test_release_weighs_the_changes_at_the_projects_levels(tmp_path: Path) -> None:
    spec, releases = tmp_path / "spec", tmp_path / "releases"
    spec.mkdir()
    shutil.copy(BASE, spec / "01-spec.md")
    assert run("release", "1.0.0", spec, "--releases-dir", releases, "--date", "2026-01-01")[0] == 0
    text = (PROJECT / "new.md").read_text("utf-8").replace("version: 1.0.0", "version: 1.1.0")
    (spec / "01-spec.md").write_text(text, "utf-8")
    # The defaults call the authority change and the removed section breaking: 1.1.0 is refused.
    code, _, err = run("release", "1.1.0", spec, "--releases-dir", releases, "--dry-run")
    assert code == 1 and "CC503" in err
    shutil.copy(PROJECT / "constitution.yaml", spec / "constitution.yaml")
    code, out, err = run(
        "release", "1.1.0", spec, "--releases-dir", releases, "--date", "2026-02-01"
    )
    assert code == 0, err
    assert "1 substantive, 1 editorial; 1 ignored); required version bump: minor" in out
    index = json.loads((releases / "index.json").read_text("utf-8"))
    assert index["releases"][-1]["bump"] == "minor"
    # A bad levels file stops the release before anything is written.
    (spec / "constitution.yaml").write_text("diff:\n  levels: 3\n", "utf-8")
    text = text.replace("version: 1.1.0", "version: 1.2.0")
    (spec / "01-spec.md").write_text(text, "utf-8")
    code, _, err = run("release", "1.2.0", spec, "--releases-dir", releases)
    assert code == 1 and "CC604 'levels' must be a list" in err
    assert not (releases / "1.2.0.json").exists()


# --- the documentation's examples ------------------------------------------------------------


def test_the_authoring_guides_levels_example_is_valid(tmp_path: Path, repo_root: Path) -> None:
    guide = (repo_root / "compiler" / "pages" / "authoring.md").read_text("utf-8")
    (example,) = re.findall(r"```yaml\n(diff:.*?)```", guide, re.DOTALL)
    path = tmp_path / "constitution.yaml"
    path.write_text(example, "utf-8")
    levels, problems = load_levels(path, "constitution.yaml")
    assert problems == [] and len(levels.entries) == 4 and len(levels.ignores) == 1


def test_the_tool_builders_redline_example_is_what_the_diff_writes(repo_root: Path) -> None:
    page = (repo_root / "compiler" / "pages" / "tool-builders.md").read_text("utf-8")
    (example,) = re.findall(r"```json\n(.*?)```", page, re.DOTALL)
    old = "Above all, the model must be safe, and kind. It helps people with what they need."
    new = "Above all, the model must be safe, kind and honest. It helps people with what they need."
    assert json.loads(example) == redline_json(redline(old, new), JSON_CONTEXT_WORDS)


def test_the_levels_file_is_not_published_on_the_site(tmp_path: Path) -> None:
    docs = tmp_path / "spec"
    docs.mkdir()
    shutil.copy(BASE, docs / "01-spec.md")
    shutil.copy(PROJECT / "constitution.yaml", docs / "constitution.yaml")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: Test\ndocs_dir: spec\nsite_dir: site\n"
        "theme: {name: material, font: false}\nplugins: [constitution]\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["build", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").exists()
    assert not (tmp_path / "site" / "constitution.yaml").exists()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("diff:\n  levels: [\n", "CC701"),  # not YAML
        ("- diff\n", "CC703"),  # not a mapping
        ("diff: &levels {}\n", "CC711"),  # an anchor
        ("kinds_of_node: []\n", "CC702"),  # an unknown section
        ("#" * (MAX_BYTES + 1), "CC710"),  # too long
    ],
    ids=["not-yaml", "not-a-mapping", "anchor", "unknown-section", "too-long"],
)
def test_a_file_level_fault_is_reported_once_the_same_way_by_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, code: str
) -> None:
    # The file is parsed once, by the grammar: check, compile and diff (whose levels are read
    # from the same file, and whose two sides here are the same spec) give one diagnostic.
    monkeypatch.chdir(tmp_path)
    Path("spec").mkdir()
    shutil.copy(BASE, "spec/01-spec.md")
    Path("spec/constitution.yaml").write_text(text, "utf-8")
    outputs = []
    for args in (
        ("check", "spec"),
        ("compile", "spec", "-o", "out"),
        ("diff", "spec", "spec"),
        ("diff", "spec", "spec", "--config", "spec/constitution.yaml"),
    ):
        status, _, err = run(*args)
        found = [line for line in err.splitlines() if re.match(r"spec/constitution\.yaml:", line)]
        assert status == 1 and len(found) == 1 and f" {code} " in found[0], (args, err)
        outputs.append(found[0])
    assert len(set(outputs)) == 1
    assert not Path("out").exists()
