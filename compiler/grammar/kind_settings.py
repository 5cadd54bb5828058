"""Readers of the settings of one kind in a declarations file (its key, title, granularity, page
and order), each reporting its problems through a `YamlReader`.
"""

from __future__ import annotations

import re

import yaml
from msgspec import structs

from ..links import slugify
from .fields import MAX_FIELDS, field_name
from .types import (
    Granularity,
    OrderSpec,
    PageSpec,
    PageView,
    RankSpec,
    TitleSource,
    TitleSpec,
)
from .yamlnodes import MAX_NAME, Settings, YamlReader

MAX_LABEL = 80
"""Longest label or page title."""
KEY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""A kind's plural key: a Python identifier in lower case, as in ``constitution.behaviors``."""
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""A page's file name without ``.md``."""

_TITLE = ("from", "attribute", "required")
_PAGE = ("title", "slug", "view", "columns")
_ORDER = ("levels", "mode", "ranked_by")
_RANKED_BY = ("kind", "field")


def kind_key(reader: YamlReader, node: yaml.Node, where: str) -> str | None:
    """A kind's plural key."""
    found = reader.text(node, where, MAX_NAME)
    if found is None or not reader.name(node, found, KEY_NAME, "key", "safe_behaviors"):
        return None
    return found


def granularity(
    reader: YamlReader, node: yaml.Node, where: str, *, builtin: bool
) -> tuple[Granularity, ...] | None:
    """How much text a node may cover: block, item, span."""
    words = reader.words(node, f"{where}.granularity", len(Granularity))
    if words is None:
        return None
    found: list[Granularity] = []
    for word, item in words:
        value = reader.member(item, word, f"{where}.granularity", Granularity)
        if value is not None and value not in found:
            found.append(value)
    if not words and not builtin:
        reader.error(
            node,
            "CC709",
            f"{where}.granularity is empty",
            "name at least one of block, item, span",
        )
        return None
    return tuple(found)


def title_spec(reader: YamlReader, node: yaml.Node, where: str) -> TitleSpec | None:
    """Where a node's title comes from."""
    settings = reader.settings(node, where, _TITLE)
    if settings is None:
        return None
    spec = TitleSpec()
    if "from" in settings:
        words = reader.words(settings["from"][1], f"{where}.from", len(TitleSource))
        sources = [
            reader.member(item, word, f"{where}.from", TitleSource) for word, item in words or []
        ]
        spec = structs.replace(spec, sources=tuple(s for s in sources if s is not None))
    if "attribute" in settings:
        attribute = reader.text(settings["attribute"][1], f"{where}.attribute", MAX_NAME)
        if attribute is not None and field_name(reader, settings["attribute"][1], attribute):
            spec = structs.replace(spec, attribute=attribute)
    if "required" in settings:
        required = reader.flag(settings["required"][1], f"{where}.required")
        spec = structs.replace(spec, required=bool(required))
    if spec.required and not spec.sources:
        reader.error(
            node,
            "CC709",
            f"{where} is required but has no source",
            "add from: [attribute, lead], or drop required",
        )
    return spec


def page(
    reader: YamlReader,
    kind: str,
    node: yaml.Node,
    where: str,
    uses: list[tuple[str, str, yaml.Node]],
) -> PageSpec | None:
    """A kind's generated page; each table column named is appended to `uses` as (kind,
    field, node), to be checked once every field is known."""
    settings = reader.settings(node, where, _PAGE)
    if settings is None:
        return None
    title = _page_title(reader, node, settings, where)
    slug = _slug(reader, settings, title, where)
    view = PageView.LIST
    if "view" in settings:
        view = reader.choice(settings["view"][1], f"{where}.view", PageView) or view
    columns: list[tuple[str, yaml.Node]] = []
    if "columns" in settings:
        if view is not PageView.TABLE:
            reader.error(
                settings["columns"][0],
                "CC709",
                f"{where}.columns applies to a table only",
                "add view: table, or remove columns",
            )
        columns = reader.words(settings["columns"][1], f"{where}.columns", MAX_FIELDS) or []
        uses.extend((kind, word, item) for word, item in columns)
    if title is None or slug is None:
        return None
    return PageSpec(title, slug, view, tuple(word for word, _ in columns))


def _page_title(reader: YamlReader, node: yaml.Node, settings: Settings, where: str) -> str | None:
    if "title" not in settings:
        reader.error(node, "CC713", f"{where} has no title", 'add title: "..."')
        return None
    return reader.text(settings["title"][1], f"{where}.title", MAX_LABEL)


def _slug(reader: YamlReader, settings: Settings, title: str | None, where: str) -> str | None:
    if "slug" in settings:
        node = settings["slug"][1]
        slug = reader.text(node, f"{where}.slug", MAX_NAME)
    elif title is not None:
        node = settings["title"][1]
        if not any(ch.isalnum() for ch in title):
            reader.error(node, "CC713", f"{where}.title gives no file name", "add slug: name")
            return None
        slug = slugify(title)
    else:
        return None
    if slug is None or not reader.name(node, slug, SLUG, "page slug", "principals"):
        return None
    return slug


def order_spec(reader: YamlReader, node: yaml.Node, where: str) -> OrderSpec | None:
    """How a kind's nodes state orders (the default grammar's priority)."""
    settings = reader.settings(node, where, _ORDER)
    if settings is None:
        return None
    if "levels" not in settings or "mode" not in settings:
        reader.error(node, "CC713", f"{where} needs levels and mode", "add both")
        return None
    levels = reader.text(settings["levels"][1], f"{where}.levels", MAX_NAME)
    mode = reader.text(settings["mode"][1], f"{where}.mode", MAX_NAME)
    ranked_by = None
    if "ranked_by" in settings:
        ranked = reader.settings(settings["ranked_by"][1], f"{where}.ranked_by", _RANKED_BY)
        kind = reader.text(ranked["kind"][1], "kind", MAX_NAME) if ranked else None
        field = reader.text(ranked["field"][1], "field", MAX_NAME) if ranked else None
        ranked_by = RankSpec(kind, field) if kind and field else None
    return OrderSpec(levels, mode, ranked_by) if levels and mode else None
