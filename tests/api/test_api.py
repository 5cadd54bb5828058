"""The library API (`compiler.load`): every input kind, lookups, precedence, JSON input checks."""

from __future__ import annotations

import dataclasses
import doctest
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import compiler
import compiler.api
import compiler.json_input
from compiler.api import CompileError, Constitution, NoOrderError, UnknownIdError, read_document
from compiler.document import from_json, to_json
from compiler.grammar.orders import Relation
from compiler.pipeline import compile_spec

CORE = ["broadly-safe", "broadly-ethical", "compliant-with-guidelines", "genuinely-helpful"]


@pytest.fixture(scope="module")
def spec_dir(repo_root: Path) -> Path:
    return repo_root / "spec"


@pytest.fixture(scope="module")
def compiled(spec_dir: Path) -> bytes:
    return compile_spec(spec_dir).to_json_bytes()


@pytest.fixture(scope="module")
def constitution(spec_dir: Path) -> Constitution:
    return compiler.load(spec_dir)


@pytest.fixture
def json_file(tmp_path: Path, compiled: bytes) -> Path:
    path = tmp_path / "constitution.json"
    path.write_bytes(compiled)
    return path


def write_spec(tmp_path: Path, text: str, name: str = "spec.md") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# -- the three kinds of input --------------------------------------------------------------------


def test_spec_dir_markdown_file_and_json_give_equal_models(
    spec_dir: Path, json_file: Path, constitution: Constitution, tmp_path: Path, repo_root: Path
) -> None:
    # spec/ has several chapters that link to each other; a one-file spec shows that the file
    # and the directory holding it give the same model.
    one_file = tmp_path / "one-file"
    one_file.mkdir()
    source = repo_root / "tests" / "data" / "valid" / "annotations.md"
    (one_file / source.name).write_bytes(source.read_bytes())
    pairs = [
        (compiler.load(json_file), constitution),
        (compiler.load(one_file / source.name), compiler.load(one_file)),
    ]
    for other, expected in pairs:
        assert expected.properties
        for name in ("title", "version", "schema", "chapters", "sections", "properties"):
            assert getattr(other, name) == getattr(expected, name), name
        for name in ("priorities", "constraints", "definitions", "rationales", "references"):
            assert getattr(other, name) == getattr(expected, name), name
        assert dict(other.metadata) == dict(expected.metadata)


def test_properties_are_in_document_order(constitution: Constitution) -> None:
    assert [p.id for p in constitution.properties] == CORE
    assert [p.fields["rank"] for p in constitution.properties] == [1, 2, 3, 4]


def test_nodes_of_a_kind_keep_the_document_order_and_the_order_ranks_them(tmp_path: Path) -> None:
    loaded = compiler.load(Path(__file__).parents[1] / "data" / "valid" / "default-order.md")
    assert [p.id for p in loaded.properties] == ["second", "first"]
    assert loaded.outranks("first", "second")
    assert [list(o.levels) for o in loaded.orders] == [[("first",), ("second",)]]


def test_to_json_is_the_compilers_bytes(constitution: Constitution, compiled: bytes) -> None:
    assert constitution.to_json().encode("utf-8") == compiled


def test_to_json_of_a_json_input_is_the_input(json_file: Path) -> None:
    assert compiler.load(json_file).to_json().encode("utf-8") == json_file.read_bytes()


def test_to_dict_is_a_fresh_plain_copy(constitution: Constitution, compiled: bytes) -> None:
    first = constitution.to_dict()
    assert first == json.loads(compiled)
    first["nodes"].clear()
    assert constitution.to_dict()["nodes"]


def test_loads_takes_text_and_bytes(compiled: bytes, constitution: Constitution) -> None:
    for data in (compiled, compiled.decode("utf-8")):
        assert compiler.loads(data).properties == constitution.properties


def test_json_with_bom_and_crlf_loads(tmp_path: Path, compiled: bytes) -> None:
    path = tmp_path / "windows.json"
    path.write_bytes(b"\xef\xbb\xbf" + compiled.replace(b"\n", b"\r\n"))
    assert [p.id for p in compiler.load(path).properties] == CORE


def test_model_is_read_only(constitution: Constitution) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        constitution.title = "changed"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        constitution.properties[0].title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        constitution.properties[0].fields["rank"] = 9  # type: ignore[index]
    with pytest.raises(TypeError):
        constitution.metadata["title"] = "changed"  # type: ignore[index]


def test_source_positions_point_at_the_markdown(constitution: Constitution, spec_dir: Path) -> None:
    safe = constitution.property("broadly-safe")
    lines = (spec_dir / safe.source.file).read_text(encoding="utf-8").splitlines()
    assert lines[safe.source.line - 1].startswith("::: property {#broadly-safe")
    assert lines[safe.source.end_line - 1] == ":::"


def test_corpus_documents_load_from_markdown_and_json(corpus_dir: Path, tmp_path: Path) -> None:
    specs = sorted((corpus_dir / "openai-model-spec").glob("*/model_spec.md"))
    assert specs, "no model spec versions in the corpus"
    for spec in specs:
        loaded = compiler.load(spec)
        assert loaded.sections and loaded.references
        assert loaded.section(loaded.sections[0].id) is loaded.sections[0]
        out = tmp_path / f"{spec.parent.name}.json"
        out.write_text(loaded.to_json(), encoding="utf-8")
        assert compiler.load(out).sections == loaded.sections


# -- lookups ------------------------------------------------------------------------------------


def test_lookups_by_id(constitution: Constitution) -> None:
    assert constitution.property("broadly-ethical").title == "Broadly ethical"
    assert constitution.section("core-values").title == "Claude's core values"
    assert constitution.definition("good-values").title == "good values"
    assert constitution.constraint("no-csam").fields["kind"] == "hard"
    assert constitution.node("core-priority").id == "core-priority"
    assert constitution.priority("core-priority").fields["mode"] == "holistic"
    assert constitution.rationale("why-safety-first").fields["justifies"] == (
        "core-priority",
        "broadly-safe",
    )
    assert "broadly-safe" in constitution
    assert "nothing-like-this" not in constitution


def test_unknown_id_is_a_key_error_with_a_suggestion(constitution: Constitution) -> None:
    with pytest.raises(KeyError) as caught:
        constitution.property("broadly-saf")
    assert isinstance(caught.value, UnknownIdError)
    assert str(caught.value) == (
        "no property 'broadly-saf' in the constitution; did you mean 'broadly-safe'?"
    )
    with pytest.raises(UnknownIdError, match=r"^no id 'zzz' in the constitution$"):
        constitution.node("zzz")


def test_id_of_another_kind_says_what_it_is(constitution: Constitution) -> None:
    with pytest.raises(UnknownIdError) as caught:
        constitution.property("core-values")
    assert str(caught.value) == "'core-values' is a section, not a property"
    with pytest.raises(UnknownIdError, match="is a property, not a section"):
        constitution.section("broadly-safe")


RELATIONS = """\
    # Rules {#rules}

    ::: property {#safe rank=1}
    **Safe**: first.
    :::

    ::: property {#kind rank=2}
    **Kind**: second, see [safe](#safe).
    :::

    ::: constraint {#never kind=hard concerns="safe kind"}
    Never this, whatever [kind](#kind) says.
    :::

    ::: constraint {#robust kind=robustness concerns="safe"}
    Hold firm.
    :::

    ::: constraint {#about-rules kind=exception concerns="rules"}
    A constraint about a section.
    :::

    ::: rationale {#why justifies="safe never"}
    Because.
    :::
    """


def test_constraints_rationales_references(tmp_path: Path) -> None:
    loaded = compiler.load(write_spec(tmp_path, RELATIONS))
    assert [c.id for c in loaded.constraints_for("safe")] == ["never", "robust"]
    assert [c.id for c in loaded.constraints_for("safe", kind="hard")] == ["never"]
    assert [c.id for c in loaded.constraints_for("kind", kind="robustness")] == []
    assert [c.id for c in loaded.constraints_for("rules")] == ["about-rules"]
    assert loaded.constraints_for("why") == ()
    assert [r.id for r in loaded.rationales_for("never")] == ["why"]
    assert loaded.rationales_for("kind") == ()
    assert [(r.origin, r.text) for r in loaded.references_to("kind")] == [("never", "kind")]
    assert [r.origin for r in loaded.references_to("safe")] == ["kind"]
    with pytest.raises(UnknownIdError, match="did you mean 'safe'"):
        loaded.constraints_for("saf")
    with pytest.raises(UnknownIdError, match=r"^no id 'nothing' in the constitution$"):
        loaded.references_to("nothing")


def test_relations_on_the_real_spec_agree_with_the_json(
    constitution: Constitution, compiled: bytes
) -> None:
    document = json.loads(compiled)
    for prop in constitution.properties:
        constraints = [n for n in document["nodes"] if n["kind"] == "constraint"]
        expected = [c["id"] for c in constraints if prop.id in c["fields"]["concerns"]]
        assert [c.id for c in constitution.constraints_for(prop.id)] == expected
        hard = [
            c["id"]
            for c in constraints
            if prop.id in c["fields"]["concerns"] and c["fields"]["kind"] == "hard"
        ]
        assert [c.id for c in constitution.constraints_for(prop.id, kind="hard")] == hard
    assert constitution.constraints_for("broadly-safe", kind="hard")
    for priority in constitution.priorities:
        rationales = [n for n in document["nodes"] if n["kind"] == "rationale"]
        expected = [r["id"] for r in rationales if priority.id in r["fields"]["justifies"]]
        assert [r.id for r in constitution.rationales_for(priority.id)] == expected


# -- precedence ---------------------------------------------------------------------------------


def test_holistic_outranks_but_not_strictly(constitution: Constitution) -> None:
    for i, higher in enumerate(CORE):
        for lower in CORE[i + 1 :]:
            assert constitution.outranks(higher, lower)
            assert not constitution.outranks(lower, higher)
            assert not constitution.outranks(higher, lower, strictly=True)
    precedence = constitution.precedence("genuinely-helpful", "broadly-safe")
    assert (precedence.higher, precedence.lower) == ("broadly-safe", "genuinely-helpful")
    assert precedence.mode == "holistic" and not precedence.strict
    assert precedence.orders == ("core-priority",)


STRICT_AND_MIXED = """\
    # Values {#values}

    ::: property {#a rank=1}
    **A**: first
    :::

    ::: property {#b rank=2}
    **B**: second
    :::

    ::: property {#c rank=3}
    **C**: third
    :::

    ::: property {#d rank=4}
    **D**: outside every priority
    :::

    ::: priority {#lexical mode=strict order="a b"}
    A always beats B.
    :::

    ::: priority {#weighed mode=holistic order="a b c"}
    All three are weighed.
    :::
    """


def test_strict_priority_wins_strictly(tmp_path: Path) -> None:
    loaded = compiler.load(write_spec(tmp_path, STRICT_AND_MIXED))
    assert loaded.outranks("a", "b", strictly=True)
    assert not loaded.outranks("b", "a", strictly=True)
    ab = loaded.precedence("b", "a")
    assert ab.mode == "strict" and ab.strict
    assert ab.orders == ("lexical", "weighed")
    assert loaded.outranks("a", "c") and not loaded.outranks("a", "c", strictly=True)
    assert loaded.precedence("a", "c").mode == "holistic"


def test_nodes_no_order_holds_are_unrelated_and_outranks_says_so(tmp_path: Path) -> None:
    """Ranks no longer decide precedence: only an order that holds both ids does (issue 12:
    a global rank made unrelated nodes outrank each other)."""
    loaded = compiler.load(write_spec(tmp_path, STRICT_AND_MIXED))
    precedence = loaded.precedence("d", "a")
    assert precedence.relation is Relation.UNRELATED and precedence.higher is None
    assert precedence.orders == ()
    with pytest.raises(NoOrderError, match="no order relates 'a' and 'd'"):
        loaded.outranks("a", "d")


def test_a_property_does_not_outrank_itself(constitution: Constitution) -> None:
    assert not constitution.outranks("broadly-safe", "broadly-safe")
    assert not constitution.outranks("broadly-safe", "broadly-safe", strictly=True)
    with pytest.raises(ValueError, match="compared with itself"):
        constitution.precedence("broadly-safe", "broadly-safe")


def test_precedence_needs_ids_an_order_holds(constitution: Constitution) -> None:
    with pytest.raises(NoOrderError, match="'core-values' is in no order"):
        constitution.outranks("core-values", "broadly-safe")
    with pytest.raises(UnknownIdError, match="no id 'nope'"):
        constitution.outranks("nope", "nope")


# -- errors -------------------------------------------------------------------------------------


def test_spec_with_errors_raises_compile_error_with_every_diagnostic(tmp_path: Path) -> None:
    path = write_spec(
        tmp_path,
        """\
        # T {#t}

        ::: propertty {#x}
        See [nowhere](#nope).
        :::
        """,
    )
    with pytest.raises(CompileError) as caught:
        compiler.load(path)
    assert [d.code for d in caught.value.diagnostics] == ["CC204", "CC302"]
    assert caught.value.diagnostics == tuple(compile_spec(path).diagnostics)
    assert str(caught.value) == (
        f"{path}:3:5: CC204 unknown annotation kind 'propertty'\n"
        "    hint: did you mean 'property'?\n"
        f"{path}:4:5: CC302 link to unknown id '#nope'\n"
        "    hint: link to the id of a heading ({#id}) or an annotation"
    )
    assert isinstance(caught.value, ValueError)


def test_missing_path_raises_compile_error(tmp_path: Path) -> None:
    for missing in (tmp_path / "absent", tmp_path / "absent.json"):
        with pytest.raises(CompileError) as caught:
            compiler.load(missing)
        assert [d.code for d in caught.value.diagnostics] == ["CC106"]


def json_problems(tmp_path: Path, text: str | bytes) -> list[str]:
    path = tmp_path / "in.json"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    document, diagnostics = read_document(path)
    assert document is None
    with pytest.raises(CompileError) as caught:
        compiler.load(path)
    assert caught.value.diagnostics == tuple(diagnostics)
    return [d.format().replace(str(path), "in.json") for d in diagnostics]


def edited(compiled: bytes, edit: object) -> str:
    document = json.loads(compiled)
    assert callable(edit)
    edit(document)
    return json.dumps(document, ensure_ascii=False, indent=2)


def test_invalid_json_points_at_the_error(tmp_path: Path, compiled: bytes) -> None:
    assert json_problems(tmp_path, compiled[:60]) == [
        "in.json:2:14: CC402 not valid JSON: Unterminated string starting at\n"
        "    hint: give the JSON that 'constitution compile' writes, or the spec it was compiled from"
    ]


def test_json_that_is_not_a_constitution(tmp_path: Path) -> None:
    hint = "    hint: give the JSON that 'constitution compile' writes, or the spec it was compiled from"
    expected = "in.json:1:1: CC403 not a compiled constitution: it has no '$schema' naming the constitution schema"
    assert json_problems(tmp_path, "[1, 2]") == [f"{expected}\n{hint}"]
    assert json_problems(tmp_path, '{"$schema": 3}') == [f"{expected}\n{hint}"]


SCHEMA_BASE = "https://constitution-compiler.dev/schemas/constitution/"


def with_schema_version(version: str) -> Callable[[dict[str, object]], None]:
    def edit(document: dict[str, object]) -> None:
        document["$schema"] = f"{SCHEMA_BASE}{version}/constitution.schema.json"

    return edit


@pytest.mark.parametrize("version", ["4.0.0", "3.3.0", "2.1.0", "1.2.0", "0.9.0"])
def test_json_of_another_schema_version(tmp_path: Path, compiled: bytes, version: str) -> None:
    """A later version, or one never published, is refused (this package writes 3.2.0 and
    reads it and the published 3.1.0, 3.0.0, 2.0.0 and 1.x versions)."""
    assert compiler.api.schema_id() == f"{SCHEMA_BASE}3.2.0/constitution.schema.json"
    [problem] = json_problems(tmp_path, edited(compiled, with_schema_version(version)))
    assert problem.startswith(
        "in.json:2:14: CC403 the file follows schema "
        f"{SCHEMA_BASE}{version}/constitution.schema.json, "
        "but this constitution-compiler reads "
        f"{SCHEMA_BASE}3.2.0/constitution.schema.json\n"
    )


def test_json_of_the_1_x_schemas_is_read_into_the_same_model(
    tmp_path: Path, repo_root: Path
) -> None:
    """Release 1.0.0 and a document compiled under 1.1.0 load (checked against the schema they
    name), into the typed model; a damaged one is refused."""
    released = compiler.load(repo_root / "releases" / "1.0.0.json")
    assert released.schema == f"{SCHEMA_BASE}1.0.0/constitution.schema.json"
    assert [p.id for p in released.properties] == CORE
    assert all(section.normative for section in released.sections)
    assert released.outranks("broadly-safe", "genuinely-helpful")
    older = repo_root / "tests" / "data" / "documents" / "spec-1.1.0.json"
    spec = compiler.load(repo_root / "spec")
    assert [s.id for s in compiler.load(older).sections] == [s.id for s in spec.sections]

    data = json.loads(older.read_text("utf-8"))
    data["extra"] = True
    [problem] = json_problems(tmp_path, json.dumps(data, indent=2))
    assert "CC403 does not match the schema at /: Additional properties" in problem


def _nodes(document: dict[str, object], kind: str) -> list[dict[str, object]]:
    nodes = document["nodes"]
    assert isinstance(nodes, list)
    return [node for node in nodes if node["kind"] == kind]


def test_schema_violations_are_all_reported_at_their_lines(tmp_path: Path, compiled: bytes) -> None:
    def damage(document: dict[str, object]) -> None:
        document["extra"] = True
        del _nodes(document, "section")[1]["title"]
        _nodes(document, "property")[2]["level"] = "3"

    text = edited(compiled, damage)
    lines = text.splitlines()
    problems = json_problems(tmp_path, text)
    heads = [p.split("\n")[0] for p in problems]
    assert len(heads) == 3, heads
    extra_line = next(i for i, line in enumerate(lines, 1) if '"extra"' in line)
    assert heads[2] == (
        f"in.json:{extra_line}:12: CC403 does not match the schema at /: "
        "Additional properties are not allowed ('extra' was unexpected)"
    )
    assert "CC403 does not match the schema at /nodes/" in heads[1]
    assert heads[1].endswith("/level: '3' is not valid under any of the given schemas")
    assert heads[0].endswith("'title' is a required property")
    section_line = int(heads[0].split(":")[1])
    assert lines[section_line - 1] == "    {"
    assert problems[0].endswith("hint: give the JSON that 'constitution compile' writes, unchanged")


def test_inconsistent_json_fails_the_compilers_checks(tmp_path: Path, compiled: bytes) -> None:
    def damage(document: dict[str, object]) -> None:
        properties = _nodes(document, "property")
        fields = properties[1]["fields"]
        assert isinstance(fields, dict)
        fields["rank"] = 1
        _nodes(document, "definition")[0]["id"] = "broadly-safe"

    text = edited(compiled, damage)
    lines = text.splitlines()
    document = json.loads(text)

    def line_of(ident: str, kind: str) -> int:
        index = next(
            i for i, n in enumerate(document["nodes"]) if n["id"] == ident and n["kind"] == kind
        )
        line, _ = compiler.json_input.JsonPositions(text, "in.json").find(["nodes", index])
        assert lines[line - 1] == "    {"
        return line

    problems = [p.split("\n")[0] for p in json_problems(tmp_path, text)]
    assert problems == [
        f"in.json:{line_of('broadly-safe', 'property')}:5: CC301 duplicate id 'broadly-safe' (already the id of a definition)",
        f"in.json:{line_of('broadly-ethical', 'property')}:5: CC304 property 'broadly-ethical' has rank 1, like 'broadly-safe'",
        f"in.json:{line_of('genuinely-helpful', 'property')}:5: CC304 property ranks skip 2",
    ]


def test_deep_and_non_utf8_json(tmp_path: Path) -> None:
    [deep] = json_problems(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert deep.startswith("in.json:1:1: CC104 JSON is nested too deeply to read\n")
    [binary] = json_problems(tmp_path, b'{"a": "\xff"}')
    assert binary.startswith("in.json:1:8: CC101 file is not valid UTF-8")


def test_loads_raises_with_the_given_name() -> None:
    with pytest.raises(CompileError) as caught:
        compiler.loads("{", name="remote.json")
    assert caught.value.diagnostics[0].format().startswith("remote.json:1:2: CC402 ")
    with pytest.raises(CompileError, match="CC101"):
        compiler.loads(b"\xff")


# -- packaging ----------------------------------------------------------------------------------


def test_import_compiler_stays_cheap() -> None:
    code = (
        "import sys, compiler; "
        "print(sorted(m for m in sys.modules if m.startswith(('compiler.', 'jsonschema', 'markdown_it'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_resolve_lazily() -> None:
    for name in compiler.__all__:
        assert getattr(compiler, name) is not None
    assert compiler.load is compiler.api.load
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        compiler.nope  # type: ignore[attr-defined]  # noqa: B018


def test_package_is_typed(repo_root: Path) -> None:
    assert (repo_root / "compiler" / "py.typed").is_file()


def test_docstring_examples(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo_root)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = finder.find(compiler.api, globs={"compiler": compiler})
    examples = sum(len(t.examples) for t in tests)
    assert examples >= 10
    for test in tests:
        runner.run(test)
    assert runner.failures == 0


def test_tool_builders_page_examples(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples on the site's "For tool builders" page run as written, in one namespace."""
    monkeypatch.chdir(repo_root)
    page = (repo_root / "compiler" / "pages" / "tool-builders.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```pycon\n(.*?)^```$", page, flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) >= 4
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, 1):
        test = parser.get_doctest(block, namespace, f"tool-builders.md block {number}", None, 0)
        runner.run(test, clear_globs=False)
        namespace = test.globs  # DocTest copies its globals; carry them to the next block
    assert runner.failures == 0
    assert runner.tries >= 12


# -- any JSON either loads or gives diagnostics ---------------------------------------------------


#: Values no compiled constitution holds, and that once crashed `loads` or what came after it:
#: a lone surrogate, numbers beyond 64 bits or with a fraction, NaN, terminal controls.
HOSTILE_VALUES = st.sampled_from(
    [
        10**30,
        -(10**25),
        1.0,
        1e308,
        float("nan"),
        float("inf"),
        "\ud800",
        "a\udfffb",
        "\u202e\x1b[2J",
    ]
)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.text(max_size=5) | HOSTILE_VALUES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@pytest.fixture(scope="module")
def chapter_one(repo_root: Path) -> bytes:
    """A real compiled document small enough to mutate 150 times: release 1.0.0 (the Overview
    chapter alone; spec/ compiles to six times its size), under this schema's $id, its first
    section marked not normative so that every field of the schema is there to mutate."""
    document = to_json(from_json(json.loads((repo_root / "releases" / "1.0.0.json").read_bytes())))
    document["nodes"][0]["normative"] = False
    return compiler.loads(json.dumps(document)).to_json().encode("utf-8")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_json_loads_or_raises_compile_error(
    chapter_one: bytes, data: st.DataObject
) -> None:
    document = json.loads(chapter_one)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(document) if p]
        path = data.draw(st.sampled_from(paths))
        parent: object = document
        for part in path[:-1]:
            parent = parent[part]  # type: ignore[index]
        action = data.draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(json.loads(json.dumps(parent[path[-1]])))  # type: ignore[index]
        else:
            parent[path[-1]] = data.draw(JSON_VALUES)  # type: ignore[index]
    text = json.dumps(document, ensure_ascii=False, indent=data.draw(st.sampled_from([None, 2])))
    try:
        loaded = compiler.loads(text)
    except CompileError as error:
        assert error.diagnostics
        for diagnostic in error.diagnostics:
            assert diagnostic.line >= 1 and diagnostic.column >= 1, diagnostic
            assert diagnostic.file == "<json>"
    else:
        # Loaded means usable: every node's kind is described (CC412 otherwise).
        assert {node.kind for node in loaded.model.nodes} <= set(loaded.model.kinds)
        assert json.loads(loaded.to_json()) == document


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=60) | JSON_VALUES.map(json.dumps))
def test_arbitrary_text_raises_compile_error(text: str) -> None:
    with pytest.raises(CompileError) as caught:
        compiler.loads(text)
    assert caught.value.diagnostics[0].code in ("CC402", "CC403")


def test_a_document_that_leaves_out_the_built_in_kinds_still_has_them(chapter_one: bytes) -> None:
    """Every grammar extends the default one: a JSON whose 'kinds' omits the built-in kinds
    (found by the mutation test above) reads them from the default grammar."""
    document = json.loads(chapter_one)
    document["kinds"] = [kind for kind in document["kinds"] if kind["name"] != "property"]
    loaded = compiler.loads(json.dumps(document))
    assert [p.id for p in loaded.properties] == CORE
    assert loaded.outranks("broadly-safe", "genuinely-helpful")
    document["kinds"] = []
    assert [p.id for p in compiler.loads(json.dumps(document)).properties] == CORE


def test_a_node_of_a_kind_the_document_does_not_describe_is_reported_where_it_is(
    chapter_one: bytes,
) -> None:
    document = json.loads(chapter_one)
    index = next(i for i, n in enumerate(document["nodes"]) if n["id"] == "broadly-safe")
    document["nodes"][index]["kind"] = "widget"
    text = json.dumps(document, indent=2)
    with pytest.raises(CompileError) as raised:
        compiler.loads(text, name="doc.json")
    problems = [d for d in raised.value.diagnostics if d.code == "CC412"]
    assert [(d.file, d.message) for d in problems] == [
        (
            "doc.json",
            "node 'broadly-safe' is of kind 'widget', which the document's kinds do not describe",
        )
    ]
    line = text.splitlines()[problems[0].line - 1]
    assert line[problems[0].column - 1 :].startswith('"widget"'), line
