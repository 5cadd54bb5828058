"""`constitution build` and `constitution serve`: click adapters over mkdocs and the compiler.

`build` compiles, validates, then builds the site into a fresh directory beside the old one and
swaps it in only on success; `serve` is mkdocs' live preview with the `constitution` plugin.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from ..collector import without_cycle_collection
from ..diagnostics import Diagnostic, escape_controls, has_errors, render, sort_diagnostics
from ..emit import SCHEMA_FILE, validate
from ..fsutil import StagedDirectory, remove_stale, write_failure
from ..grammar.types import Form
from ..pipeline import CompileResult, compile_spec
from ..site.build import MARKER, MARKER_TEXT, record_path, site_dir_refusal, write_record
from ..versions import VersionError, source_date_epoch
from .compile import format_option, grammar_option, report

#: What the `site` extra brings: module -> distribution.
SITE_EXTRA = {"mkdocs": "mkdocs", "material": "mkdocs-material"}

config_option = click.option(
    "-f",
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default="mkdocs.yml",
    show_default=True,
    help="The mkdocs configuration; its docs_dir is the spec.",
)


class UsageProblem(click.ClickException):
    """A problem with how the command was run or installed: exit 2, with a code and a hint."""

    exit_code = 2


def _prepare_site_build() -> None:
    """Refuse, before anything runs, an install without the `site` extra and a
    $SOURCE_DATE_EPOCH that mkdocs would crash on or misread."""
    # mkdocs-material prints a banner about its future on import unless this is set.
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    missing = []
    for module, distribution in SITE_EXTRA.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(distribution)
    if missing:
        raise UsageProblem(
            f"CC519 building the site needs {' and '.join(missing)}, which are not installed\n"
            "    hint: install the site extra: pip install 'constitution-compiler[site]' "
            "(or run scripts/setup.sh)"
        )
    try:
        source_date_epoch()
    except VersionError as err:
        raise UsageProblem(f"{err.code} {err.message}\n    hint: {err.hint}") from err


class _Echo(logging.Handler):
    """Prints mkdocs' log records as short lines on stderr, the way the compiler prints."""

    def emit(self, record: logging.LogRecord) -> None:
        level = record.levelname.lower()
        prefix = "" if record.levelno < logging.WARNING else f"{level}: "
        click.echo(f"  {prefix}{record.getMessage()}", err=True)


@contextmanager
def _mkdocs_logging(level: int) -> Iterator[None]:
    """Show mkdocs' messages (and the plugin's, see compiler.mkdocs.plugin) from `level` up."""
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
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

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
    # The message names kinds and paths from the input: shown escaped, like every diagnostic.
    click.echo(
        f"{stage:<9} {escape_controls(message)} ({time.monotonic() - started:.2f}s)", err=True
    )


def _summary(result: CompileResult) -> str:
    model = result.model
    if model is None:
        return "nothing compiled"
    counts = [(len(result.chapters), "chapter", "chapters")]
    counts += [
        (len(nodes), kind.label.lower(), kind.plural.lower())
        for kind in model.kinds.values()
        if kind.form is not Form.LINK
        and ((nodes := model.of_kind(kind.name)) or (kind.builtin and kind.order is None))
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in counts)


@click.command("build")
@config_option
@click.option(
    "--strict/--no-strict",
    default=None,
    help="Fail on any mkdocs warning (default: the config's `strict`).",
)
@grammar_option
@format_option
# The whole build keeps what it makes (the compile's tokens, mkdocs' pages and nav) until it
# ends: the cycle collector, run again and again over it, would free almost nothing.
@without_cycle_collection
def build_command(config_file: Path, strict: bool | None, grammar: Path | None, fmt: str) -> None:
    """Compile and validate the spec, then build the site (default: mkdocs.yml -> site/).

    Prints one line per stage. On errors nothing is written and an earlier site is left as it was.
    `--grammar` reads the kinds from that file, instead of the plugin's `grammar` option or the
    spec's constitution.yaml.

    The site directory (the config's site_dir) must lie inside the directory of the config, and
    is replaced only when it is missing, empty or a site this command built; a file, a link, a
    device or a directory of other files is refused (CC510, CC511).
    """
    _prepare_site_build()
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    config = _load_config(config_file, strict=strict)
    docs_dir = Path(config.docs_dir)
    shown = _shown(docs_dir)
    target = Path(config.site_dir)
    refusal = site_dir_refusal(config_file, target)
    if refusal is not None:
        _fail([refusal], fmt, f"site      {_shown(target)} was left as it was")

    plugin = config.plugins.get("constitution")
    if grammar is not None and plugin is not None:
        plugin.config.grammar = str(grammar.resolve())  # instead of the config's, if it names one
    grammar_file = plugin.config.grammar if plugin is not None else None

    started = time.monotonic()
    # Compiled under the path as shown, so that diagnostics name files as `check` does.
    result = compile_spec(Path(shown), validate_output=False, grammar_file=grammar_file)
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
    if plugin is not None:
        plugin.use_result(docs_dir, result)
    left = f"site      {_shown(target)} was left as it was"
    writing: Path | str = target.parent
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(target, MARKER)
        staged = StagedDirectory(target, MARKER, MARKER_TEXT)
    except OSError as err:
        _fail([write_failure(writing, err).diagnostic], fmt, left)
    config.site_dir = str(staged.path)
    try:
        with _mkdocs_logging(logging.WARNING):
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        writing = record_path(target)
        write_record(target, staged.path)
        writing = target
        staged.swap_in()
        # The marker kept a killed build's directory recognisable; the site is published whole,
        # so it leaves now (the record beside the site says whose it is).
        (target / MARKER).unlink(missing_ok=True)
    except MkDocsException as err:
        staged.discard()
        click.echo(
            f"site      {err.format_message()}; {_shown(target)} was left as it was", err=True
        )
        sys.exit(1)
    except OSError as err:
        staged.discard()
        _fail([write_failure(err.filename or writing, err).diagnostic], fmt, left)
    except BaseException:
        staged.discard()
        raise
    finally:
        staged.close()
    site = plugin.site if plugin is not None else None
    pages = len(site.chapters) + len(site.pages) if site is not None else 0
    _progress("site", f"{_shown(target)} -> {pages} {'page' if pages == 1 else 'pages'}", started)


def _fail(problems: list[Diagnostic], fmt: str, line: str) -> NoReturn:
    text = render(problems, fmt)
    click.echo(text or "[]\n", err=True, nl=False)
    click.echo(line, err=True)
    sys.exit(1)


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
    _prepare_site_build()
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
