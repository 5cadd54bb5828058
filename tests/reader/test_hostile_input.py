"""Hostile and broken input that cannot be a committed fixture: bytes that are not text, huge and
deeply nested files, symlinks, odd file names, line endings; and the promise kept by every
failure: a coded diagnostic with file and line, exit 1, no traceback, earlier outputs untouched.

The committed cases are in tests/data/invalid (run by test_fixtures.py); this module also checks
that there are enough of them and that each one's `.err` names a code and a line.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from compiler.cli import cli
from compiler.diagnostics import CODES, render
from compiler.pipeline import compile_spec
from compiler.reader import MAX_FILE_BYTES
from compiler.site.render import PageContext, SiteIndex, render_markdown
from compiler.syntax.limits import MAX_INLINE_CHARS, MAX_NESTING

DATA = Path(__file__).parents[1] / "data"
INVALID = sorted((DATA / "invalid").glob("*.md"))
GOOD = "# Good {#good}\n\n::: property {#p rank=1}\n**P**: a property.\n:::\n"
HEADLINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<code>CC\d{3}) ")


def check(path: Path | str) -> str:
    """What `constitution check` prints for `path` (relative to the current directory)."""
    return render(compile_spec(path).diagnostics, "text")


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# --- the committed corpus ----------------------------------------------------------------------


def test_the_invalid_corpus_is_large_and_every_case_is_coded() -> None:
    assert len(INVALID) >= 60
    for source in INVALID:
        err = source.with_suffix(".err").read_text("utf-8")
        heads = [HEADLINE.match(line) for line in err.splitlines() if not line.startswith(" ")]
        heads = heads[:-1]  # the summary line
        assert heads and all(heads), f"{source.name}: every diagnostic has file:line:col: CODE"
        for head in heads:
            assert head is not None
            assert head["file"] == source.name
            assert int(head["line"]) >= 1, f"{source.name}: a line number, not 0"
            assert head["code"] in CODES


# --- bytes that are not text -------------------------------------------------------------------

UTF8_HINT = "    hint: save the file as UTF-8; most editors offer it in 'Save with encoding'\n"
NUL_HINT = (
    "    hint: a Markdown file holds text only; remove the NUL byte (is this a binary file?)\n"
)

BYTE_CASES: dict[str, tuple[bytes, str]] = {
    "latin1": (
        b"# Caf\xe9 {#cafe}\n\nText.\n",
        "latin1.md:1:6: CC101 file is not valid UTF-8 (byte 0xe9 at offset 5)\n" + UTF8_HINT,
    ),
    "utf16": (
        "# Title\n".encode("utf-16"),
        "utf16.md:1:1: CC101 file is encoded as UTF-16, not UTF-8\n" + UTF8_HINT,
    ),
    "overlong": (
        b"# A\n\nslash \xc0\xaf here\n",
        "overlong.md:3:7: CC101 file is not valid UTF-8 (byte 0xc0 at offset 11)\n" + UTF8_HINT,
    ),
    "surrogate": (
        b"# A\n\n\xed\xa0\x80\n",
        "surrogate.md:3:1: CC101 file is not valid UTF-8 (byte 0xed at offset 5)\n" + UTF8_HINT,
    ),
    "truncated": (
        b"# A\n\ncaf\xc3",
        "truncated.md:3:4: CC101 file is not valid UTF-8 (byte 0xc3 at offset 8)\n" + UTF8_HINT,
    ),
    "nul": (b"# A\n\nab\x00c\n", "nul.md:3:3: CC102 file contains a NUL byte\n" + NUL_HINT),
    "png": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "png.md:1:1: CC101 file is not valid UTF-8 (byte 0x89 at offset 0)\n"
        + UTF8_HINT
        + "png.md:3:1: CC102 file contains a NUL byte\n"
        + NUL_HINT,
    ),
}


@pytest.mark.parametrize("name", BYTE_CASES)
def test_bytes_that_are_not_text(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, expected = BYTE_CASES[name]
    write(tmp_path / f"{name}.md", data)
    monkeypatch.chdir(tmp_path)
    errors = expected.count("\n    hint:")
    summary = f"{errors} error{'s' if errors > 1 else ''}, 0 warnings\n"
    assert check(f"{name}.md") == expected + summary


def test_every_bad_file_of_a_directory_is_reported_in_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, (data, _) in BYTE_CASES.items():
        write(tmp_path / "spec" / f"{name}.md", data)
    write(tmp_path / "spec" / "0-good.md", GOOD)
    monkeypatch.chdir(tmp_path)
    output = check("spec")
    for name in BYTE_CASES:
        assert f"spec/{name}.md:" in output
    assert output.endswith("8 errors, 0 warnings\n")


# --- size and depth ----------------------------------------------------------------------------


def test_a_50_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.write(b"# Big {#big}\n\n")
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing 50 MB
    tracemalloc.start()
    try:
        result = compile_spec(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [d.format() for d in result.diagnostics] == [
        f"{big}:1:1: CC104 file is 52,428,800 bytes, more than the limit of {MAX_FILE_BYTES:,}\n"
        "    hint: split the file into chapters"
    ]
    assert peak < 5 * 1024 * 1024, "the file was read into memory"


def test_long_lines_compile_up_to_the_paragraph_limit(tmp_path: Path) -> None:
    words = "word " * (MAX_INLINE_CHARS // 5 - 1)  # one line just under the limit
    code = "x" * 1_000_000  # code blocks are not parsed inline: no limit but the file's
    path = write(tmp_path / "long.md", f"# Long {{#long}}\n\n{words}\n\n```\n{code}\n```\n")
    result = compile_spec(path)
    assert result.ok, render(result.diagnostics, "text")
    assert result.document is not None
    assert result.document["nodes"][0]["text"].startswith(words.strip())


@pytest.mark.parametrize("line", ["word " * 2_000_000, "[a" * 5_000_000, "[a\n" * 100_000])
def test_a_paragraph_past_the_limit_is_refused_quickly(line: str, tmp_path: Path) -> None:
    path = write(tmp_path / "long.md", f"# Long {{#long}}\n\n{line}\n")
    length = len(line.rstrip())
    assert [d.format() for d in compile_spec(path).diagnostics] == [
        f"{path}:3:1: CC104 a paragraph of {length:,} characters is longer than the limit of "
        f"{MAX_INLINE_CHARS:,}; its text is not read\n"
        "    hint: break the text into paragraphs, with a blank line between them"
    ]


DEEP = 10_000
NESTED: dict[str, str] = {
    "block quotes": ">" * DEEP + " deep\n",
    "block quote lines": "".join(">" * i + " x\n" for i in range(1, 2_000)),
    "list markers": "- " * DEEP + "deep\n",
    "indented lists": "".join("  " * i + "- x\n" for i in range(1_000)),
    "ordered lists": "".join("   " * i + "1. x\n" for i in range(1_000)),
    "annotations": "".join(
        ":" * (3 + 1_000 - i) + f" rationale {{#r{i} justifies=r0}}\nText {i}.\n\n"
        for i in range(1_000)
    )
    + "".join(":" * (4 + i) + "\n" for i in range(1_000)),
    "emphasis": "*" * DEEP + "x" + "*" * DEEP + "\n",
    "strong and em": "***_" * 2_500 + "x" + "_***" * 2_500 + "\n",
    "links": "[" * DEEP + "x" + "](#a)" * DEEP + "\n",
    "images": "![" * 2_000 + "x" + "](y.png)" * 2_000 + "\n",
    "backticks": "`" * DEEP + "\n",
    "html-like": "<" * DEEP + "\n",
    "entities": "&#x61;" * DEEP + "\n",
    "attribute list": "# T {" + " ".join(f"k{i}=v" for i in range(DEEP)) + "}\n",
    "braces": "# T {" + "{" * DEEP + "}" * DEEP + "\n",
    "table": "|a|\n|-|\n" + "|x|\n" * DEEP,
    "front matter": "---\ntitle: " + "[" * DEEP + "]" * DEEP + "\n---\n# T\n",
    "headings": "# Same\n\n" * 5_000,
}


@pytest.mark.parametrize("name", NESTED)
def test_deep_nesting_compiles_or_reports_a_limit(name: str, tmp_path: Path) -> None:
    path = write(tmp_path / "deep.md", NESTED[name])
    result = compile_spec(path)  # never a RecursionError, a hang or a memory blow-up
    if not result.ok:
        assert result.diagnostics
        for diagnostic in result.diagnostics:
            assert diagnostic.line >= 1 and diagnostic.code in CODES, diagnostic.format()


def test_content_past_the_nesting_limit_is_reported_not_dropped(tmp_path: Path) -> None:
    ok = write(tmp_path / "ok.md", "# T {#t}\n\n" + ">" * (MAX_NESTING - 1) + " kept\n")
    assert compile_spec(ok).ok
    deep = write(tmp_path / "deep.md", "# T {#t}\n\n" + ">" * MAX_NESTING + " lost\n")
    assert [d.code for d in compile_spec(deep).diagnostics] == ["CC104"]


def test_many_equal_titles_get_ids_in_linear_time(tmp_path: Path) -> None:
    path = write(tmp_path / "same.md", "# Same\n\n" * 20_000)
    result = compile_spec(path)
    assert result.ok and result.document is not None
    ids = [s["id"] for s in result.document["nodes"]]
    assert ids[:3] == ["same", "same-2", "same-3"] and ids[-1] == "same-20000"


# --- files, directories, links -----------------------------------------------------------------


def test_empty_directory_and_directories_without_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path / "other" / "notes.txt", "# Not Markdown")
    write(tmp_path / "other" / ".hidden.md", GOOD)
    write(tmp_path / "other" / ".git" / "x.md", GOOD)
    monkeypatch.chdir(tmp_path)
    no_markdown = (
        "{}:1:1: CC103 no Markdown files (*.md) in the spec directory\n"
        "    hint: add the constitution's chapters as .md files, or name the right directory\n"
    )
    assert check("empty") == no_markdown.format("empty") + "1 error, 0 warnings\n"
    assert check("other") == (
        no_markdown.format("other")
        + "other/notes.txt:1:1: CC110 'notes.txt' is not allowed in the spec: a '.txt' file "
        "would bypass the compiler\n"
        "    hint: a spec holds chapters (*.md), images (png, jpg, gif, webp, avif, svg) and "
        "constitution.yaml; move anything else out of the spec directory\n"
        "2 errors, 0 warnings\n"
    )


def test_empty_files_in_a_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "spec" / "1-good.md", GOOD)
    write(tmp_path / "spec" / "2-empty.md", b"")
    write(tmp_path / "spec" / "3-blank.md", b"\xef\xbb\xbf\r\n  \r\n")
    monkeypatch.chdir(tmp_path)
    hint = "    hint: add the chapter's text, or delete the file\n"
    assert check("spec") == (
        "spec/2-empty.md:1:1: CC305 file is empty\n"
        + hint
        + "spec/3-blank.md:1:1: CC305 file is empty\n"
        + hint
        + "2 errors, 0 warnings\n"
    )


def test_symlinks_that_leave_the_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "outside.md", "# Secret {#secret}\n")
    write(tmp_path / "outside-dir" / "more.md", "# More {#more}\n")
    spec = tmp_path / "spec"
    write(spec / "1-good.md", GOOD)
    (spec / "2-file.md").symlink_to(tmp_path / "outside.md")
    (spec / "dir").symlink_to(tmp_path / "outside-dir", target_is_directory=True)
    (spec / "sub").mkdir()
    (spec / "sub" / "rel.md").symlink_to(Path("..") / ".." / "outside.md")
    (spec / "loop-a.md").symlink_to("loop-b.md")
    (spec / "loop-b.md").symlink_to("loop-a.md")
    (spec / "dangling.md").symlink_to("nowhere.md")
    monkeypatch.chdir(tmp_path)
    outside = "    hint: copy the file into the spec directory instead of linking to it\n"
    loop = "    hint: remove the link, or point it at a file in the spec directory\n"
    real = tmp_path.resolve()
    assert check("spec") == (
        f"spec/2-file.md:1:1: CC105 symbolic link points outside the spec directory (to {real}/outside.md)\n"
        + outside
        + "spec/dangling.md:1:1: CC106 cannot read file: No such file or directory\n"
        "    hint: check that the file exists and is readable\n"
        f"spec/dir:1:1: CC105 symbolic link points outside the spec directory (to {real}/outside-dir)\n"
        + outside
        + "spec/loop-a.md:1:1: CC106 symbolic link loops back on itself\n"
        + loop
        + "spec/loop-b.md:1:1: CC106 symbolic link loops back on itself\n"
        + loop
        + f"spec/sub/rel.md:1:1: CC105 symbolic link points outside the spec directory (to {real}/outside.md)\n"
        + outside
        + "6 errors, 0 warnings\n"
    )


def test_a_symlink_inside_the_spec_is_read(tmp_path: Path) -> None:
    spec = tmp_path / "spec"
    write(spec / "chapters" / "one.md", GOOD)
    (spec / "index.md").symlink_to(Path("chapters") / "one.md")
    result = compile_spec(spec)
    # The same file twice: its ids are duplicates and its ranks tie, reported like any other.
    assert [d.code for d in result.diagnostics] == ["CC301", "CC301", "CC304"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX-only")
def test_a_named_pipe_is_refused_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "spec" / "1-good.md", GOOD)
    os.mkfifo(tmp_path / "spec" / "2-pipe.md")
    monkeypatch.chdir(tmp_path)
    assert check("spec") == (
        "spec/2-pipe.md:1:1: CC106 not a regular file (a device, pipe or socket)\n"
        "    hint: a spec holds ordinary Markdown files only\n"
        "1 error, 0 warnings\n"
    )


NAMES = ("01 Überblick.md", "02 安全 chapter.md", "03 — em dash & ampersand.md")


def test_file_names_with_spaces_and_non_ascii(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for number, name in enumerate(NAMES, start=1):
        write(
            tmp_path / "spec" / name,
            f"# Chapter {number}\n\nSee [the next](#chapter-{number + 1}).\n",
        )
    monkeypatch.chdir(tmp_path)
    result = compile_spec("spec")
    assert [d.format() for d in result.diagnostics] == [
        "spec/03 — em dash & ampersand.md:3:5: CC302 link to unknown id '#chapter-4'\n"
        "    hint: did you mean 'chapter-3'?"
    ]
    write(
        tmp_path / "spec" / NAMES[2],
        "# Chapter 3\n\nSee [the first](01%20%C3%9Cberblick.md#chapter-1).\n",
    )
    result = compile_spec("spec")
    assert result.ok and result.document is not None
    assert [s["file"] for s in result.document["document"]["sources"]] == list(NAMES)
    assert [r["target"] for r in result.document["references"]] == [
        "chapter-2",
        "chapter-3",
        "chapter-1",
    ]
    runner = CliRunner()
    printed = runner.invoke(cli, ["compile", "spec"])
    assert printed.exit_code == 0
    assert "02 安全 chapter.md" in printed.stdout  # UTF-8, not \u escapes


def test_front_matter_title_in_a_later_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "spec" / "1.md", "---\ntitle: One\n---\n# One\n")
    write(tmp_path / "spec" / "2.md", "---\ntitle: Two\nversion: 2.0.0\n---\n# Two\n")
    monkeypatch.chdir(tmp_path)
    hint = "    hint: the document's title and version are set once, in the first file\n"
    assert check("spec") == (
        "spec/2.md:2:1: CC202 front matter 'title' belongs in the first file of the spec\n"
        + hint
        + "spec/2.md:3:1: CC202 front matter 'version' belongs in the first file of the spec\n"
        + hint
        + "2 errors, 0 warnings\n"
    )


def test_duplicate_ids_across_files_point_at_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "spec" / "1 first.md", GOOD)
    write(tmp_path / "spec" / "2 second.md", "# Again {#good}\n")
    monkeypatch.chdir(tmp_path)
    assert check("spec") == (
        "spec/2 second.md:1:1: CC301 duplicate id 'good' (already the id of a section)\n"
        "    hint: first defined at spec/1 first.md:1; ids must be unique across the spec\n"
        "1 error, 0 warnings\n"
    )


# --- line endings ------------------------------------------------------------------------------

LF = (
    (DATA / "valid" / "bom-crlf.md")
    .read_bytes()
    .removeprefix(b"\xef\xbb\xbf")
    .replace(b"\r\n", b"\n")
)
ENDINGS = {
    "bom": b"\xef\xbb\xbf" + LF,
    "crlf": LF.replace(b"\n", b"\r\n"),
    "bom+crlf": b"\xef\xbb\xbf" + LF.replace(b"\n", b"\r\n"),
    "cr": LF.replace(b"\n", b"\r"),
}


@pytest.mark.parametrize("variant", ENDINGS)
def test_bom_and_line_endings_compile_to_the_same_json_as_lf(variant: str, tmp_path: Path) -> None:
    lf = compile_spec(write(tmp_path / "lf" / "spec.md", LF))
    other = compile_spec(write(tmp_path / variant / "spec.md", ENDINGS[variant]))
    assert lf.ok and other.ok, render(other.diagnostics, "text")
    assert other.to_json_bytes() == lf.to_json_bytes()


def test_crlf_diagnostics_have_the_same_lines_and_columns(tmp_path: Path) -> None:
    bad = b"# T {#t}\n\n::: property {#p rank=x}\n**P**: [x](#nope) <b>\n:::\n"
    lf = compile_spec(write(tmp_path / "lf" / "spec.md", bad))
    crlf = compile_spec(
        write(tmp_path / "crlf" / "spec.md", b"\xef\xbb\xbf" + bad.replace(b"\n", b"\r\n"))
    )
    assert [(d.code, d.line, d.column) for d in crlf.diagnostics] == [
        (d.code, d.line, d.column) for d in lf.diagnostics
    ]
    assert len(lf.diagnostics) == 3


# --- every failure: exit 1, no traceback, earlier outputs untouched -----------------------------


def _digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_every_invalid_case_fails_cleanly_and_keeps_the_earlier_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "good.md", GOOD)
    for name, (data, _) in BYTE_CASES.items():
        write(tmp_path / "bytes" / f"{name}.md", data)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["compile", "good.md", "-o", "out.json"]).exit_code == 0
    before = Path("out.json").read_bytes()
    cases = [*INVALID, *sorted((tmp_path / "bytes").glob("*.md"))]
    for case in cases:
        result = runner.invoke(cli, ["compile", str(case), "-o", "out.json"])
        assert result.exit_code == 1, case.name
        assert result.exception is None or isinstance(result.exception, SystemExit), case.name
        assert "Traceback" not in result.output, case.name
        assert HEADLINE.match(result.stderr), case.name
        assert Path("out.json").read_bytes() == before, case.name
        checked = runner.invoke(cli, ["check", str(case), "--format", "github"])
        assert checked.exit_code == 1 and checked.stderr.startswith("::error file="), case.name
    assert sorted(os.listdir(tmp_path)) == ["bytes", "good.md", "out.json"], "no stray temp files"


def test_a_failed_build_leaves_the_earlier_site_untouched(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs / "index.md", GOOD)
    config = write(
        tmp_path / "mkdocs.yml",
        "site_name: T\ndocs_dir: docs\nsite_dir: site\ntheme:\n  name: material\n  font: false\n"
        "plugins:\n  - search\n  - constitution\n",
    )
    runner = CliRunner(env={"NO_MKDOCS_2_WARNING": "1"})
    first = runner.invoke(cli, ["build", "--config", str(config)])
    assert first.exit_code == 0, first.output
    before = _digest(tmp_path / "site")
    assert before
    for case in INVALID[:10]:
        write(docs / "index.md", case.read_bytes())
        failed = runner.invoke(cli, ["build", "--config", str(config)])
        assert failed.exit_code == 1, case.name
        assert "Traceback" not in failed.output
        assert HEADLINE.match(failed.stderr), case.name
        assert _digest(tmp_path / "site") == before, case.name


def test_a_failed_release_leaves_the_releases_untouched(tmp_path: Path) -> None:
    spec = write(tmp_path / "spec" / "index.md", GOOD).parent
    releases = tmp_path / "releases"
    runner = CliRunner()
    first = runner.invoke(cli, ["release", "1.0.0", str(spec), "--releases-dir", str(releases)])
    assert first.exit_code == 0, first.output
    before = _digest(releases)
    for case in INVALID[:10]:
        write(spec / "index.md", case.read_bytes())
        failed = runner.invoke(
            cli, ["release", "2.0.0", str(spec), "--releases-dir", str(releases)]
        )
        assert failed.exit_code == 1, case.name
        assert "Traceback" not in failed.output
        assert _digest(releases) == before, case.name


def test_a_real_process_never_shows_a_traceback(tmp_path: Path) -> None:
    spec = tmp_path / "spec"
    for name, (data, _) in BYTE_CASES.items():
        write(spec / f"{name}.md", data)
    for name, text in NESTED.items():
        write(spec / f"deep {name}.md", text)
    done = subprocess.run(
        [sys.executable, "-m", "compiler", "check", str(spec)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "CONSTITUTION_DEBUG": ""},
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "internal error" not in done.stderr
    assert HEADLINE.match(done.stderr)


# --- unsafe URLs however they are spelled ------------------------------------------------------

DISGUISED = [
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](&#x6A;&#x61;vascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](<\x01javascript:alert(1)>)",
    "[x](<java\tscript:alert(1)>)",
    "[x](<\u00a0javascript:alert(1)>)",
    "[x](java%73cript:alert(1))",
    "[x](%20javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<DATA:text/html,x>",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,%3Csvg%20onload=alert(1)%3E)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[r]\n\n[r]: <javascript:alert(1)>",
    "[![i](#t)](javascript:alert(1))",
]


@pytest.mark.parametrize("link", DISGUISED)
def test_unsafe_urls_are_refused_however_disguised(link: str, tmp_path: Path) -> None:
    path = write(tmp_path / "spec.md", f"# T {{#t}}\n\n{link}\n")
    codes = [d.code for d in compile_spec(path).diagnostics]
    # A control character hiding the scheme is also reported as what it is (CC107).
    assert [code for code in codes if code != "CC107"] == ["CC207"], codes


@pytest.mark.parametrize(
    ("link", "published"),
    [
        ("[x](https://example.org/javascript:x)", "https://example.org/javascript:x"),
        ("[x](#javascript)", "#javascript"),
        ("[x](javascript.md)", "../javascript/"),
    ],
)
def test_safe_urls_that_mention_a_scheme_are_kept(
    link: str, published: str, tmp_path: Path
) -> None:
    write(tmp_path / "spec" / "javascript.md", "# J {#javascript}\n")
    write(tmp_path / "spec" / "index.md", f"# T {{#t}}\n\n{link}\n")
    result = compile_spec(tmp_path / "spec")
    assert result.ok, render(result.diagnostics, "text")
    # Kept means published as written (or as the page it names), not dropped or rewritten.
    context = PageContext(
        SiteIndex(), "index.md", lambda file: "../javascript/" if file == "javascript.md" else None
    )
    html = render_markdown(f"# T {{#t}}\n\n{link}\n", context).html
    assert f'<a href="{published}"' in html, html


# --- limits of the interpreter -----------------------------------------------------------------


@pytest.mark.parametrize("error", [RecursionError, MemoryError])
def test_the_interpreters_limits_become_cc104(
    error: type[BaseException], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compiler import syntax

    md = syntax.parser()

    def exhausted(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(md, "parse", exhausted)
    write(tmp_path / "spec" / "1.md", GOOD)
    monkeypatch.chdir(tmp_path)
    what = "nested too deeply" if error is RecursionError else "too large"
    assert check("spec") == (
        f"spec/1.md:1:1: CC104 file is {what} to compile ({error.__name__})\n"
        "    hint: split the file, and flatten deeply nested lists, quotes and annotations\n"
        "1 error, 0 warnings\n"
    )


# --- names and counts --------------------------------------------------------------------------


def test_a_file_name_that_is_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = tmp_path / "spec"
    write(spec / "good.md", GOOD)
    with open(os.path.join(os.fsencode(spec), b"caf\xe9.md"), "wb") as handle:
        handle.write(b"# Caf\xc3\xa9\n")
    monkeypatch.chdir(tmp_path)
    expected = (
        "spec/caf\ufffd.md:1:1: CC101 file name is not valid UTF-8\n"
        "    hint: rename the file; names are recorded in the JSON, which is UTF-8\n"
        "1 error, 0 warnings\n"
    )
    assert check("spec") == expected
    runner = CliRunner()
    result = runner.invoke(cli, ["compile", "spec", "--format", "json"])
    assert result.exit_code == 1 and "internal error" not in result.output


def test_a_line_break_in_a_file_name_stays_on_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "spec" / "two\nlines.md", "# T {#t}\n\n[x](#nope)\n")
    monkeypatch.chdir(tmp_path)
    assert check("spec").splitlines()[0] == (
        "spec/two\\nlines.md:3:1: CC302 link to unknown id '#nope'"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX-only")
def test_a_named_pipe_as_the_spec_argument(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    assert [d.code for d in compile_spec(tmp_path / "pipe.md").diagnostics] == ["CC106"]


def test_too_many_files_and_too_many_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from compiler import reader

    for number in range(4):
        write(tmp_path / "spec" / f"{number}.md", f"# Chapter {number}\n\n{'word ' * 50}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(reader, "MAX_FILES", 3)
    assert check("spec") == (
        "spec:1:1: CC104 the spec has 4 Markdown files, more than the limit of 3\n"
        "    hint: point the compiler at the directory that holds the constitution only\n"
        "1 error, 0 warnings\n"
    )
    monkeypatch.setattr(reader, "MAX_FILES", 10)
    monkeypatch.setattr(reader, "MAX_SPEC_BYTES", 600)
    assert check("spec") == (
        "spec/2.md:1:1: CC104 the spec is more than 600 bytes in all\n"
        "    hint: compile a smaller spec, or split it into several\n"
        "1 error, 0 warnings\n"
    )


# --- cost and crashes: bounded numbers and messages, one pass, terminal controls (issue 10) -----


def test_one_file_that_cannot_be_read_does_not_hide_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "spec"
    # Not UTF-8: reported, and its text still checked (with U+FFFD for the bad byte).
    write(spec / "1-latin1.md", b"# Caf\xe9 {#cafe}\n\n[x](#nowhere)\n")
    write(spec / "2-good.md", "# Two {#two}\n\n[a](#cafe) [b](3-outside.md) <b>raw</b>\n")
    write(tmp_path / "outside.md", "# Secret {#secret}\n")
    (spec / "3-outside.md").symlink_to(tmp_path / "outside.md")
    write(spec / "4-last.md", "# Four {#four}\n\n[c](#missing)\n")
    monkeypatch.chdir(tmp_path)
    raw = (
        "    hint: the text is published on a public site; write it as `code` or in a fenced "
        "code block, or use Markdown\n"
    )
    unknown = "    hint: link to the id of a heading ({#id}) or an annotation\n"
    assert check("spec") == (
        "spec/1-latin1.md:1:6: CC101 file is not valid UTF-8 (byte 0xe9 at offset 5)\n"
        + UTF8_HINT
        + "spec/1-latin1.md:3:1: CC302 link to unknown id '#nowhere'\n"
        + unknown
        + "spec/2-good.md:3:30: CC206 raw HTML is not allowed: '<b>'\n"
        + raw
        + "spec/2-good.md:3:36: CC206 raw HTML is not allowed: '</b>'\n"
        + raw
        + f"spec/3-outside.md:1:1: CC105 symbolic link points outside the spec directory (to "
        f"{tmp_path.resolve()}/outside.md)\n"
        "    hint: copy the file into the spec directory instead of linking to it\n"
        "spec/4-last.md:3:1: CC302 link to unknown id '#missing'\n"
        + unknown
        + "6 errors, 0 warnings\n"
    )


def test_a_file_too_large_does_not_hide_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compiler import reader

    write(tmp_path / "spec" / "1-big.md", "# Big {#big}\n\n" + "word " * 100)
    write(tmp_path / "spec" / "2-small.md", "# Small {#small}\n\n[b](1-big.md) [x](#nope)\n")
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 200)
    monkeypatch.chdir(tmp_path)
    assert [line for line in check("spec").splitlines() if not line.startswith(" ")] == [
        "spec/1-big.md:1:1: CC104 file is 514 bytes, more than the limit of 200",
        "spec/2-small.md:3:15: CC302 link to unknown id '#nope'",
        "2 errors, 0 warnings",
    ]


#: Characters a terminal acts on: ESC (ANSI sequences), CSI, DEL, bidirectional overrides.
TERMINAL_CONTROLS = ["\x1b", "\x9b", "\x7f", "\u202e", "\u2066", "\u200f", "\u061c"]


def test_terminal_controls_in_the_input_are_escaped_in_every_diagnostic_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "# Title {#t}\n\n"
        "::: prop\x1b[2Jerty\x9b31m {#x}\nText.\n:::\n\n"
        "[a](#n\u202eo\u2066p\u200fe\u061c) [b](#del\x7f)\n"
    )
    write(tmp_path / "evil\u202e.md", text)
    monkeypatch.chdir(tmp_path)
    diagnostics = compile_spec("evil\u202e.md").diagnostics
    # Reported themselves (CC107, CC108), and quoted escaped wherever a message quotes them.
    assert {d.code for d in diagnostics} == {"CC107", "CC108", "CC204", "CC302"}
    for fmt in ("text", "json", "github"):
        output = render(diagnostics, fmt)
        assert not [c for c in TERMINAL_CONTROLS if c in output], fmt
    text_output = render(diagnostics, "text")
    assert "unknown annotation kind 'prop\\x1b[2Jerty\\x9b31m'" in text_output
    assert "evil\\u202e.md:" in text_output
    assert "'#n\\u202eo\\u2066p\\u200fe\\u061c'" in text_output
    assert "\\u202e" in render(diagnostics, "json")
    result = CliRunner().invoke(cli, ["check", "evil\u202e.md"])
    assert result.exit_code == 1
    assert not [c for c in TERMINAL_CONTROLS if c in result.stderr]


def test_textconv_shows_terminal_controls_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A spec may not hold them (CC107, CC108), but a JSON file written by hand may: textconv
    # reads it, and shows every one escaped.
    write(
        tmp_path / "spec.md",
        '---\ndescription: "two\\nlines ESC[8m"\n---\n'
        "# TiRLOtle {#t}\n\nRed ESC[31mtextESC[0m, and CSI2J here.\n",
    )
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["compile", "spec.md", "-o", "spec.json"]).exit_code == 0
    raw = Path("spec.json").read_text(encoding="utf-8")
    for name, escape in (("ESC", "\\u001b"), ("CSI", "\\u009b"), ("RLO", "\\u202e")):
        raw = raw.replace(name, escape)
    Path("spec.json").write_text(raw, encoding="utf-8")
    result = CliRunner().invoke(cli, ["textconv", "spec.json"])
    assert result.exit_code == 0, result.output
    assert not [c for c in TERMINAL_CONTROLS if c in result.stdout]
    assert "  metadata description: two\\nlines \\x1b[8m\n" in result.stdout
    assert "  title: Ti\\u202etle\n" in result.stdout
    assert "    Red \\x1b[31mtext\\x1b[0m, and \\x9b2J here.\n" in result.stdout


def test_control_characters_in_a_spec_are_reported_where_they_are(tmp_path: Path) -> None:
    path = write(
        tmp_path / "spec.md",
        "# Title {#t}\n\nRed \x1b[31mtext\x1b[0m here.\n\nA \u202egnirts\u202c and \x9b.\n",
    )
    problems = compile_spec(path).diagnostics
    assert [(d.code, d.line, d.column, d.message) for d in problems] == [
        ("CC107", 3, 5, "control character U+001B (and 2 more in this file)"),
        ("CC108", 5, 3, "bidirectional control character U+202E (and 1 more in this file)"),
    ]
    assert all(d.hint for d in problems)
    text = render(problems, "text")
    assert not [c for c in TERMINAL_CONTROLS if c in text]


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_the_byte_scan_finds_every_character_the_text_scan_reports(where: str) -> None:
    # The reader scans a file's bytes first and searches its text only when they may hold a
    # control: for every character below U+3000 (the set and its neighbours, in UTF-8 of one to
    # three bytes), the scan says "maybe" exactly when the text holds one.
    from compiler.controls import _CONTROL, may_hold_controls

    text = "Plain text, “quoted” — with é and ½ in it.\n"
    for code in range(1, 0x3000):
        if 0xD800 <= code < 0xE000 or code == 0x0D:  # no surrogates; CR is gone when it is read
            continue
        char = chr(code)
        placed = {"start": char + text, "middle": text + char + text, "end": text + char}[where]
        expected = _CONTROL.search(char) is not None
        assert may_hold_controls(placed.encode("utf-8")) is expected, hex(code)


HUGE = 200_000
#: Inputs that quote a long piece of themselves in a diagnostic.
LONG_QUOTES: dict[str, str] = {
    "annotation header": "::: property" + " " * HUGE + "x\n:::\n",
    "annotation kind": "::: " + "k" * HUGE + " {#a}\ntext\n:::\n",
    "attribute": "# T {#t " + "a" * HUGE + "}\n",
    "invalid id": "# T {#" + "é." * HUGE + "}\n",
    "link target": "# T {#t}\n\n[x](#" + "n" * 90_000 + ")\n",
    "link to a file": "# T {#t}\n\n[x](" + "f" * 90_000 + ".md)\n",
    "front matter key": "---\n? " + "k" * HUGE + "\n: 1\n---\n# T\n",
    "properties listed in a hint": "".join(
        f"::: property {{#p{i} rank={i + 1}}}\n**P**: x.\n:::\n" for i in range(3_000)
    )
    + '::: priority {#q mode=strict order="nope"}\nx\n:::\n',
    "mode": "::: priority {#p mode=" + "m" * HUGE + "}\nx\n:::\n",
}


@pytest.mark.parametrize("name", LONG_QUOTES)
def test_messages_stay_short_whatever_they_quote(name: str, tmp_path: Path) -> None:
    path = write(tmp_path / "long.md", LONG_QUOTES[name])
    diagnostics = compile_spec(path).diagnostics
    assert diagnostics
    for diagnostic in diagnostics:
        assert len(diagnostic.message) <= 500 and len(diagnostic.hint) <= 500, diagnostic.code


def test_many_links_to_unknown_ids_compare_a_bounded_number_of_candidates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import difflib

    from compiler.diagnostics import MAX_SUGGESTION_COMPARISONS

    count = 400
    text = "".join(
        f"## Section {i} {{#section-{i}}}\n\n[x](#section-{i}x)\n\n" for i in range(count)
    )
    text += "[y](#sectoin-0)\n\n" * count  # one unknown id many times: looked up once
    calls = 0
    quick_ratio = difflib.SequenceMatcher.quick_ratio

    def counted(self: difflib.SequenceMatcher[str]) -> float:
        nonlocal calls
        calls += 1
        return quick_ratio(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "quick_ratio", counted)
    diagnostics = compile_spec(write(tmp_path / "links.md", text)).diagnostics
    assert len(diagnostics) == 2 * count
    # Every one of them compared with every id: 160,000 comparisons, minutes on a large spec.
    assert calls <= MAX_SUGGESTION_COMPARISONS
    assert diagnostics[0].hint == "did you mean 'section-0'?"


def test_front_matter_problems_point_at_their_key_however_it_is_written(tmp_path: Path) -> None:
    path = write(
        tmp_path / "fm.md",
        '---\n"titel": A\n? reading_tme\n: 3\nchapter: -5\n---\n# T {#t}\n',
    )
    assert [(d.line, d.code, d.message) for d in compile_spec(path).diagnostics] == [
        (2, "CC202", "unknown front matter key 'titel'"),
        (3, "CC202", "unknown front matter key 'reading_tme'"),
        (5, "CC202", "front matter 'chapter' is -5; expected a whole number from 0 to 100,000"),
    ]


def test_schema_violations_in_the_metadata_point_at_the_file(tmp_path: Path) -> None:
    from compiler.emit import validate

    result = compile_spec(write(tmp_path / "a.md", "# A {#a}\n\nText.\n"))
    assert result.document is not None
    result.document["document"]["sources"][0]["reading_time"] = -1
    result.document["document"]["metadata"]["chapter"] = "one"
    problems = list(validate(result.document, lambda name: f"spec/{name}"))
    assert [(d.code, d.file, d.line) for d in problems] == [
        ("CC401", "spec/a.md", 1),
        ("CC401", "spec/a.md", 1),
    ]


# The linear rewrites read what the regular expressions they replace read.

_OLD_TRAILING_ATTRIBUTES = re.compile(r"[ \t]*\{(?P<colon>:[ \t]*)?(?P<body>[^{}]*)\}[ \t]*$")
_OLD_LOOKS_LIKE = re.compile(r"^\s*(?:[#.]|[A-Za-z_][\w:-]*=)")


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=' \t{}:#.=ab_-"é', max_size=24).map(lambda t: "Title" + t + "}"))
def test_trailing_heading_attributes_are_found_as_the_regular_expression_found_them(
    content: str,
) -> None:
    from compiler.syntax.headings import _trailing_attributes

    match = _OLD_TRAILING_ATTRIBUTES.search(content)
    expected = None
    if match is not None and _OLD_LOOKS_LIKE.match(match["body"]):
        expected = (match.start(), match["colon"] or "", match["body"])
    assert _trailing_attributes(content) == expected


@settings(max_examples=1000, deadline=None)
@given(
    word=st.text(alphabet="abcde-", max_size=12),
    candidates=st.lists(st.text(alphabet="abcde-", min_size=1, max_size=12), max_size=30),
)
def test_suggestions_are_difflibs_closest_match(word: str, candidates: list[str]) -> None:
    import difflib

    from compiler.diagnostics import Suggester, suggest

    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    expected = f"did you mean '{match[0]}'?" if match else ""
    assert suggest(word, candidates) == expected
    assert Suggester(candidates)(word) == expected


def test_priorities_without_an_order_may_not_multiply_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compiler.extract import finish as extract

    # Each priority without an order lists every property in the JSON: with the limit at 10,
    # four properties and three such priorities would make 12 entries from a few lines.
    monkeypatch.setattr(extract, "MAX_DEFAULT_ORDER_ENTRIES", 10)
    properties = "".join(
        f"::: property {{#p{i} rank={i}}}\n**P{i}**: a property.\n:::\n\n" for i in range(1, 5)
    )
    priorities = "".join(f"::: priority {{#q{i} mode=strict}}\nAll.\n:::\n\n" for i in range(3))
    path = write(tmp_path / "many.md", "# Many {#many}\n\n" + properties + priorities)
    assert [d.format() for d in compile_spec(path).diagnostics] == [
        f"{path}:27:1: CC104 3 priorities without an 'order' would each list all 4 properties, "
        "more than the limit of 10 entries in all\n"
        '    hint: give these priorities an explicit order="...", or merge them: without one, '
        "each orders every property by rank"
    ]
    monkeypatch.setattr(extract, "MAX_DEFAULT_ORDER_ENTRIES", 12)
    result = compile_spec(path)
    assert result.ok and result.document is not None
    orders = [n["fields"]["order"] for n in result.document["nodes"] if n["kind"] == "priority"]
    assert orders == [[["p1"], ["p2"], ["p3"], ["p4"]]] * 3
