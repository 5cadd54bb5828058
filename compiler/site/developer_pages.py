"""The pages for developers every site has: for tool builders (the published files, the Python
library, the JSON's fields) and the authoring guide (with every diagnostic code)."""

from __future__ import annotations

from importlib import resources

from ..about import __version__
from ..diagnostics import CODES
from ..emit import schema
from .page_cache import render_package_page
from .pages import PageBuilder, PageInputs, heading
from .render import (
    PageContext,
    RenderedPage,
    TocEntry,
    escape,
    table_html,
)
from .schema_doc import field_reference


def _package_page(name: str) -> str:
    return resources.files("compiler").joinpath("pages", name).read_text("utf-8")


#: Where the tool builders' page points when the site sets no `site_url`: the live preview.
PREVIEW_URL = "http://127.0.0.1:8000/"


def tool_builders_text(site_url: str | None, repo_url: str | None) -> str:
    """The tool builders' page (Markdown), naming the site by its published address, and the
    pre-commit hook by the repository's (or as a local hook, when the site names none)."""
    if repo_url:
        hook = (
            f"repos:\n  - repo: {repo_url}\n    rev: v{__version__}\n    hooks:\n"
            "      - id: constitution-check\n"
            "        # args: [docs/constitution]     # if the spec is not in spec/\n"
            "        # files: ^docs/constitution/"
        )
    else:
        hook = (
            "repos:\n  - repo: local                 # constitution-compiler installed here\n"
            "    hooks:\n      - id: constitution-check\n        name: constitution check\n"
            "        entry: constitution check      # add the spec's folder if not spec/\n"
            "        language: system\n        pass_filenames: false\n"
            "        files: ^spec/.*\\.md$"
        )
    url = site_url if site_url and site_url.endswith("/") else f"{site_url}/" if site_url else None
    replacements = {
        "{{ site_url }}": url or PREVIEW_URL,
        "{{ site_url_note }}": (
            "where this site is published"
            if url
            else "the live preview; set site_url in mkdocs.yml to the published address"
        ),
        "{{ pre_commit_config }}": hook,
    }
    text = _package_page("tool-builders.md")
    for placeholder, value in replacements.items():
        text = text.replace(placeholder, value)
    return text


def tool_builders_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    text = tool_builders_text(inputs.site_url, inputs.repo_url)
    written = render_package_page("tool-builders.md", text, context, inputs.cache)
    toc = written.toc or [TocEntry(1, "for-tool-builders", "For tool builders")]
    json_url = context.url_of_file(inputs.json_path) or inputs.json_path
    schema_url = context.url_of_file(inputs.schema_path) or inputs.schema_path
    files = [
        [
            f'<a href="{escape(json_url)}"><code>{escape(inputs.json_path)}</code></a>',
            "The compiled constitution: every section, property, priority, constraint, "
            "definition, rationale and reference, with its source line.",
        ],
        [
            f'<a href="{escape(schema_url)}"><code>{escape(inputs.schema_path)}</code></a>',
            "The JSON Schema (draft 2020-12) that the compiled file is validated against.",
        ],
    ]
    published = heading(2, "published-files", "Published files", toc) + table_html(
        "cc-files", ["File", "What it holds"], files
    )
    reference, reference_toc = field_reference(schema())
    toc[0].children.extend(reference_toc)
    return RenderedPage(written.html + published + reference, toc, written.title)


def authoring_page(inputs: PageInputs, context: PageContext) -> RenderedPage:
    written = render_package_page(
        "authoring.md", _package_page("authoring.md"), context, inputs.cache
    )
    toc = written.toc or [TocEntry(1, "authoring-guide", "Authoring guide")]
    rows = [
        [f'<code id="{code.lower()}">{code}</code>', escape(summary)]
        for code, summary in CODES.items()
    ]
    codes = heading(2, "diagnostic-codes", "Diagnostic codes", toc) + table_html(
        "cc-codes", ["Code", "Problem"], rows
    )
    return RenderedPage(written.html + codes, toc, written.title)


#: The pages every site has, after the kinds' pages, in nav order: path, title, builder.
FIXED_PAGES: tuple[tuple[str, str, PageBuilder], ...] = (
    ("tool-builders.md", "For tool builders", tool_builders_page),
    ("authoring.md", "Authoring guide", authoring_page),
)
