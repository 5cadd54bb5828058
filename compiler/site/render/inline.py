"""Links (resolved across the site's pages), text and images."""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from ...links import is_external, safe_href
from .context import PageContext
from .html import escape
from .state import _State


class InlineRules(RendererHTML):
    """Links, text and images: nothing from the source reaches the page unescaped."""

    # --- links and images -----------------------------------------------------------------------

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state: _State = env["cc"]
        token = tokens[idx]
        href = str(token.attrs.get("href", ""))
        state.link_depth += 1
        url, target = resolve_link(href, state.context)
        attrs = ""
        if url is not None:
            attrs += f' href="{escape(url)}"'
        title = token.attrs.get("title")
        node = state.context.index.nodes.get(target) if target else None
        if node is not None and node.tooltip:
            attrs += f' title="{escape(node.tooltip)}" class="cc-ref cc-ref--{node.kind}"'
        elif title:
            attrs += f' title="{escape(str(title))}"'
        if url is not None and is_external(url):
            attrs += ' rel="noopener"'
        if (
            target is not None
            and idx + 2 < len(tokens)
            and tokens[idx + 1].type == "text"
            and tokens[idx + 1].content.strip() == "?"
            and tokens[idx + 2].type == "link_close"
        ):
            # `[?](#id)` is a placeholder for the target's name.
            state.pending_link_text = state.context.index.title(target)
        return f"<a{attrs}>"

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state: _State = env["cc"]
        state.link_depth = max(0, state.link_depth - 1)
        return "</a>"

    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state: _State = env["cc"]
        if state.pending_link_text is not None:
            replacement, state.pending_link_text = state.pending_link_text, None
            return escape(replacement)
        return escape(tokens[idx].content)

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state: _State = env["cc"]
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children, options, env)
        src = str(token.attrs.get("src", ""))
        url, _ = resolve_link(src, state.context)
        if url is None or is_external(url):
            # A remote image would be fetched by every reader's browser: link to it instead.
            if url is None or state.link_depth:
                return escape(alt)
            return f'<a class="cc-remote-image" href="{escape(url)}" rel="noopener">{escape(alt or url)}</a>'
        title = token.attrs.get("title")
        title_attr = f' title="{escape(str(title))}"' if title else ""
        return f'<img src="{escape(url)}" alt="{escape(alt)}"{title_attr} loading="lazy">'


def resolve_link(href: str, context: PageContext) -> tuple[str | None, str | None]:
    """(URL to publish, id of the spec node it names). Links to ids and to spec files are
    rewritten to the page that holds them; unsafe URLs give None."""
    safe = safe_href(href)
    if safe is None:
        return None, None
    if is_external(safe):
        return safe, None
    parts = urlsplit(safe)
    fragment = unquote(parts.fragment) if parts.fragment else None
    path = parts.path
    if not path:
        if fragment is None:
            return safe, None
        return context.url_of_id(fragment) or safe, fragment
    if context.file is not None and not path.startswith("/"):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(context.file), unquote(path)))
    else:
        target = unquote(path).lstrip("/")
    if fragment is not None and fragment in context.index.nodes:
        node = context.index.nodes[fragment]
        if node.file == target:
            return context.url_of_id(fragment) or safe, fragment
    page_url = context.url_of_file(target)
    if page_url is None:
        return safe, None
    return (page_url + (f"#{parts.fragment}" if parts.fragment else "")), fragment


# --- annotation blocks, shared by chapter pages and generated pages ---------------------------


def node_link(ident: str, context: PageContext) -> str:
    """A link to a node, named by its title; a property or definition shows its text on hover
    (constraints and rationales are long, and a block may list many of them)."""
    node = context.index.nodes.get(ident)
    url = context.url_of_id(ident)
    name = escape(node.title if node else ident)
    if url is None:
        return f"<span>{name}</span>"
    hover = node is not None and node.tooltip and context.index.hover(node.kind)
    tip = f' title="{escape(node.tooltip)}"' if node is not None and hover else ""
    return f'<a href="{escape(url)}"{tip}>{name}</a>'


# --- small helpers ------------------------------------------------------------------------------
