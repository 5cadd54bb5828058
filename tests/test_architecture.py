"""The package's layering: the import contracts in pyproject.toml ([tool.importlinter]) hold, no
module imports the package root (whose ``__init__`` exposes the API, above every stage), and the
contract machinery does catch an upward import (checked on a throwaway package)."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports
from support.paths import REPO_ROOT


def _lint(project: Path) -> int:
    before = Path.cwd()
    os.chdir(project)  # import-linter reads its config, and finds the package, from here
    try:
        return lint_imports(
            config_filename=str(project / "pyproject.toml"), no_cache=True, no_logo=True
        )
    finally:
        os.chdir(before)


def test_the_import_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    code = _lint(REPO_ROOT)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 broken" in out and "4 kept" in out, out


def test_no_module_imports_the_package_root() -> None:
    graph = grimp.build_graph("compiler", exclude_type_checking_imports=True)
    importers = graph.find_modules_that_directly_import("compiler")
    assert not importers, f"import from compiler.about or the module itself: {sorted(importers)}"


def test_an_upward_import_breaks_the_layers_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "house"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("from house import high\n")  # the violation
    (package / "high.py").write_text("from house import low\n")
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.importlinter]
            root_package = "house"

            [[tool.importlinter.contracts]]
            name = "layers"
            type = "layers"
            layers = ["house.high", "house.low"]
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "house", raising=False)
    assert _lint(tmp_path) == 1
    assert "house.low is not allowed to import house.high" in capsys.readouterr().out
