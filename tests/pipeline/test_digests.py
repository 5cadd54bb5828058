"""`compiler.digests.sha256_hex`: the same digest as hashlib's, before and after the first
`_SMALL` bytes (CPython's own SHA-256, then OpenSSL's)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from compiler import digests


@pytest.mark.parametrize("data", [b"", b"abc", "Être — 🙂".encode(), bytes(range(256)) * 1000])
def test_the_digest_is_sha256(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = hashlib.sha256(data).hexdigest()
    monkeypatch.setattr(digests, "_hashed", 0)
    assert digests._BUILTIN is not None  # CPython: the small inputs take its own SHA-256
    assert digests.sha256_hex(data) == expected
    monkeypatch.setattr(digests, "_hashed", digests._SMALL)  # past the threshold: OpenSSL
    assert digests.sha256_hex(data) == expected


def test_a_process_that_hashes_much_moves_to_openssl(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[bytes] = []
    monkeypatch.setattr(digests, "_hashed", 0)
    monkeypatch.setattr(
        digests, "_BUILTIN", lambda data: calls.append(data) or hashlib.sha256(data)
    )
    chunk = b"x" * (digests._SMALL // 2)
    for _ in range(3):
        assert digests.sha256_hex(chunk) == hashlib.sha256(chunk).hexdigest()
    assert len(calls) == 2  # the third chunk passes the threshold


@pytest.mark.parametrize(
    "data",
    [b"# A\n\nText \xe2\x80\x94 here.\n", b"\xef\xbb\xbf# A\n", b"# A\r\n\r\nB\r", b"bad \xff\n"],
    ids=["plain", "bom", "crlf", "not-utf8"],
)
def test_a_chapters_digest_is_that_of_its_text(data: bytes, tmp_path: Path) -> None:
    # The reader hashes a chapter's bytes when they are its text exactly, and leaves the others
    # to be hashed from their text: the digest the JSON records is the text's either way.
    from compiler.pipeline import compile_spec
    from compiler.reader import read_spec_files

    (tmp_path / "a.md").write_bytes(data)
    [source], _, _ = read_spec_files(tmp_path)
    text_digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
    assert source.sha256 == (text_digest if data.startswith(b"# A\n") else None)
    model = compile_spec(tmp_path).model
    assert model is not None
    assert [s.sha256 for s in model.info.sources] == [text_digest]
