"""Worked examples and evaluation prompts as data (issue 16).

A spec declares how it writes its examples (`syntax`: the ``examples:`` section of
``constitution.yaml``); `compile_examples` finds them in a compiled spec (`collect`), reads each
conversation (`conversation`) and the prompt files its footnotes name. `export` writes them for
evaluation harnesses (JSONL), `render` shows them on the site, `diff` compares two versions.
"""

from __future__ import annotations

from .model import Example, ExampleSet, Passage, PromptFile, Provision, Reply, Turn, Verdict
from .syntax import ExampleSyntax, read_example_syntax

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
