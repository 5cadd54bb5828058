"""`constitution examples`: a spec's worked examples and evaluation prompts, for harnesses."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from ..diagnostics import render
from .compile import Command, output_option, spec_argument
from .release import diagnostics_option


def grammar_option(help_text: str) -> Callable[[Command], Command]:
    """``--grammar FILE``: the declarations file whose ``examples:`` section is read."""
    return click.option(
        "--grammar",
        "grammar_file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=help_text,
    )


@click.command("examples")
@spec_argument
@grammar_option(
    "The declarations file (constitution.yaml) that declares the example syntax; "
    "default: the spec's own."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per example or prompt (schemas/examples.schema.json).",
)
@output_option("the export")
@diagnostics_option
def examples_command(
    spec: Path,
    grammar_file: Path | None,
    output_format: str,
    output: str | None,
    diagnostics_format: str,
) -> None:
    """Export SPEC's worked examples and evaluation prompts (default: spec/).

    The spec declares how it writes them under 'examples:' in its constitution.yaml (or the
    file named with --grammar). Each line holds one conversation: its id, the provision it
    belongs to with that provision's fields, the messages in the chat shape, and the replies
    the spec judges (good, acceptable or bad, with the reason). Nothing is written when the
    spec or its examples have errors; an earlier OUTPUT is then left as it was.
    """
    from ..examples.export import dumps_jsonl
    from ..pipeline import compile_examples

    result = compile_examples(spec, grammar_file)
    fmt = diagnostics_format
    text = render(result.diagnostics, fmt)
    if text or fmt == "json":
        click.echo(text or "[]\n", err=True, nl=False)
    if result.examples is None:
        sys.exit(1)
    data = dumps_jsonl(result.examples)
    from ..fsutil import OutputError, write_output

    try:
        write_output("-" if output is None else output, data)
    except OutputError as error:
        click.echo(render([error.diagnostic], fmt), err=True, nl=False)
        sys.exit(1)
