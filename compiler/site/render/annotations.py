"""Annotations (fenced blocks and spans) and admonitions: their labels, names, fields and
relations, as the chapters and the generated pages show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from ...grammar.types import FieldType, FieldValue, KindSpec, PageView, TitleSource
from ...model import Attributes
from ...syntax.annotations import annotation_info
from .context import NodeInfo, PageContext, _flat
from .html import _data_key, escape
from .inline import node_link
from .state import _Open, _State


class AnnotationRules(RendererHTML):
    """Annotation fences, spans (`[text]{#id .kind}`) and admonitions."""

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
        classes = str(tokens[idx].attrs.get("class", "admonition"))
        kind = _admonition_kind(tokens[idx])
        collapsible = "is-collapsible" in classes
        env["cc"].admonitions.append(collapsible)
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
        return "<summary>" if _collapsible(env["cc"]) else '<p class="admonition-title">'

    def admonition_title_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any
    ) -> str:
        return "</summary>\n" if _collapsible(env["cc"]) else "</p>\n"


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


def _collapsible(state: _State) -> bool:
    """Whether the admonition open now is a collapsible one (a `<details>`)."""
    return bool(state.admonitions and state.admonitions[-1])


def _admonition_kind(token: Token) -> str:
    tag = token.meta.get("tag")
    if isinstance(tag, str) and tag:
        return _data_key(tag) or "note"
    return "note"
