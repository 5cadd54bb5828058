"""The model written as JSON: `to_json` gives the 2.0.0 document as a dict in a fixed key order
(equal models, equal dicts); `block_json` and `node_json` write one block or node.
"""

from __future__ import annotations

from typing import Any

from msgspec import structs

from ..grammar.orders import modes_json
from ..grammar.schema import GENERIC_ID
from ..grammar.types import FieldValue
from .model import (
    Admonition,
    Block,
    Code,
    Conversation,
    Document,
    ListBlock,
    Node,
    Paragraph,
    Quote,
    Reply,
    Table,
    Turn,
)


def _value_json(value: FieldValue) -> Any:
    if isinstance(value, tuple):
        return [_value_json(item) for item in value]
    return value


def block_json(block: Block) -> dict[str, Any]:
    """One block as the 2.0.0 document writes it."""
    if isinstance(block, Paragraph):
        data: dict[str, Any] = {"type": "paragraph", "text": block.text}
        if block.parts:
            data["parts"] = [{"text": p.text, "node": p.node} for p in block.parts]
        if block.marks:  # each a dict of its own: a large spec has tens of thousands
            data["marks"] = [
                {"type": m.type, "start": m.start, "end": m.end}
                if m.href is None
                else {"type": m.type, "start": m.start, "end": m.end, "href": m.href}
                for m in block.marks
            ]
        return data
    if isinstance(block, ListBlock):
        items = [{"blocks": [block_json(b) for b in item.blocks]} for item in block.items]
        return {"type": "list", "ordered": block.ordered, "items": items}
    if isinstance(block, Quote):
        return {"type": "quote", "blocks": [block_json(b) for b in block.blocks]}
    if isinstance(block, Admonition):
        return {
            "type": "admonition",
            "variant": block.variant,
            "title": block.title,
            "blocks": [block_json(b) for b in block.blocks],
        }
    if isinstance(block, Code):
        return {"type": "code", "language": block.language, "text": block.text}
    if isinstance(block, Table):
        return {
            "type": "table",
            "header": list(block.header),
            "rows": [list(r) for r in block.rows],
        }
    if isinstance(block, Conversation):
        return {
            "type": "conversation",
            "title": block.title,
            "turns": [_turn_json(turn) for turn in block.turns],
            "replies": [
                {**reply_judgement(reply), "turn": _turn_json(reply.turn)}
                for reply in block.replies
            ],
            "source": block.source.to_json(),
        }
    return {"type": "node", "id": block.id}


def reply_judgement(reply: Reply) -> dict[str, Any]:
    """How a reply is judged (verdict, label, reason, the ids it violates, the turns before it):
    the keys the document and the examples export both write first for a reply."""
    return {
        "verdict": None if reply.verdict is None else str(reply.verdict),
        "label": reply.label,
        "reason": reply.reason,
        "violates": list(reply.violates),
        "after": reply.after,
    }


def _turn_json(turn: Turn) -> dict[str, Any]:
    return {
        "role": turn.role,
        "tag": turn.tag,
        "attributes": dict(turn.attributes),
        "content": turn.content,
        "source": turn.source.to_json(),
    }


def node_json(node: Node) -> dict[str, Any]:
    """One node as the 2.0.0 document writes it."""
    data: dict[str, Any] = {
        "id": node.id,
        "kind": node.kind,
        "parent": node.parent,
        "section": node.section,
        "granularity": node.granularity,
        "title": node.title,
        "level": node.level,
        "auto_id": node.auto_id,
        "text": node.text,
        "blocks": [block_json(block) for block in node.blocks],
        "fields": {name: _value_json(value) for name, value in node.fields.items()},
        "classes": list(node.classes),
        "attributes": dict(node.attributes),
        "source": node.source.to_json(),
    }
    if not node.normative:
        data["normative"] = False
    return data


def to_json(doc: Document) -> dict[str, Any]:
    """The 2.0.0 document: a plain dict, its keys in a fixed order (equal models, equal dicts)."""
    info = doc.info
    return {
        "$schema": GENERIC_ID,
        "document": {
            "title": info.title,
            "version": info.version,
            "generator": dict(info.generator),
            "metadata": dict(info.metadata),
            "sources": [structs.asdict(source) for source in info.sources],
        },
        "kinds": [kind.to_json() for kind in doc.kinds.values()],
        "modes": modes_json(),
        "nodes": [node_json(node) for node in doc.nodes],
        "orders": [order.to_json() for order in doc.orders],
        "references": [
            {
                "origin": r.origin,
                "target": r.target,
                "text": r.text,
                "placeholder": r.placeholder,
                "source": r.source.to_json(),
            }
            for r in doc.references
        ],
    }
