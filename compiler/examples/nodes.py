"""Worked examples and prompts files as nodes of the document (schema 3.0.0).

A spec that declares ``examples:`` has two more kinds, `compiler.grammar.examples.EXAMPLE_KINDS`:
``example`` (a worked example: its title and its conversation) and ``prompt`` (a file of
evaluation prompts that a footnote names: its conversations, its footnote key and the passage
carrying it). Each such node is a child of its provision (``parent``: the section it
illustrates, or the section of the passage that names the prompts), so that the provision's
typed fields (``authority``) are its parent's. The conversations are `compiler.document.Conversation` blocks; a footnote is a
`compiler.document.Reference` from the passage's section to the prompts node, at the marker.

`add_examples` puts them into a compiled model (the compile calls it); `example_set` reads them
back as the `ExampleSet` that the export, the site and the diff work on: the nodes are the one
source of truth.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from msgspec import structs

from ..diagnostics import Diagnostic
from ..document import (
    Admonition,
    Block,
    Code,
    Conversation,
    Document,
    Item,
    ListBlock,
    Node,
    NodeBlock,
    Paragraph,
    Quote,
    Reference,
    blocks_text,
)
from ..grammar.examples import EXAMPLE, EXAMPLE_KINDS, PROMPT, example_syntax
from ..grammar.types import Form, Granularity
from .model import Example, ExampleSet, Passage, PromptFile, Provision

if TYPE_CHECKING:
    from ..pipeline import CompileResult

_NONE: Mapping[str, str] = MappingProxyType({})


def add_examples(result: CompileResult, spec: Path) -> tuple[Document, list[Diagnostic]]:
    """The compiled model with the examples and prompts of `spec` as nodes, and every problem
    with them. `result` holds the model, the sources and their tokens."""
    from .collect import collect

    model = result.model
    assert model is not None and result.grammar is not None
    syntax = example_syntax(result.grammar)
    if syntax is None or EXAMPLE not in model.kinds:
        return model, []
    found, diagnostics = collect(result, spec, syntax)
    new: list[Node] = []
    references: list[Reference] = []
    for example in found.examples:
        new.append(_example_node(model, example))
    for prompts in found.prompts:
        node, reference = _prompt_node(model, prompts)
        new.append(node)
        references.append(reference)
    displays = {source.name: source.display for source in result.sources}
    for node in new:
        if node.id in model:
            diagnostics.append(
                Diagnostic(
                    "CC816",
                    f"the id '{node.id}' of a worked example or prompts file is already the id "
                    "of another node",
                    displays.get(node.source.file, node.source.file),
                    node.source.line,
                    node.source.column,
                    "give the other node another id: examples are named <section>-example-<n>, "
                    "prompts files prompts-<key>",
                )
            )
    model = _examples_out_of_text(model, found.examples, syntax.title)
    return _merged(model, new, references), diagnostics


def _examples_out_of_text(
    model: Document, examples: Sequence[Example], title: str | None
) -> Document:
    """`model` with each example's fence (and the paragraph that titles it) out of the node
    that holds it, a `NodeBlock` where it stood: a node's own text excludes its children's, so a
    change inside a conversation is the example's change, not its section's."""
    by_file: dict[str, list[Example]] = {}
    for example in examples:
        if example.fence is not None:
            by_file.setdefault(example.source.file, []).append(example)
    if not by_file:
        return model
    nodes: list[Node] = []
    for node in model.nodes:
        pending = by_file.get(node.source.file)
        blocks = _replaced(node.blocks, pending, title) if pending else node.blocks
        if blocks is node.blocks:
            nodes.append(node)
        else:
            nodes.append(structs.replace(node, blocks=blocks, text=blocks_text(blocks)))
    return Document(
        model.info, model.kinds, tuple(nodes), model.orders, model.references, model.schema
    )


def _replaced(
    blocks: tuple[Block, ...], pending: list[Example], title: str | None
) -> tuple[Block, ...]:
    """`blocks` with the fences of `pending` examples (taken from it as they are found) as
    `NodeBlock`s, the title paragraph before each left out; `blocks` itself when none is
    there."""
    result: list[Block] = []
    changed = False
    for block in blocks:
        if isinstance(block, Code):
            example = next((e for e in pending if e.fence == block.text), None)
            if example is not None:
                pending.remove(example)
                if result and _titles(result[-1], example, title):
                    result.pop()
                result.append(NodeBlock(example.id))
                changed = True
                continue
        elif isinstance(block, ListBlock):
            items = tuple(Item(_replaced(item.blocks, pending, title)) for item in block.items)
            if any(
                new.blocks is not old.blocks for new, old in zip(items, block.items, strict=True)
            ):
                block, changed = ListBlock(block.ordered, items), True
        elif isinstance(block, Quote | Admonition):
            inner = _replaced(block.blocks, pending, title)
            if inner is not block.blocks:
                block, changed = structs.replace(block, blocks=inner), True
        result.append(block)
    return tuple(result) if changed else blocks


def _titles(block: Block, example: Example, title: str | None) -> bool:
    """True when `block` is the paragraph that titles `example` (``Example: its title``)."""
    if not isinstance(block, Paragraph) or title is None or example.title is None:
        return False
    text = " ".join(block.text.split())
    return text.startswith(title) and text.endswith(example.title)


def _normative(model: Document, parent: str | None) -> bool:
    node = model.get(parent) if parent is not None else None
    return node.normative if node is not None else True


def _example_node(model: Document, example: Example) -> Node:
    conversation = Conversation(example.title, example.turns, example.replies, example.source)
    parent = example.provision.id if example.provision is not None else None
    return Node(
        id=example.id,
        kind=EXAMPLE,
        parent=parent,
        section=parent,
        granularity=str(Granularity.BLOCK),
        title=example.title,
        level=None,
        auto_id=True,
        text=conversation.text,
        blocks=(conversation,),
        fields=_NONE,
        classes=(),
        attributes=_NONE,
        source=example.source,
        normative=_normative(model, parent),
    )


def _prompt_node(model: Document, prompts: PromptFile) -> tuple[Node, Reference]:
    conversations = tuple(
        Conversation(p.title, p.turns, p.replies, p.source) for p in prompts.prompts
    )
    blocks: tuple[Paragraph | Conversation, ...] = (
        (Paragraph(prompts.heading), *conversations) if prompts.heading else conversations
    )
    texts = [prompts.heading, *(c.text for c in conversations)]
    provision = prompts.passage.provision
    parent = provision.id if provision is not None else None
    node = Node(
        id=prompts.id,
        kind=PROMPT,
        parent=parent,
        section=parent,
        granularity=str(Granularity.BLOCK),
        title=None,
        level=None,
        auto_id=True,
        text="\n\n".join(text for text in texts if text),
        blocks=blocks,
        fields=MappingProxyType({"key": prompts.key, "passage": prompts.passage.text}),
        classes=(),
        attributes=_NONE,
        source=prompts.source,
        normative=_normative(model, parent),
    )
    reference = Reference(parent, prompts.id, f"[^{prompts.key}]", False, prompts.passage.source)
    return node, reference


def _merged(model: Document, new: list[Node], references: list[Reference]) -> Document:
    """`model` with the `new` nodes in document order: each after the nodes that start before
    it in its file (a prompts node where its footnote stands), the model's own order kept."""
    files = {source.file: index for index, source in enumerate(model.info.sources)}
    at = {ref.target: ref.source for ref in references}

    def key(node: Node) -> tuple[int, int, int]:
        where = at.get(node.id, node.source)
        return (files.get(where.file, len(files)), where.line, where.column)

    pending = sorted(new, key=key)
    nodes: list[Node] = []
    index = 0
    for node in model.nodes:
        here = key(node)
        while index < len(pending) and key(pending[index]) < here:
            nodes.append(pending[index])
            index += 1
        nodes.append(node)
    nodes += pending[index:]
    refs = sorted(
        (*model.references, *references),
        key=lambda r: (files.get(r.source.file, len(files)), r.source.line, r.source.column),
    )
    return Document(model.info, model.kinds, tuple(nodes), model.orders, tuple(refs), model.schema)


# --- reading them back ---------------------------------------------------------------------------


def example_set(doc: Document) -> ExampleSet:
    """The examples and prompts that `doc`'s nodes hold, in the order of the text (prompts in
    the order of the passages naming them)."""
    examples: list[Example] = []
    prompts: list[PromptFile] = []
    ours = {
        name
        for name, kind in doc.kinds.items()
        if name in EXAMPLE_KINDS and kind.form is Form.EXAMPLE
    }
    if not ours:
        return ExampleSet()
    footnotes = {ref.target: ref.source for ref in doc.references}
    provisions: dict[str | None, Provision | None] = {None: None}
    for node in doc.nodes:
        if node.kind not in ours:
            continue
        if node.parent not in provisions:  # the provision's typed fields are its parent's
            parent = doc.get(node.parent or "")
            provisions[node.parent] = (
                Provision(
                    parent.id, parent.title or parent.id, {**parent.fields, **parent.attributes}
                )
                if parent is not None
                else None
            )
        provision = provisions[node.parent]
        conversations = [b for b in node.blocks if isinstance(b, Conversation)]
        if node.kind == EXAMPLE:
            for c in conversations[:1]:
                examples.append(
                    Example(node.id, c.title, provision, c.turns, c.replies, node.source)
                )
            continue
        heading = node.blocks[0] if node.blocks else None
        prompts.append(
            PromptFile(
                id=node.id,
                key=str(node.fields.get("key")),
                heading=heading.text if isinstance(heading, Paragraph) else "",
                passage=Passage(
                    str(node.fields.get("passage")), provision, footnotes.get(node.id, node.source)
                ),
                prompts=tuple(
                    Example(f"{node.id}-{n}", c.title, provision, c.turns, c.replies, c.source)
                    for n, c in enumerate(conversations, 1)
                ),
                source=node.source,
            )
        )
    prompts.sort(
        key=lambda p: (p.passage.source.file, p.passage.source.line, p.passage.source.column)
    )
    return ExampleSet(tuple(examples), tuple(prompts))
