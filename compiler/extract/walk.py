"""The token walk: the model from markdown-it tokens (sections, annotations, references), one
`Extractor` per compile.

One walk over each file's token stream; every problem becomes a `Diagnostic`, none is raised.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from markdown_it.token import Token

from ..diagnostics import Diagnostic, Suggester, shorten, suggest
from ..links import SCHEME, join_link, slugify, unsafe_scheme
from ..model import (
    Attributes,
    Chapter,
    Constraint,
    Definition,
    Priority,
    Property,
    Rationale,
    Reference,
    Section,
    SourceSpan,
    Spec,
)
from ..reader import SourceFile
from ..spec_files import SpecFiles
from ..syntax.annotations import annotation_info
from ..syntax.attributes import AttributeError_
from ..syntax.limits import MAX_INLINE_CHARS, MAX_NESTING
from .front_matter import MAX_NUMBER_CHARS, NUMBER_BOUNDS, read_front_matter, short_value
from .ids import IdRegistry

ANNOTATION_KINDS = ("property", "priority", "constraint", "definition", "rationale")
PRIORITY_MODES = ("holistic", "strict")


#: Priorities without an `order` each order every property: at most this many entries in all.
MAX_DEFAULT_ORDER_ENTRIES = 100_000
_FENCE_ONLY = re.compile(r"^:{3,}$")
_MD_LINK = re.compile(r"^(?P<file>[^:?#]+\.md)?(?:#(?P<fragment>.*))?$")


@dataclass(slots=True)
class _SectionBuilder:
    title: str
    level: int
    ident: str
    auto_id: bool
    parent: str | None
    attributes: Attributes
    span: SourceSpan
    chunks: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _AnnotationBuilder:
    kind: str
    attributes: Attributes
    span: SourceSpan
    section: str | None
    chunks: list[str] = field(default_factory=list)
    lead: str | None = None
    """The bold phrase that opens the block, if any (a property's title, a definition's term)."""
    seen_inline: bool = False


@dataclass(slots=True)
class _LinkPlace:
    href: str
    text: str
    line: int
    column: int
    parts: list[str] = field(default_factory=list)
    """The link text while it is read (joined once at the end: `+=` on a string is quadratic)."""


class Extractor:
    """Builds the `Spec` of a whole spec, one file at a time."""

    def __init__(
        self, registry: IdRegistry, reserved: set[str], files: SpecFiles | None = None
    ) -> None:
        self.spec = Spec()
        self.files = files
        """The spec directory's files, to check links to images and other files against."""
        self.registry = registry
        self.reserved = reserved
        """Explicit ids, so that ids made from titles never take one."""
        self.diagnostics: list[Diagnostic] = []
        self.file_names: set[str] = set()
        self._pending_links: list[tuple[str | None, str, SourceFile, _LinkPlace]] = []
        self._priority_orders: dict[str, bool] = {}
        self._suffixes: dict[str, int] = {}
        self._displays: dict[str, str] = {}

    # --- one file -------------------------------------------------------------------------

    def extract_file(self, source: SourceFile, tokens: Sequence[Token], first: bool) -> None:
        self.file_names.add(source.name)
        self._displays[source.name] = source.display
        lines = source.text.split("\n")
        sections: list[_SectionBuilder] = []
        stack: list[_SectionBuilder] = []
        annotations: list[_AnnotationBuilder] = []
        metadata: dict[str, object] = {}
        first_heading: str | None = None
        preamble: list[str] = []
        table_row: list[str] | None = None
        if not source.text.strip():
            self._error(
                "CC305", "file is empty", source, 1, 1, "add the chapter's text, or delete the file"
            )

        def add_text(text: str) -> None:
            if not text:
                return
            (stack[-1].chunks if stack else preamble).append(text)
            for annotation in annotations:
                annotation.chunks.append(text)

        index = 0
        count = len(tokens)
        too_deep = False
        while index < count:
            token = tokens[index]
            kind = token.type
            if token.nesting == 1 and token.level >= MAX_NESTING - 1 and not too_deep:
                # markdown-it skips what is nested deeper than its limit; say so, never drop silently.
                too_deep = tokens[index + 1].nesting == -1
                if too_deep:
                    self._too_deep(source, _line(token))
            if kind == "inline":
                text = self._inline_text(token, source, lines, annotations, stack)
                if table_row is not None:
                    table_row.append(text)
                else:
                    if ":::" in token.content:
                        self._stray_fences(token, source, lines)
                    if annotations and not annotations[-1].seen_inline:
                        annotations[-1].seen_inline = True
                        annotations[-1].lead = _lead_phrase(token)
                    add_text(text)
            elif kind == "heading_open":
                inline = tokens[index + 1]
                title = self._inline_text(inline, source, lines, annotations, stack)
                section = self._open_section(token, title, source, lines, stack)
                first_heading = first_heading or title
                sections.append(section)
                while stack and stack[-1].level >= section.level:
                    stack.pop()
                section.parent = stack[-1].ident if stack else None
                stack.append(section)
                index += 3  # heading_open, inline, heading_close
                continue
            elif kind in ("fence", "code_block"):
                add_text(token.content.rstrip("\n"))
            elif kind == "html_block":
                add_text(token.content.rstrip("\n"))
                self._raw_html(source, _line(token), 1, token.content)
            elif kind == "front_matter":
                metadata = read_front_matter(token.content, source, first, self._error)
            elif kind == "container_annotation_open":
                annotations.append(self._open_annotation(token, source, lines, stack))
            elif kind == "container_annotation_close":
                self._close_annotation(annotations.pop(), source)
            elif kind == "tr_open":
                table_row = []
            elif kind == "tr_close" and table_row is not None:
                add_text(" | ".join(table_row))
                table_row = None
            index += 1

        if preamble and any(chunk.strip() for chunk in preamble):
            stem = source.name.rsplit("/", 1)[-1].removesuffix(".md")
            title = str(metadata.get("title") or stem)
            ident = self._auto_id(stem)
            section = _SectionBuilder(
                title,
                1,
                ident,
                True,
                None,
                Attributes(),
                SourceSpan(source.name, 1, 1, 1),
                preamble,
            )
            self._register(ident, "section", source, section.span)
            sections.insert(0, section)
        # A section runs to the line before the next heading, or to the end of the file.
        last_line = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
        for position, section in enumerate(sections):
            end = (
                sections[position + 1].span.line - 1 if position + 1 < len(sections) else last_line
            )
            span = section.span
            self.spec.sections.append(
                Section(
                    id=section.ident,
                    title=section.title,
                    level=section.level,
                    parent=section.parent,
                    auto_id=section.auto_id,
                    attributes=section.attributes,
                    text="\n\n".join(section.chunks),
                    source=SourceSpan(span.file, span.line, span.column, max(end, span.line)),
                    normative=metadata.get("normative") is not False,
                )
            )
        self.spec.chapters.append(
            Chapter(
                file=source.name,
                sha256=hashlib.sha256(source.text.encode("utf-8")).hexdigest(),
                title=str(metadata["title"])
                if not first and "title" in metadata
                else first_heading,
                number=_int_or_none(metadata.get("chapter")),
                reading_time=_int_or_none(metadata.get("reading_time")),
                metadata=tuple(metadata.items()),
            )
        )
        if first:
            self.spec.metadata = dict(metadata)
            doc_title = metadata.get("title")
            self.spec.title = str(doc_title) if doc_title is not None else first_heading
            version = metadata.get("version")
            self.spec.version = str(version) if version is not None else None

    # --- sections -------------------------------------------------------------------------

    def _open_section(
        self,
        token: Token,
        title: str,
        source: SourceFile,
        lines: list[str],
        stack: list[_SectionBuilder],
    ) -> _SectionBuilder:
        line = _line(token)
        attributes: Attributes = token.meta.get("attributes", Attributes())
        errors: list[AttributeError_] = token.meta.get("attribute_errors", [])
        if errors:
            raw = lines[line - 1] if line - 1 < len(lines) else ""
            start = raw.rfind("{") + 1
            for error in errors:
                self._attribute_error(error, source, line, start + 1 + error.offset)
        level = int(token.tag[1])
        span = SourceSpan(source.name, line, _indent(lines, line) + 1, _end_line(token))
        if attributes.id:
            ident, auto = attributes.id, False
            self._register(ident, "section", source, span)
        else:
            ident, auto = self._auto_id(title), True
            self._register(ident, "section", source, span)
        if not title.strip():
            self._error(
                "CC305",
                "heading has no title",
                source,
                line,
                span.column,
                "write the heading's title after the '#'",
            )
        return _SectionBuilder(title.strip(), level, ident, auto, None, attributes, span)

    def _stray_fences(self, token: Token, source: SourceFile, lines: list[str]) -> None:
        """A line of colons in a paragraph closes nothing: an opening fence is missing (and
        without this check the colons would pass into the text silently)."""
        first = _line(token)
        for offset, text in enumerate(token.content.split("\n")):
            if _FENCE_ONLY.match(text.strip()):
                line = first + offset
                raw = lines[line - 1] if 0 < line <= len(lines) else ""
                self._error(
                    "CC205",
                    "closing annotation fence without an opening one",
                    source,
                    line,
                    raw.find(":") + 1 or 1,
                    "remove this line, or open the block with '::: kind {#id}'; "
                    "to nest blocks, give the outer fence more colons",
                )

    def _auto_id(self, title: str) -> str:
        base = slugify(title)
        # Start from the last suffix given for this base: thousands of equal titles stay linear.
        ident, n = base, self._suffixes.get(base, 1)
        if n > 1:
            ident = f"{base}-{n}"
        while ident in self.registry.kinds or ident in self.reserved:
            n += 1
            ident = f"{base}-{n}"
        self._suffixes[base] = n
        return ident

    def _too_deep(self, source: SourceFile, line: int) -> None:
        self._error(
            "CC104",
            f"blocks are nested deeper than the limit of {MAX_NESTING} levels; "
            "what is nested deeper is not read",
            source,
            line,
            1,
            "flatten the nesting of lists, block quotes and annotations",
        )

    # --- annotations ----------------------------------------------------------------------

    def _open_annotation(
        self, token: Token, source: SourceFile, lines: list[str], stack: list[_SectionBuilder]
    ) -> _AnnotationBuilder:
        line = _line(token)
        column = _indent(lines, line) + 1
        info = annotation_info(token)
        info_column = column + len(token.markup)
        for error in info.errors:
            self._attribute_error(
                error, source, line, info_column + info.body_offset + error.offset
            )
        end = token.map[1] if token.map else line
        closing = lines[end].strip() if end < len(lines) else ""
        if not (closing.startswith(token.markup) and not closing.strip(":")):
            self._error(
                "CC205",
                f"annotation fence '{token.markup} {info.kind}' is never closed",
                source,
                line,
                column,
                f"close the block with a line '{token.markup}'; to nest blocks, give the outer one more colons",
            )
        span = SourceSpan(source.name, line, column, end + 1)
        kind = info.kind
        if not kind and info.errors:
            pass  # the header could not be read at all, which is reported above
        elif kind not in ANNOTATION_KINDS:
            hint = suggest(kind, ANNOTATION_KINDS) or f"known kinds: {', '.join(ANNOTATION_KINDS)}"
            message = (
                f"unknown annotation kind '{shorten(kind)}'" if kind else "annotation has no kind"
            )
            self._error("CC204", message, source, line, info_column + 1, hint)
        elif info.attributes.id is None and not any(e.code == "CC208" for e in info.errors):
            self._error(
                "CC306",
                f"{kind} has no id",
                source,
                line,
                column,
                f"add an id: '{token.markup} {kind} {{#some-id}}'",
            )
        elif info.attributes.id is not None:
            self._register(info.attributes.id, kind, source, span)
        return _AnnotationBuilder(kind, info.attributes, span, stack[-1].ident if stack else None)

    def _close_annotation(self, annotation: _AnnotationBuilder, source: SourceFile) -> None:
        kind = annotation.kind
        attributes = annotation.attributes
        ident = attributes.id
        if kind not in ANNOTATION_KINDS or ident is None:
            return
        span = annotation.span
        text = "\n\n".join(annotation.chunks)
        if not text.strip():
            self._error(
                "CC305",
                f"{kind} '{ident}' has no text",
                source,
                span.line,
                span.column,
                f"write the {kind}'s text between the fence lines",
            )
        section = annotation.section
        if kind == "property":
            title = attributes.get("title") or annotation.lead
            if not title:
                self._missing(
                    source,
                    span,
                    kind,
                    ident,
                    "title",
                    "start the text with '**Title**:' or add title=\"...\"",
                )
            rank = self._integer(attributes, "rank", source, span, kind, ident)
            if title and rank is not None:
                self.spec.properties.append(
                    Property(ident, title, rank, text, section, attributes, span)
                )
        elif kind == "priority":
            mode = attributes.get("mode")
            if mode is None:
                self._missing(source, span, kind, ident, "mode", "add mode=holistic or mode=strict")
            elif mode not in PRIORITY_MODES:
                self._error(
                    "CC308",
                    f"priority '{ident}' has mode '{shorten(mode)}'; expected 'holistic' or 'strict'",
                    source,
                    span.line,
                    span.column,
                    suggest(mode, PRIORITY_MODES)
                    or "holistic: all priorities are weighed; strict: lexical order",
                )
            order = _id_list(attributes.get("order"))
            self._priority_orders[ident] = "order" in attributes.as_dict()
            if mode in PRIORITY_MODES:
                self.spec.priorities.append(
                    Priority(ident, mode or "", order, text, section, attributes, span)
                )
        elif kind == "constraint":
            self.spec.constraints.append(
                Constraint(
                    ident,
                    attributes.get("kind") or "hard",
                    text,
                    _id_list(attributes.get("concerns")),
                    section,
                    attributes,
                    span,
                )
            )
        elif kind == "definition":
            term = attributes.get("term") or annotation.lead
            if not term:
                self._missing(
                    source,
                    span,
                    kind,
                    ident,
                    "term",
                    "add term=\"...\" or start the text with '**term**:'",
                )
            else:
                self.spec.definitions.append(
                    Definition(ident, term, text, section, attributes, span)
                )
        elif kind == "rationale":
            justifies = _id_list(attributes.get("justifies"))
            if not justifies:
                self._missing(
                    source,
                    span,
                    kind,
                    ident,
                    "justifies",
                    'name what it justifies: justifies="some-id"',
                )
            self.spec.rationales.append(
                Rationale(ident, text, justifies, section, attributes, span)
            )

    def _integer(
        self,
        attributes: Attributes,
        key: str,
        source: SourceFile,
        span: SourceSpan,
        kind: str,
        ident: str,
    ) -> int | None:
        value = attributes.get(key)
        if value is None:
            self._missing(source, span, kind, ident, key, f"add {key}=N (1 is the highest)")
            return None
        low, high = NUMBER_BOUNDS[key]
        # isascii: str.isdigit() also accepts digits such as '²' that int() refuses.
        if (
            not (value.isascii() and value.isdigit())
            or len(value) > MAX_NUMBER_CHARS
            or not low <= int(value) <= high
        ):
            self._error(
                "CC308",
                f"{kind} '{ident}' has {key} '{short_value(value)}'; "
                f"expected a whole number from {low} to {high:,}",
                source,
                span.line,
                span.column,
                f"write {key}=1 for the highest, {key}=2 for the next, and so on",
            )
            return None
        return int(value)

    def _missing(
        self, source: SourceFile, span: SourceSpan, kind: str, ident: str, key: str, hint: str
    ) -> None:
        self._error("CC306", f"{kind} '{ident}' has no {key}", source, span.line, span.column, hint)

    # --- inline content -------------------------------------------------------------------

    def _inline_text(
        self,
        token: Token,
        source: SourceFile,
        lines: list[str],
        annotations: list[_AnnotationBuilder],
        stack: list[_SectionBuilder],
    ) -> str:
        too_long = token.meta.get("too_long") if token.meta else None
        if too_long:
            self._error(
                "CC104",
                f"a paragraph of {too_long:,} characters is longer than the limit of "
                f"{MAX_INLINE_CHARS:,}; its text is not read",
                source,
                _line(token),
                1,
                "break the text into paragraphs, with a blank line between them",
            )
        children = token.children or []
        parts: list[str] = []
        link: _LinkPlace | None = None
        cursor: _Cursor | None = None  # made for the first link, image or raw HTML
        for child in children:
            kind = child.type
            if kind == "text" or kind == "code_inline":
                parts.append(child.content)
                if link is not None:
                    link.parts.append(child.content)
            elif kind == "softbreak":
                parts.append(" ")
                if link is not None:
                    link.parts.append(" ")
            elif kind == "hardbreak":
                parts.append("\n")
            elif kind == "link_open":
                href = str(child.attrs.get("href", ""))
                cursor = cursor or _Cursor(_line(token))
                line, column = _locate(lines, cursor, "](", token)
                raw = lines[line - 1] if 0 < line <= len(lines) else ""
                column = raw.rfind("[", 0, column - 1) + 1 or column
                link = _LinkPlace(href, "", line, column)
            elif kind == "link_close" and link is not None:
                link.text = "".join(link.parts)
                link.parts = []
                origin = (
                    annotations[-1].attributes.id
                    if annotations
                    else (stack[-1].ident if stack else None)
                )
                self._pending_links.append((origin, link.href, source, link))
                link = None
            elif kind == "image":
                src = str(child.attrs.get("src", ""))
                cursor = cursor or _Cursor(_line(token))
                line, column = _locate(lines, cursor, "![", token)
                alt = child.content
                parts.append(alt)
                self._pending_links.append((None, src, source, _LinkPlace(src, alt, line, column)))
            elif kind == "html_inline":
                parts.append(child.content)
                cursor = cursor or _Cursor(_line(token))
                line, column = _locate(lines, cursor, child.content, token)
                self._raw_html(source, line, column, child.content)
        return "".join(parts)

    def _raw_html(self, source: SourceFile, line: int, column: int, html: str) -> None:
        snippet = html.strip().split("\n", 1)[0][:40]
        self._error(
            "CC206",
            f"raw HTML is not allowed: {snippet!r}",
            source,
            line,
            column,
            "the text is published on a public site; write it as `code` or in a fenced code block, or use Markdown",
        )

    # --- front matter ---------------------------------------------------------------------

    # --- after every file -----------------------------------------------------------------

    def finish(self) -> Spec:
        """Resolve what needs the whole spec: links, and default priority orders."""
        spec = self.spec
        ids = self.registry.kinds
        suggest_id = Suggester(ids)
        suggest_file = Suggester(sorted(self.file_names))
        for origin, href, source, place in self._pending_links:
            unsafe = unsafe_scheme(href)
            if unsafe is not None:
                self._error(
                    "CC207",
                    f"unsafe link URL '{shorten(href)}'",
                    source,
                    place.line,
                    place.column,
                    f"'{unsafe}' links can run code or smuggle content into the site; link to an https: page or an #id",
                )
                continue
            scheme = SCHEME.match(href)
            if scheme or href.startswith("//"):
                continue
            match = _MD_LINK.match(href)
            if match is None:
                problem = self.files.link_problem(source.name, href) if self.files else None
                if problem is not None:
                    code, message, hint = problem
                    self._error(code, message, source, place.line, place.column, hint)
                continue
            file_part, fragment = match["file"], match["fragment"]
            if file_part is not None:
                target_file = join_link(source.name, file_part)
                if target_file is None:
                    self._error(
                        "CC105",
                        f"link leaves the spec directory: '{shorten(file_part)}'",
                        source,
                        place.line,
                        place.column,
                        "link to a chapter inside the spec, or to an https: page",
                    )
                    continue
                if target_file not in self.file_names:
                    self._error(
                        "CC302",
                        f"link to a file that is not in the spec: '{shorten(file_part)}'",
                        source,
                        place.line,
                        place.column,
                        suggest_file(file_part) or "link to a chapter of the spec by its file name",
                    )
                    continue
            if fragment is None or fragment == "":
                continue
            target = unquote(fragment)
            if target not in ids:
                self._error(
                    "CC302",
                    f"link to unknown id '#{shorten(target)}'",
                    source,
                    place.line,
                    place.column,
                    suggest_id(target) or "link to the id of a heading ({#id}) or an annotation",
                )
                continue
            spec.references.append(
                Reference(
                    origin,
                    target,
                    place.text,
                    SourceSpan(source.name, place.line, place.column, place.line),
                )
            )
        by_rank = tuple(p.id for p in sorted(spec.properties, key=lambda p: p.rank))
        defaults = [p for p in spec.priorities if not self._priority_orders.get(p.id, True)]
        if len(defaults) * len(by_rank) > MAX_DEFAULT_ORDER_ENTRIES:
            # Each such priority lists every property in the JSON: the output would grow with
            # the product of two counts, not with the input.
            at = defaults[MAX_DEFAULT_ORDER_ENTRIES // len(by_rank)]
            self.diagnostics.append(
                Diagnostic(
                    "CC104",
                    f"{len(defaults):,} priorities without an 'order' would each list all "
                    f"{len(by_rank):,} properties, more than the limit of "
                    f"{MAX_DEFAULT_ORDER_ENTRIES:,} entries in all",
                    self._displays.get(at.source.file, at.source.file),
                    at.source.line,
                    at.source.column,
                    'give these priorities an explicit order="...", or merge them: without '
                    "one, each orders every property by rank",
                )
            )
        else:
            spec.priorities = [
                p if self._priority_orders.get(p.id, True) else _with_order(p, by_rank)
                for p in spec.priorities
            ]
        spec.properties.sort(key=lambda p: p.rank)
        return spec

    # --- helpers --------------------------------------------------------------------------

    def _register(self, ident: str, kind: str, source: SourceFile, span: SourceSpan) -> None:
        problem = self.registry.add(ident, kind, source.display, span)
        if problem is not None:
            self.diagnostics.append(problem)

    def _error(
        self, code: str, message: str, source: SourceFile, line: int, column: int, hint: str
    ) -> None:
        self.diagnostics.append(Diagnostic(code, message, source.display, line, column, hint))

    def _attribute_error(
        self, error: AttributeError_, source: SourceFile, line: int, column: int
    ) -> None:
        hint = (
            "ids may contain letters, digits, '-' and '_'"
            if error.code == "CC208"
            else 'attributes read {#id .class key=value key="quoted value"}'
        )
        self._error(error.code, error.message, source, line, column, hint)


def _with_order(priority: Priority, order: tuple[str, ...]) -> Priority:
    return Priority(
        priority.id,
        priority.mode,
        order,
        priority.text,
        priority.section,
        priority.attributes,
        priority.source,
    )


def _lead_phrase(token: Token) -> str | None:
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content)]
    if len(children) < 3 or children[0].type != "strong_open":
        return None
    parts: list[str] = []
    for child in children[1:]:
        if child.type == "strong_close":
            phrase = "".join(parts).strip().rstrip(":").strip()
            return phrase or None
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
    return None


def _id_list(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part for part in re.split(r"[\s,]+", value) if part)


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def _end_line(token: Token) -> int:
    return token.map[1] if token.map else 0


def _indent(lines: list[str], line: int) -> int:
    if 0 < line <= len(lines):
        text = lines[line - 1]
        return len(text) - len(text.lstrip(" \t>"))
    return 0


@dataclass(slots=True)
class _Cursor:
    """Where `_locate` goes on searching in a block's source lines."""

    line: int
    offset: int = 0
    missing: set[str] = field(default_factory=set)
    """Needles not found from an earlier place to the end of the block, so not from here either:
    each is searched for once (a paragraph of reference links `[a][r]`, which have no `](`,
    searched the rest of the paragraph for each link: quadratic)."""


def _locate(lines: list[str], cursor: _Cursor, needle: str, token: Token) -> tuple[int, int]:
    """Find `needle` in the block's source lines from `cursor` on; best effort, for columns."""
    needle = needle.split("\n", 1)[0]  # raw HTML can span lines; its first line is enough
    last = token.map[1] if token.map else cursor.line
    line, offset = cursor.line, cursor.offset
    while needle not in cursor.missing and 0 < line <= len(lines) and line <= max(last, line):
        found = lines[line - 1].find(needle, offset)
        if found >= 0:
            cursor.line, cursor.offset = line, found + len(needle)
            return line, found + 1
        line, offset = line + 1, 0
        if line > last:
            break
    cursor.missing.add(needle)
    return cursor.line, cursor.offset + 1


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
