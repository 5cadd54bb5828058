"""`IdRegistry`: every id of the spec, where it was defined and what kind of node it names."""

from __future__ import annotations

from msgspec import Struct, field

from ..diagnostics import Diagnostic
from ..model import SourceSpan


class IdRegistry(Struct):
    """Every id of the spec, where it was defined and what kind of node it names."""

    kinds: dict[str, str] = field(default_factory=dict)
    places: dict[str, tuple[str, SourceSpan]] = field(default_factory=dict)

    def add(self, ident: str, kind: str, display: str, span: SourceSpan) -> Diagnostic | None:
        if ident in self.kinds:
            first_display, first = self.places[ident]
            return Diagnostic(
                "CC301",
                f"duplicate id '{ident}' (already the id of a {self.kinds[ident]})",
                display,
                span.line,
                span.column,
                hint=f"first defined at {first_display}:{first.line}; ids must be unique across the spec",
            )
        self.kinds[ident] = kind
        self.places[ident] = (display, span)
        return None
