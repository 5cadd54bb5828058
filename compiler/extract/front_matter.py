"""Front matter: the YAML between a file's `---` lines, read safely and checked key by key;
and the bounds of every whole number the input may give."""

from __future__ import annotations

import datetime
import reprlib
from collections.abc import Callable, Hashable
from typing import Any

import yaml

from ..controls import escaped_controls
from ..diagnostics import Diagnostic, Suggester, shorten
from ..reader import SourceFile

#: Where a problem goes: (code, message, source, line, column, hint).
ErrorSink = Callable[[str, str, SourceFile, int, int, str], None]

#: Front matter keys and the types they take.
FRONT_MATTER: dict[str, tuple[type, ...]] = {
    "title": (str,),
    "version": (str,),
    "chapter": (int,),
    "reading_time": (int,),
    "description": (str,),
    "authors": (list,),
    "date": (str, datetime.date),
    "license": (str,),
    "normative": (bool,),
}

#: The whole numbers the input may give, and their bounds (stated in the authoring guide):
#: checked where they are read, so no output holds a number no reader can use, and no message
#: or check grows with a number's size.
NUMBER_BOUNDS: dict[str, tuple[int, int]] = {
    "rank": (1, 100_000),
    "chapter": (0, 100_000),
    "reading_time": (0, 100_000),
}
#: A number in front matter may have at most this many characters (a longer one is refused
#: before Python's int() reads it: that takes time quadratic in its length, and refuses more
#: than 4,300 digits).
MAX_NUMBER_CHARS = 30


_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _YamlLoader(_BASE_LOADER):  # type: ignore[misc]
    """The safe loader, refusing a key given twice (YAML would keep the last one silently)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                continue  # the base class reports keys that cannot be keys
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> Any:
        if len(node.value) > MAX_NUMBER_CHARS:
            raise _FrontMatterProblem(
                "CC104",
                f"front matter holds a number of {len(node.value):,} characters, more than the "
                f"limit of {MAX_NUMBER_CHARS}",
                node.start_mark,
                "write the number as a quoted string, or remove it",
            )
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as err:
            raise _FrontMatterProblem(
                "CC202",
                f"front matter value '{shorten(node.value)}' is not a real date: {err}",
                node.start_mark,
                "write a date that exists, as YYYY-MM-DD, or quote the value to keep it as text",
            ) from err


_YamlLoader.add_constructor("tag:yaml.org,2002:int", _YamlLoader.construct_yaml_int)
_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _YamlLoader.construct_yaml_timestamp)
_YAML_LOADER: Any = _YamlLoader


class _FrontMatterProblem(Exception):
    """A value that YAML reads but the compiler refuses, with where it stands."""

    def __init__(self, code: str, message: str, mark: Any, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint
        self.line, self.column = mark.line + 2, mark.column + 1  # the `---` line is line 1


def _load_front_matter(
    content: str,
) -> tuple[Any, dict[str, int], list[_FrontMatterProblem | Diagnostic]]:
    """The front matter's data, the line of each top-level key, and its problems: the keys whose
    value repeats another with a YAML alias (`*name`), with which the data is None, and the
    values whose escapes make a control character (`escaped_controls`).

    Aliases are refused: each one repeats a whole value, so a few lines could make a list of a
    million long strings in the JSON and on the site.
    """
    loader = _YAML_LOADER(content)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        lines: dict[str, int] = {}
        aliased: list[_FrontMatterProblem] = []
        pairs = node.value if isinstance(node, yaml.MappingNode) else [(node, node)]
        seen: set[int] = set()
        may_alias = "*" in content  # an alias is written `*name`
        for key_node, value_node in pairs:
            if isinstance(key_node, yaml.ScalarNode):
                lines.setdefault(key_node.value, key_node.start_mark.line + 2)
            if may_alias and _repeats(key_node, value_node, seen):
                aliased.append(
                    _FrontMatterProblem(
                        "CC130",
                        "front matter repeats a value with a YAML alias (*name)",
                        key_node.start_mark,
                        "write the value out where it is needed; front matter takes no aliases",
                    )
                )
        # `---` is line 1
        controls: list[_FrontMatterProblem | Diagnostic] = [
            *escaped_controls(node, content, "", first_line=2)
        ]
        if aliased:
            return None, lines, [*aliased, *controls]
        if isinstance(node, yaml.MappingNode) and not any(k.tag == _MERGE for k, _ in node.value):
            return _known_values(loader, node), lines, controls
        return loader.construct_document(node), lines, controls
    finally:
        loader.dispose()


_STR, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"


def _known_values(loader: Any, node: Any) -> dict[Any, Any]:
    """The top-level mapping, with the value of each unknown key left unread (None): those are
    reported by name, and reading their values was most of the cost of front matter holding
    thousands of them. A key given twice is refused (YAML would keep the last one silently)."""
    data: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR:
            key = key_node.value
        else:
            key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "found unhashable key", key_node.start_mark
            )
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"key '{shorten(str(key))}' is given twice", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True) if key in FRONT_MATTER else None
    return data


def _repeats(key: Any, value: Any, seen: set[int]) -> bool:
    """True when the nodes under `key` and `value` hold one already in `seen` (an alias);
    adds them to `seen`. Linear: each node is visited once."""
    repeated = False
    stack = [value] if key is value else [key, value]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            repeated = True
            continue
        seen.add(id(item))
        if isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            stack.extend(part for pair in item.value for part in pair)
    return repeated


def read_front_matter(
    content: str, source: SourceFile, first: bool, error: ErrorSink
) -> dict[str, object]:
    """The front matter of `source` (`content`, the YAML between its `---` lines), checked: each
    problem goes to `error`, and what could be read is returned."""
    try:
        data, key_lines, faults = _load_front_matter(content)
    except RecursionError:
        error(
            "CC104",
            "front matter is nested too deeply to read",
            source,
            2,
            1,
            "front matter holds flat 'key: value' lines; remove the nested brackets",
        )
        return {}
    except _FrontMatterProblem as refused:
        error(refused.code, refused.message, source, refused.line, refused.column, refused.hint)
        return {}
    except (ValueError, OverflowError) as err:
        # Whatever else PyYAML's constructors refuse (they raise these, not YAMLError).
        error(
            "CC201",
            f"front matter holds a value that cannot be read: {shorten(str(err))}",
            source,
            2,
            1,
            "front matter is YAML between two '---' lines; quote values that contain ':' or '#'",
        )
        return {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        column = (mark.column + 1) if mark is not None else 1
        problem = getattr(err, "problem", None) or str(err).split("\n", 1)[0]
        error(
            "CC201",
            f"front matter is not valid YAML: {problem}",
            source,
            line,
            column,
            "front matter is YAML between two '---' lines; quote values that contain ':' or '#'",
        )
        return {}
    for fault in faults:
        error(fault.code, fault.message, source, fault.line, fault.column, fault.hint)
    if data is None:
        return {}
    if not isinstance(data, dict):
        error(
            "CC202",
            f"front matter must be a mapping of keys to values, not a {type(data).__name__}",
            source,
            2,
            1,
            "write 'key: value' lines, e.g. 'title: My constitution'",
        )
        return {}
    result: dict[str, object] = {}
    suggest_key = Suggester(FRONT_MATTER)
    for key, value in data.items():
        line = key_lines.get(str(key), 1)
        if key not in FRONT_MATTER:
            hint = suggest_key(str(key)) or f"known keys: {', '.join(FRONT_MATTER)}"
            error("CC202", f"unknown front matter key '{short_value(key)}'", source, line, 1, hint)
            continue
        types = FRONT_MATTER[key]
        ok = isinstance(value, types) and (bool in types or not isinstance(value, bool))
        if key == "authors" and ok:
            ok = all(isinstance(item, str) for item in value)
        if not ok:
            expected = {
                "str": "a string",
                "int": "a whole number",
                "list": "a list of strings",
                "bool": "true or false",
            }[types[0].__name__]
            error(
                "CC202",
                f"front matter '{key}' must be {expected}, not {_yaml_type(value)}",
                source,
                line,
                1,
                _type_hint(key, value, types[0]),
            )
            continue
        if key in NUMBER_BOUNDS and isinstance(value, int):
            low, high = NUMBER_BOUNDS[key]
            if not low <= value <= high:
                error(
                    "CC202",
                    f"front matter '{key}' is {value}; expected a whole number from {low} "
                    f"to {high:,}",
                    source,
                    line,
                    1,
                    f"e.g. {key}: {max(low, 1)}",
                )
                continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        if key in ("title", "version") and not first:
            error(
                "CC202",
                f"front matter '{key}' belongs in the first file of the spec",
                source,
                line,
                1,
                "the document's title and version are set once, in the first file",
            )
            continue
        result[key] = value
    return result


def _yaml_type(value: object) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
    }
    if value is None:
        return "empty"
    return names.get(type(value), f"a {type(value).__name__}")


def _type_hint(key: str, value: object, expected: type) -> str:
    if value is None:
        return "give it a value, or remove the line"
    if expected is str:
        return f'quote it: {key}: "{short_value(value)}"'
    if expected is list:
        return f'e.g. {key}: ["A. Author", "B. Author"]'
    if expected is bool:
        return f"write {key}: true or {key}: false (unquoted)"
    return f"e.g. {key}: 1"


def short_value(value: object, limit: int = 60) -> str:
    """`str(value)` cut to `limit` characters; bounded even for a YAML alias bomb."""
    if isinstance(value, list | dict | set | tuple):
        short = reprlib.Repr()
        short.maxlevel, short.maxstring = 3, limit
        text = short.repr(value)
    else:
        text = str(value)
    return shorten(text, limit)
