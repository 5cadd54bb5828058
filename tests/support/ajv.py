"""Run the locally installed ajv-cli (``npm ci`` puts it in node_modules) as an independent check
of JSON Schema 2020-12 documents and of data against them, in strict mode with ajv-formats."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from support.paths import REPO_ROOT
from support.prereqs import missing

NODE_ENV = "CONSTITUTION_REQUIRE_NODE"

BASE_ARGS: tuple[str, ...] = ("--spec=draft2020", "--strict=true", "-c", "ajv-formats")
"""Flags every call shares: draft 2020-12, strict mode, and the ajv-formats plugin."""


@dataclass(frozen=True, slots=True)
class AjvCli:
    """A located ajv-cli; the methods return the finished process and never raise on exit code."""

    executable: Path
    """node_modules/.bin/ajv of the checkout."""
    cwd: Path
    """Where ajv runs, so that ``-c ajv-formats`` resolves from the checkout's node_modules."""
    timeout: float = 120.0
    """Seconds before a hung ajv is killed (subprocess.TimeoutExpired)."""

    def validate(
        self,
        schema_path: str | Path,
        data_paths: str | Path | Iterable[str | Path],
        *,
        refs: Sequence[str | Path] = (),
    ) -> subprocess.CompletedProcess[str]:
        """``ajv validate``: exit 0 only if the schema compiles and every data file is valid.

        ``refs`` are extra schemas that ``schema_path`` refers to by ``$id`` (``-r``).
        Errors are printed as JSON on stderr, all of them (``--all-errors``).
        """
        paths = [data_paths] if isinstance(data_paths, str | Path) else list(data_paths)
        if not paths:
            raise ValueError("run_ajv: no data files given")
        args = ["validate", *BASE_ARGS, "--all-errors", "--errors=json", "-s", str(schema_path)]
        args += _each("-r", refs) + _each("-d", paths)
        return self._run(args)

    def compile(
        self, schema_path: str | Path, *, refs: Sequence[str | Path] = ()
    ) -> subprocess.CompletedProcess[str]:
        """``ajv compile``: exit 0 only if the schema is valid and compiles in strict mode."""
        args = ["compile", *BASE_ARGS, "-s", str(schema_path), *_each("-r", refs)]
        return self._run(args)

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.executable), *args],
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=self.timeout,
            check=False,
        )


def _each(flag: str, paths: Iterable[str | Path]) -> list[str]:
    return [part for path in paths for part in (flag, str(Path(path).resolve()))]


def find_ajv(repo_root: Path = REPO_ROOT) -> AjvCli | None:
    """The checkout's ajv-cli, or None when node_modules or node itself is missing."""
    executable = repo_root / "node_modules" / ".bin" / "ajv"
    formats = repo_root / "node_modules" / "ajv-formats"
    if executable.exists() and formats.is_dir() and shutil.which("node"):
        return AjvCli(executable=executable, cwd=repo_root)
    return None


def require_ajv(repo_root: Path = REPO_ROOT) -> AjvCli:
    """The checkout's ajv-cli; skips the test locally, fails it in CI, when it is missing."""
    ajv = find_ajv(repo_root)
    if ajv is None:
        missing(
            f"ajv-cli or ajv-formats is not installed in {repo_root / 'node_modules'}"
            + ("" if shutil.which("node") else ", and node is not on PATH"),
            env_var=NODE_ENV,
            fix="scripts/setup.sh --test (runs npm ci)",
        )
    return ajv


def run_ajv(
    schema_path: str | Path,
    data_paths: str | Path | Iterable[str | Path],
    *,
    refs: Sequence[str | Path] = (),
) -> subprocess.CompletedProcess[str]:
    """``ajv validate --spec=draft2020 --strict=true -c ajv-formats -s SCHEMA -d DATA...``."""
    return require_ajv().validate(schema_path, data_paths, refs=refs)


def compile_schema(
    schema_path: str | Path, *, refs: Sequence[str | Path] = ()
) -> subprocess.CompletedProcess[str]:
    """``ajv compile --spec=draft2020 --strict=true -c ajv-formats -s SCHEMA``."""
    return require_ajv().compile(schema_path, refs=refs)
