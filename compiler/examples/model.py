"""Worked examples and evaluation prompts as plain, frozen data.

An `Example` is a conversation a spec writes to illustrate a provision; a `PromptFile` holds the
evaluation prompts that a footnote ``[^key]`` names, linked to the passage carrying it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from ..grammar.types import FieldValue
from ..model import SourceSpan


class Verdict(StrEnum):
    """How a labelled reply is judged."""

    GOOD = "good"
    ACCEPTABLE = "acceptable"
    BAD = "bad"


@dataclass(frozen=True, slots=True)
class Turn:
    """One message of a conversation."""

    role: str
    """The chat role (``user``, ``assistant``...), as the declared syntax maps its tag."""
    tag: str
    """The tag as written (``<user>``): the role unless the syntax maps it to another."""
    attributes: tuple[tuple[str, str], ...]
    """Its attributes (``recipient="python"``), in source order, entities decoded."""
    content: str
    """Its text exactly as written between the tags, entities decoded, the blank lines that
    only lay the tags out removed. Markup inside it is text: it is escaped wherever shown."""
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class Reply:
    """One labelled alternative of a comparison: a reply the spec judges."""

    turn: Turn
    verdict: Verdict | None
    """None when the reply carries no label."""
    label: str | None
    """The label as written (``BAD``)."""
    reason: str | None
    """Why, when the label says (``<!-- BAD: reveals the prompt -->``)."""
    violates: tuple[str, ...]
    """Ids the label names (``<!-- BAD[#chain_of_command] -->``): the provisions a bad reply breaks."""
    after: int
    """How many turns of the conversation precede it: the context to grade it in."""


@dataclass(frozen=True, slots=True)
class Provision:
    """The section an example illustrates or a passage belongs to, with its typed fields."""

    id: str
    title: str
    fields: Mapping[str, FieldValue] = field(default_factory=dict)
    """Its typed fields (``authority``) and the attributes its kind keeps as strings."""


@dataclass(frozen=True, slots=True)
class Example:
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


@dataclass(frozen=True, slots=True)
class Passage:
    """The paragraph or list item that carries a footnote."""

    text: str
    """Its plain text, footnote markers included."""
    provision: Provision | None
    source: SourceSpan


@dataclass(frozen=True, slots=True)
class PromptFile:
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


@dataclass(frozen=True, slots=True)
class ExampleSet:
    """Everything a spec's examples and prompts compile to."""

    examples: tuple[Example, ...] = ()
    prompts: tuple[PromptFile, ...] = ()
