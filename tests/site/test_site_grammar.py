"""`constitution build --grammar FILE` and the plugin's `grammar` option: the site is built from
the kinds and fields a declarations file outside the spec gives, as `compile --grammar` reads
them; the option beats the spec's own constitution.yaml, and a broken file fails the build with
its diagnostics and leaves the earlier site as it was."""

from __future__ import annotations

import os
from pathlib import Path

from test_site_build import TEST_CONFIG, build, make_project

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

CHAPTER = """\
# Values {#values}

::: property {#honest rank=1}
**Honest**: be honest.
:::
"""
#: Renames the built-in kind's page, which the default grammar calls "Core values".
GRAMMAR = "kinds:\n  property:\n    page: {title: Our values, view: order}\n"
OWN = "kinds:\n  property:\n    page: {title: Own values, view: order}\n"


def kind_pages(site: Path) -> set[str]:
    """The pages of the site that the grammar names (the built-in kind's page is core-values)."""
    return {p.name for p in site.iterdir() if p.name in {"core-values", "our-values", "own-values"}}


def titles(site: Path) -> str:
    return (site / "index.html").read_text("utf-8")


def test_build_reads_the_grammar_named_on_the_command_line(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"01-values.md": CHAPTER, "constitution.yaml": OWN})
    (tmp_path / "grammar.yaml").write_text(GRAMMAR, "utf-8")
    result = build(config)
    assert result.exit_code == 0, result.output
    assert kind_pages(tmp_path / "site") == {"own-values"}
    result = build(config, "--grammar", str(tmp_path / "grammar.yaml"))
    assert result.exit_code == 0, result.output
    assert kind_pages(tmp_path / "site") == {"our-values"}
    home = titles(tmp_path / "site")
    assert "Our values" in home and "Own values" not in home


def test_the_plugin_option_names_a_file_beside_mkdocs_yml(tmp_path: Path) -> None:
    options = TEST_CONFIG.replace(
        "  - constitution\n", "  - constitution:\n      grammar: grammar.yaml\n"
    )
    config = make_project(tmp_path, {"01-values.md": CHAPTER}, options)
    (tmp_path / "grammar.yaml").write_text(GRAMMAR, "utf-8")
    result = build(config)
    assert result.exit_code == 0, result.output
    assert kind_pages(tmp_path / "site") == {"our-values"}
    assert "Our values" in titles(tmp_path / "site")
    # The command line's file wins over the option's.
    (tmp_path / "other.yaml").write_text(OWN, "utf-8")
    result = build(config, "--grammar", str(tmp_path / "other.yaml"))
    assert result.exit_code == 0, result.output
    assert kind_pages(tmp_path / "site") == {"own-values"}


def test_a_broken_grammar_fails_the_build_and_keeps_the_site(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"01-values.md": CHAPTER})
    assert build(config).exit_code == 0
    before = titles(tmp_path / "site")
    (tmp_path / "grammar.yaml").write_text("kinds:\n  property:\n    label: [not, a, label]\n")
    result = build(config, "--grammar", str(tmp_path / "grammar.yaml"))
    assert result.exit_code == 1, result.output
    assert "grammar.yaml:3:" in result.output
    assert "the site was not built" in result.output
    assert titles(tmp_path / "site") == before


def test_a_grammar_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    config = make_project(tmp_path, {"01-values.md": CHAPTER})
    result = build(config, "--grammar", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert "missing.yaml" in result.output
