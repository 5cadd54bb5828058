"""The renderer's rules for headings, code, tables and paragraphs."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from ...links import slugify
from ...model import Attributes
from .code import highlight_code
from .context import PageContext, inline_text
from .html import TABLE_CLASS, _class_attr, _data_key, breakable, escape, unique_anchor
from .state import _State


class BlockRules(RendererHTML):
    """Headings (with their ids and permalinks), code, tables (each cell names its column) and
    paragraphs (with what the page adds after them)."""

    # --- headings ---------------------------------------------------------------------------

    def heading_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        state: _State = env["cc"]
        token = tokens[idx]
        attributes: Attributes = token.meta.get("attributes") or Attributes()
        title = inline_text(tokens[idx + 1]) if idx + 1 < len(tokens) else ""
        ident = self._heading_id(state, attributes, title)
        level = int(token.tag[1])
        state.open_headings.append(ident)
        attrs = _class_attr(attributes.classes)
        attrs += "".join(
            f' data-{_data_key(k)}="{escape(v)}"' for k, v in attributes.values if _data_key(k)
        )
        if not state.context.anchors:
            return f"<{token.tag}{attrs}>"
        state.headings.append((level, ident, title))
        return f'<{token.tag} id="{escape(ident)}"{attrs}>'

    def heading_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        state: _State = env["cc"]
        token = tokens[idx]
        ident = state.open_headings.pop() if state.open_headings else ""
        opening = tokens[idx - 2] if idx >= 2 else token
        attributes: Attributes = opening.meta.get("attributes") or Attributes()
        link = ""
        if state.context.anchors:
            link = f'<a class="headerlink" href="#{escape(ident)}" title="Permanent link">¶</a>'
        chips = "".join(
            f'<span class="cc-chip" title="{escape(k)}">{escape(k)}: {escape(v)}</span>'
            for k, v in attributes.values
        )
        after = f'<p class="cc-attrs">{chips}</p>\n' if chips else ""
        return f"{link}</{token.tag}>\n{after}"

    def _heading_id(self, state: _State, attributes: Attributes, title: str) -> str:
        if state.heading_ids:
            ident = state.heading_ids.popleft()
            state.used_ids.add(ident)
            return ident
        return unique_anchor(attributes.id or slugify(title), state.used_ids)

    # --- code and raw HTML ----------------------------------------------------------------------

    def fence(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        token = tokens[idx]
        language = (
            html.unescape(token.info.strip().split(maxsplit=1)[0]) if token.info.strip() else ""
        )
        state: _State = env["cc"]
        extras = state.context.extras
        if extras is not None and token.map:
            shown = extras.fence(state.context.file, token.map[1])
            if shown is not None:
                return shown
        return highlight_code(token.content, language, colour=state.context.highlight)

    def paragraph_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        closed = super().renderToken(tokens, idx, options, env)
        context: PageContext = env["cc"].context
        inline = tokens[idx - 1] if idx else None
        if context.extras is None or inline is None or not inline.map:
            return closed
        return closed + context.extras.after_paragraph(
            context.file, inline.map[0] + 1, inline.map[1]
        )

    # --- tables: each cell names its column, so that a phone can show a row as a card ----------

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state: _State = env["cc"]
        state.column_labels = []
        for token in tokens[idx + 1 :]:
            if token.type in ("thead_close", "table_close"):
                break
            if token.type == "inline":
                state.column_labels.append(inline_text(token))
        return f'<div class="{TABLE_CLASS}"><table>\n'

    def table_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return "</table></div>\n"

    def tr_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        env["cc"].column = 0
        return "<tr>\n"

    def td_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state: _State = env["cc"]
        labels, column = state.column_labels, state.column
        state.column += 1
        label = labels[column] if column < len(labels) else ""
        return f'<td{self.renderAttrs(tokens[idx])} data-label="{escape(label)}">'

    def code_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return highlight_code(tokens[idx].content, "", colour=False)

    def code_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return f"<code>{breakable(tokens[idx].content)}</code>"

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        # The compiler refuses raw HTML (CC206); should any reach here, it is shown, never run.
        return f"<pre><code>{escape(tokens[idx].content)}</code></pre>\n"

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        return f"<code>{escape(tokens[idx].content)}</code>"

    def front_matter(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        return ""
