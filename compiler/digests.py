"""SHA-256 digests, started without loading OpenSSL.

`hashlib` loads OpenSSL's libcrypto when it is imported: 8-16 ms, more than `constitution check`
spends hashing a whole constitution. CPython's own SHA-256 (`_sha256` in 3.11, `_sha2` from 3.12)
loads in a fraction of a millisecond but hashes about seven times slower, so it takes the first
`_SMALL` bytes a process hashes, and OpenSSL the rest: a small spec never loads OpenSSL, a large
one loses nothing. Both compute the same digest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_SMALL = 2_000_000
"""Bytes hashed by CPython's own SHA-256 before OpenSSL's takes over (about 30 ms of hashing)."""

_hashed = 0


def _builtin() -> Callable[[bytes], Any] | None:
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]  # 3.12+
        except ImportError:
            return None
    return sha256  # type: ignore[no-any-return]


_BUILTIN = _builtin()


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data`, as 64 lowercase hexadecimal digits."""
    global _hashed
    _hashed += len(data)
    if _BUILTIN is not None and _hashed <= _SMALL:
        return str(_BUILTIN(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()
