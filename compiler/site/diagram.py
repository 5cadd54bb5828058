"""The priority diagram: the properties in priority order, drawn at build time as inline SVG.

No script and no external file: colours come from the page's CSS, so the diagram follows the light
and dark palettes, and each box links to its property.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct

from .render import escape, shorten

WIDTH = 520
BOX_HEIGHT = 52
GAP = 30
MARGIN = 8
BRACKET = 84
"""Room on the right for the bracket that says how the priorities combine."""
TITLE_CHARS = 60
"""Longer titles are cut (the whole title is the box's tooltip)."""
TITLE_SIZE = 16
CHAR_WIDTH = 0.56 * TITLE_SIZE
"""An average bold sans-serif character, to tell when a title needs squeezing into its box."""

MODE_LABELS = {
    "holistic": ("weighed", "together"),
    "strict": ("strict", "order"),
}
ARROW_LABELS = {
    "holistic": "generally dominates",
    "strict": "always precedes",
}


class DiagramItem(Struct, frozen=True):
    """One box: a property's id, title, rank, and where its box links to."""

    ident: str
    title: str
    rank: int
    href: str


def priority_diagram(items: Sequence[DiagramItem], mode: str, label: str) -> str:
    """An SVG (as a string) of `items`, highest priority first, for a priority of `mode`."""
    count = len(items)
    box_width = WIDTH - 2 * MARGIN - BRACKET
    height = 2 * MARGIN + count * BOX_HEIGHT + max(count - 1, 0) * GAP
    arrow = ARROW_LABELS.get(mode, "precedes")
    order = ", then ".join(f"{item.rank}. {item.title}" for item in items)
    desc = f"{mode.capitalize() or 'Priority'} priority, highest first: {order}."
    parts = [
        f'<svg class="cc-diagram cc-diagram--{escape(mode)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{escape(label)}-title '
        f'{escape(label)}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(label)}-title">Priority order ({escape(mode)})</title>',
        f'<desc id="{escape(label)}-desc">{escape(desc)}</desc>',
        f'<defs><marker id="{escape(label)}-arrow" viewBox="0 0 10 10" refX="5" refY="9" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path class="cc-diagram__arrowhead" d="M0,0 L10,0 L5,10 z"/></marker></defs>',
    ]
    for position, item in enumerate(items):
        top = MARGIN + position * (BOX_HEIGHT + GAP)
        middle = top + BOX_HEIGHT / 2
        title = shorten(item.title, TITLE_CHARS)
        room = box_width - 56 - 12
        # Squeeze a title that would overflow its box (lengthAdjust keeps it on one line).
        fit = (
            f' textLength="{room}" lengthAdjust="spacingAndGlyphs"'
            if len(title) * CHAR_WIDTH > room
            else ""
        )
        parts.append(
            f'<a href="{escape(item.href)}" class="cc-diagram__item">'
            f"<title>{escape(f'{item.rank}. {item.title}')}</title>"
            f'<rect class="cc-diagram__box" x="{MARGIN}" y="{top}" width="{box_width}" '
            f'height="{BOX_HEIGHT}" rx="8"/>'
            f'<circle class="cc-diagram__badge" cx="{MARGIN + 28}" cy="{middle:g}" r="15"/>'
            f'<text class="cc-diagram__rank" x="{MARGIN + 28}" y="{middle:g}" '
            f'text-anchor="middle" dominant-baseline="central">{item.rank}</text>'
            f'<text class="cc-diagram__title" x="{MARGIN + 56}" y="{middle:g}" '
            f'dominant-baseline="central"{fit}>{escape(title)}</text></a>'
        )
        if position + 1 < count:
            x = MARGIN + 28
            parts.append(
                f'<line class="cc-diagram__arrow" x1="{x}" y1="{top + BOX_HEIGHT + 3}" '
                f'x2="{x}" y2="{top + BOX_HEIGHT + GAP - 5}" '
                f'marker-end="url(#{escape(label)}-arrow)"/>'
                f'<text class="cc-diagram__note" x="{x + 16}" '
                f'y="{top + BOX_HEIGHT + GAP / 2:g}" dominant-baseline="central">{arrow}</text>'
            )
    if count > 1:
        left = MARGIN + box_width + 14
        top, bottom = MARGIN + 4, height - MARGIN - 4
        first, second = MODE_LABELS.get(mode, (mode, ""))
        dash = ' stroke-dasharray="6 5"' if mode == "holistic" else ""
        parts.append(
            f'<path class="cc-diagram__bracket" d="M{left},{top} h10 V{bottom} h-10"{dash}/>'
            f'<text class="cc-diagram__mode" x="{left + 20}" y="{height / 2 - 9:g}" '
            f'dominant-baseline="central">{escape(first)}</text>'
            f'<text class="cc-diagram__mode" x="{left + 20}" y="{height / 2 + 9:g}" '
            f'dominant-baseline="central">{escape(second)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
