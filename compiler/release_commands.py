"""`constitution diff`, `release`, `verify` and `history`: thin click adapters over
`compiler.diff` and `compiler.release`."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from .diagnostics import Diagnostic, has_errors, render
from .diff import (
    LEVELS,
    RENDERERS,
    Level,
    Levels,
    levels_file,
    load_levels,
    render_text,
    rules_table,
    summary_line,
    terminal_safe,
)
from .fsutil import OutputError, write_output
from .release import (
    DEFAULT_RELEASES_DIR,
    DEFAULT_SPEC,
    SideError,
    VersionError,
    chain_head,
    diff_sides,
    load_index,
    load_side,
    make_release,
    node_history,
    unknown_id,
    verify_releases,
)

releases_option = click.option(
    "--releases-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_RELEASES_DIR,
    show_default=True,
    help="Where released artifacts and index.json live.",
)
diagnostics_option = click.option(
    "--diagnostics",
    "diagnostics_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="How to print problems in the input: text, json, or github (Actions annotations).",
)


config_option = click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The declarations file whose 'diff:' section sets the levels of the rules and the "
    "changes to ignore (default: constitution.yaml in the spec directory, if there is one).",
)


def _levels(config: Path | None, spec: Path, diagnostics_format: str) -> Levels:
    """The levels in force: from `config`, else from the spec directory's declarations file;
    exit 1 on problems in it."""
    levels, problems = load_levels(levels_file(config, spec))
    _report(problems, diagnostics_format)
    if has_errors(problems):
        sys.exit(1)
    return levels


def _report(diagnostics: Sequence[Diagnostic], fmt: str) -> None:
    text = render(diagnostics, fmt)
    if text:
        click.echo(text, err=True, nl=False)


def _usage(error: SideError | VersionError) -> NoReturn:
    code = f"{error.code} " if isinstance(error, VersionError) else ""
    hint = f"\n    hint: {error.hint}" if error.hint else ""
    raise click.UsageError(code + error.message + hint)


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
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the diff here (atomically; '-' is stdout) instead of to stdout.",
)
@click.option(
    "--rules",
    is_flag=True,
    help="Print the rules and the levels in force (defaults, and the project's), and exit.",
)
@config_option
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
        click.echo(terminal_safe(rules_table(_levels(config, spec, diagnostics_format))), nl=False)
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
        _usage(error)
    problems = [*level_problems, *(d for side in sides for d in side.diagnostics)]
    _report(problems, diagnostics_format)
    if has_errors(problems):
        sys.exit(1)
    result = diff_sides(sides[0], sides[1], levels)
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
            _report([error.diagnostic], diagnostics_format)
            sys.exit(1)
        click.echo(summary_line(result), err=True)
    else:
        click.echo(text, nl=False, color=use_color)
    if fail_on is not None and result.at_or_above(Level(fail_on)):
        sys.exit(1)


@click.command("release")
@click.argument("version")
@click.argument(
    "spec", default="spec", required=False, type=click.Path(exists=True, path_type=Path)
)
@releases_option
@click.option(
    "--date",
    help="Release date, YYYY-MM-DD (default: the day of $SOURCE_DATE_EPOCH, else today, UTC).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Run every check and show what the release would be; write nothing.",
)
@config_option
@diagnostics_option
def release_command(
    version: str,
    spec: Path,
    releases_dir: Path,
    date: str | None,
    dry_run: bool,
    config: Path | None,
    diagnostics_format: str,
) -> None:
    """Release SPEC (default: spec/) as VERSION (MAJOR.MINOR.PATCH).

    Compiles the spec and diffs it against the latest release. Refuses (exit 1) a version that
    exists or is not greater than the latest, or whose bump is smaller than the changes require;
    otherwise writes RELEASES_DIR/VERSION.json and adds it to RELEASES_DIR/index.json, atomically.
    The changes are weighed at the project's levels (--config FILE, else constitution.yaml in
    SPEC), as `constitution diff` weighs them.
    """
    levels = _levels(config, spec, diagnostics_format)
    try:
        outcome = make_release(
            version, spec, releases_dir, date=date, dry_run=dry_run, levels=levels
        )
    except VersionError as error:
        _usage(error)
    _report(outcome.diagnostics, diagnostics_format)
    if outcome.entry is None:
        sys.exit(1)
    entry = outcome.entry
    if outcome.path is None:
        click.echo(f"would release {entry.version} on {entry.date} (dry run: nothing written)")
    else:
        click.echo(f"released {entry.version} on {entry.date}: {outcome.path}")
    click.echo(f"    sha256 {entry.sha256}")
    if outcome.path is not None:
        click.echo(f"    chain head {entry.entry_sha256}")
    if outcome.diff is not None:
        click.echo(f"    since {entry.previous}: {summary_line(outcome.diff)}")
    else:
        click.echo("    the first release")


@click.command("verify")
@releases_option
@click.option(
    "--head",
    "pinned_head",
    metavar="SHA256",
    help="The chain head you expect (printed by an earlier verify or release, kept where "
    "releases/ cannot change it): catches a rewritten index and cut-off releases.",
)
@diagnostics_option
def verify_command(releases_dir: Path, pinned_head: str | None, diagnostics_format: str) -> None:
    """Check RELEASES_DIR/index.json and every released artifact: the index's structure and hash
    chain (each entry bound to the one before it), every artifact present, unmodified (same
    SHA-256) and a valid compiled constitution of its version, and no unlisted artifact.

    Prints the chain head: pin it (--head) to also catch an index rewritten whole or releases
    cut off the end, which no check of releases/ alone can tell.
    """
    if pinned_head is not None:
        pinned_head = pinned_head.removeprefix("sha256:")
        if not re.fullmatch(r"[0-9a-f]{64}", pinned_head, re.ASCII):
            raise click.BadParameter(
                "CC520 a chain head is 64 lower-case hex digits (optionally after 'sha256:')",
                param_hint="'--head'",
            )
    entries, problems = verify_releases(releases_dir, pinned_head=pinned_head)
    _report(problems, diagnostics_format)
    if has_errors(problems):
        sys.exit(1)
    count = f"{len(entries)} release{'s' if len(entries) != 1 else ''}"
    click.echo(f"{count} verified; chain head {chain_head(entries)}")


@click.command("history")
@click.argument("ident", metavar="ID")
@releases_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
)
def history_command(ident: str, releases_dir: Path, fmt: str) -> None:
    """List the releases in which node ID was added, changed, moved, renamed or removed,
    following it through renames."""
    events, problems, known = node_history(ident, releases_dir)
    if not has_errors(problems) and not events:
        problems.append(unknown_id(ident, releases_dir, known))
    _report(problems, "text")
    if has_errors(problems):
        sys.exit(1)
    if fmt == "json":
        payload = [
            {
                "version": e.version,
                "date": e.date,
                "action": e.action,
                **e.change.to_json(),
            }
            for e in events
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for event in events:
        change = event.change
        where = change.new or change.old
        line = (
            f"{event.version}  {event.date}  {event.action:<8} {change.level.value:<11} "
            f"{change.rule}: {change.message}" + (f"  ({where})" if where else "")
        )
        click.echo(terminal_safe(line))
