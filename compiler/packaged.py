"""The JSON Schemas the package ships in ``compiler/schemas/`` (the published ones in
``schemas/published/``), read by file name, once per process.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def packaged_schema(file_name: str) -> dict[str, Any]:
    """A JSON Schema shipped in the package's `schemas/` directory (``published/NAME`` for a
    published one). Cached: callers read it and never change it."""
    text = resources.files("compiler").joinpath("schemas", file_name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
