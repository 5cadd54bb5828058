"""A released constitution shown as its chapters are: the same renderer, the same annotation
labels and relations, from the release's JSON.

A release keeps each section's plain text and each annotation's text and typed fields, not its
Markdown: the page is rebuilt as a token stream (headings, paragraphs, annotation fences) and
rendered by `compiler.render`, so that only the inline markup (emphasis, links) differs from the
chapter the text came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token

from ..api import _spec_from_document
from ..model import Attributes, Spec
from ..render import PageContext, RenderedPage, SiteIndex, TocEntry, escape, render_tokens
from ..syntax.annotations import AnnotationInfo

#: The document's arrays of annotations, and the kind each holds.
ANNOTATION_KINDS = (
    ("properties", "property"),
    ("priorities", "priority"),
    ("constraints", "constraint"),
    ("definitions", "definition"),
    ("rationales", "rationale"),
)


@dataclass(slots=True)
class _Annotation:
    kind: str
    attributes: Attributes
    text: str
    line: int
    end_line: int
    children: list[_Annotation] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """What the release page says about the release, and where its redline is."""

    version: str
    date: str
    sha256: str
    changes_path: str
    """Docs-relative path of the page with its redline against the release before it."""


def release_builder(
    path: str, facts: ReleaseFacts, document: Mapping[str, Any]
) -> Callable[[PageContext], RenderedPage]:
    """A builder of the release page at `path` (a docs-relative page path): its title, what it
    is (with links to the current text and to its redline), then the released text rendered
    like a chapter. Every id of the release is local to the page."""

    def build(context: PageContext) -> RenderedPage:
        spec = _spec_from_document(document)
        index = SiteIndex.from_spec(spec)
        for node in index.nodes.values():
            node.file = path  # the whole release is one page
        local = PageContext(
            index, path, context.url_of_file, anchors=True, highlight=context.highlight
        )
        ids = [section.id for section in spec.sections]
        page = render_tokens(list(_tokens(spec, document)), local, ids)
        title = f"{spec.title or 'Constitution'} {facts.version}"
        toc = [TocEntry(1, "release", title, page.toc)]
        return RenderedPage(_head(title, facts, context) + page.html, toc, title)

    return build


def _head(title: str, facts: ReleaseFacts, context: PageContext) -> str:
    links = []
    current = context.url_of_file("index.md")
    if current is not None:
        links.append(f'<a href="{escape(current)}">the current text</a>')
    redline = context.url_of_file(facts.changes_path)
    if redline is not None:
        links.append(f'<a href="{escape(redline)}">what changed in {escape(facts.version)}</a>')
    see = f" See {' and '.join(links)}." if links else ""
    return (
        f'<h1 id="release">{escape(title)}<a class="headerlink" href="#release" '
        'title="Permanent link">¶</a></h1>\n'
        f'<p class="cc-chapter-meta">Released {escape(facts.date)} · SHA-256 '
        f'<code title="{escape(facts.sha256)}">{escape(facts.sha256[:12])}…</code></p>\n'
        f'<p class="cc-archived" data-search-exclude>This is release {escape(facts.version)} as '
        f"it was published, read from its JSON (which keeps the words, not their emphasis or "
        f"links).{see}</p>\n"
    )


def _tokens(spec: Spec, document: Mapping[str, Any]) -> Iterator[Token]:
    by_section = _annotations(spec, document)
    for section in spec.sections:
        level = min(section.level + 1, 6)
        tag = f"h{level}"
        opening = Token("heading_open", tag, 1, block=True)
        opening.meta["attributes"] = Attributes(section.id)
        yield opening
        yield _inline(section.title)
        yield Token("heading_close", tag, -1, block=True)
        yield from _body(section.text, by_section.get(section.id, []))


def _annotations(spec: Spec, document: Mapping[str, Any]) -> dict[str, list[_Annotation]]:
    """Each section's outermost annotations, in source order, with the ones nested in them."""
    flat: dict[str, list[tuple[str, _Annotation]]] = {}
    typed: dict[str, Sequence[Any]] = {
        "property": spec.properties,
        "priority": spec.priorities,
        "constraint": spec.constraints,
        "definition": spec.definitions,
        "rationale": spec.rationales,
    }
    for key, kind in ANNOTATION_KINDS:
        for node, item in zip(typed[kind], document.get(key) or (), strict=False):
            values = _typed_fields(kind, item)
            attributes = Attributes(
                node.attributes.id,
                node.attributes.classes,
                values + node.attributes.values,
            )
            source = node.source
            flat.setdefault(str(item.get("section")), []).append(
                (source.file, _Annotation(kind, attributes, node.text, source.line, source.end_line))
            )
    nested: dict[str, list[_Annotation]] = {}
    for section, items in flat.items():
        items.sort(key=lambda pair: (pair[0], pair[1].line, -pair[1].end_line))
        roots: list[_Annotation] = []
        stack: list[tuple[str, _Annotation]] = []
        for file, annotation in items:
            while stack and not (
                stack[-1][0] == file and annotation.end_line <= stack[-1][1].end_line
            ):
                stack.pop()
            (stack[-1][1].children if stack else roots).append(annotation)
            stack.append((file, annotation))
        nested[section] = roots
    return nested


def _typed_fields(kind: str, item: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The annotation's typed fields as the attributes its fence would have written."""
    if kind == "priority":
        return (("mode", str(item.get("mode") or "")),)
    if kind == "constraint":
        return (("kind", str(item.get("kind") or "")),)
    if kind == "property":
        title, text = str(item.get("title") or ""), str(item.get("text") or "")
        return () if text.startswith(title) else (("title", title),)
    return ()


def _body(text: str, annotations: Sequence[_Annotation], lead: bool = False) -> Iterator[Token]:
    """`text` as paragraphs, with each annotation's text (found in order) as its block; with
    `lead`, the words before the first colon are bold (a core value's name, as it was written)."""
    if lead:
        first, _, remainder = text.partition("\n\n")
        name, colon, words = first.partition(": ")
        if colon:
            token = _inline(first)
            token.children = [
                Token("strong_open", "strong", 1),
                Token("text", "", 0, content=name),
                Token("strong_close", "strong", -1),
                Token("text", "", 0, content=": " + " ".join(words.split())),
            ]
            yield Token("paragraph_open", "p", 1, block=True)
            yield token
            yield Token("paragraph_close", "p", -1, block=True)
            text = remainder
    cursor = 0
    for annotation in annotations:
        found = text.find(annotation.text, cursor) if annotation.text else -1
        if found < 0:
            continue
        yield from _paragraphs(text[cursor:found])
        opening = Token("container_annotation_open", "div", 1, block=True)
        opening.info = annotation.kind
        opening.meta["annotation"] = AnnotationInfo(annotation.kind, annotation.attributes, (), 0)
        yield opening
        lead = annotation.attributes.get("title") is None and annotation.kind == "property"
        yield from _body(annotation.text, annotation.children, lead)
        yield Token("container_annotation_close", "div", -1, block=True)
        cursor = found + len(annotation.text)
    yield from _paragraphs(text[cursor:])


def _paragraphs(text: str) -> Iterator[Token]:
    for block in text.split("\n\n"):
        if block.strip():
            yield Token("paragraph_open", "p", 1, block=True)
            yield _inline(" ".join(block.split()))
            yield Token("paragraph_close", "p", -1, block=True)


def _inline(text: str) -> Token:
    token = Token("inline", "", 0, content=text)
    token.children = [Token("text", "", 0, content=text)]
    return token


#: The page with every release's redline, linked from the version selector if the site has it.
CHANGES_PAGE = "changes.md"


def version_selector(
    current: str | None,
    releases: Sequence[tuple[str, str]],
    here: str | None,
    current_path: str,
    url_of_file: Callable[[str], str | None],
) -> str:
    """A menu of the versions a reader can switch between, as mike's sites have: the current
    text (`current` is its version, `current_path` the page it links to) and each release
    (version, page path); `here` is the release this page shows, or None for the current text.
    Plain HTML (a `<details>`): it works without scripts."""
    shown = f"{escape(here)} (archived)" if here is not None else "current"
    items = []
    link = url_of_file(current_path)
    if link is not None:
        name = f"Current text ({escape(current)})" if current else "Current text"
        mark = ' aria-current="page"' if here is None else ""
        items.append(f'<li><a href="{escape(link)}"{mark}>{name}</a></li>')
    for version, path in releases:
        link = url_of_file(path)
        if link is not None:
            mark = ' aria-current="page"' if version == here else ""
            items.append(f'<li><a href="{escape(link)}"{mark}>Release {escape(version)}</a></li>')
    link = url_of_file(CHANGES_PAGE)
    if link is not None:
        items.append(
            f'<li class="cc-version__changes"><a href="{escape(link)}">'
            "What changed, release by release</a></li>"
        )
    return (
        f'<details class="cc-version" data-search-exclude><summary>Version: {shown}</summary>'
        f'<ul>{"".join(items)}</ul></details>\n'
    )
