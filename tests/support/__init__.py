"""Helpers shared by the test suite: prerequisites, a local HTTP server, Chromium and ajv-cli.

Fixtures built on these live in ``tests/conftest.py``; test modules import helpers with
``from support import ...`` (pytest puts ``tests/`` on ``sys.path``).
"""

from support.ajv import AjvCli, compile_schema, find_ajv, run_ajv
from support.browser import (
    CHROMIUM_ARGS,
    block_other_hosts,
    collect_page_errors,
    find_chromium,
    launch_chromium,
)
from support.paths import REPO_ROOT, find_corpus_dir
from support.prereqs import is_required, missing
from support.serve import serve_directory

__all__ = [
    "CHROMIUM_ARGS",
    "REPO_ROOT",
    "AjvCli",
    "block_other_hosts",
    "collect_page_errors",
    "compile_schema",
    "find_ajv",
    "find_chromium",
    "find_corpus_dir",
    "is_required",
    "launch_chromium",
    "missing",
    "run_ajv",
    "serve_directory",
]
