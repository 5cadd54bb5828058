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
    levels_file,
    load_levels,
    render_text,
    rules_table,
    summary_line,
    terminal_safe,
)
from ..fsutil import OutputError, write_output
from ..release import DEFAULT_SPEC, SideError, diff_sides, load_index, load_side
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
    "The declarations file whose 'examples:' section says how the specs write their worked "
    "examples (default: --config, else NEW's constitution.yaml); their changes are reported too."
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
    try:
        sides = [load_side(arg, releases_dir=releases_dir) for arg in (old, new or "spec")]
    except SideError as error:
        usage_error(error)
    problems = [*level_problems, *(d for side in sides for d in side.diagnostics)]
    report_problems(problems, diagnostics_format)
    if has_errors(problems):
        sys.exit(1)
    result = diff_sides(sides[0], sides[1], levels)
    from ..examples.diff import add_example_changes  # examples and prompts (issue 16)

    grammar = grammar_file or levels_file(config, spec)
    example_problems = add_example_changes(result, old, new or "spec", grammar, levels)
    report_problems(example_problems, diagnostics_format)
    if has_errors(example_problems):
        sys.exit(1)
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
