"""The cache of the PDFs (`compiler.site.printable.write_pdf` with a cache directory, used by the
plugin in `.cache/constitution/pdf`): a PDF is made again only when its document, a file of the
site it shows or WeasyPrint changed, and a PDF from the cache has the bytes WeasyPrint writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.site.printable import pdf_document, write_pdf

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="{w}" height="5"/></svg>'


def site_with_image(tmp_path: Path, width: int = 4) -> Path:
    site = tmp_path / "site"
    (site / "print").mkdir(parents=True, exist_ok=True)
    (site / "img.svg").write_text(SVG.format(w=width), "utf-8")
    return site


def document(text: str = "Text") -> str:
    return pdf_document(f'<h1>T</h1><p>{text}</p><img src="../img.svg">', "T", "print/", None)


class Made:
    """Counts WeasyPrint's renderings."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import weasyprint

        self.count = 0
        original = weasyprint.HTML.write_pdf

        def counted(html: object, *args: object, **kwargs: object) -> object:
            self.count += 1
            return original(html, *args, **kwargs)

        monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Made:
    return Made(monkeypatch)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    (tmp_path / "cache").mkdir()
    return tmp_path / "cache"


def test_the_same_document_is_copied_from_the_cache(
    tmp_path: Path, made: Made, cache: Path
) -> None:
    site = site_with_image(tmp_path)
    uncached = tmp_path / "uncached.pdf"
    write_pdf(document(), site, "print/", uncached)
    target = site / "pdf" / "t.pdf"
    write_pdf(document(), site, "print/", target, cache)
    assert made.count == 2
    assert target.read_bytes() == uncached.read_bytes()
    target.unlink()
    write_pdf(document(), site, "print/", target, cache)
    assert made.count == 2  # from the cache
    assert target.read_bytes() == uncached.read_bytes()
    # Another document, then another image, is made again (and the cache keeps one entry).
    write_pdf(document("Other"), site, "print/", target, cache)
    assert made.count == 3
    site_with_image(tmp_path, width=8)
    write_pdf(document("Other"), site, "print/", target, cache)
    assert made.count == 4
    assert len(list(cache.glob("*.pdf"))) == 1


def test_a_damaged_or_removed_entry_is_made_again(tmp_path: Path, made: Made, cache: Path) -> None:
    site = site_with_image(tmp_path)
    target = site / "pdf" / "t.pdf"
    write_pdf(document(), site, "print/", target, cache)
    expected = target.read_bytes()
    (pdf,) = cache.glob("*.pdf")
    pdf.write_bytes(b"%PDF-1.7 half written")
    write_pdf(document(), site, "print/", target, cache)
    assert made.count == 2 and target.read_bytes() == expected
    pdf.with_suffix(".json").write_text("[1]")
    write_pdf(document(), site, "print/", target, cache)
    assert made.count == 3 and target.read_bytes() == expected
    (site / "img.svg").unlink()  # a file the PDF showed is gone: made again, without it
    write_pdf(document(), site, "print/", target, cache)
    assert made.count == 4
