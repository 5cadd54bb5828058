"""`constitution diff`: a thin click adapter over `compiler.diff` and `compiler.release`'s sides."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..diagnostics import has_errors
from ..diff import (
    LEVELS,
    RENDERERS,
    Level,
    diff_documents,
    levels_file,
    load_levels,
    render_text,
    rules_table,
    summary_line,
    terminal_safe,
)
from ..diff.examples import add_example_changes
from ..diff.fields import grammar_levels
from ..fsutil import OutputError, write_output
from ..grammar.load import load_grammar
from ..release import DEFAULT_SPEC, SideError, load_index, load_side, side_models
from .compile import output_option
from .examples import grammar_option
from .release import (
    config_option,
    diagnostics_option,
    project_levels,
    releases_option,
    report_problems,
    usage_error,
)


@click.command("diff")
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "html"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull request, json for tools, html for a page.",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text output (default: when writing to a terminal).",
)
@click.option(
    "--fail-on",
    type=click.Choice([level.value for level in LEVELS]),
    help="Exit 1 when there is a change at this level or a more severe one (for CI gates).",
)
@output_option("the diff")
@click.option(
    "--rules",
    is_flag=True,
    help="Print the rules and the levels in force (defaults, and the project's), and exit.",
)
@config_option
@grammar_option(
    "The declarations file (constitution.yaml) to compile spec sides with (default: each spec's "
    "own): its kinds, its example syntax (worked examples and prompts are then compared too) and "
    "its fields' diff levels, for sides compiled before schema 3.1.0."
)
@releases_option
@diagnostics_option
def diff_command(
    old: str | None,
    new: str | None,
    fmt: str,
    color: bool | None,
    fail_on: str | None,
    output: str | None,
    rules: bool,
    config: Path | None,
    grammar_file: Path | None,
    releases_dir: Path,
    diagnostics_format: str,
) -> None:
    """Show what changed from OLD to NEW, each change with its rule, level and a word-level redline,
    and the version bump the changes require.

    OLD and NEW may each be a spec directory or Markdown file, a compiled .json, a released
    version (1.0.0) or a git revision (git:REV reads spec/ at REV; git:REV:PATH reads PATH).
    OLD defaults to the latest release, NEW to spec/: `constitution diff` alone shows what
    changed since the last release.

    The levels are the project's: the 'diff:' section of --config FILE, else of constitution.yaml
    in NEW when it is a spec directory, else in spec/ (the defaults when there is none).

    Exit status: 0, or 1 when a side or the levels have errors or --fail-on finds a change; 2 on
    usage errors.
    """
    spec = Path(new) if new is not None and Path(new).is_dir() else Path(DEFAULT_SPEC)
    if rules:
        click.echo(
            terminal_safe(rules_table(project_levels(config, spec, diagnostics_format))), nl=False
        )
        return
    # The levels' problems are reported with the sides', so that one run shows them all.
    levels, level_problems = load_levels(levels_file(config, spec))
    if old is None:
        latest = load_index(releases_dir)[0].latest
        if latest is None:
            raise click.UsageError(
                "missing argument OLD, and nothing is released to compare with "
                "(e.g. constitution diff git:HEAD spec)"
            )
        old = latest.version
    if grammar_file is not None:  # its field levels, for sides that do not carry theirs
        grammar, grammar_problems = load_grammar(file=grammar_file)
        levels = grammar_levels(levels, grammar)
        level_problems += grammar_problems
    try:
        sides = [
            load_side(arg, releases_dir=releases_dir, grammar_file=grammar_file)
            for arg in (old, new or "spec")
        ]
    except SideError as error:
        usage_error(error)
    # The levels' file is often a side's declarations file too (spec/constitution.yaml), and
    # both sides may be one spec: each problem once.
    problems = list(
        dict.fromkeys([*level_problems, *(d for side in sides for d in side.diagnostics)])
    )
    report_problems(problems, diagnostics_format)
    if has_errors(problems):
        sys.exit(1)
    models = side_models(sides[0], sides[1])
    result = diff_documents(models[0], models[1], sides[0].side, sides[1].side, levels)
    add_example_changes(result, models[0], models[1], levels)  # examples and prompts (issue 16)
    if fmt == "text":
        use_color = (sys.stdout.isatty() and output is None) if color is None else color
        text = render_text(result, color=use_color)
    else:
        use_color = False
        text = RENDERERS[fmt](result)
    if output is not None:
        try:
            write_output(output, text.encode("utf-8"))
        except OutputError as error:
            report_problems([error.diagnostic], diagnostics_format)
            sys.exit(1)
        click.echo(summary_line(result), err=True)
    else:
        click.echo(text, nl=False, color=use_color)
    if fail_on is not None and result.at_or_above(Level(fail_on)):
        sys.exit(1)
