"""What the grammar knows of worked examples: the ``examples:`` section of ``constitution.yaml``
(the declared example syntax, read by `read_example_syntax`), the `Verdict` a labelled reply
gets, and the two kinds a spec that declares ``examples:`` has (`EXAMPLE_KINDS`). The grammar's
loader checks the section and adds those kinds; `compiler.examples` reads the examples with them.

How a spec writes its worked examples and where its evaluation prompts live, so that no
document's conventions are built into the compiler. The Model Spec's, for instance::

    examples:
      title: Example            # a paragraph "**Example**: title" introduces an example
      fence: xml                # ... and the ~~~xml fence after it holds the conversation
      roles:                    # the tags that are turns, each with its chat role
        developer: developer
        user: user
        assistant: assistant
        system: system
        tool: tool
      comparison: comparison    # the tag whose replies are alternatives the spec judges
      reply: assistant          # the role of those replies
      labels: {GOOD: good, OK: acceptable, BAD: bad}   # <!-- BAD: why --> after a reply's tag
      prompts:
        folder: examples        # footnote [^key] -> examples/<key>.md beside the spec

Only ``fence`` and ``roles`` are required. Without ``title`` every fence with that info string
is an example (untitled); without ``comparison`` no reply is judged; without ``prompts``
footnotes are plain text. Every problem is a diagnostic at the YAML value's line and column.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

import yaml
from msgspec import Struct, field

from ..diagnostics import Diagnostic, sort_diagnostics
from .types import FieldSpec, FieldType, Form, Granularity, KindSpec, TitleSource, TitleSpec
from .yamlnodes import YamlReader

if TYPE_CHECKING:
    from .types import Grammar


class Verdict(StrEnum):
    """How a labelled reply of a conversation is judged."""

    GOOD = "good"
    ACCEPTABLE = "acceptable"
    BAD = "bad"


_KEYS = ("title", "fence", "roles", "comparison", "reply", "labels", "prompts")
_PROMPT_KEYS = ("folder",)
TAG = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]*$")
"""A tag's name, as the conversation tokenizer reads it."""
_ROLE = re.compile(r"^[a-z][a-z0-9_-]*$")
_LABEL = re.compile(r"^[A-Za-z][A-Za-z_-]*$")
_INFO = re.compile(r"^[A-Za-z0-9_+.-]+$")
_FOLDER = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$")
MAX_ROLES = 32
MAX_LABELS = 32
_LIMIT = 80


class ExampleSyntax(Struct, frozen=True):
    """How a spec writes its examples (see the module docstring)."""

    fence: str
    """The info string of the fence that holds a conversation."""
    roles: Mapping[str, str]
    """Tag -> chat role, in declaration order."""
    title: str | None = None
    """The bold lead phrase of the paragraph that titles an example; None: examples are untitled."""
    comparison: str | None = None
    """The tag that holds judged alternatives; None: the spec has none."""
    reply: str = "assistant"
    """The role of a judged reply."""
    labels: Mapping[str, Verdict] = field(default_factory=lambda: MappingProxyType({}))
    """The first word of a reply's comment -> its verdict."""
    prompts: str | None = None
    """The folder of evaluation prompt files, relative to the spec's folder; None: no prompts."""
    file: str = ""
    """The declarations file, as diagnostics show it."""

    @property
    def sample(self) -> str:
        """A turn to show in hints: the user's, else the first declared."""
        tag = next((t for t, role in self.roles.items() if role == "user"), next(iter(self.roles)))
        return f"<{tag}>...</{tag}>"


def read_example_syntax(
    display: str, node: yaml.Node
) -> tuple[ExampleSyntax | None, list[Diagnostic]]:
    """The syntax the ``examples:`` mapping `node` declares, and every problem with it.

    None when a required key is missing or wrong: a spec's examples are then not compiled (and
    the problem says why), rather than compiled with a syntax that was not meant.
    """
    reader = _SyntaxReader(display)
    syntax = reader.read(node)
    return syntax, sort_diagnostics(reader.diagnostics)


class _SyntaxReader(YamlReader):
    def read(self, node: yaml.Node) -> ExampleSyntax | None:
        settings = self.settings(node, "examples", _KEYS)
        if settings is None:
            return None
        for required in ("fence", "roles"):
            if required not in settings:
                self.error(
                    node,
                    "CC800",
                    f"examples declares no '{required}'",
                    "an example syntax names its fence (e.g. fence: xml) and its roles "
                    "(e.g. roles: [user, assistant])",
                )
        fence = self._word(settings, "fence", _INFO, "xml")
        roles = self._roles(settings["roles"][1]) if "roles" in settings else None
        title = (
            self.text(settings["title"][1], "examples.title", _LIMIT)
            if "title" in settings
            else None
        )
        comparison = self._word(settings, "comparison", TAG, "comparison")
        reply = self._word(settings, "reply", _ROLE, "assistant") or "assistant"
        labels = self._labels(settings["labels"][1]) if "labels" in settings else {}
        prompts = self._prompts(settings["prompts"][1]) if "prompts" in settings else None
        if roles is not None:
            self._check_names(settings, roles, reply, comparison, labels)
        if fence is None or not roles:
            return None
        return ExampleSyntax(
            fence=fence,
            roles=MappingProxyType(roles),
            title=title.strip() if title else None,
            comparison=comparison,
            reply=reply,
            labels=MappingProxyType(labels),
            prompts=prompts,
            file=self.display,
        )

    def _word(
        self,
        settings: dict[str, tuple[yaml.Node, yaml.Node]],
        key: str,
        pattern: re.Pattern[str],
        example: str,
    ) -> str | None:
        if key not in settings:
            return None
        node = settings[key][1]
        value = self.text(node, f"examples.{key}", _LIMIT)
        if value is None:
            return None
        if not pattern.match(value):
            self.error(
                node,
                "CC800",
                f"examples.{key} '{value}' is not a valid name",
                f"e.g. {key}: {example}",
            )
            return None
        return value

    def _roles(self, node: yaml.Node) -> dict[str, str] | None:
        """Roles as a list (each tag is its role) or a mapping of tags to roles."""
        pairs: list[tuple[str, yaml.Node, str, yaml.Node]] = []
        if isinstance(node, yaml.SequenceNode):
            words = self.words(node, "examples.roles", MAX_ROLES)
            if words is None:
                return None
            pairs = [(word, item, word, item) for word, item in words]
        else:
            entries = self.items(node, "examples.roles", MAX_ROLES)
            if entries is None:
                return None
            for tag, key_node, value in entries:
                role = self.text(value, f"examples.roles.{tag}", _LIMIT)
                if role is not None:
                    pairs.append((tag, key_node, role, value))
        roles: dict[str, str] = {}
        for tag, tag_node, role, role_node in pairs:
            if not TAG.match(tag):
                self.error(
                    tag_node, "CC800", f"'{tag}' is not a valid tag name", "e.g. user, or tool_call"
                )
            elif not _ROLE.match(role):
                self.error(
                    role_node,
                    "CC800",
                    f"'{role}' is not a valid role",
                    "roles are lower-case words, e.g. user",
                )
            elif tag in roles:
                self.error(tag_node, "CC800", f"the tag '{tag}' is given twice", "keep one")
            else:
                roles[tag] = role
        if not roles and pairs == []:
            self.error(
                node,
                "CC800",
                "examples.roles is empty",
                "name the tags of the turns, e.g. [user, assistant]",
            )
        return roles

    def _labels(self, node: yaml.Node) -> dict[str, Verdict]:
        entries = self.items(node, "examples.labels", MAX_LABELS)
        labels: dict[str, Verdict] = {}
        for word, key_node, value in entries or ():
            verdict = self.choice(value, f"examples.labels.{word}", Verdict)
            if not _LABEL.match(word):
                self.error(
                    key_node,
                    "CC800",
                    f"'{word}' is not a valid label",
                    "a label is one word, e.g. GOOD",
                )
            elif verdict is not None:
                labels[word] = verdict
        return labels

    def _prompts(self, node: yaml.Node) -> str | None:
        settings = self.settings(node, "examples.prompts", _PROMPT_KEYS)
        if settings is None:
            return None
        if "folder" not in settings:
            self.error(
                node,
                "CC800",
                "examples.prompts names no folder",
                "e.g. prompts: {folder: examples}",
            )
            return None
        folder_node = settings["folder"][1]
        folder = self.text(folder_node, "examples.prompts.folder", 200)
        if folder is None:
            return None
        normal = posixpath.normpath(folder)
        if not _FOLDER.match(folder) or normal.startswith("..") or normal in (".", ""):
            self.error(
                folder_node,
                "CC800",
                f"examples.prompts.folder '{folder}' is not a folder inside the spec",
                "name a folder relative to the spec's own, with '/' between names, e.g. examples",
            )
            return None
        return normal

    def _check_names(
        self,
        settings: dict[str, tuple[yaml.Node, yaml.Node]],
        roles: dict[str, str],
        reply: str,
        comparison: str | None,
        labels: dict[str, Verdict],
    ) -> None:
        if comparison is not None and comparison in roles:
            self.error(
                settings["comparison"][1],
                "CC800",
                f"the comparison tag '{comparison}' is also a role's tag",
                "name a tag of its own, e.g. comparison",
            )
        if comparison is not None and reply not in roles.values():
            where = settings["reply"][1] if "reply" in settings else settings["comparison"][0]
            self.error(
                where,
                "CC800",
                f"the replies' role '{reply}' is none of the declared roles",
                f"declare it under roles, or name one of {', '.join(sorted(set(roles.values())))}",
            )
        if comparison is not None and not labels:
            self.error(
                settings["comparison"][0],
                "CC800",
                "examples declares a comparison but no labels",
                "e.g. labels: {GOOD: good, BAD: bad}",
            )


def example_syntax(grammar: Grammar) -> ExampleSyntax | None:
    """The example syntax the grammar declares (its problems were reported when it was loaded)."""
    if grammar.examples is None:
        return None
    return read_example_syntax(grammar.examples.file, grammar.examples.node)[0]


# --- the kinds of a spec that declares examples: --------------------------------------------

EXAMPLE = "example"
PROMPT = "prompt"

EXAMPLE_KINDS: Mapping[str, KindSpec] = MappingProxyType(
    {
        EXAMPLE: KindSpec(
            name=EXAMPLE,
            key="examples",
            label="Worked example",
            plural="Worked examples",
            description="A conversation that illustrates its provision (its parent), written "
            "in the spec's declared example syntax.",
            form=Form.EXAMPLE,
            title=TitleSpec(sources=(TitleSource.LEAD,)),
            granularity=(Granularity.BLOCK,),
            builtin=True,
        ),
        PROMPT: KindSpec(
            name=PROMPT,
            key="prompts",
            label="Evaluation prompts",
            plural="Evaluation prompts",
            description="A file of evaluation prompts that a footnote names, each prompt a "
            "conversation; its parent is the section of the passage carrying the footnote.",
            form=Form.EXAMPLE,
            granularity=(Granularity.BLOCK,),
            fields=(
                FieldSpec(
                    "key",
                    FieldType.STRING,
                    required=True,
                    label="Footnote",
                    description="The footnote key that names the file.",
                    builtin=True,
                ),
                FieldSpec(
                    "passage",
                    FieldType.STRING,
                    required=True,
                    label="Passage",
                    description="The plain text of the passage that carries the footnote.",
                    builtin=True,
                ),
            ),
            builtin=True,
        ),
    }
)
"""The kinds a spec has when it declares ``examples:``."""


def kind_clashes(kinds: Mapping[str, KindSpec]) -> list[str]:
    """The names of declared kinds that take a name or key of `EXAMPLE_KINDS`."""
    ours = {name for kind in EXAMPLE_KINDS.values() for name in (kind.name, kind.key)}
    return [kind.name for kind in kinds.values() if ours & {kind.name, kind.key}]
