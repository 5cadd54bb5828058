"""Worked examples and prompts files are nodes of the compiled document (schema 3.0.0), for both
Model Spec releases in ../shared/corpus: one `example` node per `**Example**:` fence and one
`prompt` node per file of examples/, counted from the text by this module; each a child of its
provision; the JSON validates against the generic schema and the spec's own, in jsonschema and
Ajv; read back, the nodes give the same export."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from msgspec.structs import replace
from support.ajv import AjvCli

from compiler.document import Conversation, Paragraph, from_json, to_json
from compiler.examples.export import dumps_jsonl
from compiler.examples.nodes import example_set
from compiler.grammar.schema import generic_schema, spec_schema
from compiler.pipeline import CompileResult, compile_spec

VERSIONS = ("2025-02-12", "2025-04-11")
REPO = Path(__file__).resolve().parent.parent.parent
GRAMMAR = REPO / "examples" / "model-spec.yaml"
HEADING = re.compile(r"^#{1,6} .*\{#([A-Za-z0-9_-]+)")

_compiled: dict[str, CompileResult] = {}


def _spec(corpus_dir: Path, version: str) -> Path:
    return corpus_dir / "openai-model-spec" / version / "model_spec.md"


def _compile(corpus_dir: Path, version: str) -> CompileResult:
    if version not in _compiled:
        _compiled[version] = compile_spec(_spec(corpus_dir, version), grammar_file=GRAMMAR)
    return _compiled[version]


def _fences(text: str) -> list[tuple[int, str]]:
    """(line of the title, id of the heading above it) of each `**Example**:` line that a
    ~~~xml fence follows: counted here, independently of the compiler."""
    lines = text.split("\n")
    found, section = [], ""
    for number, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading:
            section = heading[1]
        if line.startswith("**Example**:"):
            following = next((ln for ln in lines[number + 1 :] if ln.strip()), "")
            if following.strip() == "~~~xml":
                found.append((number + 1, section))
    return found


@pytest.mark.parametrize("version", VERSIONS)
def test_every_example_fence_is_a_node_child_of_its_section(corpus_dir: Path, version: str) -> None:
    text = _spec(corpus_dir, version).read_text("utf-8")
    result = _compile(corpus_dir, version)
    assert result.ok, [d.format() for d in result.diagnostics if d.severity == "error"]
    assert result.model is not None
    examples = result.model.of_kind("example")
    expected = _fences(text)
    assert len(expected) == text.count("\n~~~xml\n") > 150
    assert [(n.source.line, n.parent) for n in examples] == expected
    for node in examples:
        parent = result.model.node(node.parent or "")
        assert parent.kind == "section" and node.section == parent.id
        [conversation] = node.blocks
        assert isinstance(conversation, Conversation)
        assert conversation.turns or conversation.replies
        assert node.title == conversation.title and node.title
    # The provision's typed fields are its parent's: the authority of the Model Spec's headings.
    authorities = {result.model.node(n.parent or "").field("authority") for n in examples}
    assert authorities - {None} and authorities <= {
        None,
        "platform",
        "developer",
        "user",
        "guideline",
        "root",
    }
    # GOOD/OK/BAD labels, counted in the text, are the replies of the nodes.
    labels = len(re.findall(r"<!--\s*(?:GOOD|OK|BAD)\b", text))
    replies = sum(len(b.replies) for n in examples for b in n.blocks if isinstance(b, Conversation))
    assert replies == labels > 0


@pytest.mark.parametrize("version", VERSIONS)
def test_every_prompts_file_is_a_node_linked_from_its_footnote(
    corpus_dir: Path, version: str
) -> None:
    folder = corpus_dir / "openai-model-spec" / version / "examples"
    files = sorted(path.stem for path in folder.glob("*.md"))
    result = _compile(corpus_dir, version)
    assert result.model is not None
    prompts = result.model.of_kind("prompt")
    assert sorted(str(n.field("key")) for n in prompts) == files and len(files) > 50
    lines = _spec(corpus_dir, version).read_text("utf-8").split("\n")
    footnotes = {r.target: r for r in result.model.references if r.target.startswith("prompts-")}
    for node in prompts:
        key = str(node.field("key"))
        assert node.id == f"prompts-{key}" and node.source.file == f"examples/{key}.md"
        reference = footnotes[node.id]
        line = lines[reference.source.line - 1]
        assert line[reference.source.column - 1 :].startswith(f"[^{key}]")
        assert (
            node.parent == reference.origin
            and result.model.node(node.parent or "").kind == "section"
        )
        conversations = [b for b in node.blocks if isinstance(b, Conversation)]
        assert len(conversations) == (folder / f"{key}.md").read_text("utf-8").count("~~~xml\n") > 0
        assert all(isinstance(b, Paragraph | Conversation) for b in node.blocks)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_json_validates_reads_back_and_gives_the_same_export(
    corpus_dir: Path, version: str
) -> None:
    result = _compile(corpus_dir, version)
    assert result.document is not None and result.model is not None and result.grammar
    kinds = [kind["name"] for kind in result.document["kinds"]]
    assert kinds[-2:] == ["example", "prompt"]
    for schema in (generic_schema(), spec_schema(result.grammar)):
        errors = [
            e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(result.document)
        ]
        assert errors == []
    again = from_json(json.loads(json.dumps(result.document)))
    assert replace(again, kinds=result.model.kinds) == result.model
    assert to_json(again) == result.document
    assert dumps_jsonl(example_set(again)) == dumps_jsonl(example_set(result.model))


def test_both_schemas_accept_the_documents_in_ajv(
    corpus_dir: Path, ajv: AjvCli, tmp_path: Path
) -> None:
    for version in VERSIONS:
        result = _compile(corpus_dir, version)
        assert result.document is not None and result.grammar is not None
        (tmp_path / f"{version}.json").write_text(json.dumps(result.document), "utf-8")
        (tmp_path / "spec.schema.json").write_text(json.dumps(spec_schema(result.grammar)), "utf-8")
        run = ajv.validate(tmp_path / "spec.schema.json", tmp_path / f"{version}.json")
        assert run.returncode == 0, run.stdout + run.stderr
    generic = REPO / "compiler" / "schemas" / "constitution.schema.json"
    run = ajv.validate(generic, [tmp_path / f"{v}.json" for v in VERSIONS])
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_spec_without_examples_has_no_example_kinds(repo_root: Path) -> None:
    result = compile_spec(repo_root / "spec")
    assert result.document is not None
    assert {"example", "prompt"}.isdisjoint(k["name"] for k in result.document["kinds"])


def test_the_shipped_schema_is_the_generic_one() -> None:
    shipped = json.loads(
        (REPO / "compiler" / "schemas" / "constitution.schema.json").read_text("utf-8")
    )
    assert shipped == generic_schema()


def test_a_directory_specs_prompts_files_are_no_chapters() -> None:
    """The prompts folder of a directory spec is read as prompt sets only: no chapter, no page,
    no entry in the nav, nothing published; its files are still prompt nodes."""
    from compiler.examples.render import site_examples
    from compiler.site import Site

    spec = REPO / "tests" / "data" / "examples" / "valid" / "other-syntax"
    result = compile_spec(spec)
    assert result.ok and result.model is not None and result.files is not None
    assert [chapter.file for chapter in result.chapters] == ["rules.md"]
    assert result.files.chapters == ("rules.md",)
    assert "evals/cases/lies.md" not in result.files.published
    assert [source.name for source in result.prompt_sources] == ["evals/cases/lies.md"]
    assert {node.source.file for node in result.model.nodes if node.kind == "section"} == {
        "rules.md"
    }
    [prompts] = result.model.of_kind("prompt")
    assert prompts.source.file == "evals/cases/lies.md" and prompts.parent == "honest"
    assert sum(isinstance(b, Conversation) for b in prompts.blocks) == 2
    site = Site(result, examples=site_examples(spec, result))
    paths = list(_nav_paths(site.nav()))
    assert paths.count("rules.md") == 1
    assert all("evals/" not in path for path in paths)
    assert site.render("evals/cases/lies.md", lambda path: path) is None


def test_directory_specs_that_declare_examples_are_diffed(tmp_path: Path) -> None:
    """The declarations file's grammar sections (examples:, kinds:) are no unknown keys to the
    diff: two versions of a directory spec with examples compare, each change once by its rule."""
    import shutil

    from click.testing import CliRunner

    from compiler.cli import cli

    source = REPO / "tests" / "data" / "examples" / "valid" / "other-syntax"
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(source, old)
    shutil.copytree(source, new)
    lies = new / "evals" / "cases" / "lies.md"
    lies.write_text(lies.read_text("utf-8").replace("love my", "adore my"), "utf-8")
    run = CliRunner().invoke(cli, ["diff", str(old), str(new), "--format", "json"])
    assert run.exit_code == 0, run.output
    changes = json.loads(run.stdout)["changes"]
    assert [(c["rule"], c["kind"]) for c in changes] == [("prompts-changed", "prompts")]


def _nav_paths(entries: object) -> Iterator[str]:
    """Every page path of a nav (mkdocs' shape: paths, titled entries, parts of entries)."""
    if isinstance(entries, str):
        yield entries
    elif isinstance(entries, dict):
        for value in entries.values():
            yield from _nav_paths(value)
    elif isinstance(entries, list):
        for entry in entries:
            yield from _nav_paths(entry)
