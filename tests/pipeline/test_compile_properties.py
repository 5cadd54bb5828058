"""Property-based: arbitrary text either compiles (to schema-valid JSON) or yields diagnostics;
nothing else happens. The fuzzing issue extends this; this is the compiler's basic contract.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.diagnostics import CODES
from compiler.emit import schema
from compiler.pipeline import compile_spec

FRAGMENTS = st.sampled_from(
    [
        "# Title {#t}\n",
        "## Sub {#s .c k=v}\n",
        "::: property {#p rank=1}\n**P**: text\n:::\n",
        "::: priority {#o mode=holistic}\nOrder.\n:::\n",
        "::: constraint {#c concerns=p}\nNever.\n:::\n",
        "::: definition {#d term=x}\nMeans.\n:::\n",
        "::: rationale {#r justifies=p}\nBecause.\n:::\n",
        ':::: priority {#q mode=strict order="p"}\n',
        "::::\n",
        ":::\n",
        "[link](#p)\n",
        "<b>html</b>\n",
        "---\ntitle: x\n---\n",
        "{#\n",
        "\n",
        "- item\n  - nested\n",
        "> quote\n",
        "```\ncode\n```\n",
    ]
)
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=12).map("".join)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_text_compiles_or_gives_diagnostics(tmp_path: Path, text: str) -> None:
    path = tmp_path / "spec.md"
    path.write_text(text, "utf-8", newline="")
    result = compile_spec(path)
    if result.ok:
        assert result.document is not None
        jsonschema.Draft202012Validator(schema()).validate(result.document)
    else:
        assert result.document is None
        assert result.diagnostics
    # A lone CR ends a line too (CommonMark); the reader turns CRLF and CR into LF.
    lines = max(text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1, 1)
    for diagnostic in result.diagnostics:
        assert diagnostic.code in CODES
        assert 1 <= diagnostic.line <= lines + 1, diagnostic.format()
        assert diagnostic.column >= 1
        assert diagnostic.message
