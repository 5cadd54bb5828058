"""Editor workflow: the pre-commit hook manifest, the `textconv` rendering and a real `git diff`
through it, and the Python example a harness would start from."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import compiler
from compiler.cli import COMMANDS, cli
from compiler.textconv import render, sentences

SMALL = """\
    ---
    title: Small
    version: 0.1.0
    ---

    # Values {#values .core authority=platform}

    ::: property {#safe rank=1}
    **Safe**: first. It comes first! Does it? "Yes." Then e.g. this stays.
    :::

    ::: property {#kind rank=2}
    **Kind**: second.

    A second paragraph.
    :::

    ::: priority {#order mode=holistic order="safe kind"}
    Safe [before](#kind) kind.
    :::
    """


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.md"
    path.write_text(textwrap.dedent(SMALL), encoding="utf-8")
    return path


# -- pre-commit ---------------------------------------------------------------------------------


def test_pre_commit_manifest_names_a_real_command(repo_root: Path) -> None:
    hooks = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and hooks
    ids = [hook["id"] for hook in hooks]
    assert "constitution-check" in ids and len(ids) == len(set(ids))
    scripts = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "scripts"
    ]
    for hook in hooks:
        # The keys and types pre-commit's manifest schema requires or allows.
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert all(isinstance(hook[key], str) for key in ("id", "name", "entry", "language"))
        assert set(hook) <= {
            "id", "name", "entry", "language", "files", "exclude", "types", "types_or",
            "exclude_types", "always_run", "fail_fast", "verbose", "pass_filenames",
            "require_serial", "description", "language_version", "log_file",
            "minimum_pre_commit_version", "args", "stages", "alias",
        }  # fmt: skip
        assert hook["language"] == "python"
        program, command, *_ = hook["entry"].split()
        assert program in scripts, f"{program} is not a console script of the package"
        assert command in COMMANDS
        re.compile(hook.get("files", ""))
    check = hooks[ids.index("constitution-check")]
    assert check["pass_filenames"] is False  # the spec is checked as a whole
    files = re.compile(check["files"])
    assert files.search("spec/01-overview.md") and files.search("spec/part/02-x.md")
    assert not files.search("README.md") and not files.search("spec/notes.txt")


def test_pre_commit_entry_runs_in_the_repo(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooks = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    entry = hooks[0]["entry"].split()[1:]
    monkeypatch.chdir(repo_root)
    result = CliRunner().invoke(cli, entry)
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, [*entry, "--format", "github", "does-not-exist"])
    assert result.exit_code == 2  # a usage error, as pre-commit shows it


# -- check --format github / json, for CI and editors -------------------------------------------

BAD = "# T {#t}\n\n::: propertty {#x}\nSee [nowhere](#nope).\n:::\n"


def test_check_github_format_exact_and_escaped(tmp_path: Path) -> None:
    # Commas, colons and percent signs would end or corrupt a workflow command's property.
    spec = tmp_path / "a,b:c%.md"
    spec.write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(spec), "--format", "github"])
    assert result.exit_code == 1
    escaped = str(spec).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    assert result.stdout == ""
    assert result.stderr == (
        f"::error file={escaped},line=3,col=5,title=CC204::unknown annotation kind 'propertty' "
        "(hint: did you mean 'property'?)\n"
        f"::error file={escaped},line=4,col=5,title=CC302::link to unknown id '#nope' "
        "(hint: link to the id of a heading ({#id}) or an annotation)\n"
    )
    clean = CliRunner().invoke(
        cli, ["check", str(Path(__file__).parents[2] / "spec"), "--format", "github"]
    )
    assert (clean.exit_code, clean.stderr) == (0, "")


def test_check_json_format_exact(tmp_path: Path) -> None:
    spec = tmp_path / "bad.md"
    spec.write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(spec), "--format", "json"])
    assert result.exit_code == 1
    assert result.stderr == (
        "[\n"
        "  {\n"
        f'    "file": "{spec}",\n'
        '    "line": 3,\n'
        '    "column": 5,\n'
        '    "code": "CC204",\n'
        '    "severity": "error",\n'
        '    "message": "unknown annotation kind \'propertty\'",\n'
        '    "hint": "did you mean \'property\'?"\n'
        "  },\n"
        "  {\n"
        f'    "file": "{spec}",\n'
        '    "line": 4,\n'
        '    "column": 5,\n'
        '    "code": "CC302",\n'
        '    "severity": "error",\n'
        '    "message": "link to unknown id \'#nope\'",\n'
        '    "hint": "link to the id of a heading ({#id}) or an annotation"\n'
        "  }\n"
        "]\n"
    )


def test_check_validates_a_compiled_json(repo_root: Path, tmp_path: Path) -> None:
    good = tmp_path / "constitution.json"
    good.write_bytes(compiler.load(repo_root / "spec").to_json().encode("utf-8"))
    result = CliRunner().invoke(cli, ["check", str(good), "--format", "json"])
    assert (result.exit_code, result.stderr) == (0, "[]\n")
    bad = tmp_path / "bad.json"
    bad.write_text(good.read_text(encoding="utf-8").replace('"rank": 2', '"rank": 1'), "utf-8")
    result = CliRunner().invoke(cli, ["check", str(bad), "--format", "github"])
    assert result.exit_code == 1
    lines = bad.read_text("utf-8").splitlines()
    line = next(
        i
        for i, text in enumerate(lines, 1)
        if '"id": "broadly-ethical"' in text and '"kind": "property"' in lines[i]
    )
    assert result.stderr.splitlines()[0] == (
        f"::error file={str(bad).replace(':', '%3A')},line={line - 1},col=5,title=CC304::property "
        "'broadly-ethical' has rank 1, like 'broadly-safe' (hint: give each property its own rank: "
        "1 for the highest, then 2, 3, ...)"
    )


# -- textconv -----------------------------------------------------------------------------------


def test_sentences_split_on_sentence_ends_only() -> None:
    assert list(sentences('One. Two! Three? "Four." e.g. five.\n\nNew para.')) == [
        "One.",
        "Two!",
        "Three?",
        '"Four." e.g. five.',
        "",
        "New para.",
    ]
    assert list(sentences("")) == []


def test_textconv_rendering(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "small.json"
    assert CliRunner().invoke(cli, ["compile", str(small), "-o", str(out)]).exit_code == 0
    result = CliRunner().invoke(cli, ["textconv", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == (
        "constitution: Small\n"
        "  version: 0.1.0\n"
        "  schema: https://constitution-compiler.dev/schemas/constitution/3.2.0/constitution.schema.json\n"
        "  source: small.md (Values)\n"
        "\n"
        "section values\n"
        "  title: Values\n"
        "  level: 1\n"
        "  classes: core\n"
        "  attributes: authority=platform\n"
        "\n"
        # Each node with its own text (the typed model): a property's words are not repeated
        # in its section's.
        "property safe\n"
        "  title: Safe\n"
        "  rank: 1\n"
        "  parent: values\n"
        "  text:\n"
        "    Safe: first.\n"
        "    It comes first!\n"
        "    Does it?\n"
        '    "Yes."\n'
        "    Then e.g. this stays.\n"
        "\n"
        "property kind\n"
        "  title: Kind\n"
        "  rank: 2\n"
        "  parent: values\n"
        "  text:\n"
        "    Kind: second.\n"
        "\n"
        "    A second paragraph.\n"
        "\n"
        "priority order\n"
        "  mode: holistic\n"
        "  order: safe > kind\n"
        "  parent: values\n"
        "  text:\n"
        "    Safe before kind.\n"
        "\n"
        "references\n"
        "  order -> kind: before\n"
    )
    # A spec renders the same as the JSON compiled from it, and stdin works too.
    assert CliRunner().invoke(cli, ["textconv", str(small)]).stdout == result.stdout
    piped = CliRunner().invoke(cli, ["textconv", "-"], input=out.read_bytes())
    assert piped.stdout == result.stdout


def test_textconv_shows_front_matter(tmp_path: Path) -> None:
    spec = tmp_path / "meta.md"
    spec.write_text(
        "---\ntitle: T\nauthors: [Ada Lovelace, Alan Turing]\nchapter: 2\n---\n\n"
        '# T {#t a=1 b="two words"}\n',
        encoding="utf-8",
    )
    assert render(compiler.load(spec)).splitlines()[:5] == [
        "constitution: T",
        "  schema: https://constitution-compiler.dev/schemas/constitution/3.2.0/constitution.schema.json",
        "  metadata authors: Ada Lovelace, Alan Turing",
        "  metadata chapter: 2",
        "  source: meta.md (T)",
    ]
    assert '  attributes: a=1 b="two words"' in render(compiler.load(spec))


def test_textconv_shows_sections_that_are_not_normative(tmp_path: Path) -> None:
    spec = tmp_path / "spec"
    spec.mkdir()
    (spec / "1-preface.md").write_text("---\nnormative: false\n---\n\n# Preface {#p}\n", "utf-8")
    (spec / "2-text.md").write_text("# Text {#t}\n\nBinding.\n", "utf-8")
    lines = render(compiler.load(spec)).splitlines()
    preface, text = lines.index("section p"), lines.index("section t")
    assert "  normative: false" in lines[preface:text]
    assert not [line for line in lines[text:] if "normative" in line]


def test_textconv_of_the_real_spec_has_no_positions(repo_root: Path) -> None:
    text = render(compiler.load(repo_root / "spec"))
    assert text == render(compiler.load(repo_root / "spec"))
    assert "01-overview.md:" not in text and '"line"' not in text
    assert (
        "priority core-priority\n  mode: holistic\n"
        "  order: broadly-safe > broadly-ethical > compliant-with-guidelines > genuinely-helpful\n"
        "  parent: core-values\n"
    ) in text


def test_textconv_passes_other_files_through(tmp_path: Path) -> None:
    index = tmp_path / "index.json"
    index.write_bytes(b'{"releases": []}\n')
    result = CliRunner().invoke(cli, ["textconv", str(index)])
    assert result.exit_code == 0
    assert result.stdout_bytes == b'{"releases": []}\n'
    assert result.stderr == (
        f"constitution textconv: shown as it is: {index}:1:1: CC403 not a compiled "
        "constitution: it has no '$schema' naming the constitution schema\n"
    )
    # Shown as text, with what a terminal would act on escaped (git diff prints it there).
    binary = tmp_path / "blob.json"
    binary.write_bytes(b"\xff\x00\x1b[2J\n")
    result = CliRunner().invoke(cli, ["textconv", str(binary)])
    assert result.exit_code == 0 and result.stdout == "\ufffd\\x00\\x1b[2J\n"


def test_textconv_errors(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["textconv", str(tmp_path / "absent.json")])
    assert result.exit_code == 1
    assert "No such file or directory" in result.stderr
    bad = tmp_path / "bad.md"
    bad.write_text("# T {#t}\n\nSee [x](#nope).\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["textconv", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:3:5: CC302 link to unknown id '#nope'\n")
    assert result.stdout == ""


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    run = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_git_diff_through_the_textconv_driver(repo_root: Path, small: Path, tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is not installed")
    repo = tmp_path / "repo"
    (repo / "releases").mkdir(parents=True)
    git(repo, "init", "-q")
    shutil.copy(repo_root / ".gitattributes", repo / ".gitattributes")
    # How the README says to set it up, with this interpreter's package.
    git(repo, "config", "diff.constitution.textconv", f"{sys.executable} -m compiler textconv")
    release = repo / "releases" / "1.0.0.json"
    release.write_bytes(compiler.load(small).to_json().encode("utf-8"))
    (repo / "releases" / "index.json").write_text('{"releases": ["1.0.0"]}\n', encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "1.0.0")

    changed = textwrap.dedent(SMALL).replace("mode=holistic", "mode=strict")
    changed = changed.replace("Does it?", "Does it really?")
    # Blank lines move every node down without changing a word.
    changed = changed.replace("---\n\n#", "---\n\n\n\n\n#")
    small.write_text(changed, encoding="utf-8")
    release.write_bytes(compiler.load(small).to_json().encode("utf-8"))
    (repo / "releases" / "index.json").write_text('{"releases": ["1.0.1"]}\n', encoding="utf-8")

    diff = git(repo, "diff", "--", "releases/1.0.0.json")
    changes = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changes == [  # the sentence once: in the property, not repeated in its section
        "-    Does it?",
        "+    Does it really?",
        "-  mode: holistic",
        "+  mode: strict",
    ], diff
    # Moved lines changed every source position in the JSON, but the rendering has none.
    raw = git(repo, "diff", "--no-textconv", "--", "releases/1.0.0.json")
    assert '"line"' in raw
    # Files the pattern does not name keep git's ordinary diff.
    assert '+{"releases": ["1.0.1"]}' in git(repo, "diff", "--", "releases/index.json")


# -- the Python example -------------------------------------------------------------------------


def test_python_example_runs(repo_root: Path) -> None:
    example = repo_root / "examples" / "weigh.py"
    run = subprocess.run(
        [
            sys.executable,
            str(example),
            str(repo_root / "spec"),
            "genuinely-helpful",
            "broadly-safe",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    loaded = compiler.load(repo_root / "spec")
    hard = {
        c.id: c
        for p in ("broadly-safe", "genuinely-helpful")
        for c in loaded.constraints_for(p, kind="hard")
    }
    assert hard
    assert run.stdout == (
        "broadly-safe has priority over genuinely-helpful (in core-priority)\n"
        "holistically: broadly-safe should generally dominate, but weigh both\n"
        + "".join(f"hard constraint {ident} holds whatever the weighing\n" for ident in hard)
    )
    run = subprocess.run(
        [sys.executable, str(example), str(repo_root / "spec"), "broadly-saf", "x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert run.stderr == (
        "weigh.py: no id 'broadly-saf' in the constitution; did you mean 'broadly-safe'?\n"
    )


def test_python_example_type_checks_strictly(repo_root: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            str(repo_root / "examples" / "weigh.py"),
        ],
        capture_output=True,
        text=True,
        cwd=repo_root,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
