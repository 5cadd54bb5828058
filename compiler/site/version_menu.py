"""The version selector in the header of every page of a site with releases, as mike's sites
have: the current text and each release, given by path (the site knows them only as pages that
`compiler.site.releases` adds, and never imports the release pages)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .render import escape

#: The page with every release's redline, linked from the version selector if the site has it.
CHANGES_PAGE = "changes.md"


def version_selector(
    current: str | None,
    releases: Sequence[tuple[str, str]],
    here: str | None,
    current_path: str,
    url_of_file: Callable[[str], str | None],
) -> str:
    """A menu of the versions a reader can switch between, as mike's sites have: the current
    text (`current` is its version, `current_path` the page it links to) and each release
    (version, page path); `here` is the release this page shows, or None for the current text.
    Plain HTML (a `<details>`): it works without scripts; the site puts it in its header."""
    shown = f"{escape(here)} (archived)" if here is not None else "current"
    # (a phone shows the version alone: the header has room for little beside the title)
    short = escape(here) if here is not None else "current"
    note = '<span class="cc-version__note"> (archived)</span>' if here is not None else ""
    items = []
    link = url_of_file(current_path)
    if link is not None:
        name = f"Current text ({escape(current)})" if current else "Current text"
        mark = ' aria-current="page"' if here is None else ""
        items.append(f'<li><a href="{escape(link)}"{mark}>{name}</a></li>')
    for version, path in releases:
        link = url_of_file(path)
        if link is not None:
            mark = ' aria-current="page"' if version == here else ""
            items.append(f'<li><a href="{escape(link)}"{mark}>Release {escape(version)}</a></li>')
    link = url_of_file(CHANGES_PAGE)
    if link is not None:
        items.append(
            f'<li class="cc-version__changes"><a href="{escape(link)}">'
            "What changed, release by release</a></li>"
        )
    return (
        f'<details class="cc-version"><summary aria-label="Version: {shown}">'
        f'<span class="cc-version__label">Version: </span>{short}{note}</summary>'
        f"<ul>{''.join(items)}</ul></details>"
    )
