"""What in a built page could run or fetch: script-capable elements, event handlers, unsafe or
off-host URLs. Shared by the hostile-input tests and the fuzzer's site builds."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from compiler.links import UNSAFE_SCHEMES

THEME_ELEMENTS = {"<script>", "<svg>", "<form>"}


class _LiveMarkup(HTMLParser):
    """Collects what could run: script-capable elements, on* attributes, unsafe URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "svg", "math", "style", "base", "form"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "xlink:href") and browser_scheme(value or ""):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in FETCHING.get(tag, ("src", "srcset", "poster", "data")) and off_host(
                value or ""
            ):
                self.found.append(f"<{tag} {name}={value!r}> fetches from another host")


#: The attributes by which an element fetches something (the others: src, srcset, poster, data).
FETCHING = {"link": ("href",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href")}


def off_host(url: str) -> bool:
    """Whether a browser would fetch `url` from another host than the page's."""
    url = url.strip()
    return url.startswith("//") or bool(re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE))


def browser_scheme(url: str) -> str | None:
    """The script-capable scheme a browser would see in an attribute value (WHATWG URL parsing:
    leading and trailing C0 controls and spaces are stripped, tabs and newlines removed)."""
    url = "".join(ch for ch in url.strip("".join(map(chr, range(33)))) if ch not in "\t\n\r")
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", url, re.IGNORECASE)
    return scheme[1] if scheme and f"{scheme[1].lower()}:" in UNSAFE_SCHEMES else None


def live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def script_text(html: str) -> str:
    class Scripts(HTMLParser):
        text = ""
        inside = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.inside = tag == "script"

        def handle_endtag(self, tag: str) -> None:
            self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.text += data

    parser = Scripts()
    parser.feed(html)
    return parser.text
