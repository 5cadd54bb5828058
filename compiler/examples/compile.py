"""`compile_examples`: a spec's examples and prompts, compiled with the spec itself (as nodes of
its document), read back from its nodes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..collector import without_cycle_collection
from ..diagnostics import Diagnostic, has_errors, sort_diagnostics
from ..grammar.load import default_grammar
from ..pipeline import CompileResult, compile_spec
from .model import ExampleSet
from .nodes import example_set
from .syntax import ExampleSyntax, example_syntax


@dataclass(slots=True)
class ExamplesResult:
    """The spec's compile, its examples and prompts, and every diagnostic of both."""

    compiled: CompileResult
    examples: ExampleSet | None = None
    """None when anything has errors: nothing is exported from a spec that does not compile."""
    syntax: ExampleSyntax | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


@without_cycle_collection  # as the compile: many small objects, no cycles
def compile_examples(spec: Path, grammar_file: Path | None = None) -> ExamplesResult:
    """Compile `spec` and its examples with its grammar (or `grammar_file`). Never raises for bad
    input: read the diagnostics."""
    compiled = compile_spec(spec, grammar_file=grammar_file)
    grammar = compiled.grammar or default_grammar()  # its problems are the compile's
    diagnostics = list(compiled.diagnostics)
    syntax = example_syntax(grammar)
    found = None
    if syntax is None and grammar.examples is None:
        where = grammar.file or (str(spec / "constitution.yaml") if spec.is_dir() else str(spec))
        diagnostics.append(
            Diagnostic(
                "CC814",
                "the spec declares no example syntax",
                where,
                1 if grammar.file else 0,
                hint="declare one under 'examples:' in constitution.yaml (or name a file with "
                "--grammar); see the tool builders' page",
            )
        )
    elif syntax is not None and compiled.model is not None:
        found = example_set(compiled.model)  # the compile made them nodes, with their problems
    diagnostics = sort_diagnostics(diagnostics)
    result = ExamplesResult(compiled, found, syntax, diagnostics)
    if not result.ok:
        result.examples = None
    return result
