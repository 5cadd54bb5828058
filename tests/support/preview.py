"""Build a site as a live preview (`constitution serve`) does: the spec's errors are shown on
the pages instead of stopping the build, so refused input reaches the pages and must stay inert."""

from __future__ import annotations

from pathlib import Path


def build_preview(config_file: Path) -> Path:
    """Build the project of `config_file` in preview mode; returns its site directory."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(config_file=str(config_file))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return Path(config.site_dir)
