"""HTML from the compiler's own markdown-it tokens, so the site shows exactly what the JSON holds.

Annotations become labelled blocks with permalinks, links to ids are resolved across pages, and
nothing from the source reaches the page unescaped.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from .document import Document
from .grammar.types import FieldType, FieldValue, Form, KindSpec, PageView, TitleSource
from .links import is_external, safe_href, slugify
from .model import Attributes
from .syntax import parser
from .syntax.annotations import annotation_info

#: The class of the box around every table of the site (a phone shows its rows as cards).
TABLE_CLASS = "cc-table"

#: Longest hover text for a link to a definition or property, in characters.
TOOLTIP_CHARS = 320

_DATA_KEY = re.compile(r"[^a-z0-9_-]")


def escape(text: str) -> str:
    """Escape text for HTML element content and double-quoted attribute values."""
    return html.escape(text, quote=True)


#: Where a long name or path in code may wrap: after these separators, never inside a word.
_BREAK_AFTER = re.compile(r"([./_,=:]+)(?=\w)")
#: Code shorter than this never needs a break of its own.
_BREAKABLE_CHARS = 20


def breakable(text: str) -> str:
    """`text`, escaped, with a line-break opportunity (`<wbr>`) after each separator of a long
    name, path or URL (``.``, ``/``, ``_``, ``,``, ``=``, ``:``), so that it wraps between its
    parts rather than inside a word."""
    if len(text) < _BREAKABLE_CHARS:
        return escape(text)
    return _BREAK_AFTER.sub(r"\1<wbr>", escape(text))


def table_html(kind: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table as the site shows every table: `headers` are text, cells are HTML; each cell
    names its column (`data-label`), which a phone shows beside it when the rows become cards.
    `kind` is a class for the box, beside `TABLE_CLASS`."""
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    labels = [f' data-label="{escape(header)}"' for header in headers]
    body = "".join(
        "<tr>"
        + "".join(f"<td{label}>{cell}</td>" for label, cell in zip(labels, row, strict=True))
        + "</tr>"
        for row in rows
    )
    return (
        f'<div class="{TABLE_CLASS} {kind}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>\n"
    )


def unique_anchor(base: str, used: set[str]) -> str:
    """`base`, or `base-2`, `base-3`... if the page already has it; recorded in `used`."""
    ident, n = base, 1
    while ident in used:
        n += 1
        ident = f"{base}-{n}"
    used.add(ident)
    return ident


def shorten(text: str, limit: int = TOOLTIP_CHARS) -> str:
    """One line of at most `limit` characters, cut at a word boundary."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", 0, limit - 1)
    return line[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


# --- what the renderer knows about the whole spec ----------------------------------------------


@dataclass(slots=True)
class NodeInfo:
    """One id of the spec: its kind, the file that defines it, and how to name and describe it."""

    kind: str
    file: str
    title: str
    tooltip: str = ""
    rank: int | None = None
    """Its rank, for a node of a ranked kind (a property's ``rank``)."""
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    links: tuple[tuple[str, tuple[str, ...], bool], ...] = ()
    """What the node's reference fields name: (the field's label, ids, is it an order)."""


@dataclass(slots=True)
class SiteIndex:
    """Every id of a compiled spec, the kinds, and the back links, for rendering."""

    nodes: dict[str, NodeInfo] = field(default_factory=dict)
    kinds: Mapping[str, KindSpec] = field(default_factory=dict)
    backlinks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Node id -> (label of the link back, e.g. 'Justified by'; id of the node naming it)."""
    headings: dict[str, list[str]] = field(default_factory=dict)
    """Spec file -> ids of its sections, in order (the file's preamble section first, if any)."""
    page_kinds: dict[str, str] = field(default_factory=dict)
    """Kind name -> the path of the page the site generates for it."""

    @classmethod
    def from_model(cls, doc: Document | None) -> SiteIndex:
        index = cls()
        if doc is None:
            return index
        index.kinds = doc.kinds
        ranked = {
            k.order.ranked_by.kind: k.order.ranked_by.field
            for k in doc.kinds.values()
            if k.order is not None and k.order.ranked_by is not None
        }
        for node in doc.nodes:
            kind = doc.kinds[node.kind]
            if kind.form is Form.HEADING:
                index.headings.setdefault(node.source.file, []).append(node.id)
            titled = bool({TitleSource.ATTRIBUTE, TitleSource.LEAD} & set(kind.title.sources))
            rank = node.fields.get(ranked.get(node.kind, ""))
            rank = rank if isinstance(rank, int) and not isinstance(rank, bool) else None
            title = node.title or _id_title(node.id)
            if titled:
                words = f"{title} ({ranked[node.kind]} {rank})" if rank is not None else title
                tooltip = shorten(f"{words}: {node.text}")
            else:
                tooltip = shorten(node.text) if kind.form is not Form.HEADING else ""
            links = []
            for spec in kind.fields:
                value = node.fields.get(spec.name)
                if spec.type is not FieldType.REFERENCE or value is None:
                    continue
                ids = _flat(value)
                links.append((spec.label or spec.name, ids, spec.ordered))
                if spec.inverse:
                    for target in ids:
                        index.backlinks.setdefault(target, []).append((spec.inverse, node.id))
            index.nodes[node.id] = NodeInfo(
                node.kind, node.source.file, title, tooltip, rank, node.fields, tuple(links)
            )
        return index

    def title(self, ident: str) -> str:
        node = self.nodes.get(ident)
        return node.title if node else ident

    def ranked(self, kind: str) -> bool:
        """True for a kind whose nodes an order ranks by a field (a property's ``rank``)."""
        return any(
            k.order is not None and k.order.ranked_by is not None and k.order.ranked_by.kind == kind
            for k in self.kinds.values()
        )

    def hover(self, kind: str) -> bool:
        """True for kinds whose links show the node's text on hover: titled ones (a property, a
        definition), whose text is short; constraints and rationales are long."""
        spec = self.kinds.get(kind)
        if spec is None or spec.form is not Form.ANNOTATION:
            return False
        return bool({TitleSource.ATTRIBUTE, TitleSource.LEAD} & set(spec.title.sources))


def _flat(value: FieldValue) -> tuple[str, ...]:
    if isinstance(value, tuple):
        return tuple(
            i for item in value for i in (_flat(item) if isinstance(item, tuple) else (str(item),))
        )
    return (str(value),)


def _id_title(ident: str) -> str:
    """A readable name for a node that has no title: `why-safety-first` -> `Why safety first`."""
    words = re.sub(r"[-_]+", " ", ident).strip()
    return words[:1].upper() + words[1:] if words else ident


# --- one page -----------------------------------------------------------------------------------


@dataclass(slots=True)
class TocEntry:
    """A heading of the page, for the table of contents."""

    level: int
    id: str
    title: str
    """Plain text."""
    children: list[TocEntry] = field(default_factory=list)


class BlockExtras(Protocol):
    """What another package shows in place of a fence, or after a paragraph (the worked
    examples and prompts of `compiler.examples.render.ExamplesView`)."""

    def fence(self, file: str | None, last_line: int) -> str | None: ...

    def after_paragraph(self, file: str | None, first: int, last: int) -> str: ...


@dataclass(slots=True)
class PageContext:
    """Where the page being rendered lives, and how to reach the others."""

    index: SiteIndex
    file: str | None
    """The spec file this page shows (its ids are local), or None for a generated page."""
    url_of_file: Callable[[str], str | None]
    """Spec-relative file (`a/b.md`) -> its URL relative to this page, or None if not in the site."""
    page_urls: Mapping[str, str] = field(default_factory=dict)
    """Kind name -> URL of the page the site generates for the kind, relative to this page."""
    anchors: bool = True
    """False to leave out ids and permalinks (when a block is shown again on a generated page)."""
    highlight: bool = False
    """Colour code blocks with Pygments at build time (costs time on code-heavy documents)."""
    extras: BlockExtras | None = None
    """Worked examples shown as conversations, prompts after their passage (issue 16)."""

    def url_of_id(self, ident: str) -> str | None:
        node = self.index.nodes.get(ident)
        if node is None:
            return None
        if self.anchors and node.file == self.file:
            return f"#{ident}"
        base = self.url_of_file(node.file)
        return None if base is None else f"{base}#{ident}"


@dataclass(slots=True)
class RenderedPage:
    html: str
    toc: list[TocEntry]
    title: str | None
    """Text of the first level-1 heading, if any."""


@dataclass(slots=True)
class _Open:
    kind: str
    ident: str | None
    attributes: Attributes
    tag: str = "div"
    """The block's element; "" for an annotation shown as part of its parent's block."""
    only_child: int | None = None
    """The token index of the one annotation this one holds and nothing else, if so."""


@dataclass(slots=True)
class _State:
    context: PageContext
    heading_ids: deque[str]
    used_ids: set[str]
    headings: list[tuple[int, str, str]] = field(default_factory=list)
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


def render_tokens(
    tokens: Sequence[Token], context: PageContext, heading_ids: Sequence[str] = ()
) -> RenderedPage:
    """Render a token stream; `heading_ids` gives the ids of its headings in order (made from the
    titles where missing)."""
    state = _State(context, deque(heading_ids), set())
    body = _renderer().render(tokens, parser().options, {"cc": state})
    toc = nest_toc(state.headings)
    title = next((t for level, _, t in state.headings if level == 1), None)
    return RenderedPage(body, toc, title)


def render_markdown(text: str, context: PageContext) -> RenderedPage:
    """Parse Markdown with the compiler's dialect and render it (for pages outside the spec)."""
    return render_tokens(parser().parse(text, {}), context)


def nest_toc(headings: Sequence[tuple[int, str, str]]) -> list[TocEntry]:
    """A table of contents from (level, id, title) triples in page order."""
    root: list[TocEntry] = []
    stack: list[TocEntry] = []
    for level, ident, title in headings:
        entry = TocEntry(level, ident, title)
        while stack and stack[-1].level >= level:
            stack.pop()
        (stack[-1].children if stack else root).append(entry)
        stack.append(entry)
    return root


def inline_text(token: Token) -> str:
    """Plain text of an inline token, as the extractor reads it."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts).strip()


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


class ConstitutionRenderer(RendererHTML):
    """markdown-it's HTML renderer with rules for the compiler's dialect.

    Rules read and never modify the tokens: the same stream is the compiler's record of the spec.
    """

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

    # --- annotations --------------------------------------------------------------------------

    def container_annotation_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        state: _State = env["cc"]
        info = annotation_info(tokens[idx])
        kind, ident = info.kind, info.attributes.id
        parent = state.annotations[-1] if state.annotations else None
        if parent is not None and parent.only_child == idx:
            # The parent holds this annotation and nothing else: one block with both labels.
            state.annotations.append(_Open(kind, ident, info.attributes, ""))
            anchor = ""
            if ident and state.context.anchors:
                anchor = f'<span class="cc-anchor" id="{escape(ident)}"></span>'
            return anchor + annotation_label(kind, ident, info.attributes, state.context)
        tag, prefix = "div", ""
        if state.context.index.ranked(kind):
            # Ranked nodes in a row (core values) are the list the text speaks of, numbered by
            # rank.
            tag = "li"
            if state.last_closed != (idx - 1, kind):
                prefix = '<ol class="cc-values">\n'
        opened = _Open(kind, ident, info.attributes, tag, _only_child(tokens, idx, state))
        state.annotations.append(opened)
        return prefix + annotation_open(kind, ident, info.attributes, state.context, tag)

    def container_annotation_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        state: _State = env["cc"]
        if not state.annotations:
            return ""
        opened = state.annotations.pop()
        state.last_closed = (idx, opened.kind)
        if not opened.tag:
            return related_links(opened.kind, opened.ident, state.context)
        html = annotation_close(opened.kind, opened.ident, state.context, opened.tag)
        if opened.tag == "li":
            after = tokens[idx + 1] if idx + 1 < len(tokens) else None
            if (
                after is None
                or after.type != "container_annotation_open"
                or annotation_info(after).kind != opened.kind
            ):
                html += "</ol>\n"
        return html

    # --- spans (`[text]{#id .kind}`): inline and anchored ---------------------------------------

    def span_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state: _State = env["cc"]
        attributes: Attributes = tokens[idx].meta.get("attributes") or Attributes()
        kinds = state.context.index.kinds
        kind = next((c for c in attributes.classes if c in kinds), "")
        spec = kinds.get(kind)
        ident = attributes.id if spec is not None else None
        id_attr = f' id="{escape(ident)}"' if ident and state.context.anchors else ""
        classes = ["cc-span", f"cc-{_data_key(kind) or 'note'}"]
        classes += [c for c in attributes.classes if c != kind]
        label = f' title="{escape(spec.label)}"' if spec is not None else ""
        state.spans.append(ident if state.context.anchors else None)
        return f'<span class="{escape(" ".join(classes))}"{id_attr}{label}>'

    def span_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
        state: _State = env["cc"]
        ident = state.spans.pop() if state.spans else None
        link = ""
        if ident:
            link = f'<a class="cc-permalink headerlink" href="#{escape(ident)}" title="Permanent link">¶</a>'
        return f"{link}</span>"

    # --- admonitions (`!!! note "Title"`, `??? note` collapsible) -------------------------------

    def admonition_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        state: _State = env["cc"]
        token = tokens[idx]
        classes = str(token.attrs.get("class", "admonition"))
        kind = _admonition_kind(token)
        collapsible = "is-collapsible" in classes
        state.admonitions.append(collapsible)
        if collapsible:
            opened = " open" if "collapsible-open" in classes else ""
            return f'<details class="{escape(kind)}"{opened}>\n'
        return f'<div class="admonition {escape(kind)}">\n'

    def admonition_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        state: _State = env["cc"]
        collapsible = state.admonitions.pop() if state.admonitions else False
        return "</details>\n" if collapsible else "</div>\n"

    def admonition_title_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        state: _State = env["cc"]
        collapsible = bool(state.admonitions and state.admonitions[-1])
        return "<summary>" if collapsible else '<p class="admonition-title">'

    def admonition_title_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        state: _State = env["cc"]
        collapsible = bool(state.admonitions and state.admonitions[-1])
        return "</summary>\n" if collapsible else "</p>\n"

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


def _only_child(tokens: Sequence[Token], idx: int, state: _State) -> int | None:
    """The index of the annotation that the annotation opened at `idx` holds and nothing else
    (its body is that one annotation), or None."""
    if idx + 1 >= len(tokens) or tokens[idx + 1].type != "container_annotation_open":
        return None
    if state.closes is None:
        state.closes = _annotation_closes(tokens)
    child_close = state.closes.get(idx + 1)
    if child_close is not None and state.closes.get(idx) == child_close + 1:
        return idx + 1
    return None


def _annotation_closes(tokens: Sequence[Token]) -> dict[int, int]:
    """Each annotation's open token index -> its close token index, in one pass."""
    closes: dict[int, int] = {}
    stack: list[int] = []
    for position, token in enumerate(tokens):
        if token.type == "container_annotation_open":
            stack.append(position)
        elif token.type == "container_annotation_close" and stack:
            closes[stack.pop()] = position
    return closes


@lru_cache(maxsize=1)
def _renderer() -> ConstitutionRenderer:
    return ConstitutionRenderer()


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


def annotation_open(
    kind: str, ident: str | None, attributes: Attributes, context: PageContext, tag: str = "div"
) -> str:
    """The opening of an annotation block (a `tag` element, `li` in a list of ranked nodes) and
    its label: what it is, in words, and its name as links to it call it."""
    node = context.index.nodes.get(ident) if ident else None
    id_attr = f' id="{escape(ident)}"' if ident and context.anchors else ""
    classes = " ".join(["cc-node", f"cc-{_data_key(kind) or 'note'}", *attributes.classes])
    data = ""
    if node is not None and node.rank is not None:
        data = f' data-rank="{node.rank}"' + (f' value="{node.rank}"' if tag == "li" else "")
    return f'<{tag} class="{escape(classes)}"{id_attr}{data}>\n' + annotation_label(
        kind, ident, attributes, context
    )


def annotation_label(
    kind: str, ident: str | None, attributes: Attributes, context: PageContext
) -> str:
    """An annotation's label: its kind in words, its name (the words every link to it shows),
    its typed fields in words (a constraint's kind, a priority's mode) and its permalink. Kept
    out of the search index. A ranked node's rank is its number in the list, not repeated."""
    index = context.index
    node = index.nodes.get(ident) if ident else None
    spec = index.kinds.get(kind)
    label = spec.label if spec is not None else (kind.title() or "Note")
    parts = [f'<span class="cc-kind">{escape(label)}</span>']
    if spec is not None and node is not None:
        name = _name(spec, node, attributes, ident, context.page_urls.get(kind))
        if name:
            parts.append(f'<span class="cc-name">{name}</span>')
        parts.extend(_field_words(spec, node))
    if ident and context.anchors:
        parts.append(f'<a class="headerlink" href="#{escape(ident)}" title="Permanent link">¶</a>')
    return f'<p class="cc-label" data-search-exclude>{" ".join(parts)}</p>\n'


def _field_words(spec: KindSpec, node: NodeInfo) -> list[str]:
    """The node's typed fields that are not links, in words: an enumeration's value as a small
    hint (a priority's mode, a constraint's kind), others as 'Label: value'."""
    words: list[str] = []
    for field_spec in spec.fields:
        value = node.fields.get(field_spec.name)
        if value is None or field_spec.type is FieldType.REFERENCE:
            continue
        if node.rank is not None and isinstance(value, int) and value == node.rank:
            continue  # the rank is the node's number in its list
        if field_spec.type is FieldType.ENUM and isinstance(value, str):
            words.append(
                f'<span class="cc-hint cc-mode--{_data_key(value)}" '
                f'title="{escape(field_spec.label or field_spec.name)}">{escape(value)}</span>'
            )
            continue
        shown = ("yes" if value else "no") if isinstance(value, bool) else _words(value)
        name = field_spec.label or field_spec.name
        words.append(f'<span class="cc-hint">{escape(name)}: {escape(shown)}</span>')
    return words


def _words(value: FieldValue) -> str:
    return ", ".join(_flat(value)) if isinstance(value, tuple) else str(value)


def _name(
    spec: KindSpec, node: NodeInfo, attributes: Attributes, ident: str | None, page_url: str | None
) -> str:
    """The node's name as HTML: a term of a kind listed on its own page (a glossary) as a
    defined term linked there; a title that no attribute gives but the bold phrase opening the
    body does, nothing (the body shows it once); any other node its title, or the name made
    from its id that every link to it shows."""
    glossary = spec.page is not None and spec.page.view is PageView.LIST and spec.title.sources
    if spec.page is not None and glossary and ident:
        term = escape(node.title)
        if page_url:
            where = f"In the {spec.page.title.lower()}"
            term = (
                f'<a href="{escape(page_url)}#{escape(ident)}" title="{escape(where)}">{term}</a>'
            )
        return f"<dfn>{term}</dfn>"
    if TitleSource.LEAD in spec.title.sources and not attributes.get(spec.title.attribute):
        return ""
    return escape(node.title)


def annotation_close(kind: str, ident: str | None, context: PageContext, tag: str = "div") -> str:
    """The end of an annotation block: its links to related nodes, both ways, on demand."""
    return f"{related_links(kind, ident, context)}</{tag}>\n"


def related_links(kind: str, ident: str | None, context: PageContext) -> str:
    """What the node points at and what points at it, named as their labels name them, folded
    in a `<details>` the reader opens when they want them."""
    index = context.index
    rows: list[tuple[str, Sequence[str], bool]] = []
    node = index.nodes.get(ident) if ident is not None else None
    if ident is not None and node is not None:
        rows.extend(node.links)
        backs: dict[str, list[str]] = {}
        for label, source in index.backlinks.get(ident, []):
            backs.setdefault(label, []).append(source)
        rows.extend((label, sources, False) for label, sources in backs.items())
    items = []
    names = []
    for label, targets, ordered in rows:
        if not targets:
            continue
        separator = " › " if ordered else ", "
        links = separator.join(node_link(t, context) for t in targets)
        items.append(f'<li><span class="cc-rel__label">{escape(label)}</span> {links}</li>')
        names.append(label.lower())
    if not items:
        return ""
    summary = escape(names[0].capitalize() + "".join(f", {n}" for n in names[1:]))
    return (
        f'<details class="cc-rel" data-search-exclude><summary>{summary}</summary>'
        f"<ul>{''.join(items)}</ul></details>\n"
    )


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


def _class_attr(classes: Sequence[str]) -> str:
    return f' class="{escape(" ".join(classes))}"' if classes else ""


def _data_key(key: str) -> str:
    return _DATA_KEY.sub("-", key.lower()).strip("-")


def _admonition_kind(token: Token) -> str:
    tag = token.meta.get("tag")
    if isinstance(tag, str) and tag:
        return _data_key(tag) or "note"
    return "note"
