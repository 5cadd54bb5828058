"""Run the `constitution` command in-process (click's CliRunner), as the CLI tests do."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner


def run_cli(*args: str | Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of ``constitution ARGS``; fails the test on a traceback, so a
    crash is never mistaken for an exit status."""
    from compiler.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr
