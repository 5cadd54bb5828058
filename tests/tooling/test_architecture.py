"""The package's layering: the import contracts in pyproject.toml ([tool.importlinter]) hold, no
module imports the package root (whose ``__init__`` exposes the API, above every stage), and the
contract machinery does catch an upward import (checked on a throwaway package)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import grimp
from support.paths import REPO_ROOT

#: In its own process: import-linter's command configures logging (dictConfig), which would
#: silence the loggers of every test after this one.
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=project,  # where it reads pyproject.toml
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_contracts_hold() -> None:
    result = _lint(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "4 kept" in result.stdout, result.stdout


def _contracts() -> list[dict[str, object]]:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return contracts


def test_the_contracts_list_no_exception() -> None:
    excepted = {c["id"]: c["ignore_imports"] for c in _contracts() if "ignore_imports" in c}
    assert excepted == {}, f"an import that crosses a layer is moved, not listed: {excepted}"


def test_the_layers_name_every_package_and_module_once() -> None:
    (layers,) = [c["layers"] for c in _contracts() if c["id"] == "layers"]
    assert isinstance(layers, list)
    named = [name.strip() for layer in layers for name in layer.split("|")]
    package = REPO_ROOT / "compiler"
    present = sorted(
        f"compiler.{path.stem}"
        for path in package.iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").is_file()
    )
    assert sorted(named) == present, "each module and package of compiler/ sits in one layer"


def test_no_module_imports_the_package_root() -> None:
    graph = grimp.build_graph("compiler", exclude_type_checking_imports=True)
    importers = graph.find_modules_that_directly_import("compiler")
    assert not importers, f"import from compiler.about or the module itself: {sorted(importers)}"


def test_an_upward_import_breaks_the_layers_contract(tmp_path: Path) -> None:
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
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "house.low is not allowed to import house.high" in result.stdout


#: The built-in kinds' names (`compiler/grammar/default.yaml`) and the example kinds'.
KIND_NAMES = frozenset(
    ("section", "property", "priority", "constraint", "definition", "rationale", "reference")
) | {"example", "prompt"}
#: Where one of those words is a literal for another reason, and which reason.
NOT_A_KIND = {
    ("compiler/document/v1.py", "section"): "the JSON key of a node's enclosing section",
    ("compiler/document/v2.py", "section"): "the JSON key of a node's enclosing section",
    ("compiler/document/write.py", "section"): "the JSON key of a node's enclosing section",
    ("compiler/grammar/schema_parts.py", "section"): "the JSON Schema of that key",
    ("compiler/grammar/schema.py", "reference"): "the JSON Schema's $defs name",
    ("compiler/diff/differ.py", "section"): "the diff's field name for a node's section",
    ("compiler/diff/rules.py", "section"): "the diff's field name for a node's section",
    ("compiler/grammar/types.py", "reference"): "a field type (FieldType.REFERENCE)",
    ("compiler/grammar/types.py", "example"): "a form (Form.EXAMPLE)",
    ("compiler/grammar/examples.py", "example"): "the example kinds' table itself",
    ("compiler/grammar/examples.py", "prompt"): "the example kinds' table itself",
    ("compiler/examples/export.py", "example"): "the JSONL record's type",
    ("compiler/examples/export.py", "prompt"): "the JSONL record's type",
    ("compiler/links.py", "section"): "the slug of an empty title",
    ("compiler/checks.py", "section"): "a hint's example id",
    ("compiler/syntax/dispatch.py", "reference"): "markdown-it's rule for reference definitions",
}


def test_a_kind_is_named_in_the_kinds_table_and_nowhere_else() -> None:
    """Issue 11: adding a kind means adding an entry to the table, so no module names one (a
    docstring may; a word that is a JSON key, a form or a field type is listed above)."""
    import ast

    found = set()
    for path in sorted((REPO_ROOT / "compiler").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and node.value in KIND_NAMES
                and id(node) not in docstrings
            ):
                found.add((path.relative_to(REPO_ROOT).as_posix(), node.value))
    assert found - NOT_A_KIND.keys() == set()
    assert NOT_A_KIND.keys() - found == set()  # the list stays exact


MODULE_LINES = 520
"""Issue 11: no module of the package longer than about 500 lines..."""
CLASS_LINES = 210
"""...and no class longer than about 200."""


def test_modules_and_classes_stay_small() -> None:
    import ast

    too_long = []
    for path in sorted((REPO_ROOT / "compiler").rglob("*.py")):
        source = path.read_text("utf-8")
        name = path.relative_to(REPO_ROOT).as_posix()
        if source.count("\n") > MODULE_LINES:
            too_long.append(f"{name}: {source.count(chr(10))} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > CLASS_LINES:
                    too_long.append(f"{name}: class {node.name}, {lines} lines")
    assert too_long == []
