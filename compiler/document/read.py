"""`from_json`: the model of a compiled document of any schema this version reads (1.x, 2.x,
3.x), chosen by the version in its ``$schema``; `read_pair`: two versions of one (a diff's
sides), the second sharing the first's nodes where their JSON is the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .model import SCHEMA_VERSION, Document, DocumentError

if TYPE_CHECKING:
    from .v2 import Earlier


def from_json(data: Mapping[str, Any]) -> Document:
    """The model of a compiled document of schema 2.0.0 or 1.x (assumed valid against its
    schema); `DocumentError` for anything else."""
    return _read(data, None)


def read_pair(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Document, Document]:
    """The models of two versions of a document, as `from_json` reads each: when both are of
    schema 2.x or 3.x, each node of `new` whose JSON is that of the node of `old` with its id is
    that node (and blocks of the same JSON are the same blocks), so what did not change is made
    once (comparing JSON costs a fraction of making the model from it)."""
    old_doc = _read(old, None)
    if _major(old) not in _V2 or not isinstance(new, Mapping) or _major(new) not in _V2:
        return old_doc, _read(new, None)
    from .v2 import Earlier

    return old_doc, _read(new, Earlier(old["nodes"], old_doc))


#: The major versions of the schemas the 2.x reader reads (3.0.0 adds conversation blocks and
#: the example kinds).
_V2 = ("2", "3")


def _version(data: Mapping[str, Any]) -> re.Match[str] | None:
    """The schema version in the document's ``$schema`` (group 1), or None."""
    schema = data.get("$schema")
    return SCHEMA_VERSION.search(schema) if isinstance(schema, str) else None


def _major(data: Mapping[str, Any]) -> str | None:
    found = _version(data)
    return found[1].split(".", 1)[0] if found is not None else None


def _read(data: Mapping[str, Any], earlier: Earlier | None) -> Document:
    if not isinstance(data, Mapping):
        raise DocumentError("a compiled document is a JSON object")
    found = _version(data)
    if found is None:
        raise DocumentError(f"not a compiled constitution: $schema is {data.get('$schema')!r}")
    schema = found.string
    major = found[1].split(".", 1)[0]
    # The readers are imported when a document is read: compiling (`constitution check`, the
    # build) never reads one, and their import is a tenth of a check's start-up.
    from .v1 import from_v1
    from .v2 import from_v2

    try:
        if major in _V2:
            return from_v2(data, str(schema), earlier)
        if major == "1":
            return from_v1(data, str(schema))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        if isinstance(err, DocumentError):
            raise
        raise DocumentError(
            f"the document does not follow schema {found[1]}: {type(err).__name__} {err}"
        ) from err
    raise DocumentError(f"schema version {found[1]} is not one this version reads (1.x, 2.x, 3.x)")
