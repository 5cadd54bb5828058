"""`constitution build` and `constitution serve`: click adapters over mkdocs and the compiler.

`build` compiles, validates, then builds the site into a fresh directory beside the old one and
swaps it in only on success; `serve` is mkdocs' live preview with the `constitution` plugin.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .commands import format_option, report
from .diagnostics import has_errors, sort_diagnostics
from .emit import SCHEMA_FILE, validate
from .pipeline import CompileResult, compile_spec

config_option = click.option(
    "-f",
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default="mkdocs.yml",
    show_default=True,
    help="The mkdocs configuration; its docs_dir is the spec.",
)


def _quiet_mkdocs_notices() -> None:
    # mkdocs-material prints a banner about its future on import unless this is set.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


class _Echo(logging.Handler):
    """Prints mkdocs' log records as short lines on stderr, the way the compiler prints."""

    def emit(self, record: logging.LogRecord) -> None:
        level = record.levelname.lower()
        prefix = "" if record.levelno < logging.WARNING else f"{level}: "
        click.echo(f"  {prefix}{record.getMessage()}", err=True)


@contextmanager
def _mkdocs_logging(level: int) -> Iterator[None]:
    """Show mkdocs' messages (and the plugin's, see compiler.mkdocs_plugin) from `level` up."""
    loggers = [logging.getLogger("mkdocs"), logging.getLogger("constitution")]
    handler = _Echo(level)
    saved = [(logger.level, logger.propagate) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(min(level, logging.INFO))
        logger.propagate = False
    try:
        yield
    finally:
        for logger, (old_level, old_propagate) in zip(loggers, saved, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(old_level)
            logger.propagate = old_propagate


def _load_config(config_file: Path, **options: Any) -> Any:
    """The mkdocs configuration, which must use the `constitution` plugin."""
    try:
        from mkdocs.config import load_config
        from mkdocs.exceptions import ConfigurationError
    except ImportError as err:
        raise click.ClickException(
            f"building the site needs mkdocs and mkdocs-material ({err})\n"
            "    hint: pip install 'constitution-compiler[site]' (or run scripts/setup.sh)"
        ) from err
    try:
        config = load_config(config_file=str(config_file), **options)
    except ConfigurationError as err:
        raise click.ClickException(f"{config_file}: {err}") from err
    if config.plugins.get("constitution") is None:
        raise click.ClickException(
            f"{config_file}: the site does not use the constitution plugin, so its pages would "
            "not show the compiled spec\n    hint: add it to the plugins: 'plugins: [search, constitution]'"
        )
    return config


def _shown(path: Path) -> str:
    """`path` relative to the current directory when it is below it, else absolute."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _progress(stage: str, message: str, started: float) -> None:
    click.echo(f"{stage:<9} {message} ({time.monotonic() - started:.2f}s)", err=True)


def _summary(result: CompileResult) -> str:
    spec = result.spec
    if spec is None:
        return "nothing compiled"
    counts = [
        (len(spec.chapters), "chapter"),
        (len(spec.sections), "section"),
        (len(spec.properties), "property"),
        (len(spec.constraints), "constraint"),
        (len(spec.definitions), "definition"),
        (len(spec.rationales), "rationale"),
    ]
    return ", ".join(f"{n} {word if n == 1 else _plural(word)}" for n, word in counts)


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


@click.command("build")
@config_option
@click.option(
    "--strict/--no-strict",
    default=None,
    help="Fail on any mkdocs warning (default: the config's `strict`).",
)
@format_option
def build_command(config_file: Path, strict: bool | None, fmt: str) -> None:
    """Compile and validate the spec, then build the site (default: mkdocs.yml -> site/).

    Prints one line per stage. On errors nothing is written and an earlier site is left as it was.
    """
    _quiet_mkdocs_notices()
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    config = _load_config(config_file, strict=strict)
    docs_dir = Path(config.docs_dir)
    shown = _shown(docs_dir)

    started = time.monotonic()
    result = compile_spec(docs_dir, validate_output=False)
    if not result.ok:
        report(result, fmt)
        click.echo(f"compile   {shown}: failed; the site was not built", err=True)
        sys.exit(1)
    _progress("compile", f"{shown} -> {_summary(result)}", started)

    started = time.monotonic()
    assert result.document is not None
    displays = {source.name: source.display for source in result.sources}
    problems = list(validate(result.document, lambda name: displays.get(name, name)))
    if has_errors(problems):
        result.diagnostics = sort_diagnostics([*result.diagnostics, *problems])
        result.document = None
        report(result, fmt)
        click.echo(
            "validate  the compiled JSON does not match the schema; the site was not built",
            err=True,
        )
        sys.exit(1)
    _progress("validate", f"constitution.json matches {SCHEMA_FILE}", started)
    if result.diagnostics:
        report(result, fmt)

    started = time.monotonic()
    plugin = config.plugins.get("constitution")
    if plugin is not None:
        plugin.use_result(docs_dir, result)
    target = Path(config.site_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    config.site_dir = str(staging)
    try:
        with _mkdocs_logging(logging.WARNING):
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        staging.chmod(0o755)
        _swap_in(staging, target)
    except MkDocsException as err:
        shutil.rmtree(staging, ignore_errors=True)
        click.echo(
            f"site      {err.format_message()}; {_shown(target)} was left as it was",
            err=True,
        )
        sys.exit(1)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    site = plugin.site if plugin is not None else None
    pages = len(site.chapters) + len(site.pages) if site is not None else 0
    _progress("site", f"{_shown(target)} -> {pages} {'page' if pages == 1 else 'pages'}", started)


def _swap_in(staging: Path, target: Path) -> None:
    """Replace `target` with `staging`: two renames, so `target` is never half-written."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        old.rmdir()
        os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, target)


@click.command("serve")
@config_option
@click.option(
    "-a",
    "--dev-addr",
    metavar="IP:PORT",
    default=None,
    help="Address to serve on (default: the config's dev_addr, 127.0.0.1:8000).",
)
@click.option("--open", "open_in_browser", is_flag=True, help="Open the preview in a browser.")
def serve_command(config_file: Path, dev_addr: str | None, open_in_browser: bool) -> None:
    """Preview the site on a local server; every save recompiles and reloads the page.

    Errors in the spec are printed here and shown at the top of every page until they are fixed;
    the server keeps running.
    """
    _quiet_mkdocs_notices()
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    _load_config(config_file)  # report a broken configuration before starting a server
    with _mkdocs_logging(logging.INFO):
        try:
            serve(
                config_file=str(config_file),
                livereload=True,
                dev_addr=dev_addr,
                open_in_browser=open_in_browser,
            )
        except MkDocsException as err:
            raise click.ClickException(err.format_message()) from err
