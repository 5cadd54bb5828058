"""The HTML renderer: pages are rendered from the compiler's own tokens, safely, with ids and links
resolved the way the compiled JSON records them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.links import safe_href
from compiler.pipeline import compile_sources
from compiler.reader import SourceFile
from compiler.site import Site
from compiler.site.diagram import DiagramItem, priority_diagram
from compiler.site.pages import annotation_ranges
from compiler.site.render import PageContext, SiteIndex, render_markdown


def compile_files(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return compile_sources([SourceFile(name, name, text) for name, text in files.items()])


def page_urls(path: str) -> str | None:
    """URLs as mkdocs makes them with use_directory_urls, seen from a page one folder deep."""
    if path.endswith(".md"):
        return "../" + path.removesuffix(".md") + "/"
    return "../" + path


def render_file(files: dict[str, str], name: str, highlight: bool = False) -> str:
    result = compile_files(files)
    site = Site(result, highlight=highlight)
    page = site.render(name, page_urls)
    assert page is not None
    return page.html


class Elements(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def test_two_space_nested_list_renders_as_the_compiler_reads_it() -> None:
    # CommonMark nests `  - b` under `- a`; Python-Markdown (4-space rule) makes it a sibling.
    text = "# Lists\n\n- a\n  - b\n"
    assert "<li>a</li>\n<li>b</li>" in markdown.markdown("- a\n  - b\n")
    html = render_file({"x.md": text}, "x.md")
    assert re.search(r"<li>a\s*<ul>\s*<li>b</li>\s*</ul>\s*</li>", html), html


def test_headings_carry_the_compiled_ids_and_permalinks() -> None:
    text = "# Title {#top}\n\n## Same\n\n## Same\n\n## Explicit {#given .wide authority=platform}\n"
    result = compile_files({"a.md": text})
    assert result.model is not None
    ids = [s.id for s in result.model.of_kind("section")]
    page = Site(result).render("a.md", page_urls)
    assert page is not None
    found = [attrs["id"] for tag, attrs in elements(page.html) if re.fullmatch(r"h\d", tag)]
    assert found == ids == ["top", "same", "same-2", "given"]
    assert '<h2 id="given" class="wide" data-authority="platform">' in page.html
    assert '<a class="headerlink" href="#given" title="Permanent link">¶</a>' in page.html
    assert '<span class="cc-chip" title="authority">authority: platform</span>' in page.html
    assert [e.id for e in page.toc] == ["top"]
    assert [e.id for e in page.toc[0].children] == ["same", "same-2", "given"]


def test_preamble_section_gets_an_anchor() -> None:
    text = "Text before any heading.\n\n# Later\n"
    result = compile_files({"intro.md": text})
    assert result.model is not None
    first = result.model.of_kind("section")[0].id
    html = render_file({"intro.md": text}, "intro.md")
    assert f'id="{first}"' in html
    assert '<h1 id="later">' in html


SPEC = {
    "01-a.md": """# Values {#values}

::: property {#safe rank=1}
**Safe**: not undermining oversight.
:::

::: property {#kind rank=2 title="Kind to all"}
Being kind.
:::

::: definition {#oversight term="oversight"}
The ability of people to correct AI.
:::

::: constraint {#never kind=hard concerns="safe kind"}
Never do the worst thing; see [?](#reasons) and [oversight](#oversight).
:::
""",
    "02-b.md": """# Reasons {#reasons}

::: rationale {#why justifies="safe"}
Because [being safe](01-a.md#safe) matters, and [values](#values).
:::

[top](01-a.md) [external](https://example.org/x) [mail](mailto:a@example.org)
""",
}


def test_annotations_render_as_labelled_blocks_with_permalinks() -> None:
    html = render_file(SPEC, "01-a.md")
    # Core values in a row are the numbered list the text speaks of, numbered by rank.
    assert (
        '<ol class="cc-values">\n<li class="cc-node cc-property" id="safe" data-rank="1" '
        'value="1">\n<p class="cc-label" data-search-exclude><span class="cc-kind">Property'
        "</span>" in html  # the kind's label (a spec may call it 'Core value')
    )
    assert html.count('<ol class="cc-values">') == 1 and html.count("</ol>") == 1
    assert "Rank 1" not in html and "cc-chip" not in html
    assert 'href="#safe" title="Permanent link">¶</a>' in html
    # A title given as an attribute is shown in the label; one taken from the bold lead is not
    # repeated.
    assert '<span class="cc-name">Kind to all</span>' in html
    assert '<span class="cc-name">Safe</span>' not in html
    # A constraint's name (the words every link to it shows) and its kind in words.
    assert (
        '<span class="cc-kind">Constraint</span> <span class="cc-name">Never</span> '
        '<span class="cc-hint cc-mode--hard" title="Kind">hard</span>'
    ) in html
    # Relations are folded away until asked for, and named as the labels name them.
    assert (
        '<details class="cc-rel" data-search-exclude><summary>Concerns</summary><ul><li>'
        '<span class="cc-rel__label">Concerns</span> <a href="#safe"' in html
    )


def test_an_annotation_holding_only_another_is_one_block_with_both_labels() -> None:
    text = (
        '# T {#t}\n\n::::: priority {#p mode=holistic order="a"}\nFirst.\n\n'
        ':::: definition {#d term="tee"}\n::: constraint {#c kind=hard concerns=a}\n'
        "The sentence.\n:::\n::::\n:::::\n\n::: property {#a rank=1}\n**A**: a.\n:::\n"
    )
    html = render_file({"01-t.md": text}, "01-t.md")
    definition = html.index('<div class="cc-node cc-definition" id="d">')
    constraint = html.index('<span class="cc-anchor" id="c"></span><p class="cc-label"')
    sentence = html.index("<p>The sentence.</p>")
    assert definition < constraint < sentence
    # Two blocks deep (the priority, then the definition with the constraint), not three.
    assert html.count('<div class="cc-node') == 2
    assert '<span class="cc-kind">Priority</span>' in html
    assert '<span class="cc-hint cc-mode--holistic" title="Mode">holistic</span>' in html


def test_links_to_ids_in_other_pages_are_rewritten() -> None:
    html = render_file(SPEC, "02-b.md")
    assert 'href="../01-a/#safe"' in html  # written as 01-a.md#safe
    assert 'href="../01-a/#values"' in html  # written as #values, defined in the other file
    assert 'href="../01-a/">top</a>' in html
    assert '<a href="https://example.org/x" rel="noopener">external</a>' in html
    assert 'href="mailto:a@example.org"' in html
    # Back links: the rationale says what it justifies, the property what justifies it.
    assert '<span class="cc-rel__label">Justifies</span> <a href="../01-a/#safe"' in html
    assert '<span class="cc-rel__label">Justified by</span> <a href="../02-b/#why"' in render_file(
        SPEC, "01-a.md"
    )


def test_question_mark_links_show_the_target_title() -> None:
    html = render_file(SPEC, "01-a.md")
    assert '<a href="../02-b/#reasons">Reasons</a>' in html
    assert ">?</a>" not in html


def test_links_to_definitions_carry_the_definition_on_hover() -> None:
    html = render_file(SPEC, "01-a.md")
    assert (
        '<a href="#oversight" title="oversight: The ability of people to correct AI." '
        'class="cc-ref cc-ref--definition">oversight</a>'
    ) in html
    # The definition's term links to its glossary entry.
    assert '<a href="../glossary/#oversight" title="In the glossary">oversight</a>' in html


def test_raw_html_is_escaped_even_though_the_compiler_refuses_it() -> None:
    text = '# T\n\n<script>alert(1)</script>\n\nInline <img src=x onerror="alert(1)"> here.\n'
    result = compile_files({"x.md": text})
    assert any(d.code == "CC206" for d in result.diagnostics)
    html = render_file({"x.md": text}, "x.md")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        " file:///etc",
    ],
)
def test_unsafe_hrefs_never_reach_the_page(href: str) -> None:
    assert safe_href(href) is None
    context = PageContext(SiteIndex(), None, lambda path: None)
    for text in (f"[x](<{href}>)\n", f"![x](<{href}>)\n", f"<{href.strip()}>\n"):
        html = render_markdown(text, context).html
        assert "href=" not in html and "src=" not in html, html


def test_remote_images_become_links_and_local_images_resolve() -> None:
    text = "# T\n\n![a chart](https://example.org/c.png) ![logo](img/logo.png)\n"
    html = render_file({"x.md": text}, "x.md")
    assert (
        '<a class="cc-remote-image" href="https://example.org/c.png" rel="noopener">a chart</a>'
        in html
    )
    assert '<img src="../img/logo.png" alt="logo" loading="lazy">' in html


def test_code_is_escaped_and_highlighted_at_build_time() -> None:
    text = "# T\n\n```python\nx = '<b>'  # &\n```\n\n```unknown-language\n<i>\n```\n"
    html = render_file({"x.md": text}, "x.md", highlight=True)
    assert '<div class="language-python highlight"><pre><span></span><code>' in html
    assert '<span class="n">x </span><span class="o">= </span>' in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert (
        '<div class="language-unknown-language highlight"><pre><span></span><code>&lt;i&gt;' in html
    )
    plain = render_file({"x.md": text}, "x.md")
    assert (
        '<div class="language-python highlight"><pre><span></span><code>x = &#x27;&lt;b&gt;&#x27;'
        "  # &amp;\n</code></pre></div>"
    ) in plain


def test_admonitions_render_as_material_admonitions() -> None:
    text = (
        '# T\n\n!!! meta "Commentary"\n    Some *text*.\n\n'
        '??? note "Closed"\n    Hidden.\n\n???+ tip "Open"\n    Shown.\n'
    )
    html = render_file({"x.md": text}, "x.md")
    assert '<div class="admonition meta">\n<p class="admonition-title">Commentary</p>' in html
    assert "<p>Some <em>text</em>.</p>\n</div>" in html
    assert '<details class="note">\n<summary>Closed</summary>' in html
    assert '<details class="tip" open>\n<summary>Open</summary>' in html


def test_annotation_ranges_cover_nested_blocks() -> None:
    result = compile_files(SPEC)
    ranges = annotation_ranges(result.tokens)
    assert set(ranges) == {"safe", "kind", "oversight", "never", "why"}
    tokens = result.tokens["01-a.md"]
    safe = ranges["safe"]
    assert tokens[safe.start - 1].type == "container_annotation_open"
    assert tokens[safe.end].type == "container_annotation_close"


def test_rendering_does_not_modify_the_compiled_tokens() -> None:
    result = compile_files(SPEC)
    before = [(t.type, t.attrs, t.content, t.info) for ts in result.tokens.values() for t in ts]
    site = Site(result)
    for name in SPEC:
        site.render(name, page_urls)
    after = [(t.type, t.attrs, t.content, t.info) for ts in result.tokens.values() for t in ts]
    assert before == after


def test_rendering_is_deterministic() -> None:
    first = [Site(compile_files(SPEC)).render(p, page_urls) for p in ("01-a.md", "core-values.md")]
    second = [Site(compile_files(SPEC)).render(p, page_urls) for p in ("01-a.md", "core-values.md")]
    assert [p.html for p in first if p] == [p.html for p in second if p]


def test_generated_pages_show_every_node() -> None:
    site = Site(compile_files(SPEC))
    core = site.render("core-values.md", page_urls)
    constraints = site.render("constraints.md", page_urls)
    glossary = site.render("glossary.md", page_urls)
    assert core is not None and constraints is not None and glossary is not None
    assert core.html.index('id="safe"') < core.html.index('id="kind"')
    assert "<svg" in core.html  # no priority block: the diagram follows the ranks
    assert 'id="never"' in constraints.html and "Hard constraints" in constraints.html
    assert '<dt id="oversight"><dfn>oversight</dfn>' in glossary.html
    assert 'Defined in <a href="../01-a/#oversight"' in glossary.html
    assert [page for page in ("index.md", "core-values.md", "glossary.md") if page in site.pages]


def test_priority_diagram_is_static_accessible_svg() -> None:
    items = [DiagramItem("a", "First <value>", 1, "#a"), DiagramItem("b", "Second", 2, "#b")]
    svg = priority_diagram(items, "holistic", "p")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "First &lt;value&gt;" in svg
    assert svg.index('href="#a"') < svg.index('href="#b"')
    assert "generally dominates" in svg and "stroke-dasharray" in svg
    strict = priority_diagram(items, "strict", "q")
    assert "always precedes" in strict and "stroke-dasharray" not in strict


def test_markdown_pages_outside_the_spec_get_unique_ids() -> None:
    context = PageContext(SiteIndex(), None, lambda path: None)
    page = render_markdown("# Guide\n\n## Step\n\n## Step\n", context)
    assert [e.id for e in page.toc[0].children] == ["step", "step-2"]
    assert page.title == "Guide"


def test_authoring_guide_examples_compile() -> None:
    from importlib import resources

    guide = resources.files("compiler").joinpath("pages", "authoring.md").read_text("utf-8")
    # The grammar's examples use the kinds the guide declares: tests/grammar compiles them.
    start = guide.index("## Declaring your own kinds")
    guide = guide[:start] + guide[guide.index("\n## References", start) :]
    examples = re.findall(r"```markdown\n(.*?)```", guide, re.DOTALL)
    assert len(examples) >= 4
    for example in examples:
        result = compile_files({"example.md": example})
        assert result.ok, [d.format() for d in result.diagnostics]


MARKDOWN_BITS = st.sampled_from(
    [
        "# ",
        "## ",
        "{#x}",
        "{#y .c k=v}",
        "::: ",
        "::::",
        ":::\n",
        "property ",
        "definition ",
        "constraint ",
        "rationale ",
        "priority ",
        "{#p rank=1}",
        '{#d term="t"}',
        "[a](#x)",
        "[?](#p)",
        "[b](other.md#y)",
        "![i](https://e.org/i.png)",
        "<script>",
        "&lt;b&gt;",
        "javascript:alert(1)",
        "[j](javascript:alert(1))",
        '!!! note "T"\n    ',
        "??? ",
        "```py\n",
        "```\n",
        "    ",
        "- ",
        "  - ",
        "1. ",
        "**B**: ",
        "`c`",
        "\n",
        "\n\n",
        "text ",
        "---\ntitle: T\n---\n",
        "| a | b |\n|---|---|\n",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MARKDOWN_BITS, max_size=40).map("".join), st.booleans())
def test_any_input_renders_without_live_markup(text: str, highlight: bool) -> None:
    result = compile_files({"a.md": text, "b.md": "# Other {#other}\n"})
    site = Site(result, highlight=highlight)
    for path in [*site.chapters, *site.pages]:
        page = site.render(path, page_urls)
        assert page is not None
        lowered = page.html.lower()
        assert "<script" not in lowered
        assert 'href="javascript:' not in lowered and 'src="javascript:' not in lowered
        assert '<img src="https:' not in lowered


def test_safe_href_refuses_every_disguise_of_an_unsafe_scheme() -> None:
    from compiler.links import safe_href

    for href in [
        "java%09script:alert(1)",
        "jav&#x61;script:x",
        "JAVASCRIPT:x",
        " data:text/html,x",
    ]:
        assert safe_href(href) is None, href
    for href in [
        "https://example.org/",
        "#broadly-safe",
        "../01-overview/#mission",
        "mailto:a@b.c",
    ]:
        assert safe_href(href) == href
