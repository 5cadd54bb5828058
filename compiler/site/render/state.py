"""The renderer's state while it renders one page (`env["cc"]`)."""

from __future__ import annotations

from collections import deque

from msgspec import Struct, field

from ...model import Attributes
from .context import PageContext


class _State(Struct):
    """What the renderer keeps while it renders one page's tokens (`env["cc"]`)."""

    context: PageContext
    used_ids: set[str]
    """Every id the page has so far."""
    heading_ids: deque[str]
    """The ids of the headings still to come, in order (made from their titles when empty)."""
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    """(level, id, title) of each heading so far, for the table of contents."""
    open_headings: list[str] = field(default_factory=list)
    annotations: list[_Open] = field(default_factory=list)
    admonitions: list[bool] = field(default_factory=list)
    """For each open admonition: is it collapsible?"""
    pending_link_text: str | None = None
    link_depth: int = 0
    spans: list[str | None] = field(default_factory=list)
    """For each open span: its id, when it has a permalink."""
    last_closed: tuple[int, str] | None = None
    """Token index and kind of the annotation closed last."""
    closes: dict[int, int] | None = None
    """Annotation open token index -> its close token index (made on first use)."""
    column_labels: list[str] = field(default_factory=list)
    """The header cells' text of the table being rendered."""
    column: int = 0
    """The column of the next cell in the table's current row."""


class _Open(Struct):
    """An annotation open at this point of the page."""

    kind: str
    ident: str | None
    """Its id; None for one without (it has no permalink)."""
    attributes: Attributes
    tag: str = "div"
    """The block's element; "" for an annotation shown as part of its parent's block."""
    only_child: int | None = None
    """The token index of the one annotation this one holds and nothing else, if so."""
