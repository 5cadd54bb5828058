"""What one side of a diff names: ``git:REV[:PATH]``, a released ``X.Y.Z``, a compiled ``.json``,
or a spec directory or Markdown file.

A git side is read from git's object database into memory (``git ls-tree`` and ``git cat-file
--batch``) and compiled from there: nothing is written to disk and no symbolic link is followed,
whatever the commit holds. A link, a submodule or an entry listed twice is a diagnostic at its
path instead, and the reader's limits (file size, spec size, file count) apply before a blob is
read.
"""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

from msgspec import Struct, field

from ..api import read_document
from ..diagnostics import Diagnostic, has_errors, sort_diagnostics
from ..diff import DEFAULT_LEVELS, DiffResult, Levels, Side, diff_documents, side_of
from ..document import Document, from_json, read_pair
from ..grammar.load import load_grammar, loads_grammar
from ..grammar.types import Grammar
from ..json_input import parse_json
from ..pipeline import compile_sources
from ..reader import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_SPEC_BYTES,
    SizeBudget,
    SourceFile,
    decode,
    name_problem,
    natural_key,
    other_too_large,
    sort_files,
)
from ..spec_files import SpecFiles, is_chapter, refusal
from ..versions import parse_version
from .index import INDEX_FILE, load_index
from .verify import check_artifact

DEFAULT_SPEC = "spec"

_LINK, _GITLINK = "120000", "160000"


class SideError(Exception):
    """A diff side or release argument that names nothing: a usage error, not bad input."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class LoadedSide(Struct):
    """One side of a diff: its compiled document, or why there is none."""

    label: str
    document: dict[str, Any] | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def side(self) -> Side:
        return side_of(self.label, self.document or {})

    @property
    def model(self) -> Document:
        """The typed model of its document (schema 1.x or 2.0.0); `ValueError` when it has
        none."""
        return from_json(self.compiled)

    @property
    def compiled(self) -> dict[str, Any]:
        """Its compiled document; `ValueError` when it has none."""
        if self.document is None:
            raise ValueError(f"{self.label} did not compile")
        return self.document


def side_models(old: LoadedSide, new: LoadedSide) -> tuple[Document, Document]:
    """The typed models of both sides of a diff, read together (`read_pair`: what they share
    is read once); `ValueError` when one has no document."""
    return read_pair(old.compiled, new.compiled)


def load_side(
    argument: str, *, releases_dir: Path, cwd: Path | None = None, grammar_file: Path | None = None
) -> LoadedSide:
    """Resolve a diff side: ``git:REV[:PATH]``, a released ``X.Y.Z``, a compiled ``.json``, or a
    spec directory or Markdown file (compiled with `grammar_file` when given, ``--grammar``).
    Raises `SideError` when it names nothing."""
    if argument.startswith("git:"):
        return _git_side(argument, cwd or Path.cwd(), grammar_file)
    path = Path(argument) if cwd is None else cwd / argument
    if parse_version(argument) is not None and not path.exists():
        return _release_side(argument, releases_dir)
    if not path.exists():
        raise SideError(
            f"'{argument}' is not a file, a directory, a released version or a git revision",
            "name a spec directory or file, a compiled .json, a version from "
            f"{releases_dir / INDEX_FILE}, or git:REV",
        )
    document, diagnostics = read_document(path, grammar_file=grammar_file)
    return LoadedSide(argument, document, diagnostics)


def _release_side(version: str, releases_dir: Path) -> LoadedSide:
    index, problems = load_index(releases_dir)
    if has_errors(problems):
        return LoadedSide(version, None, problems)
    entry = index.get(version)
    if entry is None:
        known = [e.version for e in index.entries]
        raise SideError(
            f"no release {version} in {index.path}",
            f"released versions: {', '.join(known)}" if known else "nothing is released yet",
        )
    document, problems = check_artifact(index, entry)
    return LoadedSide(version, document, problems)


def diff_sides(old: LoadedSide, new: LoadedSide, levels: Levels = DEFAULT_LEVELS) -> DiffResult:
    return diff_documents(*side_models(old, new), old.side, new.side, levels)


# --- git -----------------------------------------------------------------------------------


def _git(
    args: list[str], cwd: Path, data: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "--literal-pathspecs", *args],
            cwd=cwd,
            input=data,
            capture_output=True,
            check=False,
        )
    except OSError as err:
        raise SideError(f"cannot run git: {err}", "install git, or diff a directory") from err


class _TreeEntry(Struct, frozen=True):
    mode: str
    kind: str
    """``blob``, ``tree`` or ``commit`` (a submodule)."""
    sha: str
    size: int | None
    """Bytes, for a blob."""
    path: str
    """From the repository root, as git lists it (undecodable bytes kept as surrogates)."""


def _ls_tree(root: Path, commit: str, path: str, *, recursive: bool) -> list[_TreeEntry]:
    flags = ["-r"] if recursive else []
    listing = _git(["ls-tree", "-z", "-l", "--full-tree", *flags, commit, "--", path], root)
    if listing.returncode != 0:
        raise SideError(
            f"git cannot list '{path}' at {commit[:12]}: "
            + listing.stderr.decode("utf-8", "replace").strip(),
            "check the repository with 'git fsck'",
        )
    entries = []
    for record in listing.stdout.split(b"\0"):
        meta, tab, raw_path = record.partition(b"\t")
        fields = meta.decode("ascii", "replace").split()
        if not tab or len(fields) != 4:
            continue
        mode, kind, sha, size = fields
        name = raw_path.decode("utf-8", "surrogateescape")
        entries.append(_TreeEntry(mode, kind, sha, int(size) if size.isdecimal() else None, name))
    return entries


def _spec_path(argument: str, inner: str) -> str:
    """The spec's path from the repository root, without `.`, empty or `..` parts."""
    parts = [part for part in inner.split("/") if part not in ("", ".")]
    if not parts or ".." in parts or inner.startswith("/"):
        raise SideError(
            f"'{argument}': the path must lead down from the repository root",
            "write git:REV:PATH with PATH relative to the repository root, without '..'",
        )
    return "/".join(parts)


def _git_side(argument: str, cwd: Path, grammar_file: Path | None = None) -> LoadedSide:
    revision, _, inner = argument.removeprefix("git:").partition(":")
    if not revision:
        raise SideError(f"'{argument}' names no revision", "write git:REV or git:REV:PATH")
    path = _spec_path(argument, inner or DEFAULT_SPEC)
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise SideError(
            f"'{argument}': {cwd} is not inside a git repository", "run from the repository"
        )
    root = Path(top.stdout.decode("utf-8", "surrogateescape").strip())
    found = (
        _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], root)
        if not revision.startswith("-")  # never an option to git
        else None
    )
    if found is None or found.returncode != 0:
        raise SideError(
            f"unknown git revision '{revision}'",
            "name a commit, branch or tag: git:HEAD~1, git:main, git:v1.0.0",
        )
    commit = found.stdout.decode("ascii", "replace").strip()
    prefix = f"git:{revision}:"
    matches = [e for e in _ls_tree(root, commit, path, recursive=False) if e.path == path]
    if not matches:
        link = _linked_ancestor(root, commit, path)
        problem = _entry_problem(link, prefix) if link is not None else None
        if problem is not None:
            return LoadedSide(argument, None, [problem])
        raise SideError(
            f"'{path}' does not exist at git revision '{revision}'",
            "give the spec's path from the repository root: git:REV:PATH",
        )
    spec = matches[0]
    problems = [_entry_problem(e, prefix) for e in matches]
    if len(matches) > 1:
        problems.append(_listed_twice(prefix + path))
    found_problems = [p for p in problems if p is not None]
    if found_problems:
        return LoadedSide(argument, None, sort_diagnostics(found_problems))
    if spec.kind == "tree":
        return _git_tree_side(argument, root, commit, spec, prefix, grammar_file)
    sources, _, problems2 = _read_blobs(root, [(PurePosixPath(spec.path).name, spec)], [], prefix)
    if not sources:
        return LoadedSide(argument, None, problems2)
    if spec.path.lower().endswith(".json"):
        document, diagnostics = parse_json(sources[0].text, sources[0].display)
        return LoadedSide(argument, document, diagnostics)
    grammar, grammar_problems = _side_grammar(grammar_file, None)
    return _compiled(argument, sources, [*grammar_problems, *problems2], grammar=grammar)


def _linked_ancestor(root: Path, commit: str, path: str) -> _TreeEntry | None:
    """The first directory on the way to `path` that the commit holds as a link or submodule."""
    parts = path.split("/")
    for end in range(1, len(parts)):
        ancestor = "/".join(parts[:end])
        for entry in _ls_tree(root, commit, ancestor, recursive=False):
            if entry.path == ancestor and entry.mode in (_LINK, _GITLINK):
                return entry
    return None


def _git_tree_side(
    argument: str,
    root: Path,
    commit: str,
    spec: _TreeEntry,
    prefix: str,
    grammar_file: Path | None = None,
) -> LoadedSide:
    """Every file below `spec`, by the rules of a spec directory (`reader.read_spec_files`):
    hidden files and folders left out, chapters read, images and `constitution.yaml` checked,
    anything else refused, names UTF-8, limits applied; and, git's own, a link or a submodule is
    an error."""
    problems: list[Diagnostic] = []
    refused: list[Diagnostic] = []
    names: set[str] = set()
    chapters: list[tuple[str, _TreeEntry]] = []
    others: list[tuple[str, _TreeEntry]] = []
    for entry in _ls_tree(root, commit, spec.path, recursive=True):
        if not entry.path.startswith(spec.path + "/"):
            continue
        name = entry.path[len(spec.path) + 1 :]
        if any(part.startswith(".") or not part for part in name.split("/")):
            continue  # hidden, as in a directory (also '.' and '..', which git never writes)
        display = prefix + _printable(entry.path)
        problem = _entry_problem(entry, prefix)
        if problem is None and name in names:
            problem = _listed_twice(display)
        if problem is not None:
            problems.append(problem)
            continue
        names.add(name)
        if is_chapter(name):
            chapters.append((name, entry))
        elif (refused_ := refusal(name, display)) is not None:
            refused.append(refused_)
        else:
            others.append((name, entry))
    if len(chapters) > MAX_FILES:
        problems.append(
            Diagnostic(
                "CC104",
                f"the spec has {len(chapters)} Markdown files, more than the limit of {MAX_FILES}",
                prefix + spec.path,
                1,
                hint="point the compiler at the directory that holds the constitution only",
            )
        )
        return LoadedSide(argument, None, problems)
    if not chapters and not problems:
        problems.append(
            Diagnostic(
                "CC103",
                "no Markdown files (*.md) in the spec directory",
                prefix + spec.path,
                1,
                hint="add the constitution's chapters as .md files, or name the right directory",
            )
        )
    chapters.sort(key=lambda item: (natural_key(item[0]), item[0]))
    others.sort(key=lambda item: (natural_key(item[0]), item[0]))
    sources, other_files, read_problems = _read_blobs(root, chapters, others[:MAX_FILES], prefix)
    listing = sort_files(
        [(name, prefix + entry.path) for name, entry in chapters], other_files, refused, names
    )
    problems.extend(read_problems)
    declared = next(
        (
            (data, display)
            for name, display, data in other_files
            if name == listing.declarations and isinstance(data, bytes)
        ),
        None,
    )
    grammar, grammar_problems = _side_grammar(grammar_file, declared)
    problems.extend(grammar_problems)
    if has_errors(problems) or not sources:
        return LoadedSide(argument, None, sort_diagnostics([*problems, *listing.problems]))
    return _compiled(argument, sources, problems, listing, grammar)


def _side_grammar(
    grammar_file: Path | None, declared: tuple[bytes, str] | None
) -> tuple[Grammar | None, list[Diagnostic]]:
    """The grammar a git side is compiled with: `grammar_file` (``--grammar``) when given, else
    the revision's own ``constitution.yaml`` (its bytes and how diagnostics name it), else the
    default grammar (None)."""
    if grammar_file is not None:
        return load_grammar(file=grammar_file)
    if declared is None:
        return None, []
    text, problems = decode(*declared)
    if text is None:
        return None, problems
    grammar, grammar_problems = loads_grammar(text, declared[1])
    return grammar, [*problems, *grammar_problems]


def _compiled(
    argument: str,
    sources: list[SourceFile],
    problems: list[Diagnostic],
    listing: SpecFiles | None = None,
    grammar: Grammar | None = None,
) -> LoadedSide:
    result = compile_sources(sources, keep_tokens=False, files=listing, grammar=grammar)
    policy = listing.problems if listing is not None else ()
    diagnostics = sort_diagnostics([*problems, *policy, *result.diagnostics])
    document = result.document if not has_errors(diagnostics) else None
    return LoadedSide(argument, document, diagnostics)


def _entry_problem(entry: _TreeEntry, prefix: str) -> Diagnostic | None:
    display = prefix + _printable(entry.path)
    if entry.mode == _LINK:
        return Diagnostic(
            "CC120",
            "symbolic link in a git revision: a git side is read as committed, links are not "
            "followed",
            display,
            1,
            hint="commit the file itself instead of a link to it",
        )
    if entry.mode == _GITLINK or entry.kind not in ("blob", "tree"):
        return Diagnostic(
            "CC121",
            "submodule in a git revision: its files are in another repository and are not read",
            display,
            1,
            hint="keep the spec's files in this repository",
        )
    return None


def _listed_twice(display: str) -> Diagnostic:
    return Diagnostic(
        "CC122",
        "the git tree lists this name more than once (a malformed commit)",
        _printable(display),
        1,
        hint="'git fsck' reports the broken tree; diff another revision",
    )


def _printable(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _read_blobs(
    root: Path,
    chapters: list[tuple[str, _TreeEntry]],
    others: list[tuple[str, _TreeEntry]],
    prefix: str,
) -> tuple[list[SourceFile], list[tuple[str, str, bytes | Diagnostic]], list[Diagnostic]]:
    """Read the chapters into sources and the other files as bytes (for `sort_files`), with one
    ``git cat-file --batch``; names that are not UTF-8 and blobs over the reader's limits are
    refused before anything is read."""
    problems: list[Diagnostic] = []
    readable: list[tuple[str, _TreeEntry]] = []
    budget = SizeBudget()
    for name, entry in chapters:
        display = prefix + _printable(entry.path)
        problem = name_problem(entry.path, display) or budget.refuse(entry.size or 0, display)
        if problem is not None:
            problems.append(problem)
            if budget.exhausted:
                break
            continue
        readable.append((name, entry))
    other_files: list[tuple[str, str, bytes | Diagnostic]] = []
    wanted: list[tuple[str, _TreeEntry]] = []
    total = 0
    for name, entry in others:
        limit = min(MAX_FILE_BYTES, MAX_SPEC_BYTES - total)
        if (entry.size or 0) > limit:
            other_files.append(
                (name, prefix + entry.path, other_too_large(prefix + entry.path, limit))
            )
            continue
        total += entry.size or 0
        wanted.append((name, entry))
    contents = _cat_blobs(root, [entry.sha for _, entry in readable + wanted])
    sources: list[SourceFile] = []
    for name, entry in readable:
        display = prefix + entry.path
        content = contents.get(entry.sha)
        if content is None:
            problems.append(_missing(display))
            continue
        text, decode_problems = decode(content, display)
        problems.extend(decode_problems)
        if text is not None:
            sources.append(SourceFile(name, display, text))
    for name, entry in wanted:
        display = prefix + entry.path
        content = contents.get(entry.sha)
        other_files.append((name, display, content if content is not None else _missing(display)))
    return sources, other_files, problems


def _cat_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """The content of each blob that git has, by SHA (``git cat-file --batch``)."""
    if not shas:
        return {}
    request = "".join(f"{sha}\n" for sha in shas).encode("ascii")
    data = _git(["cat-file", "--batch"], root, request).stdout
    contents: dict[str, bytes] = {}
    offset = 0
    while offset < len(data):
        header_end = data.find(b"\n", offset)
        if header_end < 0:
            break
        header = data[offset:header_end].split()
        if len(header) != 3 or not header[2].isdigit():  # "<sha> missing"
            offset = header_end + 1
            continue
        size = int(header[2])
        if header[1] == b"blob":
            contents[header[0].decode("ascii", "replace")] = data[
                header_end + 1 : header_end + 1 + size
            ]
        offset = header_end + 1 + size + 1
    return contents


def _missing(display: str) -> Diagnostic:
    return Diagnostic(
        "CC106",
        "cannot read file from git: its object is missing or not a blob",
        display,
        1,
        hint="'git fsck' reports what is wrong with the repository",
    )
