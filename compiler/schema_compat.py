"""Is a new version of a JSON Schema compatible with the last published one? Lists each change with
its level, and the version bump the changes need (semantic versioning of the schema's ``$id``).

The schema describes documents that consumers both read and validate, so a change breaks them when
it can turn a document the old schema accepted into one the new schema rejects (narrowing: a new
required field, a removed property under ``additionalProperties: false``, a narrower type, enum or
bound) *or* when it can show a reader something the old schema promised it would not see
(widening: a new enum value or type, a loosened bound, a field no longer required). Only these are
not breaking: a new optional property or ``$defs`` entry, a looser ``additionalProperties``
(additions, a minor version), and changes of annotations such as ``description`` (editorial).

Both schemas' own ``$id`` strings are masked before comparing, so the version bump itself (which
also changes the ``const`` of a document's ``$schema``) is not reported as a change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from msgspec import Struct, field

from .versions import bump_between, bump_suffices, next_version

Level = Literal["breaking", "addition", "editorial"]

#: Keywords that only describe; changing them changes no document's validity.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "$comment",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
#: Keywords whose value is one subschema, compared recursively (with the path segment they add).
SUBSCHEMA = {
    "items": "/*",
    "additionalProperties": "/*",
    "contains": "/*",
    "propertyNames": "{key}",
    "not": "{not}",
    "if": "{if}",
    "then": "{then}",
    "else": "{else}",
    "unevaluatedProperties": "/*",
    "unevaluatedItems": "/*",
}
#: Keywords whose value is a list of subschemas.
BRANCHES = ("anyOf", "oneOf", "allOf", "prefixItems")
#: Keywords handled on their own (everything else is compared for equality).
HANDLED = frozenset(
    {"$ref", "$id", "$schema", "$defs", "type", "enum", "const", "required", "properties"}
    | ANNOTATIONS
    | set(SUBSCHEMA)
    | set(BRANCHES)
)
_MASK = "<$id>"
_VERSION = re.compile(r"/(\d+)\.(\d+)\.(\d+)/")


class SchemaChange(Struct, frozen=True):
    """One difference between the old and the new schema."""

    level: Level
    rule: str
    """Stable name of the kind of change, e.g. ``required-added`` or ``enum-widened``."""
    path: str
    """Where in a document it applies: a JSON pointer from the document's root or, inside a
    shared definition, from ``#/$defs/NAME``, with ``*`` for every array item or map value
    (e.g. ``/document/sources/*/file`` or ``#/$defs/priority/mode``)."""
    message: str

    def format(self) -> str:
        return f"{self.level}: {self.rule} at {self.path or '/'}: {self.message}"


def compare_schemas(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[SchemaChange]:
    """Every change from `old` to `new`, breaking ones first, then in path order."""
    walker = _Walker(_masked(old), _masked(new))
    walker.seen.add(("#", "#"))  # the root, for schemas that refer to themselves
    walker.compare(walker.old, walker.new, "")
    walker.compare_defs()
    order = {"breaking": 0, "addition": 1, "editorial": 2}
    return sorted(set(walker.changes), key=lambda c: (order[c.level], c.path, c.rule, c.message))


def required_bump(changes: list[SchemaChange]) -> Literal["major", "minor", "patch", "none"]:
    """The smallest version bump the changes need: breaking → major, addition → minor,
    editorial → patch."""
    levels = {c.level for c in changes}
    if "breaking" in levels:
        return "major"
    if "addition" in levels:
        return "minor"
    return "patch" if levels else "none"


def schema_version(schema: Mapping[str, Any]) -> tuple[int, int, int]:
    """The ``MAJOR.MINOR.PATCH`` that the schema's ``$id`` names (``.../1.0.0/...``)."""
    match = _VERSION.search(str(schema.get("$id", "")))
    if match is None:
        raise ValueError(f"the schema's $id names no version: {schema.get('$id')!r}")
    major, minor, patch = (int(part) for part in match.groups())
    return major, minor, patch


def version_problems(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """Why the new schema's version does not fit its changes (empty when it does).

    A breaking change needs a new major version; an addition a new minor (or major) version.
    Editorial changes may keep the version. A version may never go down.
    """
    old_version, new_version = schema_version(old), schema_version(new)
    changes = compare_schemas(old, new)
    bump = required_bump(changes)
    shown = ".".join(map(str, new_version))
    listing = "".join(f"\n  {c.format()}" for c in changes if c.level != "editorial")
    if new_version < old_version:
        return [f"schema version {shown} is lower than the published {_dotted(old_version)}"]
    if bump in ("major", "minor") and (
        new_version == old_version
        or not bump_suffices(bump, bump_between(old_version, new_version))
    ):
        needed = "breaking changes need" if bump == "major" else "additions need"
        return [
            f"{needed} a new {bump} schema version (after {_dotted(old_version)}, "
            f"{next_version(old_version, bump)}), but $id names {shown}:{listing}"
        ]
    return []


def _dotted(version: tuple[int, int, int]) -> str:
    return ".".join(map(str, version))


def _masked(schema: Mapping[str, Any]) -> Any:
    own = schema.get("$id")

    def mask(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: mask(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mask(v) for v in value]
        return _MASK if own is not None and value == own else value

    return mask(schema)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _types(schema: Mapping[str, Any]) -> set[str] | None:
    found = schema.get("type")
    if found is None:
        return None
    types = {found} if isinstance(found, str) else set(found)
    if "number" in types:
        types.add("integer")  # every integer is a number
    return types


class _Walker(Struct):
    old: Any
    new: Any
    changes: list[SchemaChange] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    """Pairs of definitions (or a definition and an inline schema's path) already compared."""

    def add(self, level: Level, rule: str, path: str, message: str) -> None:
        self.changes.append(SchemaChange(level, rule, path, message))

    def resolve(self, schema: Any, root: Any) -> tuple[Any, str | None]:
        """Follow local ``$ref``s; returns the target and the last pointer followed, if any."""
        pointer: str | None = None
        hops = 0
        while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            if not ref.startswith("#") or hops > 50:
                break
            target: Any = root
            for part in ref[1:].split("/")[1:]:
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, Mapping) else None
            if target is None:
                break
            # Keywords beside a $ref apply too (draft 2020-12); annotations among them are kept.
            schema = {**target, **siblings} if siblings else target
            pointer = ref
            hops += 1
        return schema, pointer

    def compare(self, old: Any, new: Any, path: str) -> None:
        old, old_ref = self.resolve(old, self.old)
        new, new_ref = self.resolve(new, self.new)
        if old_ref is not None or new_ref is not None:
            # A definition is compared once, wherever it is used, so its changes are reported
            # where it is defined rather than at whichever use was met first.
            inline = old_ref is None or new_ref is None
            key = (old_ref or path, new_ref or path)
            if key in self.seen:
                return
            self.seen.add(key)
            if new_ref is not None and not inline:
                path = "" if new_ref == "#" else new_ref
        if isinstance(old, bool) or isinstance(new, bool):
            self.compare_booleans(old, new, path)
            return
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            if old != new:
                self.add("breaking", "schema-changed", path, "the subschema was replaced")
            return
        if old.get("$ref") != new.get("$ref"):  # references this module cannot follow
            self.add("breaking", "ref-changed", path, f"'$ref' changed to {_show(new, '$ref')}")
        self.compare_types(old, new, path)
        self.compare_values(old, new, path)
        self.compare_required(old, new, path)
        self.compare_properties(old, new, path)
        for keyword, segment in SUBSCHEMA.items():
            self.compare_subschema(keyword, old, new, path + segment)
        for keyword in BRANCHES:
            self.compare_branches(keyword, old, new, path)
        for keyword in sorted((set(old) | set(new)) - HANDLED):
            if _canonical(old.get(keyword)) != _canonical(new.get(keyword)):
                self.add(
                    "breaking",
                    f"{keyword}-changed",
                    path,
                    f"'{keyword}' changed from {_show(old, keyword)} to {_show(new, keyword)}",
                )
        for keyword in sorted((set(old) | set(new)) & ANNOTATIONS):
            if _canonical(old.get(keyword)) != _canonical(new.get(keyword)):
                self.add("editorial", f"{keyword}-changed", path, f"'{keyword}' changed")

    def compare_booleans(self, old: Any, new: Any, path: str) -> None:
        if _accepts_all(old) == _accepts_all(new) and (_accepts_all(old) or old is new is False):
            return
        self.add("breaking", "schema-changed", path, f"{_canonical(old)} became {_canonical(new)}")

    def compare_types(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        self.compare_sets("type", path, _types(old), _types(new), "any type")

    def compare_values(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        for keyword in ("enum", "const"):
            old_values, new_values = _value_set(old, keyword), _value_set(new, keyword)
            self.compare_sets(keyword, path, old_values, new_values, "any value")

    def compare_sets(
        self, rule: str, path: str, old: set[str] | None, new: set[str] | None, anything: str
    ) -> None:
        """Allowed values before and after (None: no restriction); fewer or more are breaking."""
        if new is not None and (old is None or old - new):
            lost = anything if old is None else ", ".join(sorted(old - new))
            self.add("breaking", f"{rule}-narrowed", path, f"no longer accepts {lost}")
        if old is not None and (new is None or new - old):
            gained = anything if new is None else ", ".join(sorted(new - old))
            self.add("breaking", f"{rule}-widened", path, f"now also allows {gained}")

    def compare_required(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        old_required = set(old.get("required", ()))
        new_required = set(new.get("required", ()))
        for name in sorted(new_required - old_required):
            self.add(
                "breaking",
                "required-added",
                f"{path}/{name}",
                "newly required: documents without it no longer validate",
            )
        for name in sorted(old_required - new_required):
            self.add(
                "breaking",
                "required-removed",
                f"{path}/{name}",
                "no longer required: readers can no longer count on it",
            )

    def compare_properties(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        old_props: Mapping[str, Any] = old.get("properties", {})
        new_props: Mapping[str, Any] = new.get("properties", {})
        for name in sorted(set(old_props) - set(new_props)):
            self.add("breaking", "property-removed", f"{path}/{name}", "the property was removed")
        for name in sorted(set(new_props) - set(old_props)):
            if name not in new.get("required", ()):
                self.add("addition", "property-added", f"{path}/{name}", "a new optional property")
        for name in sorted(set(old_props) & set(new_props)):
            self.compare(old_props[name], new_props[name], f"{path}/{name}")

    def compare_subschema(
        self, keyword: str, old: Mapping[str, Any], new: Mapping[str, Any], path: str
    ) -> None:
        if keyword not in old and keyword not in new:
            return
        old_sub, new_sub = old.get(keyword, True), new.get(keyword, True)
        if keyword == "additionalProperties" and _accepts_more(old_sub, new_sub):
            self.add("addition", "additional-properties-loosened", path, "more keys are allowed")
            return
        self.compare(old_sub, new_sub, path)

    def compare_branches(
        self, keyword: str, old: Mapping[str, Any], new: Mapping[str, Any], path: str
    ) -> None:
        old_list: list[Any] = list(old.get(keyword, []))
        new_list: list[Any] = list(new.get(keyword, []))
        if not old_list and not new_list:
            return
        if keyword == "prefixItems" or len(old_list) == len(new_list):
            if keyword == "prefixItems" and len(old_list) != len(new_list):
                self.add("breaking", "prefix-items-changed", path, "the tuple's length changed")
            for index, (a, b) in enumerate(zip(old_list, new_list, strict=False)):
                segment = f"/{index}" if keyword == "prefixItems" else ""
                self.compare(a, b, path + segment)
            return
        unmatched_new = [_canonical(b) for b in new_list]
        removed = []
        for branch in old_list:
            text = _canonical(branch)
            if text in unmatched_new:
                unmatched_new.remove(text)
            else:
                removed.append(text)
        rule = "narrowed" if keyword != "allOf" else "widened"
        if removed:
            self.add(
                "breaking", f"{keyword}-{rule}", path, f"branches removed: {', '.join(removed)}"
            )
        if unmatched_new:
            other = "widened" if keyword != "allOf" else "narrowed"
            self.add(
                "breaking",
                f"{keyword}-{other}",
                path,
                f"branches added: {', '.join(unmatched_new)}",
            )

    def compare_defs(self) -> None:
        old_defs: Mapping[str, Any] = self.old.get("$defs", {})
        new_defs: Mapping[str, Any] = self.new.get("$defs", {})
        for name in sorted(set(old_defs) - set(new_defs)):
            self.add(
                "breaking",
                "definition-removed",
                f"#/$defs/{name}",
                "schemas that $ref it from outside break",
            )
        for name in sorted(set(new_defs) - set(old_defs)):
            self.add("addition", "definition-added", f"#/$defs/{name}", "a new definition")
        for name in sorted(set(old_defs) & set(new_defs)):
            ref = f"#/$defs/{name}"
            self.compare({"$ref": ref}, {"$ref": ref}, ref)


def _value_set(schema: Mapping[str, Any], keyword: str) -> set[str] | None:
    if keyword not in schema:
        return None
    values = schema[keyword] if keyword == "enum" else [schema[keyword]]
    return {_canonical(v) for v in values}


def _accepts_all(schema: Any) -> bool:
    return schema is True or (isinstance(schema, Mapping) and not schema)


def _accepts_more(old: Any, new: Any) -> bool:
    """True when `new` accepts every value `old` does and more (only the simple cases)."""
    return _accepts_all(new) and not _accepts_all(old)


def _show(schema: Mapping[str, Any], keyword: str) -> str:
    return _canonical(schema[keyword]) if keyword in schema else "(absent)"


def main(argv: list[str] | None = None) -> int:
    """``python -m compiler.schema_compat OLD NEW``: list the changes from the published schema
    OLD to NEW and whether NEW's version fits them. Exit 0 when it does, 1 when not, 2 on usage."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(
            "usage: python -m compiler.schema_compat OLD.schema.json NEW.schema.json",
            file=sys.stderr,
        )
        return 2
    try:
        old, new = (json.loads(Path(path).read_text(encoding="utf-8")) for path in args)
        problems = version_problems(old, new)
    except (OSError, ValueError) as error:
        print(f"schema_compat: {error}", file=sys.stderr)
        return 1
    changes = compare_schemas(old, new)
    for change in changes:
        print(change.format())
    print(
        f"needs: {required_bump(changes)} (from {_dotted(schema_version(old))} to {_dotted(schema_version(new))})"
    )
    for problem in problems:
        print(f"error: {problem.splitlines()[0]}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
