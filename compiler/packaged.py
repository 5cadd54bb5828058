"""The JSON Schemas the package ships in ``compiler/schemas/`` (the published ones in
``schemas/published/``), read by file name, once per process.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).with_name("schemas")
"""Read beside this module, not through importlib.resources: importing that (tempfile, shutil,
zipfile) costs a tenth of the start-up of `constitution check`."""


@cache
def packaged_schema(file_name: str) -> dict[str, Any]:
    """A JSON Schema shipped in the package's `schemas/` directory (``published/NAME`` for a
    published one). Cached: callers read it and never change it."""
    loaded: dict[str, Any] = json.loads(SCHEMAS.joinpath(file_name).read_text("utf-8"))
    return loaded
