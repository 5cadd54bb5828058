"""Typed values from attribute strings: exact matches only, every near miss a problem with a hint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.grammar.load import default_grammar, load_grammar
from compiler.grammar.types import FieldSpec, FieldType, KindSpec
from compiler.grammar.values import check_references, coerce, read_fields
from compiler.model import Attributes

DATA = Path(__file__).resolve().parent.parent / "data" / "grammar" / "valid"
RANK = FieldSpec("rank", FieldType.INTEGER, minimum=1, maximum=999)
LEVEL = FieldSpec("level", FieldType.INTEGER, minimum=-5, maximum=5)
FLAG = FieldSpec("enabled", FieldType.BOOLEAN)
NOTE = FieldSpec("note", FieldType.STRING)
TAGS = FieldSpec("tags", FieldType.ENUM, many=True, values=("safety", "honesty"))
STEPS = FieldSpec("steps", FieldType.INTEGER, many=True, minimum=1, maximum=9)


def _kind(name: str) -> KindSpec:
    kind = default_grammar().kind(name)
    assert kind is not None
    return kind


def _field(kind: str, name: str) -> FieldSpec:
    found = _kind(kind).field(name)
    assert found is not None
    return found


def _one(spec: FieldSpec, raw: str) -> tuple[object, str, str]:
    """(value, 'CODE message', hint) of a value with at most one problem."""
    value, problems = coerce(spec, raw)
    assert len(problems) <= 1
    if not problems:
        return value, "", ""
    return value, f"{problems[0].code} {problems[0].message}", problems[0].hint


# --- integers -------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "value"), [("1", 1), ("42", 42), ("999", 999), ("007", 7)])
def test_integers_in_bounds(raw: str, value: int) -> None:
    assert coerce(RANK, raw) == (value, ())


def test_negative_integers_within_negative_bounds() -> None:
    assert coerce(LEVEL, "-5") == (-5, ())
    assert _one(LEVEL, "-6")[1] == "CC721 level=-6 is outside -5..5"


@pytest.mark.parametrize("raw", ["1.5", "+1", "1_000", "²", "١", "one", "0x1f", "1e3"])
def test_what_is_not_a_whole_number(raw: str) -> None:
    value, message, hint = _one(RANK, raw)
    assert value is None
    assert message == f'CC720 rank="{raw}" is not a whole number'
    assert hint == "write a whole number in digits, e.g. rank=1"


def test_spaces_around_a_number_are_an_error_with_the_fix() -> None:
    assert _one(RANK, " 3") == (
        None,
        'CC720 rank=" 3" is not a whole number',
        "remove the spaces: rank=3",
    )


@pytest.mark.parametrize("raw", ["0", "1000", "9" * 17, "9" * 5000])
def test_integers_out_of_bounds(raw: str) -> None:
    value, message, hint = _one(RANK, raw)
    assert value is None
    assert message.startswith("CC721 rank=") and message.endswith("is outside 1..999")
    assert hint == "give a number from 1 to 999"


# --- booleans -------------------------------------------------------------------------------


def test_booleans_are_true_or_false_exactly() -> None:
    assert coerce(FLAG, "true") == (True, ())
    assert coerce(FLAG, "false") == (False, ())
    assert _one(FLAG, "True") == (
        None,
        'CC722 enabled="True" is not true or false (letters in another case)',
        "did you mean 'true'? Values are matched exactly",
    )


@pytest.mark.parametrize("raw", ["yes", "no", "on", "off", "1", "0"])
def test_other_spellings_of_booleans_are_errors(raw: str) -> None:
    value, message, hint = _one(FLAG, raw)
    assert value is None
    assert message == f'CC722 enabled="{raw}" is not true or false'
    assert hint == "write true or false"


# --- enumerations ---------------------------------------------------------------------------

KIND = _field("constraint", "kind")


@pytest.mark.parametrize("raw", ["hard", "exception", "robustness"])
def test_enum_values(raw: str) -> None:
    assert coerce(KIND, raw) == (raw, ())


@pytest.mark.parametrize(
    ("raw", "message", "hint"),
    [
        (
            "Hard",
            'kind="Hard" is not one of hard, exception, robustness (letters in another case)',
            "did you mean 'hard'? Values are matched exactly",
        ),
        (
            "hard ",
            'kind="hard " is not one of hard, exception, robustness (spaces around it)',
            "did you mean 'hard'? Values are matched exactly",
        ),
        (
            " HARD",
            'kind=" HARD" is not one of hard, exception, robustness (letters in another case)',
            "did you mean 'hard'? Values are matched exactly",
        ),
        ("hrad", 'kind="hrad" is not one of hard, exception, robustness', "did you mean 'hard'?"),
        (
            "soft",
            'kind="soft" is not one of hard, exception, robustness',
            "values: hard, exception, robustness",
        ),
    ],
)
def test_enum_near_misses_are_errors_that_name_the_value(raw: str, message: str, hint: str) -> None:
    assert _one(KIND, raw) == (None, f"CC722 {message}", hint)


def test_a_one_valued_field_given_two_values() -> None:
    assert _one(KIND, "hard exception") == (
        None,
        'CC723 kind="hard exception" gives 2 values; kind takes one',
        "keep one of them: kind=hard",
    )


def test_many_valued_enums() -> None:
    assert coerce(TAGS, "safety honesty") == (("safety", "honesty"), ())
    assert coerce(TAGS, "safety, honesty") == (("safety", "honesty"), ())
    assert coerce(TAGS, "") == ((), ())
    value, problems = coerce(TAGS, "safety Honesty bogus safety")
    assert value is None
    assert [(p.code, p.message) for p in problems] == [
        ("CC722", 'tags="Honesty" is not one of safety, honesty (letters in another case)'),
        ("CC722", 'tags="bogus" is not one of safety, honesty'),
        ("CC723", "tags names 'safety' twice"),
    ]


def test_many_valued_integers() -> None:
    assert coerce(STEPS, "1 2 9") == ((1, 2, 9), ())
    assert [p.code for p in coerce(STEPS, "1 10 x")[1]] == ["CC721", "CC720"]


# --- the Model Spec's authority levels --------------------------------------------------------


def _authority() -> FieldSpec:
    grammar, problems = load_grammar(file=DATA / "model-spec.yaml")
    assert not problems
    (field,) = grammar.section_fields
    return field


def test_an_alias_reads_as_its_value() -> None:
    authority = _authority()
    assert coerce(authority, "platform") == ("root", ())
    assert coerce(authority, "root") == ("root", ())
    assert authority.rank("root") < authority.rank("developer") < authority.rank("guideline")


def test_a_misspelled_authority_level() -> None:
    assert _one(_authority(), "opertor") == (
        None,
        'CC722 authority="opertor" is not one of root, system, developer, user, guideline',
        "values: root, system, developer, user, guideline",
    )
    assert (
        _one(_authority(), "Platform")[2] == "did you mean 'platform'? Values are matched exactly"
    )
    assert _one(_authority(), "develper")[2] == "did you mean 'developer'?"


def test_every_authority_in_the_model_spec_releases_is_a_level(corpus_dir: Path) -> None:
    authority = _authority()
    releases = sorted((corpus_dir / "openai-model-spec").glob("*/model_spec.md"))
    assert len(releases) >= 2
    seen: set[str] = set()
    for release in releases:
        found = re.findall(r"authority=([^\s}]+)", release.read_text("utf-8"))
        assert len(found) > 50, release
        for raw in found:
            value, problems = coerce(authority, raw)
            assert problems == (), (release, raw)
            assert value in authority.values
            seen.add(raw)
    assert seen == {"platform", "developer", "user", "guideline"}


# --- references and orders ------------------------------------------------------------------

CONCERNS = _field("constraint", "concerns")
ORDER = _field("priority", "order")
TARGET = _field("reference", "target")


def test_references() -> None:
    assert coerce(TARGET, "broadly-safe") == ("broadly-safe", ())
    assert coerce(CONCERNS, "a b,c") == (("a", "b", "c"), ())
    assert coerce(CONCERNS, "") == ((), ())
    value, message, hint = _one(CONCERNS, "a/b")
    assert (value, message) == (None, "CC720 concerns names 'a/b', which is not an id")
    assert hint.startswith("ids hold letters")


def test_a_required_reference_may_not_be_empty() -> None:
    assert _one(_field("rationale", "justifies"), " ") == (
        None,
        'CC720 justifies=" " is empty',
        "give justifies a value, or remove it",
    )


def test_an_order_reads_into_levels() -> None:
    assert coerce(ORDER, "a b c") == ((("a",), ("b",), ("c",)), ())
    assert coerce(ORDER, "a b > c") == ((("a", "b"), ("c",)), ())
    assert [p.message for p in coerce(ORDER, "a >> b")[1]] == [
        'order="a >> b" has an empty level (2nd of 3)'
    ]


def test_strings_are_kept_as_written() -> None:
    assert coerce(NOTE, "  any text, even {this} ") == ("  any text, even {this} ", ())
    assert coerce(NOTE, "") == ("", ())


# --- a node's attributes ----------------------------------------------------------------------


def test_read_fields_types_values_and_applies_defaults() -> None:
    read = read_fields(_kind("constraint"), Attributes("c", (), (("concerns", "a b"),)))
    assert dict(read.fields) == {"kind": "hard", "concerns": ("a", "b")}
    assert read.problems == ()


def test_read_fields_reports_each_problem_with_its_attribute() -> None:
    read = read_fields(_kind("constraint"), Attributes("c", (), (("kind", "Hard"),)))
    assert "kind" not in read.fields
    assert [(key, p.code) for key, p in read.problems] == [("kind", "CC722")]


def test_read_fields_reports_a_missing_required_field() -> None:
    read = read_fields(_kind("rationale"), Attributes("r"))
    assert [(key, p.code, p.message, p.hint) for key, p in read.problems] == [
        (None, "CC727", "rationale has no justifies", 'add justifies="some-id"')
    ]
    read = read_fields(_kind("property"), Attributes("p", (), (("title", "Safe"),)))
    assert read.title == "Safe"
    assert [(p.message, p.hint) for _, p in read.problems] == [
        ("property has no rank", "add rank=1")
    ]


def test_open_kinds_keep_undeclared_attributes_and_closed_ones_refuse_them() -> None:
    read = read_fields(_kind("section"), Attributes("s", (), (("authority", "user"),)))
    assert read.extra == (("authority", "user"),)
    grammar, _ = load_grammar(file=DATA / "claude.yaml")
    behavior = grammar.kind("behavior")
    assert behavior is not None
    attributes = Attributes("b", (), (("defualt", "on"), ("adjustable_by", "operators")))
    read = read_fields(behavior, attributes)
    assert read.extra == ()
    assert [(key, p.code, p.message, p.hint) for key, p in read.problems] == [
        ("defualt", "CC726", "behavior has no field 'defualt'", "did you mean 'default'?"),
        (None, "CC727", "behavior has no default", "add default=on"),
    ]


def test_check_references() -> None:
    kind_of = {"anthropic": "principal", "users": "principal", "overview": "section"}
    grammar, _ = load_grammar(file=DATA / "claude.yaml")
    behavior = grammar.kind("behavior")
    assert behavior is not None
    adjustable_by = behavior.field("adjustable_by")
    assert adjustable_by is not None
    assert check_references(adjustable_by, "b", ("anthropic", "users"), kind_of) == []
    problems = check_references(adjustable_by, "b", ("user", "overview", "b"), kind_of)
    assert [(p.code, p.message, p.hint) for p in problems] == [
        (
            "CC724",
            "adjustable_by names 'user', which is not an id in the spec",
            "did you mean 'users'?",
        ),
        (
            "CC724",
            "adjustable_by names 'overview', which is a section, not a principal",
            "adjustable_by names nodes of kind principal",
        ),
        ("CC724", "adjustable_by of 'b' names 'b' itself", "name other nodes"),
    ]
    levels = (("anthropic",), ("users", "p"))
    assert [
        p.message for p in check_references(ORDER, "p", levels, kind_of | {"p": "priority"})
    ] == ["order of 'p' names 'p' itself"]


def test_a_problem_becomes_a_diagnostic_at_its_place() -> None:
    _, problems = coerce(KIND, "Hard")
    assert problems[0].at("spec/x.md", 3, 7).format() == (
        'spec/x.md:3:7: CC722 kind="Hard" is not one of hard, exception, robustness '
        "(letters in another case)\n    hint: did you mean 'hard'? Values are matched exactly"
    )
