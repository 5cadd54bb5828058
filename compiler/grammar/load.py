"""Read a spec's declarations file (``constitution.yaml``) into a `Grammar`: the default grammar
(`default.yaml`, shipped in the package) with the spec's kinds and fields merged over it.

A spec may add kinds, add fields to the built-in kinds and to headings (``sections:``), and narrow
a built-in field (fewer values, tighter bounds, fewer target kinds, optional made required). It may
not remove or retype anything built in, or add values to an enumeration the compiler interprets
(a priority's ``mode``): each attempt is a diagnostic. Every problem is reported, in one pass, at
the line and column of the YAML value that caused it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml

from .. import extract
from ..diagnostics import Diagnostic, Severity, sort_diagnostics
from ..reader import read_spec
from .fields import FieldReader
from .types import (
    FieldType,
    Form,
    Grammar,
    Granularity,
    KindSpec,
    Mode,
    OrderSpec,
    PageSpec,
    PageView,
    RankSpec,
    RawSection,
    TitleSource,
    TitleSpec,
)
from .yamlnodes import Settings, YamlReader, parse_yaml, plain

GRAMMAR_FILE = "constitution.yaml"
"""The declarations file's name, at the root of a directory spec."""
MAX_BYTES = 256 * 1024
"""A declarations file larger than this is refused."""
MAX_DEPTH = 12
"""Deepest nesting of mappings and lists."""
MAX_KINDS = 48
"""Most kinds a spec may declare."""
MAX_FIELDS = 32
"""Most fields of one kind."""
MAX_NAME = 40
"""Longest name of a kind, a field, a value or a page."""
MAX_LABEL = 80
"""Longest label or page title."""
MAX_DESCRIPTION = 1000
"""Longest description."""

KIND_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
"""A kind's name: lower-case words joined by ``-``, as in ``::: safe-behavior``."""
KEY_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
"""A kind's plural key: a Python identifier in lower case, as in ``constitution.behaviors``."""
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""A page's file name without ``.md``."""
RESERVED_KEYS = frozenset(
    {"chapters", "document", "kinds", "metadata", "modes", "nodes", "orders", "schema"}
    | {"title", "version", "warnings"}
)
"""Names of the compiled document and of `Constitution` that no kind's key may take."""
RESERVED_SLUGS = frozenset({"index", "authoring", "tool-builders", "versions", "schemas"})
"""Pages the site writes whatever the grammar."""

_TOP = ("kinds", "sections", "diff", "examples")
_KIND = ("key", "label", "plural", "description", "title", "binding", "granularity", "page")
_KIND_FIELDS = ("fields",)
_BUILTIN_ONLY = ("form", "open", "order")
#: What a spec may change of a built-in kind.
_EXTEND = ("label", "plural", "description", "granularity", "page", "fields")
_TITLE = ("from", "attribute", "required")
_PAGE = ("title", "slug", "view", "columns")
_ORDER = ("levels", "mode", "ranked_by")
_RANKED_BY = ("kind", "field")
_Choice = TypeVar("_Choice", Form, Granularity, PageView, TitleSource)


def grammar_file(spec: Path) -> Path | None:
    """The declarations file of a directory spec, if it has one."""
    if spec.is_dir():
        candidate = spec / GRAMMAR_FILE
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return None


def load_grammar(
    spec: Path | None = None, file: Path | None = None
) -> tuple[Grammar, list[Diagnostic]]:
    """The grammar of `spec`: read from `file` when given (the CLI's ``--grammar FILE``), else from
    the spec's own ``constitution.yaml``, else the default grammar.

    Never raises for bad input. With errors, the grammar is what could be read (declarations with
    errors left out or cut short), so that the Markdown can still be checked; write nothing then.
    """
    path = file if file is not None else (grammar_file(spec) if spec is not None else None)
    if path is None:
        return default_grammar(), []
    if file is None and spec is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(spec.resolve()):
            problem = Diagnostic(
                "CC712",
                f"the declarations file is a link to a file outside the spec ({target})",
                str(path),
                1,
                hint="copy the file into the spec, or name it with --grammar",
            )
            return default_grammar(), [problem]
    sources, problems = read_spec(path)
    if not sources:
        return default_grammar(), problems
    source = sources[0]
    if len(source.text) > MAX_BYTES:
        problem = Diagnostic(
            "CC710",
            f"the declarations file is longer than the limit of {MAX_BYTES:,} characters",
            source.display,
            1,
            hint="a grammar needs a few hundred lines; is this the right file?",
        )
        return default_grammar(), [problem]
    return loads_grammar(source.text, source.display)


def loads_grammar(text: str, display: str) -> tuple[Grammar, list[Diagnostic]]:
    """The grammar declared by `text`, the content of the file `display`."""
    grammar, problems = _read(text, display, default_grammar())
    return dataclasses.replace(grammar, file=display), problems


@cache
def default_grammar() -> Grammar:
    """The built-in kinds, from the package's ``default.yaml``."""
    text = resources.files(__package__).joinpath("default.yaml").read_text("utf-8")
    grammar, problems = _read(text, "compiler/grammar/default.yaml", None)
    if problems:  # a defect of the package, caught by its tests
        raise RuntimeError("\n".join(p.format() for p in problems))
    return grammar


def _read(text: str, display: str, base: Grammar | None) -> tuple[Grammar, list[Diagnostic]]:
    root, problems = parse_yaml(text, display, MAX_DEPTH)
    empty = base if base is not None else Grammar(MappingProxyType({}))
    if root is None:
        return empty, problems
    loader = _Loader(display, base)
    grammar = loader.grammar(root)
    return grammar, sort_diagnostics(loader.diagnostics)


class _Loader(YamlReader):
    """Reads one declarations file over `base` (None: the default grammar itself is read)."""

    def __init__(self, display: str, base: Grammar | None) -> None:
        super().__init__(display)
        self.base = base
        self.builtin = base is None
        self.kinds: dict[str, KindSpec] = dict(base.kinds) if base is not None else {}
        self.places: dict[str, yaml.Node] = {}
        """Where each kind read from this file is declared."""
        self.fields = FieldReader(self, self.builtin)
        self.columns: list[tuple[str, str, yaml.Node]] = []
        self.targets: list[tuple[str, str, yaml.Node]] = []

    def grammar(self, root: yaml.Node) -> Grammar:
        top = self.settings(root, "the declarations file", _TOP)
        if top is None:
            return Grammar(MappingProxyType(self.kinds))
        if "kinds" in top:
            self._kinds(top["kinds"][1])
        if "sections" in top:
            self._sections(top["sections"][1])
        diff = self._raw(top.get("diff"))
        examples = self._raw(top.get("examples"))
        if "examples" in top:
            self.error(
                top["examples"][0],
                "CC715",
                "'examples' is reserved for a later version and is not read yet",
                "keep it if you prepare for that version; nothing in it is checked or used now",
                Severity.WARNING,
            )
        self._cross_check()
        return Grammar(MappingProxyType(self.kinds), diff, examples)

    def _raw(self, entry: tuple[yaml.Node, yaml.Node] | None) -> RawSection | None:
        if entry is None:
            return None
        try:
            return RawSection(self.display, entry[1], plain(entry[1]))
        except ValueError:  # an integer of more than 4300 digits
            self.error(entry[1], "CC705", "the section holds a number too large to read", "")
            return None

    # --- kinds ----------------------------------------------------------------------------

    def _kinds(self, node: yaml.Node) -> None:
        entries = self.items(node, "kinds", MAX_KINDS + len(self.kinds))
        if entries is None:
            return
        declared = 0
        for name, key_node, value in entries:
            where = f"kinds.{name}"
            existing = self.kinds.get(name)
            if existing is not None and existing.builtin and not self.builtin:
                self._extend(existing, key_node, value, where)
                continue
            if not self._name(key_node, name, KIND_NAME, "kind", "safe-behavior"):
                continue
            declared += 1
            if declared > MAX_KINDS:
                self.error(
                    key_node,
                    "CC710",
                    f"more than {MAX_KINDS} kinds are declared",
                    "declare fewer kinds",
                )
                return
            close = extract.suggest(name, [k for k, v in self.kinds.items() if v.builtin])
            if close and not self.builtin:
                self.error(
                    key_node,
                    "CC706",
                    f"'{name}' declares a new kind, close to a built-in one",
                    f"{close} A spec extends a built-in kind under its exact name.",
                    Severity.WARNING,
                )
            self.places[name] = key_node
            self.kinds[name] = self._kind(name, value, where)

    def _kind(self, name: str, node: yaml.Node, where: str) -> KindSpec:
        known = _KIND + _KIND_FIELDS + (_BUILTIN_ONLY if self.builtin else ())
        label = name.replace("-", " ").capitalize()
        spec = KindSpec(
            name=name,
            key=_plural(name).replace("-", "_"),
            label=label,
            plural=_plural(label),
            title=TitleSpec((TitleSource.ATTRIBUTE, TitleSource.LEAD)),
            granularity=(Granularity.BLOCK, Granularity.ITEM, Granularity.SPAN),
            builtin=self.builtin,
        )
        settings = self.settings(node, where, known)
        if settings is None:
            return spec
        changes: dict[str, Any] = {}
        changes.update(self._common(name, settings, where))
        if "label" in changes and "plural" not in settings:
            changes["plural"] = _plural(changes["label"])
        for key, read in self._kind_readers(name, where).items():
            if key in settings:
                value = read(settings[key][1])
                if value is not None:
                    changes[key] = value
        return dataclasses.replace(spec, **changes)

    def _extend(self, kind: KindSpec, key_node: yaml.Node, node: yaml.Node, where: str) -> None:
        if kind.form is not Form.ANNOTATION:
            hint = (
                "declare fields of headings under 'sections: {fields: ...}'"
                if kind.form is Form.HEADING
                else "links between nodes are built in and take no declarations"
            )
            self.error(
                key_node, "CC708", f"the built-in kind '{kind.name}' cannot be changed", hint
            )
            return
        settings = self.settings(node, where, _KIND + _KIND_FIELDS)
        if settings is None:
            return
        for key in settings:
            if key not in _EXTEND:
                self.error(
                    settings[key][0],
                    "CC708",
                    f"'{key}' of the built-in kind '{kind.name}' cannot be changed",
                    f"a spec may change its {', '.join(_EXTEND)}",
                )
        changes = self._common(kind.name, settings, where)
        if "granularity" in changes:
            wider = [g for g in changes["granularity"] if g not in kind.granularity]
            if wider:
                self.error(
                    settings["granularity"][1],
                    "CC708",
                    f"{where}.granularity widens the built-in kind to {wider[0]}",
                    f"it may be narrowed within {', '.join(kind.granularity)}",
                )
                del changes["granularity"]
        self.kinds[kind.name] = dataclasses.replace(kind, **changes)

    def _common(self, name: str, settings: Settings, where: str) -> dict[str, Any]:
        """The settings a declared kind and an extended built-in kind share."""
        changes: dict[str, Any] = {}
        for key, limit in (("label", MAX_LABEL), ("plural", MAX_LABEL)):
            if key in settings:
                found = self.text(settings[key][1], f"{where}.{key}", limit)
                if found is not None:
                    changes[key] = found
        if "description" in settings:
            found = self.text(settings["description"][1], f"{where}.description", MAX_DESCRIPTION)
            if found is not None:
                changes["description"] = found
        if "granularity" in settings:
            found_granularity = self._granularity(settings["granularity"][1], where)
            if found_granularity is not None:
                changes["granularity"] = found_granularity
        if "page" in settings:
            changes["page"] = self._page(name, settings["page"][1], f"{where}.page")
        if "fields" in settings:
            base = self.kinds.get(name)
            changes["fields"] = self.fields.read(
                settings["fields"][1],
                f"{where}.fields",
                base.fields if base is not None else (),
                self.targets,
            )
        return changes

    def _kind_readers(self, name: str, where: str) -> dict[str, Callable[[yaml.Node], Any]]:
        """Readers of the settings only a new kind (or the default grammar) gives."""
        return {
            "key": lambda node: self._key(node, f"{where}.key"),
            "title": lambda node: self._title(node, f"{where}.title"),
            "binding": lambda node: self.flag(node, f"{where}.binding"),
            "form": lambda node: self._choice(node, f"{where}.form", Form),
            "open": lambda node: self.flag(node, f"{where}.open"),
            "order": lambda node: self._order(node, f"{where}.order"),
        }

    def _key(self, node: yaml.Node, where: str) -> str | None:
        found = self.text(node, where, MAX_NAME)
        if found is None or not self._name(node, found, KEY_NAME, "key", "safe_behaviors"):
            return None
        return found

    def _granularity(self, node: yaml.Node, where: str) -> tuple[Granularity, ...] | None:
        words = self.words(node, f"{where}.granularity", len(Granularity))
        if words is None:
            return None
        found: list[Granularity] = []
        for word, item in words:
            value = self._member(item, word, f"{where}.granularity", Granularity)
            if value is not None and value not in found:
                found.append(value)
        if not words and not self.builtin:
            self.error(
                node,
                "CC709",
                f"{where}.granularity is empty",
                "name at least one of block, item, span",
            )
            return None
        return tuple(found)

    def _title(self, node: yaml.Node, where: str) -> TitleSpec | None:
        settings = self.settings(node, where, _TITLE)
        if settings is None:
            return None
        spec = TitleSpec()
        if "from" in settings:
            words = self.words(settings["from"][1], f"{where}.from", len(TitleSource))
            sources = [
                self._member(item, word, f"{where}.from", TitleSource) for word, item in words or []
            ]
            spec = dataclasses.replace(spec, sources=tuple(s for s in sources if s is not None))
        if "attribute" in settings:
            attribute = self.text(settings["attribute"][1], f"{where}.attribute", MAX_NAME)
            if attribute is not None and self.fields.name(settings["attribute"][1], attribute):
                spec = dataclasses.replace(spec, attribute=attribute)
        if "required" in settings:
            required = self.flag(settings["required"][1], f"{where}.required")
            spec = dataclasses.replace(spec, required=bool(required))
        if spec.required and not spec.sources:
            self.error(
                node,
                "CC709",
                f"{where} is required but has no source",
                "add from: [attribute, lead], or drop required",
            )
        return spec

    def _page(self, kind: str, node: yaml.Node, where: str) -> PageSpec | None:
        settings = self.settings(node, where, _PAGE)
        if settings is None:
            return None
        title = self._page_title(node, settings, where)
        slug = self._slug(settings, title, where)
        view = PageView.LIST
        if "view" in settings:
            view = self._choice(settings["view"][1], f"{where}.view", PageView) or view
        columns: list[tuple[str, yaml.Node]] = []
        if "columns" in settings:
            if view is not PageView.TABLE:
                self.error(
                    settings["columns"][0],
                    "CC709",
                    f"{where}.columns applies to a table only",
                    "add view: table, or remove columns",
                )
            columns = self.words(settings["columns"][1], f"{where}.columns", MAX_FIELDS) or []
            self.columns.extend((kind, word, item) for word, item in columns)
        if title is None or slug is None:
            return None
        return PageSpec(title, slug, view, tuple(word for word, _ in columns))

    def _page_title(self, node: yaml.Node, settings: Settings, where: str) -> str | None:
        if "title" not in settings:
            self.error(node, "CC713", f"{where} has no title", 'add title: "..."')
            return None
        return self.text(settings["title"][1], f"{where}.title", MAX_LABEL)

    def _slug(self, settings: Settings, title: str | None, where: str) -> str | None:
        if "slug" in settings:
            node = settings["slug"][1]
            slug = self.text(node, f"{where}.slug", MAX_NAME)
        elif title is not None:
            node = settings["title"][1]
            if not any(ch.isalnum() for ch in title):
                self.error(node, "CC713", f"{where}.title gives no file name", "add slug: name")
                return None
            slug = extract.slugify(title)
        else:
            return None
        if slug is None or not self._name(node, slug, SLUG, "page slug", "principals"):
            return None
        return slug

    def _order(self, node: yaml.Node, where: str) -> OrderSpec | None:
        settings = self.settings(node, where, _ORDER)
        if settings is None:
            return None
        if "levels" not in settings or "mode" not in settings:
            self.error(node, "CC713", f"{where} needs levels and mode", "add both")
            return None
        levels = self.text(settings["levels"][1], f"{where}.levels", MAX_NAME)
        mode = self.text(settings["mode"][1], f"{where}.mode", MAX_NAME)
        ranked_by = None
        if "ranked_by" in settings:
            ranked = self.settings(settings["ranked_by"][1], f"{where}.ranked_by", _RANKED_BY)
            kind = self.text(ranked["kind"][1], "kind", MAX_NAME) if ranked else None
            field = self.text(ranked["field"][1], "field", MAX_NAME) if ranked else None
            ranked_by = RankSpec(kind, field) if kind and field else None
        return OrderSpec(levels, mode, ranked_by) if levels and mode else None

    # --- sections -------------------------------------------------------------------------

    def _sections(self, node: yaml.Node) -> None:
        settings = self.settings(node, "sections", _KIND_FIELDS)
        section = self.kinds.get("section")
        if settings is None or "fields" not in settings or section is None:
            return
        fields = self.fields.read(
            settings["fields"][1], "sections.fields", section.fields, self.targets
        )
        self.kinds["section"] = dataclasses.replace(section, fields=fields)

    # --- what needs every kind ------------------------------------------------------------

    def _cross_check(self) -> None:
        nodes = [k for k, spec in self.kinds.items() if spec.form is not Form.LINK]
        for kind, target, node in self.targets:
            if target not in nodes:
                what = "is not a kind of node" if target in self.kinds else "is not a kind"
                hint = extract.suggest(target, nodes) or f"kinds: {', '.join(nodes)}"
                self.error(node, "CC707", f"{kind} names '{target}', which {what}", hint)
        for kind, column, node in self.columns:
            names = [f.name for f in self.kinds[kind].fields]
            if column not in names:
                hint = extract.suggest(column, names) or f"fields: {', '.join(names) or 'none'}"
                self.error(node, "CC707", f"'{column}' is not a field of {kind}", hint)
        for spec in self.kinds.values():
            place = self.places.get(spec.name)
            if place is None:
                continue
            if spec.order is not None:
                self._order_fields(place, spec, spec.order)
            self._unique(place, spec, "key", RESERVED_KEYS)
            if spec.page is not None:
                self._unique(place, spec, "page slug", RESERVED_SLUGS)
            title = spec.title.attribute if TitleSource.ATTRIBUTE in spec.title.sources else None
            if title is not None and spec.field(title) is not None:
                self.error(
                    place,
                    "CC714",
                    f"kind '{spec.name}' has a field '{title}', the attribute that gives its title",
                    "rename the field, or give the title another attribute: title: {attribute: ...}",
                )

    def _order_fields(self, node: yaml.Node, spec: KindSpec, order: OrderSpec) -> None:
        """The fields an order spec names exist and have the types orders need."""
        levels, mode = spec.field(order.levels), spec.field(order.mode)
        if levels is None or levels.type is not FieldType.REFERENCE or not levels.ordered:
            self.error(node, "CC707", f"{spec.name}.order.levels names no ordered reference", "")
        if mode is None or mode.type is not FieldType.ENUM or not set(mode.values) <= set(Mode):
            self.error(node, "CC707", f"{spec.name}.order.mode names no enum of modes", "")
        ranked = order.ranked_by
        rank_kind = self.kinds.get(ranked.kind) if ranked is not None else None
        rank_field = rank_kind.field(ranked.field) if rank_kind and ranked else None
        if ranked is not None and (rank_field is None or rank_field.type is not FieldType.INTEGER):
            self.error(node, "CC707", f"{spec.name}.order.ranked_by names no integer field", "")

    def _unique(self, node: yaml.Node, spec: KindSpec, what: str, reserved: frozenset[str]) -> None:
        """Report when `spec`'s key (or page slug) is reserved or another kind's."""
        value = _value(spec, what)
        owner = next(
            (
                k
                for k, other in self.kinds.items()
                if k != spec.name and _value(other, what) == value
            ),
            None,
        )
        if value is None or (owner is None and value not in reserved):
            return
        whose = f"the {what} of kind '{owner}'" if owner else "reserved"
        self.error(
            node,
            "CC714",
            f"kind '{spec.name}' has the {what} '{value}', which is {whose}",
            f"give it another {what}",
        )

    # --- small readers --------------------------------------------------------------------

    def _name(
        self, node: yaml.Node, value: str, pattern: re.Pattern[str], what: str, example: str
    ) -> bool:
        if len(value) <= MAX_NAME and pattern.match(value):
            return True
        fixed = re.sub(r"[^a-z0-9]+", "_" if "_" in example else "-", value.lower()).strip("-_")
        hint = f"did you mean '{fixed}'?" if fixed and pattern.match(fixed) else f"e.g. {example}"
        if len(value) > MAX_NAME:
            hint = f"use at most {MAX_NAME} characters"
        self.error(node, "CC706", f"'{value[:MAX_NAME]}' is not a valid {what} name", hint)
        return False

    def _choice(self, node: yaml.Node, where: str, enum: type[_Choice]) -> _Choice | None:
        found = self.text(node, where, MAX_NAME)
        return self._member(node, found, where, enum) if found is not None else None

    def _member(
        self, node: yaml.Node, word: str, where: str, enum: type[_Choice]
    ) -> _Choice | None:
        names: Sequence[str] = [str(member) for member in enum]
        if word in names:
            return enum(word)
        hint = extract.suggest(word, names) or f"one of {', '.join(names)}"
        self.error(
            node, "CC709", f"{where} has '{word}', which is not one of {', '.join(names)}", hint
        )
        return None


def _value(spec: KindSpec, what: str) -> str | None:
    if what == "key":
        return spec.key
    return spec.page.slug if spec.page is not None else None


def _plural(word: str) -> str:
    """English plural of a label or name: 'property' -> 'properties', 'box' -> 'boxes'."""
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"
