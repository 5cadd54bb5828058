"""Code blocks as mkdocs-material styles them, highlighted at build time by Pygments."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .html import escape


@lru_cache(maxsize=64)
def _lexer(language: str) -> Any:
    from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
    from pygments.util import ClassNotFound  # type: ignore[import-untyped]

    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


@lru_cache(maxsize=512)
def _token_class(token_type: Any) -> str:
    """Pygments' short CSS class for a token type (the one mkdocs-material's theme colours)."""
    from pygments.token import STANDARD_TYPES  # type: ignore[import-untyped]

    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    return str(STANDARD_TYPES[token_type])


def _highlight(code: str, lexer: Any) -> str:
    """Pygments' tokens as `<span class=...>` runs: one span per run of a class, whitespace
    folded into the run around it. The classes and colours are Pygments' own; the page has a
    fraction of the tags its HtmlFormatter writes, for the browser and the search indexer."""
    parts: list[str] = []
    run: list[str] = []
    run_class = ""
    for token_type, value in lexer.get_tokens(code):
        css = _token_class(token_type)
        if css != run_class and not value.isspace():
            if run:
                text = escape("".join(run))
                parts.append(f'<span class="{run_class}">{text}</span>' if run_class else text)
            run, run_class = [], "" if css == "w" else css
        run.append(value)
    if run:
        text = escape("".join(run))
        parts.append(f'<span class="{run_class}">{text}</span>' if run_class else text)
    return "".join(parts)


def highlight_code(code: str, language: str, colour: bool = True) -> str:
    """A code block as mkdocs-material styles it; with `colour`, highlighted at build time by
    Pygments (no script needed)."""
    lang_class = f"language-{escape(language)} " if language else ""
    lexer = _lexer(language.lower()) if language and colour else None
    inner = escape(code) if lexer is None else _highlight(code, lexer)
    return (
        f'<div class="{lang_class}highlight"><pre><span></span><code>{inner}</code></pre></div>\n'
    )
