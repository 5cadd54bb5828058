"""Find a compiled spec's examples and footnotes in its token streams, and read its prompt files.

Works on what the compile already produced (`CompileResult`: sources, tokens, sections), so the
Markdown is parsed once; only the prompt files beside a one-file spec are parsed here.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from ..diagnostics import Diagnostic, Severity, sort_diagnostics
from ..document import Document
from ..grammar.examples import ExampleSyntax
from ..model import SourceSpan
from ..reader import SourceFile, natural_key, read_files
from ..syntax import parser
from .conversation import Place, parse_conversation
from .model import Example, ExampleSet, Passage, PromptFile, Provision

if TYPE_CHECKING:  # the compile calls this module (`add_examples`): a type only
    from ..pipeline import CompileResult

FOOTNOTE = re.compile(r"\[\^([^\]\s\[^]++)\]")
"""A footnote reference, ``[^key]``."""
_DEFINITION = re.compile(r"^\[\^[^\]\s]++\]:")


class Footnote(Struct):
    key: str
    passage: Passage
    display: str
    """Its file, as diagnostics show it."""


class _Sections(Struct):
    """The section that encloses a line of a file."""

    lines: dict[str, list[int]] = field(default_factory=dict)
    provisions: dict[str, list[Provision]] = field(default_factory=dict)

    @classmethod
    def of(cls, model: Document) -> _Sections:
        found = cls()
        heading = model.grammar.heading_kind
        sections = (node for node in model.nodes if heading and node.kind == heading.name)
        for section in sorted(sections, key=lambda s: (s.source.file, s.source.line)):
            # Typed fields as the grammar reads them, then what an open kind keeps as text.
            fields = {**section.fields, **section.attributes}
            provision = Provision(section.id, section.title or section.id, fields)
            found.lines.setdefault(section.source.file, []).append(section.source.line)
            found.provisions.setdefault(section.source.file, []).append(provision)
        return found

    def at(self, file: str, line: int) -> Provision | None:
        index = bisect_right(self.lines.get(file, []), line) - 1
        return self.provisions[file][index] if index >= 0 else None


def collect(
    result: CompileResult, spec: Path, syntax: ExampleSyntax
) -> tuple[ExampleSet, list[Diagnostic]]:
    """The examples and prompt files of the compiled `spec`, and every problem with them."""
    assert result.model is not None
    sections = _Sections.of(result.model)
    ids = {node.id for node in result.model.nodes}
    examples: list[Example] = []
    footnotes: list[Footnote] = []
    diagnostics: list[Diagnostic] = []
    for source in result.sources:
        tokens = result.tokens.get(source.name)
        if tokens is None:
            continue
        scan = _FileScan(source, tokens, syntax, ids.__contains__)
        scan.run(partial(sections.at, source.name), count_in=examples)
        diagnostics += scan.diagnostics
        footnotes += scan.footnotes if syntax.prompts is not None else []
    prompts: list[PromptFile] = []
    if syntax.prompts is not None:
        files, problems = _prompt_sources(result, spec, syntax.prompts)
        diagnostics += problems
        prompts, problems = _link_prompts(files, footnotes, syntax, ids.__contains__)
        diagnostics += problems
    return ExampleSet(tuple(examples), tuple(prompts)), sort_diagnostics(diagnostics)


class _FileScan:
    """One file's examples and footnotes."""

    def __init__(
        self,
        source: SourceFile,
        tokens: list[Any],
        syntax: ExampleSyntax,
        known_ids: Callable[[str], bool],
        id_prefix: str | None = None,
    ) -> None:
        self.source = source
        self.tokens = tokens
        self.syntax = syntax
        self.known_ids = known_ids
        self.id_prefix = id_prefix
        """Ids of the examples found: ``<prefix>-<n>``; None: ``<section>-example-<n>``."""
        self.lines = source.text.split("\n")
        self.diagnostics: list[Diagnostic] = []
        self.footnotes: list[Footnote] = []
        self.title = (
            re.compile(r"^(\*\*|__)" + re.escape(syntax.title) + r"(?::\1|\1\s*+:)\s*+", re.DOTALL)
            if syntax.title
            else None
        )

    def run(self, provision_at: Callable[[int], Provision | None], count_in: list[Example]) -> None:
        """Adds the file's examples to `count_in` (which numbers them per section)."""
        tokens = self.tokens
        counts: dict[str, int] = {}
        for example in count_in:
            key = example.provision.id if example.provision else ""
            counts[key] = counts.get(key, 0) + 1
        pending: tuple[int, str] | None = None  # an example's title: (its line, its text)
        for index, token in enumerate(tokens):
            if token.type == "inline":
                self._footnotes(token, provision_at)
                title = self._title(token)
                if title is not None and tokens[index + 1].type == "paragraph_close":
                    if pending is not None:
                        self._no_conversation(pending[0])
                    pending = (token.map[0] + 1, title)
                    continue
            if token.type in ("paragraph_open", "paragraph_close"):
                continue
            if (
                token.type == "fence"
                and token.map
                and self._is_conversation(token)
                and (pending is not None or self.title is None)
            ):
                start = pending[0] if pending is not None else token.map[0] + 1
                title = pending[1] if pending is not None else None
                provision = provision_at(start)
                key = provision.id if provision else ""
                counts[key] = counts.get(key, 0) + 1
                count_in.append(self._example(token, start, title, provision, counts[key]))
                pending = None
                continue
            if (
                self.id_prefix is not None  # a prompts file: every conversation is a prompt
                and token.type == "fence"
                and token.map
                and self._is_conversation(token)
            ):
                self._no_title(token.map[0] + 1)  # (in a chapter, an untitled one is code)
            if pending is not None:
                self._no_conversation(pending[0])
                pending = None
        if pending is not None:
            self._no_conversation(pending[0])

    def heading(self) -> str:
        """The text of the file's first paragraph, when it is not an example's title."""
        first = next((t for t in self.tokens if t.type in ("inline", "fence")), None)
        if first is None or first.type != "inline" or self._title(first) is not None:
            return ""
        return " ".join(first.content.split())

    def _is_conversation(self, token: Any) -> bool:
        words = token.info.split()
        return bool(words) and words[0] == self.syntax.fence

    def _title(self, token: Any) -> str | None:
        if self.title is None or not token.content.startswith(("**", "__")):
            return None
        match = self.title.match(token.content)
        if match is None:
            return None
        return " ".join(token.content[match.end() :].split()) or None

    def _no_conversation(self, line: int) -> None:
        self.diagnostics.append(
            Diagnostic(
                "CC801",
                f"an example's title without its conversation: no ~~~{self.syntax.fence} fence follows",
                self.source.display,
                line,
                1,
                f"put the conversation in a ~~~{self.syntax.fence} fence right after the title",
                Severity.WARNING,
            )
        )

    def _no_title(self, line: int) -> None:
        self.diagnostics.append(
            Diagnostic(
                "CC818",
                f"a prompt without its title is not read: '**{self.syntax.title}**:' must precede its ~~~{self.syntax.fence} fence",
                self.source.display,
                line,
                1,
                f"put '**{self.syntax.title}**: <its title>' on the line before the fence",
                Severity.WARNING,
            )
        )

    def _example(
        self, token: Any, start: int, title: str | None, provision: Provision | None, number: int
    ) -> Example:
        first, last = token.map
        place = Place.of(
            token.content, self.source.name, self.source.display, first + 2, self.lines
        )
        found = parse_conversation(token.content, self.syntax, place, self.known_ids)
        self.diagnostics += found.diagnostics
        if not found.turns and not found.replies and not found.diagnostics:
            self.diagnostics.append(
                Diagnostic(
                    "CC813",
                    "an example's conversation has no turns",
                    self.source.display,
                    first + 1,
                    1,
                    f"write its turns, e.g. {self.syntax.sample}",
                    Severity.WARNING,
                )
            )
        if self.id_prefix is not None:
            ident = f"{self.id_prefix}-{number}"
        else:
            ident = f"{provision.id}-example-{number}" if provision else f"example-{number}"
        return Example(
            id=ident,
            title=title,
            provision=provision,
            turns=tuple(found.turns),
            replies=tuple(found.replies),
            source=SourceSpan(self.source.name, start, 1, last),
            fence=token.content.rstrip("\n"),
        )

    def _footnotes(self, token: Any, provision_at: Callable[[int], Provision | None]) -> None:
        if "[^" not in token.content or not token.map:
            return
        keys = [
            key
            for child in token.children or ()
            if child.type == "text"
            for key in FOOTNOTE.findall(child.content)
        ]
        if not keys or _DEFINITION.match(token.content):
            return
        first, last = token.map
        passage_text = " ".join(
            child.content if child.type in ("text", "code_inline") else " "
            for child in token.children or ()
            if child.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        provision = provision_at(first + 1)
        passage = Passage(
            " ".join(passage_text.split()),
            provision,
            SourceSpan(self.source.name, first + 1, 1, last),
        )
        wanted = list(keys)
        for number in range(first, min(last, len(self.lines))):
            for match in FOOTNOTE.finditer(self.lines[number]):
                if wanted and match[1] == wanted[0]:
                    wanted.pop(0)
                    where = SourceSpan(self.source.name, number + 1, match.start() + 1, number + 1)
                    self.footnotes.append(
                        Footnote(
                            match[1], Passage(passage.text, provision, where), self.source.display
                        )
                    )
        for key in wanted:  # a marker markdown-it read that the raw lines spell otherwise
            self.footnotes.append(Footnote(key, passage, self.source.display))


def _always(provision: Provision | None) -> Callable[[int], Provision | None]:
    """Every line of a prompts file belongs to the provision of the passage that names it."""

    def at(_line: int) -> Provision | None:
        return provision

    return at


def _prompt_sources(
    result: CompileResult, spec: Path, folder: str
) -> tuple[list[tuple[SourceFile, list[Any]]], list[Diagnostic]]:
    """Each prompt file with its tokens: the files of the folder in a directory spec (read with
    the spec, set apart from its chapters by the compile), else the folder beside the one-file
    spec, read here."""
    if spec.is_dir():
        return _block_parsed(result.prompt_sources), []
    path = spec.parent / folder
    if not path.is_dir():
        return [], []  # every footnote is then reported without its file
    if not path.resolve().is_relative_to(spec.parent.resolve()):
        # The folder (or a folder on its way) is a link out of the spec's own folder: what it
        # holds is not the project's, and is never read.
        leaves = Diagnostic(
            "CC105",
            f"the prompts folder {folder} is a symbolic link that leads outside the spec's folder",
            str(path),
            1,
            hint="copy the prompts files into the folder instead of linking to another place",
        )
        return [], [leaves]
    listed, problems = _listing(path)
    sources, read_problems = read_files(listed)
    problems += read_problems
    named = [SourceFile(f"{folder}/{s.name}", s.display, s.text, s.readable) for s in sources]
    return _block_parsed(named), problems


def _block_parsed(sources: Iterable[SourceFile]) -> list[tuple[SourceFile, list[Any]]]:
    """Each readable prompts file with its tokens. Blocks only: titles and fences are all a
    prompts file is read for (its text is normalised by the reader, which is what markdown-it's
    core rule would do)."""
    md = parser()
    files = []
    for source in sources:
        if source.readable:
            tokens: list[Any] = []
            md.block.parse(source.text, md, {}, tokens)
            files.append((source, tokens))
    return files


def _listing(folder: Path) -> tuple[list[tuple[str, Path, str]], list[Diagnostic]]:
    """The Markdown files directly in `folder` in natural order, as (name, path, display), and
    a problem for each link that leads out of it (never read). Hidden files are left alone; a
    file that is not a regular one is refused by the reader."""
    root = folder.resolve()
    entries = sorted(
        (e for e in os.scandir(folder) if e.name.endswith(".md") and not e.name.startswith(".")),
        key=lambda entry: natural_key(entry.name),
    )
    found: list[tuple[str, Path, str]] = []
    problems: list[Diagnostic] = []
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink() and not path.resolve().is_relative_to(root):
            problems.append(
                Diagnostic(
                    "CC105",
                    f"symbolic link points outside the prompts folder (to {path.resolve()})",
                    entry.path,
                    1,
                    hint="copy the file into the folder instead of linking to it",
                )
            )
            continue
        found.append((entry.name, path, entry.path))
    return found, problems


def _link_prompts(
    files: Iterable[tuple[SourceFile, list[Any]]],
    footnotes: list[Footnote],
    syntax: ExampleSyntax,
    known_ids: Callable[[str], bool],
) -> tuple[list[PromptFile], list[Diagnostic]]:
    folder = syntax.prompts
    by_key: dict[str, Footnote] = {}
    for footnote in footnotes:
        by_key.setdefault(footnote.key, footnote)
    prompts: list[PromptFile] = []
    diagnostics: list[Diagnostic] = []
    seen: set[str] = set()
    for source, tokens in files:
        key = source.name[len(f"{folder}/") : -len(".md")]
        linked = by_key.get(key)
        if linked is None:
            diagnostics.append(
                Diagnostic(
                    "CC812",
                    f"a prompts file that no footnote names: no passage carries [^{key}]",
                    source.display,
                    1,
                    1,
                    f"add [^{key}] to the passage these prompts test, or remove the file",
                )
            )
            continue
        seen.add(key)
        scan = _FileScan(source, tokens, syntax, known_ids, id_prefix=f"prompts-{key}")
        found: list[Example] = []
        scan.run(_always(linked.passage.provision), count_in=found)
        diagnostics += scan.diagnostics
        prompts.append(
            PromptFile(
                id=f"prompts-{key}",
                key=key,
                heading=scan.heading(),
                passage=linked.passage,
                prompts=tuple(found),
                source=SourceSpan(source.name, 1, 1, max(1, source.text.count("\n"))),
            )
        )
    for footnote in footnotes:  # each marker whose file is missing, at its line
        if footnote.key not in seen:
            where = footnote.passage.source
            diagnostics.append(
                Diagnostic(
                    "CC811",
                    f"the footnote [^{footnote.key}] names no prompts file: {folder}/{footnote.key}.md is missing",
                    footnote.display,
                    where.line,
                    where.column,
                    f"write its evaluation prompts in {folder}/{footnote.key}.md, or remove the footnote",
                )
            )
    prompts.sort(
        key=lambda p: (p.passage.source.file, p.passage.source.line, p.passage.source.column)
    )
    return prompts, diagnostics
