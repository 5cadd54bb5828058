"""Worked examples and evaluation prompts as plain, frozen data.

An `Example` is a conversation a spec writes to illustrate a provision; a `PromptFile` holds the
evaluation prompts that a footnote ``[^key]`` names, linked to the passage carrying it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from msgspec import Struct, field

from ..document import Reply, Turn
from ..grammar.examples import Verdict
from ..grammar.types import FieldValue
from ..model import SourceSpan

__all__ = [
    "Example",
    "ExampleSet",
    "Passage",
    "PromptFile",
    "Provision",
    "Reply",
    "Turn",
    "Verdict",
]


class Provision(Struct, frozen=True):
    """The section an example illustrates or a passage belongs to, with its typed fields."""

    id: str
    title: str
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    """Its typed fields (``authority``) and the attributes its kind keeps as strings."""


@dataclasses.dataclass(frozen=True, slots=True)
class Example:  # a dataclass: msgspec fields have no compare=False
    """A worked example: a title and a conversation, in the section it illustrates."""

    id: str
    """``<section>-example-<n>``, n counting from 1 in the section."""
    title: str | None
    provision: Provision | None
    """None when the example stands before the first heading."""
    turns: tuple[Turn, ...]
    """The conversation's turns outside comparisons, in order."""
    replies: tuple[Reply, ...]
    """The replies its comparisons judge, in order."""
    source: SourceSpan
    """From the title paragraph (or the fence when untitled) to the closing fence."""
    fence: str | None = dataclasses.field(default=None, compare=False)
    """The fence's text as its section's blocks hold it (`compiler.document.Code`), while the
    spec is compiled; None when read back from the nodes."""


class Passage(Struct, frozen=True):
    """The paragraph or list item that carries a footnote."""

    text: str
    """Its plain text, footnote markers included."""
    provision: Provision | None
    source: SourceSpan


class PromptFile(Struct, frozen=True):
    """A file of evaluation prompts, named by a footnote key."""

    id: str
    """``prompts-<key>``."""
    key: str
    heading: str
    """Its text before the first prompt (``Examples for [^key] in Be kind:``)."""
    passage: Passage
    """Where the first footnote with this key stands."""
    prompts: tuple[Example, ...]
    """Its conversations, compiled as examples are; their provision is the passage's."""
    source: SourceSpan
    """The file itself (line 1)."""


class ExampleSet(Struct, frozen=True):
    """Everything a spec's examples and prompts compile to."""

    examples: tuple[Example, ...] = ()
    prompts: tuple[PromptFile, ...] = ()
