"""The tool builders' page tells the truth about examples: its declaration loads without a
problem, and its sample line is the export's line for that example, schema-valid."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema

from compiler.examples.export import records, schema
from compiler.grammar.load import loads_grammar
from compiler.pipeline import compile_examples

REPO = Path(__file__).resolve().parent.parent.parent


def _section() -> str:
    page = (REPO / "compiler" / "pages" / "tool-builders.md").read_text("utf-8")
    start = page.index("## Worked examples and evaluation prompts")
    return page[start : page.index("\n## ", start + 1)]


def test_the_declaration_on_the_page_loads() -> None:
    (yaml_block,) = re.findall(r"```yaml\n(.*?)```", _section(), re.S)
    grammar, problems = loads_grammar(yaml_block, "page.yaml")
    assert problems == [] and grammar.examples is not None


def test_the_sample_line_is_the_exports(corpus_dir: Path) -> None:
    (json_block,) = re.findall(r"```jsonl\n(.*?)```", _section(), re.S)
    sample = json.loads(json_block)
    jsonschema.Draft202012Validator(schema()).validate(sample)
    spec = corpus_dir / "openai-model-spec" / "2025-04-11" / "model_spec.md"
    result = compile_examples(spec, REPO / "examples" / "model-spec.yaml")
    assert result.examples is not None
    (line,) = [r for r in records(result.examples) if r["id"] == sample["id"]]
    shortened = {"developer", "user"}  # the page cuts their long contents with "..."
    for message, shown in zip(line["messages"], sample["messages"], strict=True):
        assert message["role"] == shown["role"] and message["role"] in shortened
        assert message["content"].startswith(shown["content"].removesuffix(" ..."))
    assert {**line, "messages": sample["messages"]} == {**sample}
