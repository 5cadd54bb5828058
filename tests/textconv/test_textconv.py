"""`compiler.textconv` on the typed model: a release of schema 1.0.0 and the same content written
as 2.0.0 render alike (but for the schema line), each node with its own text and typed fields."""

from __future__ import annotations

import json
from pathlib import Path

from compiler.document import from_json, to_json
from compiler.textconv import render


def test_both_schemas_render_alike(repo_root: Path) -> None:
    released = json.loads((repo_root / "releases" / "1.0.0.json").read_text("utf-8"))
    old = render(from_json(released)).splitlines()
    new = render(from_json(to_json(from_json(released)))).splitlines()
    assert [line for line in old if "schema:" not in line] == [
        line for line in new if "schema:" not in line
    ]
    assert "  schema: https://constitution-compiler.dev/schemas/constitution/1.0.0/" in "\n".join(
        old
    )
    text = "\n".join(old)
    # Typed fields as written, in the kind's order, and each node's words once.
    assert "priority core-priority\n  mode: holistic\n  order: broadly-safe > " in text
    assert "constraint hard-constraints\n  kind: hard\n  concerns: broadly-safe " in text
    first = "We take this approach for two main reasons."
    assert text.count(first) == 1
