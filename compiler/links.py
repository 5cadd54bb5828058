"""Links and ids, as the compiler checks them and the site renders them: one place for both.

`slugify` makes an id from a title; `join_link` resolves a link between spec files (never out of
the spec); `unsafe_scheme` and `safe_href` keep script and data URLs off every page.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import unquote

#: Schemes a link may never have: they run code or smuggle a document in.
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")
#: A URL's scheme (``https:``...), after leading whitespace.
SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):")


#: What browsers strip from a URL before they read its scheme: control characters, space, DEL.
_STRIPPED = dict.fromkeys([*range(0x21), 0x7F])


def unsafe_scheme(href: str) -> str | None:
    """The unsafe scheme (``'javascript:'``...) `href` could have in a browser, or None.

    Judged after undoing what could hide it: entity and percent encoding, and the whitespace and
    control characters that browsers strip from URLs (``java\tscript:``).
    """
    text = html.unescape(unquote(href)).translate(_STRIPPED)
    scheme = SCHEME.match(text)
    if scheme and f"{scheme[1].lower()}:" in UNSAFE_SCHEMES:
        return f"{scheme[1].lower()}:"
    return None


#: A control character: no URL to publish holds one.
_CONTROL = re.compile(r"[\x00-\x1f]")


def safe_href(href: str) -> str | None:
    """The href if it is safe to publish, else None (script and data URLs never reach a page)."""
    if unsafe_scheme(href) is not None:
        return None
    return safe_scheme_href(href)


def safe_scheme_href(href: str) -> str | None:
    """`safe_href` of an href whose scheme `unsafe_scheme` has already found safe."""
    return None if _CONTROL.search(href) else href


def is_external(url: str) -> bool:
    return bool(SCHEME.match(url)) or url.startswith("//")


def slugify(title: str) -> str:
    """An id made from a title: lower case, punctuation dropped, spaces turned into `-`."""
    text = unicodedata.normalize("NFKC", title).casefold()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_-]+", "-", text).strip("-") or "section"


def join_link(base: str, relative: str) -> str | None:
    """Resolve a link to another file relative to `base`; None when it leaves the spec."""
    parts = base.split("/")[:-1]
    for part in unquote(relative).split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)
