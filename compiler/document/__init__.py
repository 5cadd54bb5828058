"""The typed model of a compiled document (schema 2.0.0), and its JSON in both directions.

Every consumer of compiled output (the API, diff, release, history, the release pages, the
examples) works on this model, never on JSON dicts. It is written by `to_json` in the shape of
the 2.0.0 schema (``compiler/grammar/DESIGN.md`` §5) and read by `from_json` from a 2.0.0
document or from a document of schema 1.x (release 1.0.0, the 1.1.0 output of earlier versions),
so that artifacts written under either schema compare as content, not as format.

Public API (stable; diff, release, history and the examples build on it):

- `Document`: ``info`` (`DocumentInfo`), ``kinds`` (the grammar's `KindSpec`s by name, in
  declaration order), ``nodes`` (`Node`, sections and annotations in document order),
  ``orders`` (`compiler.grammar.orders.Order`), ``references`` (`Reference`), ``schema`` (the
  ``$schema`` of the JSON it was read from). Access: ``node(id)`` / ``get(id)``, ``id in doc``,
  ``of_kind(name)``, ``by_key(key)`` (the nodes of the kind whose `KindSpec.key` it is, e.g.
  ``"properties"``), ``kind_of(id)`` (the node's `KindSpec`), ``children(id)``,
  ``grammar`` (a `Grammar` of ``kinds``), ``full_text(id)`` (its text with its children's in
  place, in reading order), ``precedence(a, b)`` / ``outranks(a, b, strictly=)``
  over the orders (`NoOrderError` when no order holds both), ``source_version`` ("2.0.0",
  "1.0.0"...).
- `Node`: ``id``, ``kind``, ``parent``, ``section``, ``granularity``, ``title``, ``level``,
  ``auto_id``, ``text`` (its own text only), ``blocks``, ``fields`` (typed values by field
  name), ``classes``, ``attributes`` (undeclared ones, as strings), ``source``, ``normative``.
- Blocks: `Paragraph` (with `Part`s when spans are annotated in it, and `Mark`s for its
  inline formatting, schema 3.2.0: ``type``, ``start``, ``end`` in code points, a link's
  ``href``), `ListBlock` of `Item`s,
  `Quote`, `Admonition`, `Code`, `Table`, `NodeBlock` where a child node stands, and
  `Conversation` (schema 3.0.0: `Turn`s and judged `Reply`s, in the nodes of kinds ``example``
  and ``prompt`` that a spec declaring ``examples:`` has; see `compiler.examples.nodes`).
- `Reference`: ``origin``, ``target``, ``text``, ``placeholder``, ``source``.
- `to_json(doc)` → the 2.0.0 document as a dict in a fixed key order; `from_json(data)` → a
  `Document` from a 2.0.0 or 1.x dict; `DocumentError` when the dict is neither;
  `read_pair(old, new)` → both `Document`s of two versions, the new one sharing the old one's
  nodes (and blocks) where their JSON is the same.

Reading 1.x: each array's items become nodes of the kind whose ``key`` names the array, in
source order; a node's parent is the innermost node whose lines hold it (1.x does not say), else
its section; a parent's text loses its children's texts (1.x repeated them); the fields the kind
declares are typed; each priority's ``order`` becomes one level per id.

Modules: `model` (the records, msgspec Structs, and `Document`), `write` (`to_json`), `read` (`from_json`,
by schema version), `v2` (the 2.x/3.x reader), `v1` (the 1.x reader, and `to_v1`).
"""

from __future__ import annotations

from ..grammar.examples import Verdict
from ..grammar.schema_parts import MARK_TYPES
from .model import (
    Admonition,
    Block,
    Code,
    Conversation,
    Document,
    DocumentError,
    DocumentInfo,
    Item,
    ListBlock,
    Mark,
    Node,
    NodeBlock,
    Paragraph,
    Part,
    Quote,
    Reference,
    Reply,
    SourceInfo,
    Table,
    Turn,
    block_text,
    blocks_text,
    title_attribute,
    walk_blocks,
)
from .read import from_json, read_pair
from .write import block_json, node_json, to_json

__all__ = [
    "MARK_TYPES",
    "Admonition",
    "Block",
    "Code",
    "Conversation",
    "Document",
    "DocumentError",
    "DocumentInfo",
    "Item",
    "ListBlock",
    "Mark",
    "Node",
    "NodeBlock",
    "Paragraph",
    "Part",
    "Quote",
    "Reference",
    "Reply",
    "SourceInfo",
    "Table",
    "Turn",
    "Verdict",
    "block_json",
    "block_text",
    "blocks_text",
    "from_json",
    "node_json",
    "read_pair",
    "title_attribute",
    "to_json",
    "walk_blocks",
]
