"""Which files a spec directory may hold, and where the site would publish each of them.

The compiler owns every file of the spec: the chapters (`*.md`), images checked for what they
hold (`compiler.images`), and the reserved `constitution.yaml`. Anything else is refused, and
so are two files that the site would publish at one address, or a file where a generated page
or file goes. Nothing refused is ever published. `check` and `build` apply the same policy, here, at the read stage.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cached_property
from urllib.parse import unquote, urlsplit

from msgspec import Struct, field

from .diagnostics import Diagnostic
from .images import IMAGE_SIGNATURES, SVG_SUFFIX

CHAPTER_SUFFIX = ".md"
#: The spec's declarations, beside the chapters; read by the compiler, never published.
DECLARATIONS_FILE = "constitution.yaml"

#: What the site generates. A spec file where one of these is published would be overwritten
#: (or overwrite it): generated pages (as Markdown paths), folders the site fills, and files.
GENERATED_PAGES = (
    "core-values.md",
    "constraints.md",
    "glossary.md",
    "tool-builders.md",
    "authoring.md",
    "versions.md",
    "changes.md",
    "404.md",
    "search.md",
    "print.md",
)
GENERATED_FOLDERS = (
    "assets/",
    "changes/",
    "releases/",
    "schemas/",
    "search/",
    "versions/",
    "print/",
    "pdf/",
)
GENERATED_FILES = (
    "constitution.json",
    "constitution.spec.schema.json",
    "sitemap.xml",
    "sitemap.xml.gz",
    "404.html",
)
#: Published files a chapter may link to (the compiled spec, its schemas, the releases).
LINKABLE_FILES = ("constitution.json",)
LINKABLE_FOLDERS = ("releases/", "schemas/")

_MARKDOWN_LIKE = re.compile(r"\.(md|markdown|mdown|mkdn?|mdwn|mdtxt|mdtext|rmd)$", re.I)


class SpecFiles(Struct, frozen=True, dict=True):
    """Every file of a spec directory, as the policy sorts them."""

    chapters: tuple[str, ...] = ()
    """Markdown files (`*.md`), spec-relative, in reading order."""
    assets: tuple[str, ...] = ()
    """Images that passed their checks: published as they are."""
    declarations: str | None = None
    """`constitution.yaml`, if the spec has one (read, never published)."""
    unpublished: frozenset[str] = frozenset()
    """Chapters that collide with another file or a generated page: checked, never published."""
    problems: tuple[Diagnostic, ...] = ()
    """Refused files, unsafe images and collisions."""
    names: frozenset[str] = field(default_factory=frozenset)
    """Every file name seen (hidden ones excepted), refused ones included."""

    @cached_property
    def published(self) -> frozenset[str]:
        """The spec files the site may publish: the chapters that collide with nothing, and the
        checked images. Whatever else is in the spec directory stays out of the site."""
        return frozenset(self.chapters).difference(self.unpublished).union(self.assets)

    @cached_property
    def _assets(self) -> frozenset[str]:
        return frozenset(self.assets)

    @cached_property
    def _folders(self) -> frozenset[str]:
        """Every folder that holds a file of the spec, at any depth."""
        folders = set()
        for name in self.names:
            while "/" in name:
                name = name.rsplit("/", 1)[0]
                if name in folders:
                    break
                folders.add(name)
        return frozenset(folders)

    def link_problem(self, from_file: str, href: str) -> tuple[str, str, str] | None:
        """(code, message, hint) when `href`, written in `from_file`, names a file of the spec
        that is not published (or no file at all); None for anything else. Links to chapters
        (`*.md`) and to ids are the extractor's business."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path or href.startswith("//"):
            return None
        path = unquote(parts.path)
        if path.endswith(CHAPTER_SUFFIX):
            return None
        base = "" if path.startswith("/") else posixpath.dirname(from_file)
        target = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        shown = parts.path[:80]
        if target == ".." or target.startswith("../"):
            return (
                "CC105",
                f"link leaves the spec directory: '{shown}'",
                "link to a file inside the spec, or to an https: page",
            )
        if target in self._assets or _linkable(target):
            return None
        if target in self.names:
            why = "refused (see its own diagnostic)"
        elif target in self._folders:
            why = "a folder, not a file"
        else:
            why = "not in the spec"
        return (
            "CC312",
            f"link to '{shown}', which the site does not publish: it is {why}",
            "link to a chapter (*.md), an image of the spec (png, jpg, gif, webp, avif, svg), "
            "or an https: page",
        )


def _linkable(target: str) -> bool:
    key = fold(target)
    return key in LINKABLE_FILES or key.startswith(LINKABLE_FOLDERS)


def fold(path: str) -> str:
    """The key under which two paths are the same address on some file system or server: one
    Unicode form (NFC) and one letter case."""
    return unicodedata.normalize("NFC", path).casefold()


def page_addresses(chapter: str) -> tuple[str, ...]:
    """Where mkdocs writes a chapter, with and without `use_directory_urls` (`README.md` is its
    folder's index page, as in mkdocs)."""
    parent, filename = posixpath.split(chapter)
    stem = filename[: -len(CHAPTER_SUFFIX)]
    name = "index" if stem in ("index", "README") else stem
    flat = posixpath.join(parent, f"{name}.html")
    nested = flat if name == "index" else posixpath.join(parent, name, "index.html")
    return (flat,) if flat == nested else (flat, nested)


def _generated_addresses() -> dict[str, str]:
    addresses = {fold(a): page for page in GENERATED_PAGES for a in page_addresses(page)}
    addresses.update({fold(name): name for name in GENERATED_FILES})
    return addresses


_GENERATED = _generated_addresses()


def generated_at(address: str) -> str | None:
    """What the site generates at `address` (a path in the site, folded), or None."""
    if address in _GENERATED:
        return _GENERATED[address]
    return next((folder for folder in GENERATED_FOLDERS if address.startswith(folder)), None)


# --- sorting the files ----------------------------------------------------------------------------


def is_chapter(name: str) -> bool:
    return name.endswith(CHAPTER_SUFFIX)


def is_asset(name: str) -> bool:
    """An image the spec may hold (its content is checked when it is read)."""
    suffix = posixpath.splitext(name)[1].lower()
    return suffix in IMAGE_SIGNATURES or suffix == SVG_SUFFIX


def refusal(name: str, display: str) -> Diagnostic | None:
    """The diagnostic for a file the spec may not hold, by its name alone; None if it may."""
    if is_chapter(name) or is_asset(name) or name == DECLARATIONS_FILE:
        return None
    stem, suffix = posixpath.splitext(name)
    if _MARKDOWN_LIKE.search(name):
        message = f"'{name}' is not read: chapters are Markdown files ending in '.md'"
        hint = f"rename it to '{stem}.md' to make it a chapter, or move it out of the spec"
    else:
        kind = f"a '{suffix}' file" if suffix else "a file without an extension"
        message = f"'{name}' is not allowed in the spec: {kind} would bypass the compiler"
        hint = (
            "a spec holds chapters (*.md), images (png, jpg, gif, webp, avif, svg) and "
            f"{DECLARATIONS_FILE}; move anything else out of the spec directory"
        )
    return Diagnostic("CC110", message, display, 1, 1, hint)


# --- addresses ------------------------------------------------------------------------------------


def collisions(
    chapters: Iterable[str], assets: Iterable[str], display: dict[str, str]
) -> tuple[list[Diagnostic], set[str]]:
    """Two files at one address (in either URL style, in any letter case), or a file where the
    site generates something: a diagnostic at the later file, which is left unpublished. Files
    come in reading order; the first one keeps its address."""
    problems: list[Diagnostic] = []
    losers: set[str] = set()
    taken: dict[str, tuple[str, str]] = {}
    named = [(name, page_addresses(name)) for name in chapters]
    named += [(name, (name,)) for name in assets]
    for name, addresses in named:
        problem = _address_problem(name, addresses, taken, display.get(name, name))
        if problem is not None:
            problems.append(problem)
            losers.add(name)
            continue
        for address in addresses:
            taken.setdefault(fold(address), (name, address))
    return problems, losers


def _address_problem(
    name: str, addresses: Sequence[str], taken: dict[str, tuple[str, str]], where: str
) -> Diagnostic | None:
    for address in addresses:
        key = fold(address)
        generated = generated_at(key)
        if generated is not None:
            return Diagnostic(
                "CC311",
                f"'{name}' would be published at '{address}', where the site puts its "
                f"generated '{generated}'",
                where,
                1,
                1,
                "rename the file or its folder; these names are the site's: "
                + ", ".join(page.removesuffix(CHAPTER_SUFFIX) for page in GENERATED_PAGES)
                + ", "
                + ", ".join(GENERATED_FOLDERS + GENERATED_FILES),
            )
        if key in taken:
            first, first_address = taken[key]
            if first_address != address:
                hint = (
                    "names that differ only in letter case (or Unicode form) are one file on "
                    "macOS and Windows: rename one"
                )
            elif "README.md" in (posixpath.basename(name), posixpath.basename(first)):
                hint = "README.md is its folder's index page, like index.md: keep one of them"
            else:
                hint = "'a.md' and 'a/index.md' are both the page 'a/': keep one, or rename one"
            where_first = "" if first_address == address else f" (as '{first_address}')"
            return Diagnostic(
                "CC310",
                f"'{name}' and '{first}' would both be published at '{address}'{where_first}",
                where,
                1,
                1,
                hint,
            )
    return None
