"""The images a spec may hold, checked for what they contain: a raster image must be what its
extension names (its magic number decides, not its name); an SVG may draw, never run or load.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic

if TYPE_CHECKING:  # imported where an SVG is read: most runs read none
    from xml.etree import ElementTree

#: Image formats a spec may hold: extension -> the ways such a file may start (each a list of
#: offset and bytes, all of which must match: its magic number). The content decides, not the
#: name: an HTML file named `x.png` is refused.
_JPEG = (((0, b"\xff\xd8\xff"),),)
IMAGE_SIGNATURES: dict[str, tuple[tuple[tuple[int, bytes], ...], ...]] = {
    ".png": (((0, b"\x89PNG\r\n\x1a\n"),),),
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".gif": (((0, b"GIF87a"),), ((0, b"GIF89a"),)),
    ".webp": (((0, b"RIFF"), (8, b"WEBP")),),
    ".avif": (((4, b"ftypavif"),), ((4, b"ftypavis"),)),  # an image, or an image sequence
}
SVG_SUFFIX = ".svg"

# --- SVG: drawn, never run ------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: The static SVG elements. Left out on purpose: script, foreignObject (HTML inside), the
#: animation elements (`<set attributeName="href" to="javascript:...">`), and anything in another
#: namespace (an XHTML `<script>` runs in an SVG document too).
SVG_ELEMENTS = frozenset(
    [
        "svg",
        "g",
        "defs",
        "symbol",
        "use",
        "title",
        "desc",
        "metadata",
        "switch",
        "view",
        "a",
        "style",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "textPath",
        "image",
        "linearGradient",
        "radialGradient",
        "stop",
        "pattern",
        "clipPath",
        "mask",
        "marker",
        "filter",
        "feBlend",
        "feColorMatrix",
        "feComponentTransfer",
        "feComposite",
        "feConvolveMatrix",
        "feDiffuseLighting",
        "feDisplacementMap",
        "feDistantLight",
        "feDropShadow",
        "feFlood",
        "feFuncA",
        "feFuncB",
        "feFuncG",
        "feFuncR",
        "feGaussianBlur",
        "feImage",
        "feMerge",
        "feMergeNode",
        "feMorphology",
        "feOffset",
        "fePointLight",
        "feSpecularLighting",
        "feSpotLight",
        "feTile",
        "feTurbulence",
    ]
)
#: CSS that loads something: `url(...)` other than `url(#id)`, `@import`, `image-set(...)`.
_CSS_LOAD = re.compile(r"@import|image-set\s*\(|url\s*\(\s*(?!['\"]?\s*#)", re.I)


def check_asset(name: str, data: bytes, display: str) -> Diagnostic | None:
    """A problem with an image's content, or None when it holds what its extension says (and,
    for an SVG, nothing that could run or load)."""
    suffix = posixpath.splitext(name)[1].lower()
    if suffix == SVG_SUFFIX:
        problem = svg_problem(data)
        if problem is None:
            return None
        return Diagnostic(
            "CC112",
            f"SVG image refused: {problem}",
            display,
            1,
            1,
            "an SVG may hold drawing only: no script, event handler, foreignObject, animation, "
            "DTD or reference to another file; export it as plain SVG, or as PNG",
        )
    if _matches(data, IMAGE_SIGNATURES[suffix]):
        return None
    actual = next((other for other, sig in IMAGE_SIGNATURES.items() if _matches(data, sig)), None)
    found = f"a {actual[1:].upper()} image" if actual else "not an image of any allowed format"
    return Diagnostic(
        "CC111",
        f"'{posixpath.basename(name)}' is named as a {suffix[1:].upper()} image but is {found}",
        display,
        1,
        1,
        "save the image in the format its extension names, or rename it to match its content",
    )


def _matches(data: bytes, signatures: Sequence[Sequence[tuple[int, bytes]]]) -> bool:
    return any(
        all(data[offset : offset + len(magic)] == magic for offset, magic in signature)
        for signature in signatures
    )


def svg_problem(data: bytes) -> str | None:
    """Why an SVG may not be published (one reason), or None. Parsed without DTDs or entities."""
    from xml.etree import ElementTree

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import DefusedXMLParser

    target = _SvgTarget()
    parser = DefusedXMLParser(
        target=target,
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        return "it declares a DTD or entities"
    except ElementTree.ParseError as err:
        return f"it is not well-formed XML ({err})"
    if target.instructions:
        # `<?xml-stylesheet?>` loads a style sheet, or an XSLT that turns the file into HTML.
        return "it holds a processing instruction (<?...?>)"
    if root.tag != f"{{{SVG_NS}}}svg":
        return "its root element is not <svg> in the SVG namespace"
    for element in root.iter():
        namespace, _, local = element.tag[1:].rpartition("}")
        if namespace != SVG_NS:
            return f"it holds an element outside SVG: <{local}> ({namespace or 'no namespace'})"
        if local not in SVG_ELEMENTS:
            return f"it holds a <{local}> element"
        if local == "style" and _CSS_LOAD.search(element.text or ""):
            return "its style sheet loads a file (url(), @import)"
        for attribute, value in element.attrib.items():
            problem = _svg_attribute_problem(local, attribute, value)
            if problem is not None:
                return problem
    return None


class _SvgTarget:
    """Builds the tree, and counts processing instructions wherever they are (ElementTree keeps
    none outside the root element)."""

    def __init__(self) -> None:
        from xml.etree import ElementTree

        self.builder = ElementTree.TreeBuilder()
        self.instructions = 0

    def start(self, tag: str, attrs: dict[str, str]) -> ElementTree.Element:
        return self.builder.start(tag, attrs)

    def end(self, tag: str) -> ElementTree.Element:
        return self.builder.end(tag)

    def data(self, data: str) -> None:
        self.builder.data(data)

    def pi(self, target: str, text: str) -> None:
        self.instructions += 1

    def close(self) -> ElementTree.Element:
        return self.builder.close()


def _svg_attribute_problem(element: str, attribute: str, value: str) -> str | None:
    namespace, _, local = (
        attribute[1:].rpartition("}") if attribute[0] == "{" else ("", "", attribute)
    )
    if local.lower().startswith("on"):
        return f"<{element}> has an event handler ({local})"
    if namespace not in ("", XLINK_NS, XML_NS):
        return f"<{element}> has an attribute outside SVG ({local}, {namespace})"
    if local == "href" and not value.strip().startswith("#"):
        return f"<{element}> refers to another file or URL ({value.strip()[:60]!r})"
    if namespace == XML_NS and local == "base":
        return f"<{element}> has xml:base"
    if _CSS_LOAD.search(value):
        return f"<{element}> {local} loads a file ({value.strip()[:60]!r})"
    return None
