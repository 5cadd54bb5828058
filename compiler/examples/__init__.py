"""Worked examples and evaluation prompts as data (issue 16).

A spec declares how it writes its examples (the ``examples:`` section of ``constitution.yaml``,
read by the grammar: `compiler.grammar.examples`, re-exported here). The compile finds them in
the parsed spec (`collect`), reads each conversation (`conversation`) and the prompt files its
footnotes name, and makes them nodes of the document (`nodes`);
`compiler.pipeline.compile_examples` reads them back as an `ExampleSet`. `export` writes them for
evaluation harnesses (JSONL), `render` shows them on the site; the diff compares them
(`compiler.diff.examples`). `syntax` re-exports `ExampleSyntax` for `conversation`.
"""

from __future__ import annotations

from ..grammar.examples import ExampleSyntax, read_example_syntax
from .model import Example, ExampleSet, Passage, PromptFile, Provision, Reply, Turn, Verdict

__all__ = [
    "Example",
    "ExampleSet",
    "ExampleSyntax",
    "Passage",
    "PromptFile",
    "Provision",
    "Reply",
    "Turn",
    "Verdict",
    "read_example_syntax",
]
