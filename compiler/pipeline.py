"""The compiler's stages, in order: read → parse → extract → check → emit (with validation).

`compile_spec` is the one entry point; the CLI, the mkdocs plugin and the library all call it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import check_spec
from .collector import without_cycle_collection
from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .emit import dumps, to_document, validate
from .extract.ids import IdRegistry
from .extract.walk import Extractor
from .model import Spec
from .reader import SourceFile, read_spec_files
from .spec_files import SpecFiles
from .syntax import parser
from .syntax.annotations import annotation_info


@dataclass(slots=True)
class CompileResult:
    """What a compile produced: the model and its JSON when there were no errors, and every diagnostic."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    spec: Spec | None = None
    document: dict[str, Any] | None = None
    sources: list[SourceFile] = field(default_factory=list)
    tokens: dict[str, list[Any]] = field(default_factory=dict)
    """Each file's markdown-it token stream, for renderers that must show what the compiler read."""
    files: SpecFiles | None = None
    """Every file of a spec directory as the policy sorts them (what the site may publish)."""

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    def to_json_bytes(self) -> bytes:
        if self.document is None:
            raise ValueError("the compile failed; there is no JSON to write")
        return dumps(self.document)


def _explicit_ids(tokens: list[Any]) -> set[str]:
    ids: set[str] = set()
    for token in tokens:
        if token.type == "heading_open":
            attributes = token.meta.get("attributes")
            if attributes is not None and attributes.id:
                ids.add(attributes.id)
        elif token.type == "container_annotation_open":
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
    files: SpecFiles | None = None,
) -> CompileResult:
    """Compile already-read sources (the stage after `read_spec`).

    With `keep_tokens=False` the token streams are let go as soon as each file is extracted and
    `result.tokens` stays empty: a caller that only wants the JSON or the diagnostics then needs
    about half the memory (the tokens take about eight times the size of the text).
    """
    result = CompileResult(sources=sources, files=files)
    md = parser()
    limits: list[Diagnostic] = []
    parsed = []
    for source in sources:
        if not source.readable:
            continue  # reported by the reader; the other files are still checked
        try:
            parsed.append((source, md.parse(source.text, {})))
        except (RecursionError, MemoryError) as err:
            limits.append(_resource_limit(source, err))
    reserved: set[str] = set()
    for _, tokens in parsed:
        reserved |= _explicit_ids(tokens)
    registry = IdRegistry()
    extractor = Extractor(registry, reserved, files)
    # Links to a file that could not be read are not links to a missing file.
    extractor.file_names.update(source.name for source in sources if not source.readable)
    for position, (source, tokens) in enumerate(parsed):
        try:
            extractor.extract_file(source, tokens, first=position == 0)
        except (RecursionError, MemoryError) as err:
            limits.append(_resource_limit(source, err))
        if keep_tokens:
            result.tokens[source.name] = tokens
        else:
            tokens.clear()
    del parsed
    spec = extractor.finish()
    displays = {source.name: source.display for source in sources}

    def display(name: str) -> str:
        return displays.get(name, name)

    diagnostics = extractor.diagnostics + limits
    diagnostics.extend(check_spec(spec, registry, display))
    result.spec = spec
    if not has_errors(diagnostics):
        document = to_document(spec)
        if validate_output:
            diagnostics.extend(validate(document, display))
        if not has_errors(diagnostics):
            result.document = document
    result.diagnostics = sort_diagnostics(diagnostics)
    return result


def compile_spec(
    path: str | os.PathLike[str], *, validate_output: bool = True, keep_tokens: bool = True
) -> CompileResult:
    """Compile a spec directory or Markdown file. Never raises for bad input: read the diagnostics.

    A file that cannot be read (or decoded) does not stop the others: every file that can be
    read is checked, so one run reports every problem.
    """
    sources, files, problems = read_spec_files(Path(path))
    # Files the spec may not hold are reported with the chapters' problems, never instead.
    policy = files.problems if files is not None else ()
    if not any(source.readable for source in sources):
        diagnostics = sort_diagnostics([*problems, *policy])
        return CompileResult(diagnostics=diagnostics, sources=sources, files=files)
    result = compile_sources(
        sources, validate_output=validate_output, keep_tokens=keep_tokens, files=files
    )
    if problems or policy:
        result.diagnostics = sort_diagnostics([*problems, *policy, *result.diagnostics])
    if has_errors(result.diagnostics):
        result.document = None
    return result
