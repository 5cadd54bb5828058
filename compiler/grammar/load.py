"""Read a spec's declarations file (``constitution.yaml``) into a `Grammar`: the default grammar
(`default.yaml`, shipped in the package) with the spec's kinds and fields merged over it.

A spec may add kinds, add fields to the built-in kinds and to headings (``sections:``), and narrow
a built-in field (fewer values, tighter bounds, fewer target kinds, optional made required). It may
not remove or retype anything built in, or add values to an enumeration the compiler interprets
(a priority's ``mode``): each attempt is a diagnostic. Every problem is reported, in one pass, at
the line and column of the YAML value that caused it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from msgspec import structs

from ..declarations import DECLARATIONS_FILE, MAX_BYTES, too_long
from ..diagnostics import Diagnostic, Severity, has_errors, sort_diagnostics, suggest
from ..reader import read_spec
from .consistency import check_kinds
from .examples import EXAMPLE_KINDS, kind_clashes, read_example_syntax
from .fields import FieldReader
from .kind_settings import (
    MAX_LABEL,
    granularity,
    kind_key,
    order_spec,
    page,
    title_spec,
)
from .types import (
    Form,
    Grammar,
    Granularity,
    KindSpec,
    RawSection,
    TitleSource,
    TitleSpec,
)
from .yamlnodes import Settings, YamlReader, parse_yaml, plain

GRAMMAR_FILE = DECLARATIONS_FILE
"""The declarations file's name, at the root of a directory spec."""
MAX_DEPTH = 12
"""Deepest nesting of mappings and lists."""
MAX_KINDS = 48
"""Most kinds a spec may declare."""
MAX_DESCRIPTION = 1000
"""Longest description."""

KIND_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
"""A kind's name: lower-case words joined by ``-``, as in ``::: safe-behavior``."""
_TOP = ("kinds", "sections", "diff", "examples")
_KIND = ("key", "label", "plural", "description", "title", "binding", "granularity", "page")
_KIND_FIELDS = ("fields",)
_BUILTIN_ONLY = ("form", "open", "order")
#: What a spec may change of a built-in kind.
_EXTEND = ("label", "plural", "description", "granularity", "page", "fields")


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
    if path.is_dir():  # read_spec would read the Markdown files in it
        problem = Diagnostic(
            "CC106",
            "cannot read the declarations file: it is a directory",
            str(path),
            1,
            hint="name a YAML file, e.g. --grammar constitution.yaml",
        )
        return default_grammar(), [problem]
    sources, problems = read_spec(path)
    if not sources or has_errors(problems):  # unreadable, or not text (read leniently)
        return default_grammar(), problems
    return loads_grammar(sources[0].text, sources[0].display)


def loads_grammar(text: str, display: str) -> tuple[Grammar, list[Diagnostic]]:
    """The grammar declared by `text`, the content of the file `display`."""
    if len(text) > MAX_BYTES:
        return structs.replace(default_grammar(), file=display), [too_long(display)]
    grammar, problems = _read(text, display, default_grammar())
    return structs.replace(grammar, file=display), problems


@cache
def default_grammar() -> Grammar:
    """The built-in kinds, from the package's ``default.yaml``."""
    # Read beside this module: importlib.resources is slow to import (`check` starts faster).
    text = Path(__file__).with_name("default.yaml").read_text("utf-8")
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
    return grammar, sort_diagnostics([*problems, *loader.diagnostics])


class _Loader(YamlReader):
    """Reads one declarations file over `base` (None: the default grammar itself is read)."""

    def __init__(self, display: str, base: Grammar | None) -> None:
        super().__init__(display)
        self.builtin = base is None
        self.kinds: dict[str, KindSpec] = dict(base.kinds) if base is not None else {}
        self.places: dict[str, yaml.Node] = {}
        """Where each kind this file declares or extends is named."""
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
        diff = _raw(self, top.get("diff"))
        examples = _raw(self, top.get("examples"))
        if examples is not None:  # the example syntax (`examples`), checked here
            self.diagnostics += read_example_syntax(self.display, examples.node)[1]
        check_kinds(self, self.kinds, self.places, self.targets, self.columns)
        if examples is not None:
            _example_kinds(self, examples)
        return Grammar(MappingProxyType(self.kinds), diff, examples)

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
            if not self.name(key_node, name, KIND_NAME, "kind", "safe-behavior"):
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
            builtins = [] if self.builtin else [k for k, v in self.kinds.items() if v.builtin]
            close = suggest(name, builtins)  # none for the default grammar: never slow start-up
            if close:
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
        """A new kind: its defaults, then what `node` declares."""
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
        return structs.replace(spec, **changes)

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
        self.places[kind.name] = key_node
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
        self.kinds[kind.name] = structs.replace(kind, **changes)

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
            found_granularity = granularity(
                self, settings["granularity"][1], where, builtin=self.builtin
            )
            if found_granularity is not None:
                changes["granularity"] = found_granularity
        if "page" in settings:
            changes["page"] = page(self, name, settings["page"][1], f"{where}.page", self.columns)
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
            "key": lambda node: kind_key(self, node, f"{where}.key"),
            "title": lambda node: title_spec(self, node, f"{where}.title"),
            "binding": lambda node: self.flag(node, f"{where}.binding"),
            "form": lambda node: self.choice(node, f"{where}.form", Form),
            "open": lambda node: self.flag(node, f"{where}.open"),
            "order": lambda node: order_spec(self, node, f"{where}.order"),
        }

    # --- sections -------------------------------------------------------------------------

    def _sections(self, node: yaml.Node) -> None:
        settings = self.settings(node, "sections", _KIND_FIELDS)
        section = next((k for k in self.kinds.values() if k.form is Form.HEADING), None)
        if settings is None or "fields" not in settings or section is None:
            return
        fields = self.fields.read(
            settings["fields"][1], "sections.fields", section.fields, self.targets
        )
        self.kinds[section.name] = structs.replace(section, fields=fields)


def _example_kinds(loader: _Loader, examples: RawSection) -> None:
    """The kinds of worked examples and prompts files (`examples.EXAMPLE_KINDS`), after the
    declared ones; a declared kind that takes their name or key is CC817."""
    clashes = kind_clashes(loader.kinds)
    for name in clashes:
        loader.error(
            loader.places.get(name, examples.node),
            "CC817",
            f"the kind '{name}' takes a name or key that the example syntax gives its "
            "worked examples and prompts files (example/examples, prompt/prompts)",
            "rename the kind (and its key): a spec that declares examples: has these kinds",
        )
    if not clashes:
        loader.kinds.update(EXAMPLE_KINDS)


def _raw(loader: _Loader, entry: tuple[yaml.Node, yaml.Node] | None) -> RawSection | None:
    """A top-level section passed through as it is (``diff:``, ``examples:``)."""
    if entry is None:
        return None
    try:
        return RawSection(loader.display, entry[1], plain(entry[1]))
    except ValueError:  # an integer of more than 4300 digits
        loader.error(entry[1], "CC705", "the section holds a number too large to read", "")
        return None


def _plural(word: str) -> str:
    """English plural of a label or name: 'property' -> 'properties', 'box' -> 'boxes'."""
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", word):
        return word + "es"
    return word + "s"
