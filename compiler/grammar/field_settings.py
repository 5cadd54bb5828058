"""Readers of one setting of a field declaration each (its type, bounds, values, aliases, target
kinds, diff levels), reporting every problem through a `YamlReader`.
"""

from __future__ import annotations

import re

import yaml

from .types import SAFE_INTEGER, DiffLevel, FieldDiff
from .yamlnodes import MAX_NAME, YamlReader

MAX_VALUES = 64
"""Most values (and most aliases) of one enumeration."""
VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
"""An enumeration value or alias: one word, as written in ``key=value``."""
_DIFF = ("changed", "raised", "lowered", "added", "removed")


def bound(reader: YamlReader, node: yaml.Node, where: str) -> int | None:
    number = reader.whole_number(node, where)
    if number is not None and abs(number) > SAFE_INTEGER:
        reader.error(
            node,
            "CC705",
            f"{where} {number} is beyond ±{SAFE_INTEGER}",
            "JSON readers in other languages lose precision beyond it",
        )
        return None
    return number


def enum_values(reader: YamlReader, node: yaml.Node, where: str) -> tuple[str, ...] | None:
    words = reader.words(node, where, MAX_VALUES)
    if words is None:
        return None
    found: list[str] = []
    folded: dict[str, str] = {}
    for word, item in words:
        if not value_name(reader, item, word, where):
            continue
        other = folded.get(word.casefold())
        if other is not None:
            reader.error(
                item,
                "CC704",
                f"'{word}' is given twice in {where}"
                + ("" if other == word else f" (as '{other}')"),
                "values differ in more than letter case; keep one",
            )
            continue
        folded[word.casefold()] = word
        found.append(word)
    return tuple(found) if found else None


def aliases(
    reader: YamlReader, node: yaml.Node, where: str, places: dict[str, yaml.Node]
) -> tuple[tuple[str, str], ...] | None:
    """Other spellings of enumeration values; each alias's node is recorded in `places`."""
    entries = reader.items(node, where, MAX_VALUES)
    if entries is None:
        return None
    found: list[tuple[str, str]] = []
    for alias, key_node, value_node in entries:
        value = reader.text(value_node, f"{where}.{alias}", MAX_NAME)
        if value is not None and value_name(reader, key_node, alias, where):
            found.append((alias, value))
            places[alias] = key_node
    return tuple(found)


def target_kinds(
    reader: YamlReader, node: yaml.Node, where: str, targets: list[tuple[str, str, yaml.Node]]
) -> tuple[str, ...] | None:
    words = reader.words(node, where, 64)
    if words is None:
        return None
    targets.extend((where, word, item) for word, item in words)
    return tuple(dict.fromkeys(word for word, _ in words))


def field_diff(reader: YamlReader, node: yaml.Node, where: str) -> FieldDiff | None:
    if isinstance(node, yaml.ScalarNode):
        level = reader.choice(node, where, DiffLevel)
        return FieldDiff(level) if level is not None else None
    settings = reader.settings(node, where, _DIFF)
    if settings is None:
        return None
    levels = {
        key: reader.choice(value, f"{where}.{key}", DiffLevel)
        for key, (_, value) in settings.items()
    }
    changed = levels.pop("changed", None) or FieldDiff().changed
    return FieldDiff(changed, **levels)


def value_name(reader: YamlReader, node: yaml.Node, word: str, where: str) -> bool:
    if len(word) <= MAX_NAME and VALUE.match(word):
        return True
    reader.error(
        node,
        "CC706",
        f"'{word[:MAX_NAME]}' in {where} is not a valid value",
        "a value is one word: letters, digits, '-', '_' and '.'",
    )
    return False


def builtin_changed(
    reader: YamlReader, node: yaml.Node, here: str, key: str, value: object
) -> None:
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    reader.error(
        node,
        "CC708",
        f"'{key}' of the built-in field {here} cannot be changed",
        f"it stays {shown}; declare a new field for another meaning",
    )
