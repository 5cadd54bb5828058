"""The `constitution` command: a thin click adapter over the library.

Subcommands are imported only when run, so `constitution --help` starts fast.
"""

from __future__ import annotations

import atexit
import errno
import gc
import importlib
import os
import sys
from typing import Any

import click

from ..collector import without_cycle_collection

#: name -> (module:function, one-line help). The module is imported only when the command runs.
COMMANDS: dict[str, tuple[str, str]] = {
    "compile": (
        "compiler.cli.compile:compile_command",
        "Compile a spec to JSON (stdout or -o FILE).",
    ),
    "check": (
        "compiler.cli.compile:check_command",
        "Check a spec and report every problem; write nothing.",
    ),
    "build": (
        "compiler.cli.site:build_command",
        "Compile, validate and build the documentation site.",
    ),
    "serve": ("compiler.cli.site:serve_command", "Preview the site, rebuilding on save."),
    "diff": (
        "compiler.cli.diff:diff_command",
        "Show what changed between two versions, by how much it matters.",
    ),
    "release": (
        "compiler.cli.release:release_command",
        "Release the spec as an immutable, versioned artifact.",
    ),
    "verify": (
        "compiler.cli.release:verify_command",
        "Check every released artifact against the index.",
    ),
    "history": (
        "compiler.cli.release:history_command",
        "List the versions in which a node changed.",
    ),
    "examples": (
        "compiler.cli.examples:examples_command",
        "Export the worked examples and evaluation prompts (JSONL), for harnesses.",
    ),
    "textconv": (
        "compiler.cli.textconv:textconv_command",
        "Print a compiled JSON as readable lines, for git diff.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, _, attr = entry[0].partition(":")
        # A command's imports make objects that live as long as the process: the cycle
        # collector, run again and again over them meanwhile, would free none of them.
        module = without_cycle_collection(importlib.import_module)(module_name)
        command: click.Command = getattr(module, attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])


def _version() -> str:
    from ..about import __version__

    return __version__


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="constitution")
def cli() -> None:
    """Compile a constitution written as annotated Markdown into a validated JSON spec,
    a documentation site and versioned, diffable releases.

    Exit status: 0 when all is well, 1 on problems in the input, 2 on usage errors.
    """


#: Errors of a write that the user can fix (a full disk, a read-only one): never "a bug".
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})


def main(argv: list[str] | None = None) -> Any:
    """Entry point: never lets a traceback reach the user (set CONSTITUTION_DEBUG=1 to see one)."""
    # When the process ends, what is still alive is left to the operating system: else the cycle
    # collector walks all of it once more at exit (a full collection; 3% of a site's build).
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    try:
        return cli.main(args=argv, prog_name="constitution", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("constitution: interrupted", err=True)
        sys.exit(130)
    except Exception as err:
        if os.environ.get("CONSTITUTION_DEBUG"):
            raise
        if isinstance(err, OSError) and err.errno in _WRITE_ERRORS:
            click.echo(
                f"constitution: CC512 cannot write the output: {err.strerror}\n"
                "    hint: free some disk space, or write where it is not read-only, and run "
                "again",
                err=True,
            )
            sys.exit(1)
        click.echo(
            f"constitution: internal error: {type(err).__name__}: {err}\n"
            "    hint: this is a bug; please report it with the input that caused it "
            "(CONSTITUTION_DEBUG=1 shows the traceback)",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
