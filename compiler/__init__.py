"""constitution-compiler: annotated Markdown constitutions compiled to a validated JSON spec,
a documentation site and versioned, diffable releases.

The package is laid out by stage, each layer importing only the ones below it: the adapters
(`cli`, `mkdocs`), then `site`, `release`, `diff`, the library (`api`), the `pipeline` and its
stages (`examples`, `checks`, `emit`, `extract`), the typed model (`document`), the `grammar`,
and the read (`reader`, `syntax`, `spec_files`) over `diagnostics` and `model`. README.md
(Development) says what each holds; pyproject.toml's ``[tool.importlinter]`` holds the contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The library API (compiler/api.py) is imported on first use, so `import compiler` stays cheap.
__all__ = [
    "CompileError",
    "Constitution",
    "Precedence",
    "UnknownIdError",
    "__version__",
    "load",
    "loads",
]

if TYPE_CHECKING:
    from .about import __version__
    from .api import CompileError, Constitution, Precedence, UnknownIdError, load, loads


def __getattr__(name: str) -> Any:
    if name == "__version__":  # compiler/about.py, which every stage may import
        from .about import __version__

        return __version__
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'compiler' has no attribute {name!r}")
