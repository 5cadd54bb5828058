"""The print version and its PDF (issue 14): every chapter in order on one page, for the current
text and for each release; a PDF of each, made offline, the same bytes for the same input; the
search leaves them (and the archived releases) out; no empty sitemap, no marker in the site."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pypdf
import pytest
from test_site_build import TEST_CONFIG, build, make_project

from compiler.document import from_json
from compiler.site.printable import pdf_document, write_pdf

#: The tests' project with the PDF turned on.
PDF_CONFIG = TEST_CONFIG.replace("  - constitution\n", "  - constitution:\n      pdf: true\n")


def chapter_titles(site: Path) -> list[str]:
    """The title of every chapter, in order, from the published JSON."""
    document = from_json(json.loads((site / "constitution.json").read_text("utf-8")))
    return [s.title or "" for s in document.of_kind("section") if s.level == 1]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: list[str] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href") is not None:
            self.hrefs.append(values["href"] or "")
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1[-1] += data


def article(site: Path, page: str) -> _Links:
    html = (site / page / "index.html").read_text("utf-8")
    body = html[html.index("<article") : html.index("</article>")]
    links = _Links()
    links.feed(body)
    return links


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def squeezed(text: str) -> str:
    """Text without its line breaks and runs of spaces (a PDF breaks lines where it likes)."""
    return re.sub(r"\s+", " ", text).replace("’", "'")


# --- the print page ----------------------------------------------------------------------------


def test_print_page_has_every_chapter_in_order_and_links_within_itself(
    released_site: Path,
) -> None:
    links = article(released_site, "print")
    titles = chapter_titles(released_site)
    assert len(titles) == 9
    # The page's own title, then each chapter's, in the spec's order.
    assert [t.replace("¶", "").strip() for t in links.h1[1:]] == titles
    ids = set(links.ids)
    assert len(ids) == len(links.ids), "an id appears twice on the print page"
    # Links to another chapter land on the print page itself; every one has its target.
    chapter_dirs = {p.name for p in released_site.iterdir() if re.match(r"\d\d-", p.name)}
    local = [h for h in links.hrefs if h.startswith("#")]
    assert len(local) > 50
    assert all(h[1:] in ids for h in local), [h for h in local if h[1:] not in ids]
    assert not [h for h in links.hrefs if any(name in h for name in chapter_dirs)]
    # It links its PDF, which exists.
    assert "../pdf/constitution.pdf" in links.hrefs


def test_each_release_has_a_print_page_and_a_pdf(released_site: Path, repo_root: Path) -> None:
    index = json.loads((repo_root / "releases/index.json").read_text("utf-8"))
    versions = [entry["version"] for entry in index["releases"]]
    assert versions
    for version in versions:
        links = article(released_site, f"print/{version}")
        assert f"../../pdf/constitution-{version}.pdf" in links.hrefs
        release = from_json(
            json.loads((repo_root / "releases" / f"{version}.json").read_text("utf-8"))
        )
        text = squeezed(pdf_text(released_site / "pdf" / f"constitution-{version}.pdf"))
        for section in release.of_kind("section"):
            assert squeezed(section.title or "") in text, section.title


def test_pdf_has_every_chapter_title_and_extractable_text(released_site: Path) -> None:
    path = released_site / "pdf" / "constitution.pdf"
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) > 20
    text = squeezed(pdf_text(path))
    for title in chapter_titles(released_site):
        assert squeezed(title) in text, title
    # The body text, not only headings: a sentence of the constitution, whole.
    assert "Here, corrigibility does not mean blind obedience" in text
    # Its outline (bookmarks) lists the chapters, and it carries no date.
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert set(chapter_titles(released_site)) <= {squeezed(t) for t in outline}
    assert reader.metadata is not None and "/CreationDate" not in reader.metadata
    assert "/ModDate" not in reader.metadata


def test_pdf_links_name_no_file_of_the_build_machine(released_site: Path) -> None:
    data = (released_site / "pdf" / "constitution.pdf").read_bytes()
    assert b"file:" not in data and str(released_site).encode() not in data


def test_pdf_links_point_at_the_published_site(tmp_path: Path) -> None:
    html = (
        '<h1 id="a">A</h1><p><a href="#a">here</a> <a href="../glossary/#x">glossary</a> '
        '<a href="https://example.test/x">out</a></p>'
    )
    with_url = pdf_document(html, "T", "print/", "https://constitution.test/docs/")
    assert 'href="https://constitution.test/docs/glossary/#x"' in with_url
    assert 'href="#a"' in with_url and 'href="https://example.test/x"' in with_url
    # Without the site's address a link to another page could only name a file here: none.
    without = pdf_document(html, "T", "print/", None)
    assert "glossary/" not in without and 'href="#a"' in without


class _Counting(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Counting.requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def counting_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_making_the_pdf_fetches_nothing(tmp_path: Path, counting_server: str) -> None:
    site = tmp_path / "site"
    (site / "print").mkdir(parents=True)
    (site / "img.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "utf-8"
    )
    (tmp_path / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "utf-8"
    )
    _Counting.requests = []
    document = pdf_document(
        f'<h1>T</h1><img src="{counting_server}/a.png"><img src="../img.svg">'
        f'<img src="../../secret.svg"><p style="background: url({counting_server}/b.png)">x</p>'
        f'<link rel="stylesheet" href="{counting_server}/c.css">',
        "T",
        "print/",
        None,
    )
    target = site / "pdf" / "t.pdf"
    write_pdf(document, site, "print/", target)
    assert target.read_bytes().startswith(b"%PDF-")
    assert _Counting.requests == []


def test_pdf_is_opt_in_and_a_preview_makes_none(tmp_path: Path) -> None:
    chapter = "# One {#one}\n\nText.\n"
    config = make_project(tmp_path, {"index.md": chapter})
    assert build(config).exit_code == 0
    site = tmp_path / "site"
    assert (site / "print" / "index.html").is_file()
    assert not (site / "pdf").exists()
    assert "Download the PDF" not in (site / "print" / "index.html").read_text("utf-8")


# --- what the site publishes -------------------------------------------------------------------


def test_no_empty_sitemap_and_no_marker_in_the_site(tmp_path: Path) -> None:
    files = {"index.md": "# One {#one}\n\nText.\n"}
    config = make_project(tmp_path / "plain", files)
    assert build(config).exit_code == 0
    site = tmp_path / "plain" / "site"
    # Without the site's address a sitemap could list no page (its URLs must be absolute).
    assert not (site / "sitemap.xml").exists() and not (site / "sitemap.xml.gz").exists()
    assert not [p for p in site.rglob(".*")], "a hidden file would be published with the site"
    addressed = make_project(
        tmp_path / "addressed",
        files,
        "site_url: https://constitution.test/\n" + config.read_text("utf-8"),
    )
    assert build(addressed).exit_code == 0
    sitemap = (tmp_path / "addressed" / "site" / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://constitution.test/print/</loc>" in sitemap
    assert "<loc>https://constitution.test/</loc>" in sitemap


def test_search_leaves_out_archives_and_the_print_pages(released_site: Path) -> None:
    index = json.loads((released_site / "search/search_index.json").read_text("utf-8"))
    pages = {d["location"].split("#")[0] for d in index["docs"]}
    assert "versions/" in pages  # the list of releases is searched
    assert not [p for p in pages if p.startswith(("versions/1", "changes", "print"))]
    assert {"core-values/", "constraints/", "glossary/"} <= pages


def test_a_pdf_that_cannot_be_made_fails_the_build_and_keeps_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chapter = "# One {#one}\n\nText.\n"
    config = make_project(tmp_path, {"index.md": chapter}, PDF_CONFIG)
    first = build(config)
    assert first.exit_code == 0, first.output
    before = (tmp_path / "site" / "pdf" / "constitution.pdf").read_bytes()

    def no_pango(*args: object, **kwargs: object) -> None:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr("compiler.mkdocs.plugin.write_pdf", no_pango)
    (tmp_path / "docs" / "index.md").write_text("# One {#one}\n\nOther text.\n", "utf-8")
    result = build(config)
    assert result.exit_code == 1
    assert (
        f"{config}:11:1: CC540 the PDF pdf/constitution.pdf cannot be made: cannot load "
        "library 'libpango-1.0-0'\n"
        "    hint: it needs WeasyPrint and Debian's Pango (scripts/setup.sh installs both); or "
        "set the plugin's option 'pdf: false'\n"
    ) in result.stderr
    assert "Traceback" not in result.output
    assert (tmp_path / "site" / "pdf" / "constitution.pdf").read_bytes() == before


def test_a_chapter_rendered_once_serves_its_page_byte_for_byte(repo_root: Path) -> None:
    """Chapters are rendered once per build with placeholders for URLs (compiler.site): each
    chapter page is what rendering it for that page gives."""
    from compiler.pipeline import compile_spec
    from compiler.site import Site

    site = Site(compile_spec(repo_root / "spec"))
    published = set(site.chapters) | set(site.pages) | set(site.files)

    def url_of_file(path: str) -> str | None:
        if path not in published:
            return None
        return "../" + (path.removesuffix(".md") + "/" if path.endswith(".md") else path)

    direct = {
        path: site.chapter_pages.render(path, site.context(path, url_of_file)).html
        for path in site.chapters
    }
    site.render("print.md", url_of_file)  # renders (and keeps) every chapter first
    for path in site.chapters:
        page = site.render(path, url_of_file)
        assert page is not None and page.html == direct[path], path
    assert "\x00" not in (site.render("print.md", url_of_file) or page).html
