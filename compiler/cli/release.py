"""`constitution release`, `verify` and `history`: thin click adapters over `compiler.release`
(and the options and reporting `constitution diff` shares with them)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from ..diagnostics import Diagnostic, has_errors, render
from ..diff import Levels, levels_file, load_levels, summary_line, terminal_safe
from ..release import (
    DEFAULT_RELEASES_DIR,
    SideError,
    VersionError,
    chain_head,
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


def project_levels(config: Path | None, spec: Path, diagnostics_format: str) -> Levels:
    """The levels in force: from `config`, else from the spec directory's declarations file;
    exit 1 on problems in it."""
    levels, problems = load_levels(levels_file(config, spec))
    report_problems(problems, diagnostics_format)
    if has_errors(problems):
        sys.exit(1)
    return levels


def report_problems(diagnostics: Sequence[Diagnostic], fmt: str) -> None:
    text = render(diagnostics, fmt)
    if text:
        click.echo(text, err=True, nl=False)


def usage_error(error: SideError | VersionError) -> NoReturn:
    code = f"{error.code} " if isinstance(error, VersionError) else ""
    hint = f"\n    hint: {error.hint}" if error.hint else ""
    raise click.UsageError(code + error.message + hint)


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
    levels = project_levels(config, spec, diagnostics_format)
    try:
        outcome = make_release(
            version, spec, releases_dir, date=date, dry_run=dry_run, levels=levels
        )
    except VersionError as error:
        usage_error(error)
    report_problems(outcome.diagnostics, diagnostics_format)
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
    report_problems(problems, diagnostics_format)
    if has_errors(problems):
        sys.exit(1)
    count = f"{len(entries)} release{'s' if len(entries) != 1 else ''}"
    click.echo(f"{count} verified; chain head {chain_head(entries)}")


@click.command("history")
@click.argument("ident", metavar="ID")
@click.argument("spec", default="spec", required=False, type=click.Path(path_type=Path))
@releases_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for tools.",
)
@config_option
def history_command(
    ident: str, spec: Path, releases_dir: Path, fmt: str, config: Path | None
) -> None:
    """List the releases in which node ID was added, changed, moved, renamed or removed,
    following it through renames.

    Each change is weighed at the project's levels, as `diff` and `release` weigh it: the
    'diff:' section of --config FILE, else of constitution.yaml in SPEC (default: spec/).
    """
    levels = project_levels(config, spec, "text")
    events, problems, known = node_history(ident, releases_dir, levels)
    if not has_errors(problems) and not events:
        problems.append(unknown_id(ident, releases_dir, known))
    report_problems(problems, "text")
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
