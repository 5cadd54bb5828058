"""The print version of the constitution: every chapter on one page, in order, for the current
text (`PRINT_PAGE`) and for each release (`release_print_path`), and a PDF of each.

The print pages are ordinary site pages (the theme's print stylesheet leaves out the navigation).
The PDFs are made from the same HTML by WeasyPrint (`write_pdf`), offline: every file it asks
for is read from the built site, and nothing else is fetched. The same HTML gives the same bytes:
the PDF carries no date, and its file identifier is a hash of its content.
"""

from __future__ import annotations

import contextlib
import hashlib
import html as html_module
import json
import mimetypes
import os
import re
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from msgspec import Struct

from .render import RenderedPage, TocEntry, escape

PRINT_PAGE = "print.md"
PRINT_TITLE = "Print version"
PDF_DIR = "pdf"
_PLACEHOLDER = "\x00"
#: A placeholder URL, its file (escaped as in an attribute) and the fragment that follows it.
_PLACEHOLDER_URL = re.compile('\x00([^\x00]*)\x00(#[^"]*)?')


def release_print_path(version: str) -> str:
    return f"print/{version}.md"


def pdf_path(version: str | None = None) -> str:
    """Where a PDF is published: the current text's, or a release's."""
    return (
        f"{PDF_DIR}/constitution.pdf"
        if version is None
        else f"{PDF_DIR}/constitution-{version}.pdf"
    )


class PrintPage(Struct, frozen=True):
    """A print page: the current text (`version` None) or a release."""

    path: str
    version: str | None
    pdf: str


def placeholder_url(path: str) -> str:
    """A stand-in for the URL of the site file `path` while a chapter is rendered, so that one
    rendering serves every page that shows the chapter (`fill_urls` puts the real URL in).
    Markdown cannot produce it: markdown-it turns NUL into U+FFFD."""
    return f"{_PLACEHOLDER}{path}{_PLACEHOLDER}"


def fill_urls(html: str, url_of: Callable[[str, str | None], str]) -> str:
    """`html` with every `placeholder_url` replaced: ``url_of(path, fragment)`` gives the URL
    (escaped here), fragment included (``#id``, or None)."""
    if _PLACEHOLDER not in html:
        return html

    def filled(match: re.Match[str]) -> str:
        path = html_module.unescape(match[1])
        fragment = html_module.unescape(match[2]) if match[2] else None
        return escape(url_of(path, fragment))

    return _PLACEHOLDER_URL.sub(filled, html)


def print_html(
    title: str,
    chapters: Iterable[tuple[str, str, RenderedPage]],
    url_of_file: Callable[[str], str | None],
    pdf: str | None,
    intro: str,
) -> RenderedPage:
    """The print page: a title, a contents list and every chapter (anchor, title, rendered page),
    each starting a new printed page. `pdf` is the PDF's path, if one is made."""
    listed = list(chapters)
    parts = [
        f'<h1 id="print-title">{escape(title)}</h1>\n',
        f'<p class="cc-print-intro">{escape(intro)}{_pdf_link(pdf, url_of_file)}</p>\n',
    ]
    parts.append(
        '<nav class="cc-print-contents" aria-label="Contents"><h2 id="print-contents">Contents</h2><ol>'
    )
    for anchor, chapter_title, _ in listed:
        parts.append(f'<li><a href="#{escape(anchor)}">{escape(chapter_title)}</a></li>')
    parts.append("</ol></nav>\n")
    toc: list[TocEntry] = []
    for anchor, chapter_title, page in listed:
        parts.append(f'<section class="cc-print-chapter">\n{page.html}</section>\n')
        toc.append(TocEntry(2, anchor, chapter_title))
    return RenderedPage("".join(parts), toc, title)


def release_print_html(
    version: str, page: RenderedPage, url_of_file: Callable[[str], str | None], pdf: str | None
) -> RenderedPage:
    """A release's print page: its page in full (a release page shows the whole text)."""
    intro = (
        f'<p class="cc-print-intro">The text of release {escape(version)}, on one page.'
        f"{_pdf_link(pdf, url_of_file)}</p>\n"
    )
    return RenderedPage(intro + page.html, page.toc, page.title)


def _pdf_link(pdf: str | None, url_of_file: Callable[[str], str | None]) -> str:
    url = url_of_file(pdf) if pdf is not None else None
    if url is None:
        return ""
    return (
        f' <span class="cc-pdf-link"><a href="{escape(url)}" download>Download the PDF</a>.</span>'
    )


# --- the PDF ----------------------------------------------------------------------------------

_HREF = re.compile(r'\bhref="([^"]*)"')


def pdf_document(content: str, title: str, page_url: str, site_url: str | None) -> str:
    """The print page's content as a document of its own for the PDF: links within it stay,
    links to the rest of the site point at the published site (`site_url`), or are left out
    when it has no address (a link to a file on the build machine helps no reader)."""

    def absolute(match: re.Match[str]) -> str:
        href = match[1]
        if href.startswith("#"):
            return match[0]
        scheme = urlsplit(href.replace("&amp;", "&")).scheme
        if scheme:
            return match[0]  # an external link (the compiler allows only safe schemes)
        if not site_url:
            return 'data-cc-href="local"'
        base = site_url.rstrip("/") + "/" + page_url
        return f'href="{escape(urljoin(base, href.replace("&amp;", "&")))}"'

    body = _HREF.sub(absolute, content)
    css = resources.files("compiler").joinpath("assets", "print.css").read_text("utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{css}</style></head>\n"
        f'<body><main class="md-typeset">{body}</main></body></html>\n'
    )


def write_pdf(
    document: str, site_dir: Path, page_dir: str, target: Path, cache: Path | None = None
) -> None:
    """Render `document` (see `pdf_document`) to `target` with WeasyPrint. Images are read from
    `site_dir` (relative to the page's directory `page_dir` in it); nothing else is fetched.

    With a `cache` directory, a PDF made from the same document, the same files of the site and
    the same WeasyPrint is copied from there instead of made again (WeasyPrint takes seconds; a
    release's print page never changes): one entry per PDF, checked against a digest of all of
    those, so the bytes are the ones WeasyPrint would write."""
    root = site_dir.resolve()
    key = hashlib.sha256(
        "\0".join([_weasyprint_version(), page_dir, document]).encode("utf-8", "surrogatepass")
    ).hexdigest()
    entry = None
    if cache is not None:
        entry = cache / hashlib.sha256(target.name.encode("utf-8", "surrogatepass")).hexdigest()
        cached = _cached_pdf(entry, key, root)
        if cached is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(cached)
            return

    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    fetched: dict[str, str] = {}
    """Each file WeasyPrint read (relative to the site) -> its SHA-256."""

    class SiteFiles(URLFetcher):  # type: ignore[misc]
        """Files of the built site, and nothing else: no other file, no host."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc:
                raise ValueError(f"not fetched: {parts.scheme}: URL")
            resolved = Path(unquote(parts.path)).resolve()
            if not resolved.is_relative_to(root) or not resolved.is_file():
                raise ValueError(f"not a file of the site: {resolved.name}")
            kind = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
            data = resolved.read_bytes()
            fetched[resolved.relative_to(root).as_posix()] = hashlib.sha256(data).hexdigest()
            return URLFetcherResponse(url, data, headers={"Content-Type": kind})

    html = weasyprint.HTML(
        string=document,
        base_url=root.joinpath(page_dir).as_uri() + "/",
        url_fetcher=SiteFiles(allowed_protocols=("file",)),
    )
    identifier = hashlib.sha256(document.encode()).hexdigest()[:32].encode()
    data = html.write_pdf(pdf_identifier=identifier)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    if entry is not None:
        _store_pdf(entry, key, fetched, data)


def _weasyprint_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:
        return ""


def _cached_pdf(entry: Path, key: str, root: Path) -> bytes | None:
    """The PDF kept at `entry`, if it was made from `key` and the same files of the site."""
    try:
        record = json.loads(entry.with_suffix(".json").read_bytes())
        if not isinstance(record, dict) or record.get("key") != key:
            return None
        files = record.get("files")
        if not isinstance(files, dict):
            return None
        for name, digest in files.items():
            path = (root / name).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                return None
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                return None
        data = entry.with_suffix(".pdf").read_bytes()
    except (OSError, ValueError, TypeError):
        return None
    if hashlib.sha256(data).hexdigest() != record.get("pdf"):
        return None  # (a damaged or half-written entry)
    return data


def _store_pdf(entry: Path, key: str, files: dict[str, str], data: bytes) -> None:
    """Keep the PDF for the next build; nothing is kept if it cannot be written."""
    record = {
        "key": key,
        "files": dict(sorted(files.items())),
        "pdf": hashlib.sha256(data).hexdigest(),
    }
    for suffix, content in ((".pdf", data), (".json", json.dumps(record).encode())):
        path = entry.with_suffix(suffix)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            partial.write_bytes(content)
            os.replace(partial, path)
        except OSError:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            return
