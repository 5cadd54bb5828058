"""`constitution compile` and `constitution check`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from ..diagnostics import render
from ..pipeline import CompileResult, compile_spec

Command = TypeVar("Command", bound=Callable[..., object])
FORMATS = click.Choice(["text", "json", "github"])
spec_argument = click.argument(
    "spec", default="spec", type=click.Path(exists=True, path_type=Path), required=False
)
grammar_option = click.option(
    "--grammar",
    "grammar",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the kinds and fields from this declarations file (YAML) instead of the spec's own constitution.yaml.",
)
format_option = click.option(
    "--format",
    "fmt",
    type=FORMATS,
    default="text",
    show_default=True,
    help="How to print diagnostics: text for people, json for tools, github for GitHub Actions annotations.",
)


def output_option(what: str) -> Callable[[Command], Command]:
    """``-o/--output FILE``: where a command writes `what` (atomically; ``-`` is stdout)."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, allow_dash=True),
        help=f"Write {what} here (atomically; '-' is stdout) instead of to stdout.",
    )


def report(result: CompileResult, fmt: str) -> None:
    """Print every diagnostic to stderr (JSON prints even when there are none)."""
    text = render(result.diagnostics, fmt)
    if text or fmt == "json":
        click.echo(text or "[]\n", err=True, nl=False)


def compiled(spec: Path, grammar: Path | None, *, validate: bool = True) -> CompileResult:
    """SPEC compiled, or read when it is a compiled JSON (*.json). With `validate=False` the
    compiled document is neither made nor validated against the schema: what `check` reports is
    the input's problems, and a document that did not match would be the compiler's fault,
    which `compile` and `build` (validating what they write) still report (CC401)."""
    if spec.suffix.lower() == ".json" and not spec.is_dir():
        # The library's reader (it imports the whole API): a spec's compile never needs it.
        from ..api import read_document

        document, diagnostics = read_document(spec)
        return CompileResult(diagnostics=diagnostics, document=document)
    return compile_spec(
        spec, keep_tokens=False, grammar_file=grammar, validate_output=validate, emit=validate
    )


@click.command("compile")
@spec_argument
@output_option("the JSON")
@click.option(
    "--schema",
    "schema_output",
    type=click.Path(dir_okay=False),
    help="Also write the spec's own JSON Schema here: the generic schema with every field its grammar declares typed.",
)
@grammar_option
@format_option
def compile_command(
    spec: Path, output: str | None, schema_output: str | None, grammar: Path | None, fmt: str
) -> None:
    """Compile SPEC (a directory of Markdown files or one file; default: spec/) to JSON.

    SPEC may also be a compiled JSON (*.json): it is checked like a spec and written out again
    in canonical form. Nothing is written when the input has errors, and an earlier OUTPUT is
    left as it was.

    OUTPUT is a regular file, replaced atomically; '-', /dev/stdout, a pipe or another character
    device is written to as a stream. A symbolic link, a directory or a block device is refused
    (CC510), never replaced; a write that fails (disk full, read-only) is CC512.
    """
    result = compiled(spec, grammar)
    report(result, fmt)
    if not result.ok or result.document is None:
        sys.exit(1)
    from ..emit import dump_chunks, spec_schema_bytes
    from ..fsutil import OutputError, write_output  # imports tempfile: `check` never needs it

    # In pieces: the whole file at once would be a third of the compile's peak memory.
    data = dump_chunks(result.document)

    try:
        write_output("-" if output is None else output, data)
        if schema_output is not None:
            from ..grammar.load import default_grammar

            write_output(schema_output, spec_schema_bytes(result.grammar or default_grammar()))
    except OutputError as error:
        click.echo(render([error.diagnostic], fmt), err=True, nl=False)
        sys.exit(1)


@click.command("check")
@spec_argument
@grammar_option
@format_option
def check_command(spec: Path, grammar: Path | None, fmt: str) -> None:
    """Check SPEC and report every problem in one pass; write nothing.

    SPEC may also be a compiled JSON (*.json): it is checked against the schema and for
    consistency. Fast enough for every save and a pre-commit hook. Exit 1 when there are errors.
    """
    result = compiled(spec, grammar, validate=False)
    report(result, fmt)
    if not result.ok:
        sys.exit(1)
