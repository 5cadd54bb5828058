"""Hostile JSON input to `compiler.loads`, `load` and every command that reads a compiled
constitution: each problem is a coded diagnostic at its line and column, never a crash, a hang
or a value that breaks whatever reads it next (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import compiler
from compiler.api import CompileError
from compiler.cli import cli
from compiler.pipeline import compile_spec

GOOD = (
    "---\nchapter: 2\nreading_time: 5\n---\n"
    "# A {#a}\n\n::: property {#p rank=1}\n**P**: a property.\n:::\n"
)


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("good") / "good.md"
    path.write_text(GOOD, "utf-8")
    return compile_spec(path).to_json_bytes().decode("utf-8")


def _edited(text: str, old: str, new: str) -> str:
    assert text.count(old) >= 1, old
    return text.replace(old, new, 1)


#: (what is changed, replaced by, the diagnostic's head without the file name and position: the
#: position is where the changed value stands in the edited text).
CASES: dict[str, tuple[str, str, str]] = {
    "a lone surrogate in the title": (
        '"title": "A"',
        '"title": "A\\ud800"',
        "CC411 a string holds the lone surrogate \\ud800, which is not a Unicode character",
    ),
    "a lone low surrogate in an attribute key": (
        '"attributes": {}',
        '"attributes": {"k\\udc00": "v"}',
        "CC411 a key holds the lone surrogate \\udc00, which is not a Unicode character",
    ),
    "a 30-digit rank": (
        '"rank": 1',
        '"rank": 123456789012345678901234567890',
        "CC410 the number 123456789012345678901234567890 is not a whole number of at most "
        "20 digits, the only numbers a compiled constitution holds",
    ),
    "an integer of 5,000 digits": (
        '"line": 5,',
        '"line": 5' + "0" * 4999 + ",",
        "CC410 the number 50000000000000000000000000000000000000000000000000000000000… is "
        "not a whole number of at most 20 digits, the only numbers a compiled constitution holds",
    ),
    "a rank written as a fraction": (
        '"rank": 1',
        '"rank": 1.0',
        "CC410 the number 1.0 is not a whole number of at most 20 digits, the only "
        "numbers a compiled constitution holds",
    ),
    "a rank of 1e308": (
        '"rank": 1',
        '"rank": 1e308',
        "CC410 the number 1e308 is not a whole number of at most 20 digits, the only "
        "numbers a compiled constitution holds",
    ),
    "NaN": (
        '"rank": 1',
        '"rank": NaN',
        "CC410 the number NaN is not a whole number of at most 20 digits, the only "
        "numbers a compiled constitution holds",
    ),
    "a number beyond 2**53": (
        '"column": 1,',
        '"column": 9007199254740993,',
        "CC410 the number 9007199254740993 is larger than any a compiled constitution "
        "holds (at most 9,007,199,254,740,991)",
    ),
    "a negative reading time in the metadata": (
        '"reading_time": 5\n',
        '"reading_time": -1\n',
        "CC410 reading_time -1 is outside the bounds the compiler accepts, 0 to 100,000",
    ),
    "a chapter beyond its bound": (
        '"chapter": 2,\n      "reading_time"',
        '"chapter": 100001,\n      "reading_time"',
        "CC410 chapter 100001 is outside the bounds the compiler accepts, 0 to 100,000",
    ),
}


def _at(document: str, old: str, new: str, message: str) -> str:
    """`message` at the line and column of the changed value in the edited text."""
    text = _edited(document, old, new)
    start = text.index(new)
    place = start + new.rindex(": ") + 2  # the last value written: a key's diagnostic is there too
    line = text.count("\n", 0, place) + 1
    column = place - (text.rfind("\n", 0, place) + 1) + 1
    return f"{line}:{column}: {message}"


@pytest.mark.parametrize("name", CASES)
def test_hostile_json_values_are_coded_diagnostics_at_their_place(name: str, document: str) -> None:
    old, new, message = CASES[name]
    expected = _at(document, old, new, message)
    text = _edited(document, old, new)
    with pytest.raises(CompileError) as caught:
        compiler.loads(text, name="in.json")
    assert caught.value.diagnostics[0].format().splitlines()[0] == f"in.json:{expected}"
    with pytest.raises(CompileError):
        compiler.loads(text.encode("utf-8"))


@pytest.mark.parametrize("name", ["a lone surrogate in the title", "a 30-digit rank"])
def test_every_command_reading_json_reports_them(
    name: str, document: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new, message = CASES[name]
    expected = _at(document, old, new, message)
    Path(tmp_path / "bad.json").write_text(_edited(document, old, new), "utf-8")
    Path(tmp_path / "good.json").write_text(document, "utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for argv in (
        ["check", "bad.json"],
        ["compile", "bad.json"],
        ["diff", "good.json", "bad.json"],
        ["diff", "bad.json", "good.json"],
    ):
        result = runner.invoke(cli, argv)
        assert result.exit_code == 1, (argv, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), argv
        assert f"bad.json:{expected}" in result.stderr, argv
    # textconv shows a file that does not load as it is (git diff must go on), with the note.
    result = runner.invoke(cli, ["textconv", "bad.json"])
    assert result.exit_code == 0
    assert f"shown as it is: bad.json:{expected}" in result.stderr


# --- fuzzing: only CompileError (test_api.py mutates compiled documents with hostile values) ---


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    raw=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300),
        st.text(alphabet='{}[]",:0123456789.eE+-truefalsnul\\ud800 ', max_size=200),
        # More digits than Python's int() reads (4,300): json.loads raised ValueError.
        st.integers(4_301, 6_000).map(lambda digits: "[" + "7" * digits + "]"),
    )
)
def test_loads_raises_only_compile_error_for_any_text_or_bytes(raw: str | bytes) -> None:
    with pytest.raises(CompileError) as caught:
        compiler.loads(raw)
    for diagnostic in caught.value.diagnostics:
        diagnostic.format().encode("utf-8")
