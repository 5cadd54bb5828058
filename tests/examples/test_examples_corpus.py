"""Both Model Spec releases in ../shared/corpus compile with their examples/ folders: every
worked example and every prompt file is found and linked, and the export validates and feeds the
harness. The expectations are counted from the Markdown by this module, independently of the
compiler: fences after an `**Example**:` line, `<!-- GOOD/OK/BAD` labels, `[^key]` markers.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from support.ajv import AjvCli

from compiler.examples.export import dumps_jsonl, schema
from compiler.pipeline import ExamplesResult, compile_examples

VERSIONS = ("2025-02-12", "2025-04-11")
REPO = Path(__file__).resolve().parent.parent.parent
GRAMMAR = REPO / "examples" / "model-spec.yaml"
LABEL = re.compile(r"<assistant[^>]*>\s*<!--\s*(GOOD|OK|BAD)\b")
VERDICTS = {"GOOD": "good", "OK": "acceptable", "BAD": "bad"}
MARKER = re.compile(r"\[\^([a-z0-9]+)\]")

_compiled: dict[str, ExamplesResult] = {}


def _release(corpus_dir: Path, version: str) -> Path:
    path = corpus_dir / "openai-model-spec" / version
    assert (path / "model_spec.md").is_file() and (path / "examples").is_dir(), path
    return path


def _compile(corpus_dir: Path, version: str) -> ExamplesResult:
    if version not in _compiled:
        spec = _release(corpus_dir, version) / "model_spec.md"
        _compiled[version] = compile_examples(spec, GRAMMAR)
    return _compiled[version]


def _examples_in(text: str) -> list[tuple[int, str]]:
    """(line, title) of each `**Example**: title` followed by a ~~~xml fence, counted by hand."""
    lines = text.split("\n")
    found = []
    for number, line in enumerate(lines):
        if line.startswith("**Example**:"):
            following = next((ln for ln in lines[number + 1 :] if ln.strip()), "")
            if following.strip() == "~~~xml":
                found.append((number + 1, " ".join(line[len("**Example**:") :].split())))
    return found


@pytest.mark.parametrize("version", VERSIONS)
def test_every_worked_example_is_compiled(corpus_dir: Path, version: str) -> None:
    text = (_release(corpus_dir, version) / "model_spec.md").read_text("utf-8")
    result = _compile(corpus_dir, version)
    assert result.ok, [d.format() for d in result.diagnostics if d.severity == "error"]
    assert result.examples is not None
    examples = result.examples.examples
    expected = _examples_in(text)
    assert len(expected) == text.count("\n~~~xml\n") > 150
    assert [(e.source.line, e.title) for e in examples] == expected
    labels = Counter(VERDICTS[word] for word in LABEL.findall(text))
    assert sum(labels.values()) == len(re.findall(r"<!--\s*(?:GOOD|OK|BAD)", text))
    found = Counter(str(r.verdict) for e in examples for r in e.replies)
    assert found == labels
    assert all(r.verdict is not None for e in examples for r in e.replies)
    # Every example is placed in the section whose heading precedes it.
    headings = [
        (n + 1, m[1])
        for n, ln in enumerate(text.split("\n"))
        if (m := re.search(r"\{#(\w+)", ln)) and ln.startswith("#")
    ]
    for example in examples:
        enclosing = [ident for line, ident in headings if line < example.source.line][-1]
        assert example.provision is not None and example.provision.id == enclosing


@pytest.mark.parametrize("version", VERSIONS)
def test_every_prompt_file_is_linked_to_its_passage(corpus_dir: Path, version: str) -> None:
    release = _release(corpus_dir, version)
    lines = (release / "model_spec.md").read_text("utf-8").split("\n")
    files = sorted(p.stem for p in (release / "examples").glob("*.md"))
    keys = {key for line in lines for key in MARKER.findall(line)}
    assert sorted(keys) == files and len(files) > 100
    result = _compile(corpus_dir, version)
    assert result.examples is not None
    prompts = result.examples.prompts
    assert sorted(p.key for p in prompts) == files
    for prompt in prompts:
        where = prompt.passage.source
        line = lines[where.line - 1]
        assert line[where.column - 1 :].startswith(f"[^{prompt.key}]")
        file_text = (release / "examples" / f"{prompt.key}.md").read_text("utf-8")
        assert len(prompt.prompts) == file_text.count("~~~xml\n") > 0
        assert prompt.passage.provision is not None
        assert all(p.provision == prompt.passage.provision for p in prompt.prompts)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_export_validates_and_feeds_the_harness(
    corpus_dir: Path, version: str, tmp_path: Path
) -> None:
    result = _compile(corpus_dir, version)
    assert result.examples is not None
    data = dumps_jsonl(result.examples)
    records = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    validator = jsonschema.Draft202012Validator(schema())
    for record in records:
        validator.validate(record)
    examples = [r for r in records if r["type"] == "example"]
    prompts = [r for r in records if r["type"] == "prompt"]
    assert len(examples) == len(result.examples.examples)
    assert len(prompts) == sum(len(p.prompts) for p in result.examples.prompts)
    assert len({r["id"] for r in records}) == len(records)
    export = tmp_path / "examples.jsonl"
    export.write_bytes(data)
    harness = REPO / "examples" / "grading_cases.py"
    run = subprocess.run(
        [sys.executable, str(harness), str(export)], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    cases = [json.loads(line) for line in run.stdout.splitlines()]
    graded = [c for c in cases if c["task"] == "grade"]
    assert len(graded) == sum(len(r["replies"]) for r in examples)
    assert Counter(c["expected"] for c in graded) == Counter(
        reply["verdict"] for r in examples for reply in r["replies"]
    )
    assert sum(c["task"] == "respond" for c in cases) == len(prompts) + sum(
        not r["replies"] for r in examples
    )


def test_the_exports_validate_in_ajv(corpus_dir: Path, ajv: AjvCli, tmp_path: Path) -> None:
    schema_file = REPO / "compiler" / "schemas" / "examples.schema.json"
    assert ajv.compile(schema_file).returncode == 0
    data = []
    for version in VERSIONS:
        result = _compile(corpus_dir, version)
        assert result.examples is not None
        for number, line in enumerate(dumps_jsonl(result.examples).splitlines()):
            path = tmp_path / f"{version}-{number}.json"
            path.write_bytes(line)
            data.append(path)
    run = ajv.validate(schema_file, data)
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.parametrize("version", VERSIONS)
def test_export_bytes_are_the_standard_librarys(corpus_dir: Path, version: str) -> None:
    """The export is written by orjson for speed: byte for byte what `json` writes (compact,
    UTF-8, not ASCII-escaped), one line per record, on every record of both releases."""
    from compiler.examples.export import records

    result = _compile(corpus_dir, version)
    assert result.examples is not None
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    expected = "".join(encoder.encode(r) + "\n" for r in records(result.examples))
    assert dumps_jsonl(result.examples) == expected.encode("utf-8")


def test_export_line_falls_back_for_what_orjson_refuses() -> None:
    """An integer beyond 64 bits (which orjson refuses) is written by the standard library."""
    from compiler.examples.export import _line

    record = {"n": 2**70, "text": "é\u2028\x01"}
    assert (
        _line(record)
        == (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    )
