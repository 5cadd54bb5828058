"""`diff git:REV` against commits crafted with git plumbing: a git side is read from git's object
database into memory, so no link in the tree (or the spec path itself) is followed and nothing is
written anywhere, whatever the commit holds; each such entry is a diagnostic at its path."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from support.cli import run_cli as run

from compiler.release import load_side

DATA = Path(__file__).resolve().parents[1] / "data" / "diff"
BASE = (DATA / "base.md").read_text("utf-8")
SECRET = "TOP-SECRET-LINE-4242"


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        input=data,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode().strip()


def blob(repo: Path, data: bytes) -> str:
    return git(repo, "hash-object", "-w", "--stdin", data=data)


def tree(repo: Path, entries: list[tuple[str, str, str]]) -> str:
    """A tree object with exactly `entries` (mode, name, sha), in this order, duplicates and odd
    names included: written raw, as an attacker would, past git's own checks."""
    raw = b"".join(
        f"{mode} {name}".encode() + b"\0" + bytes.fromhex(sha) for mode, name, sha in entries
    )
    return git(repo, "hash-object", "-t", "tree", "-w", "--literally", "--stdin", data=raw)


def commit(repo: Path, root_tree: str) -> str:
    return git(repo, "commit-tree", root_tree, "-m", "crafted")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / "spec").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    (root / "spec" / "01-base.md").write_text(BASE, "utf-8")
    git(root, "add", "spec")
    git(root, "commit", "-q", "-m", "base")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory outside the repository, with a secret file, that nothing may touch."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "secret.md").write_text(f"# {SECRET}\n\nPrivate text.\n", "utf-8")
    return directory


def forbid_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """A git side is read in memory: making a temporary directory or a link fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a git side must not touch the disk")

    monkeypatch.setattr(tempfile, "TemporaryDirectory", refuse)
    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    monkeypatch.setattr(os, "symlink", refuse)


@pytest.fixture
def no_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_disk(monkeypatch)


def listing(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def spec_commit(repo: Path, spec_entries: list[tuple[str, str, str]]) -> str:
    """A commit whose spec/ holds the base chapter and `spec_entries`."""
    chapter = blob(repo, BASE.encode())
    spec = tree(repo, [("100644", "01-base.md", chapter), *spec_entries])
    return commit(repo, tree(repo, [("40000", "spec", spec)]))


def test_a_link_and_a_directory_of_the_same_name_write_nothing(repo: Path, outside: Path) -> None:
    # The attack that worked: the link `a` -> outside is written first, then `a/evil.md`
    # through it. Read in memory, the link is a diagnostic and the file is never written.
    link = blob(repo, str(outside).encode())
    evil = tree(repo, [("100644", "evil.md", blob(repo, b"# Evil\n\nWritten outside.\n"))])
    rev = spec_commit(repo, [("120000", "a", link), ("40000", "a", evil)])
    before = listing(outside)
    code, out, err = run("diff", f"git:{rev}", "spec")
    assert listing(outside) == before
    assert code == 1 and out == ""
    assert f"git:{rev}:spec/a:1:1: CC120 symbolic link in a git revision" in err


def test_a_spec_that_is_a_link_to_an_outside_file_is_not_read(repo: Path, outside: Path) -> None:
    link = blob(repo, str(outside / "secret.md").encode())
    rev = commit(repo, tree(repo, [("120000", "spec", link)]))
    code, out, err = run("diff", f"git:{rev}", "spec")
    assert SECRET not in out + err
    assert code == 1 and out == ""
    assert err.startswith(f"git:{rev}:spec:1:1: CC120 symbolic link in a git revision: a git ")


@pytest.mark.parametrize("target", ["outside", "../outside", "/"])
def test_a_spec_that_is_a_link_to_a_directory_is_not_followed(
    repo: Path, outside: Path, target: str
) -> None:
    link = blob(repo, (str(outside) if target == "outside" else target).encode())
    rev = commit(repo, tree(repo, [("120000", "spec", link)]))
    code, out, err = run("diff", f"git:{rev}", "spec")
    assert SECRET not in out + err
    assert code == 1 and "CC120" in err


def test_links_inside_the_spec_are_reported_not_followed(repo: Path, outside: Path) -> None:
    rev = spec_commit(
        repo,
        [
            ("120000", "02-secret.md", blob(repo, str(outside / "secret.md").encode())),
            ("120000", "03-inside.md", blob(repo, b"01-base.md")),
        ],
    )
    code, out, err = run("diff", f"git:{rev}", "spec")
    assert code == 1 and SECRET not in out + err
    assert f"git:{rev}:spec/02-secret.md:1:1: CC120" in err
    assert f"git:{rev}:spec/03-inside.md:1:1: CC120" in err
    assert "2 errors" in err


def test_a_link_on_the_way_to_the_spec_path(repo: Path, outside: Path) -> None:
    rev = commit(repo, tree(repo, [("120000", "docs", blob(repo, str(outside).encode()))]))
    code, _, err = run("diff", f"git:{rev}:docs/spec", "spec")
    assert code == 1 and f"git:{rev}:docs:1:1: CC120" in err


def test_a_submodule_is_reported(repo: Path) -> None:
    rev = spec_commit(repo, [("160000", "vendor", "1" * 40)])
    code, _, err = run("diff", f"git:{rev}", "spec")
    assert code == 1
    assert f"git:{rev}:spec/vendor:1:1: CC121 submodule in a git revision" in err


def test_a_name_listed_twice_is_reported(repo: Path) -> None:
    other = blob(repo, BASE.replace("Safe", "Unsafe").encode())
    rev = spec_commit(repo, [("100644", "01-base.md", other)])
    code, _, err = run("diff", f"git:{rev}", "spec")
    assert code == 1 and f"git:{rev}:spec/01-base.md:1:1: CC122" in err


def test_dot_dot_and_hidden_entries_are_never_read(
    repo: Path, outside: Path, no_disk: None
) -> None:
    evil = tree(repo, [("100644", "x.md", blob(repo, b"# X\n\n[bad](#nowhere)\n"))])
    rev = spec_commit(repo, [("40000", "..", evil), ("40000", ".hidden", evil)])
    before = listing(outside)
    code, out, err = run("diff", f"git:{rev}", "spec")
    assert (code, err) == (0, "") and "0 changes" in out
    assert listing(outside) == before


@pytest.mark.parametrize("side", ["git:HEAD:../outside", "git:HEAD:/etc", "git:HEAD:spec/../.."])
def test_a_spec_path_that_climbs_is_a_usage_error(repo: Path, side: str) -> None:
    code, _, err = run("diff", side, "spec")
    assert code == 2 and "the path must lead down from the repository root" in err


def test_a_huge_blob_is_refused_before_it_is_read(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compiler import reader
    from compiler.release import sides as sides_module

    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 3000)
    asked: list[bytes] = []
    real = sides_module._git

    def spy(args: list[str], cwd: Path, data: bytes | None = None) -> object:
        asked.append(data or b"")
        return real(args, cwd, data)

    monkeypatch.setattr(sides_module, "_git", spy)
    big = blob(repo, b"# Big\n\n" + b"x" * 5000)
    rev = spec_commit(repo, [("100644", "02-big.md", big)])
    side = load_side(f"git:{rev}", releases_dir=repo / "releases")
    assert side.document is None
    assert [d.format().split("\n")[0] for d in side.diagnostics] == [
        f"git:{rev}:spec/02-big.md:1:1: CC104 file is 5,007 bytes, more than the limit of 3,000"
    ]
    assert not any(big.encode() in data for data in asked)  # never read


def test_a_file_name_that_is_not_utf8(repo: Path, no_disk: None) -> None:
    raw = b"# T\n\nText.\n"
    chapter = blob(repo, BASE.encode())
    entries = (
        b"100644 01-base.md"
        + b"\0"
        + bytes.fromhex(chapter)
        + b"100644 bad-\xff.md\0"
        + bytes.fromhex(blob(repo, raw))
    )
    spec = git(repo, "hash-object", "-t", "tree", "-w", "--literally", "--stdin", data=entries)
    rev = commit(repo, tree(repo, [("40000", "spec", spec)]))
    code, _, err = run("diff", f"git:{rev}", "spec")
    assert (
        code == 1 and f"git:{rev}:spec/bad-\ufffd.md:1:1: CC101 file name is not valid UTF-8" in err
    )


def test_a_git_side_writes_no_file(repo: Path, no_disk: None) -> None:
    (repo / "spec" / "01-base.md").write_text(BASE.replace("clear and direct.", "clear."), "utf-8")
    git(repo, "commit", "-q", "-am", "two")
    code, out, err = run("diff", "git:HEAD~1", "git:HEAD")
    assert (code, err) == (0, "") and "1 change" in out


def test_a_json_side_from_git_is_read_in_memory(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("compile", "spec", "-o", "spec.json")[0] == 0
    git(repo, "add", "spec.json")
    git(repo, "commit", "-q", "-m", "json")
    forbid_disk(monkeypatch)
    code, out, _ = run("diff", "git:HEAD:spec.json", "spec")
    assert code == 0 and "0 changes" in out


# --- the files policy: a git side is held to the rules of a spec directory ----------------------

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

POLICY_CASES: dict[str, dict[str, bytes]] = {
    "files that skip the compiler": {
        "evil.html": b"<script>alert(1)</script>",
        "extra.markdown": b"# Extra\n",
        "UP.MD": b"# Up\n",
    },
    "an image that is not one": {"logo.png": b"<html><script>alert(1)</script></html>"},
    "an SVG with a script": {
        "d.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    },
    "collisions": {"a.md": b"# A {#a}\n", "a/index.md": b"# A2 {#a2}\n"},
    "a README beside index.md": {"index.md": b"# Home {#home}\n", "README.md": b"# Read {#r}\n"},
    "constitution.yaml that is not a mapping": {"constitution.yaml": b"- a\n- b\n"},
    "links to an image that is there and one that is not": {
        "logo.png": PNG,
        "02-img.md": b"# Img {#img}\n\n![x](logo.png) ![y](missing.png)\n",
    },
}


@pytest.mark.parametrize("case", sorted(POLICY_CASES))
def test_a_git_side_reports_what_check_reports(
    repo: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, data in POLICY_CASES[case].items():
        path = repo / "spec" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    git(repo, "add", "-A", "spec")
    git(repo, "commit", "-q", "-m", case)
    code, _, checked = run("check", "spec")
    forbid_disk(monkeypatch)
    diff_code, _, diffed = run("diff", "git:HEAD", "spec")
    # The git side says what `check` says of the same files, under its own name.
    expected = [line for line in checked.splitlines() if ": CC" in line]
    side = [line for line in diffed.splitlines() if line.startswith("git:HEAD:")]
    assert side == ["git:HEAD:" + line for line in expected]
    assert code == 1 and expected and diff_code == 1
    assert "logo.png" not in diffed or case == "an image that is not one"


def test_a_git_side_is_compiled_with_its_own_grammar(repo: Path, no_disk: None) -> None:
    """A revision's constitution.yaml declares its kinds and their fields' levels: the git side
    is compiled with it (read from git, as its chapters are), else with --grammar."""
    (repo / "spec" / "constitution.yaml").write_text(
        "kinds:\n  rule:\n    fields:\n      strength:\n        type: enum\n"
        "        ordered: true\n        values: [strong, weak]\n"
        "        diff: {changed: substantive, lowered: breaking}\n",
        "utf-8",
    )
    (repo / "spec" / "02-rules.md").write_text(
        "# Rules {#rules}\n\n::: rule {#r1 strength=strong}\nA rule.\n:::\n", "utf-8"
    )
    git(repo, "add", "spec")
    git(repo, "commit", "-q", "-m", "rules")
    chapter = repo / "spec" / "02-rules.md"
    chapter.write_text(chapter.read_text("utf-8").replace("strong", "weak"), "utf-8")
    git(repo, "commit", "-q", "-am", "weaker")
    code, out, err = run("diff", "git:HEAD~1", "git:HEAD")
    assert (code, err) == (0, ""), out
    assert "BREAKING field-lowered: Rule 'r1': Strength strong → weak (lowered)" in out
