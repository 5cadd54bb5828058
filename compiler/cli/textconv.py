"""`constitution textconv`: a thin click adapter over `compiler.textconv`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..api import CompileError, load, loads
from ..diagnostics import escape_controls
from ..diagnostics import render as render_diagnostics
from ..reader import normalise
from ..textconv import render


@click.command("textconv")
@click.argument("file", type=click.Path(allow_dash=True))
def textconv_command(file: str) -> None:
    """Print FILE, a compiled constitution (JSON, or - for stdin), as readable lines for `git diff`.

    One line per field and one sentence per line; source positions are left out. A JSON file
    that is not a valid compiled constitution is printed as it is (with a note on stderr), so
    that `git diff` still works. A spec directory or Markdown file is compiled first. Control
    characters from the input (ANSI escapes, bidi controls) are always shown escaped.
    Setup: see "Diffing the JSON with git" in the README.
    """
    source = Path(file)
    if file != "-" and (source.is_dir() or source.suffix.lower() == ".md"):
        try:
            text = render(load(source))
        except CompileError as error:
            click.echo(render_diagnostics(error.diagnostics, "text"), err=True, nl=False)
            sys.exit(1)
    else:
        try:
            data = sys.stdin.buffer.read() if file == "-" else source.read_bytes()
        except OSError as error:
            raise click.FileError(file, error.strerror) from error
        try:
            text = render(loads(data, name="<stdin>" if file == "-" else file))
        except CompileError as error:
            note = error.diagnostics[0].format().splitlines()[0]
            click.echo(f"constitution textconv: shown as it is: {note}", err=True)
            raw = normalise(data.decode("utf-8", errors="replace"))
            sys.stdout.buffer.write(escape_controls(raw, keep_layout=True).encode("utf-8"))
            return
    sys.stdout.buffer.write(text.encode("utf-8"))
