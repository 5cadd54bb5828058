"""The compiler's stages, in order: read (the grammar, then the Markdown) → parse → extract →
check → emit (with validation).

`compile_spec` is the one entry point; the CLI, the mkdocs plugin and the library all call it.
`compile_examples` compiles a spec with it and reads back its worked examples and prompts
(`compiler.examples`), for the export.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field, structs

from .checks import check_document
from .collector import without_cycle_collection
from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .document import Document, to_json
from .emit import dumps, validate
from .extract.finish import finish
from .extract.ids import IdRegistry
from .extract.walk import Extractor
from .grammar.examples import ExampleSyntax, example_syntax
from .grammar.load import default_grammar, load_grammar
from .grammar.types import Grammar
from .model import Chapter
from .reader import SourceFile, read_spec_files
from .spec_files import SpecFiles
from .syntax import parser
from .syntax.annotations import annotation_info

if TYPE_CHECKING:
    from .examples.model import ExampleSet


class CompileResult(Struct):
    """What a compile produced: the model and its JSON when there were no errors, and every diagnostic."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    model: Document | None = None
    """The typed model (also when there are errors: what could be read)."""
    document: dict[str, Any] | None = None
    """The 2.0.0 JSON document, when there were no errors."""
    chapters: list[Chapter] = field(default_factory=list)
    """Each source file compiled, with its front matter."""
    grammar: Grammar | None = None
    """The grammar the spec was compiled with."""
    sources: list[SourceFile] = field(default_factory=list)
    tokens: dict[str, list[Any]] = field(default_factory=dict)
    """Each file's markdown-it token stream, for renderers that must show what the compiler read."""
    files: SpecFiles | None = None
    """Every file of a spec directory as the policy sorts them (what the site may publish)."""
    prompt_sources: list[SourceFile] = field(default_factory=list)
    """A directory spec's evaluation prompts files (the declared example syntax's folder): read
    as prompt sets only, never compiled or published as chapters."""

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    def to_json_bytes(self) -> bytes:
        if self.document is None:
            raise ValueError("the compile failed; there is no JSON to write")
        return dumps(self.document)


#: The tokens that may write an id: one look-up skips the others (most).
_ID_TOKENS = frozenset(("heading_open", "container_annotation_open", "inline"))


def _explicit_ids(tokens: list[Any]) -> set[str]:
    ids: set[str] = set()
    for token in tokens:
        kind = token.type
        if kind not in _ID_TOKENS:
            continue
        if kind == "inline":
            if "]{" in token.content:
                for child in token.children or ():
                    if child.type == "span_open" and child.meta["attributes"].id:
                        ids.add(child.meta["attributes"].id)
        elif kind == "heading_open":
            attributes = token.meta.get("attributes")
            if attributes is not None and attributes.id:
                ids.add(attributes.id)
        else:
            info = annotation_info(token)
            if info.attributes.id:
                ids.add(info.attributes.id)
    return ids


def _resource_limit(source: SourceFile, err: BaseException) -> Diagnostic:
    """A limit the parser ran into (recursion, memory) as a diagnostic, never a traceback."""
    what = "nested too deeply" if isinstance(err, RecursionError) else "too large"
    return Diagnostic(
        "CC104",
        f"file is {what} to compile ({type(err).__name__})",
        source.display,
        1,
        1,
        hint="split the file, and flatten deeply nested lists, quotes and annotations",
    )


@without_cycle_collection  # a tenth of a 10 MB compile
def compile_sources(
    sources: list[SourceFile],
    *,
    validate_output: bool = True,
    keep_tokens: bool = True,
    emit: bool = True,
    files: SpecFiles | None = None,
    grammar: Grammar | None = None,
    spec: Path | None = None,
    prompt_sources: list[SourceFile] | None = None,
) -> CompileResult:
    """Compile already-read sources (the stage after `read_spec`).

    When the grammar declares ``examples:``, the worked examples and prompts files of `spec`
    (the path the sources were read from) become nodes (`compiler.examples.nodes`); their token
    streams are then kept until they are read.

    With `keep_tokens=False` the token streams are let go as soon as each file is extracted and
    `result.tokens` stays empty: a caller that only wants the JSON or the diagnostics then needs
    about half the memory (the tokens take about eight times the size of the text).

    With `emit=False` no JSON is made (`result.document` stays None): for a caller that reads
    the typed model only.
    """
    result = CompileResult(sources=sources, files=files, grammar=grammar)
    result.prompt_sources = prompt_sources or []
    md = parser()
    limits: list[Diagnostic] = []
    parsed = []
    reserved: set[str] = set()
    for source in sources:
        if not source.readable:
            continue  # reported by the reader; the other files are still checked
        try:
            parsed.append((source, md.parse(source.text, {})))
        except (RecursionError, MemoryError) as err:
            limits.append(_resource_limit(source, err))
            continue
        reserved |= _explicit_ids(parsed[-1][1])  # while its tokens are still in the CPU's cache
    with_examples = spec is not None and grammar is not None and grammar.examples is not None
    registry = IdRegistry()
    extractor = Extractor(registry, reserved, files, grammar)
    # Links to a file that could not be read are not links to a missing file.
    extractor.file_names.update(source.name for source in sources if not source.readable)
    for position, (source, tokens) in enumerate(parsed):
        try:
            extractor.extract_file(source, tokens, first=position == 0)
        except (RecursionError, MemoryError) as err:
            limits.append(_resource_limit(source, err))
        if keep_tokens or with_examples:
            result.tokens[source.name] = tokens
        else:
            tokens.clear()
    del parsed
    model = finish(extractor)
    example_problems: list[Diagnostic] = []
    if with_examples and spec is not None:
        from .examples.nodes import add_examples

        result.model = model
        model, example_problems = add_examples(result, spec)
        if not keep_tokens:
            for tokens in result.tokens.values():
                tokens.clear()
            result.tokens = {}
    result.chapters = extractor.chapters
    displays = {source.name: source.display for source in sources}

    def display(name: str) -> str:
        return displays.get(name, name)

    diagnostics = extractor.diagnostics + limits + example_problems
    diagnostics.extend(check_document(model, registry, display))
    result.model = model
    if emit and not has_errors(diagnostics):
        document = to_json(model)
        if validate_output:
            diagnostics.extend(validate(document, display))
        if not has_errors(diagnostics):
            result.document = document
    result.diagnostics = sort_diagnostics(diagnostics)
    return result


def compile_spec(
    path: str | os.PathLike[str],
    *,
    validate_output: bool = True,
    keep_tokens: bool = True,
    emit: bool = True,
    grammar_file: str | os.PathLike[str] | None = None,
) -> CompileResult:
    """Compile a spec directory or Markdown file. Never raises for bad input: read the diagnostics.

    The grammar is read from `grammar_file` (the CLI's ``--grammar FILE``) when given, else from
    the spec's own ``constitution.yaml``, else it is the default grammar. A file that cannot be
    read (or decoded) does not stop the others: every file that can be read is checked, and the
    grammar's problems are reported with the Markdown's, so one run reports every problem.
    """
    spec_path = Path(path)
    sources, files, problems = read_spec_files(spec_path)
    if grammar_file is None and files is not None and files.declarations is None:
        # No constitution.yaml (or one the file policy refused: unreadable, too large): the spec
        # is read with the default grammar.
        grammar, grammar_problems = default_grammar(), list[Diagnostic]()
    else:
        grammar, grammar_problems = load_grammar(
            spec_path, Path(grammar_file) if grammar_file is not None else None
        )
    problems = [*grammar_problems, *problems]
    sources, files, prompt_sources = _without_prompts(spec_path, grammar, sources, files)
    # Files the spec may not hold are reported with the chapters' problems, never instead.
    policy = files.problems if files is not None else ()
    if not any(source.readable for source in sources):
        diagnostics = sort_diagnostics([*problems, *policy])
        return CompileResult(diagnostics=diagnostics, sources=sources, files=files)
    result = compile_sources(
        sources,
        validate_output=validate_output,
        keep_tokens=keep_tokens,
        emit=emit,
        files=files,
        grammar=grammar,
        spec=spec_path,
        prompt_sources=prompt_sources,
    )
    if problems or policy:
        result.diagnostics = sort_diagnostics([*problems, *policy, *result.diagnostics])
    if has_errors(result.diagnostics):
        result.document = None
    return result


def _without_prompts(
    spec: Path, grammar: Grammar, sources: list[SourceFile], files: SpecFiles | None
) -> tuple[list[SourceFile], SpecFiles | None, list[SourceFile]]:
    """A directory spec's chapters and listing without its prompts files (the folder its example
    syntax names), and those files: prompt sets, never chapters."""
    if files is None or grammar.examples is None:
        return sources, files, []
    syntax = example_syntax(grammar)
    if syntax is None or syntax.prompts is None:
        return sources, files, []
    folder = syntax.prompts + "/"
    prompts = [source for source in sources if source.name.startswith(folder)]
    if not prompts:
        return sources, files, []
    chapters = tuple(name for name in files.chapters if not name.startswith(folder))
    kept = [source for source in sources if not source.name.startswith(folder)]
    return kept, structs.replace(files, chapters=chapters), prompts


class ExamplesResult(Struct):
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
    """Compile `spec` and its examples with its grammar (or `grammar_file`), and read them back
    from its nodes. Never raises for bad input: read the diagnostics."""
    # The export is the examples', read from the typed model: the compiled document is not
    # written, so it is neither made nor validated (the JSONL has its own schema), and the token
    # streams go as soon as each file is read.
    compiled = compile_spec(spec, grammar_file=grammar_file, emit=False, keep_tokens=False)
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
        from .examples.nodes import example_set

        found = example_set(compiled.model)  # the compile made them nodes, with their problems
    diagnostics = sort_diagnostics(diagnostics)
    result = ExamplesResult(compiled, found, syntax, diagnostics)
    if not result.ok:
        result.examples = None
    return result
