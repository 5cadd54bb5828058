"""`from_json`: the model of a compiled document of any schema this version reads (1.x, 2.x,
3.x), chosen by the version in its ``$schema``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import SCHEMA_VERSION, Document, DocumentError


def from_json(data: Mapping[str, Any]) -> Document:
    """The model of a compiled document of schema 2.0.0 or 1.x (assumed valid against its
    schema); `DocumentError` for anything else."""
    if not isinstance(data, Mapping):
        raise DocumentError("a compiled document is a JSON object")
    schema = data.get("$schema")
    found = SCHEMA_VERSION.search(schema) if isinstance(schema, str) else None
    if found is None:
        raise DocumentError(f"not a compiled constitution: $schema is {schema!r}")
    major = found[1].split(".", 1)[0]
    # The readers are imported when a document is read: compiling (`constitution check`, the
    # build) never reads one, and their import is a tenth of a check's start-up.
    from .v1 import from_v1
    from .v2 import from_v2

    try:
        if major in ("2", "3"):  # 3.0.0 adds conversation blocks and the example kinds
            return from_v2(data, str(schema))
        if major == "1":
            return from_v1(data, str(schema))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        if isinstance(err, DocumentError):
            raise
        raise DocumentError(
            f"the document does not follow schema {found[1]}: {type(err).__name__} {err}"
        ) from err
    raise DocumentError(f"schema version {found[1]} is not one this version reads (1.x, 2.x, 3.x)")
