"""`blocks_from_json` reads many nodes' blocks in one msgspec call; it must give exactly what
`block_from_json` gives, block by block, and hand over to it whatever msgspec would read
otherwise (a conversation, a value of another type than the schema's)."""

from __future__ import annotations

import copy
from typing import Any

from compiler.document.model import Conversation, Mark, Paragraph, Table
from compiler.document.v2 import block_from_json, blocks_from_json

PARAGRAPH: dict[str, Any] = {"type": "paragraph", "text": "A rule."}
FORMATTED: dict[str, Any] = {
    "type": "paragraph",
    "text": "A bold rule, see x.",
    "parts": [{"text": "A bold rule, ", "node": None}, {"text": "see x.", "node": "x"}],
    "marks": [
        {"type": "strong", "start": 2, "end": 6},
        {"type": "link", "start": 13, "end": 18, "href": "#x"},
    ],
}
EVERY_KIND: list[dict[str, Any]] = [
    PARAGRAPH,
    FORMATTED,
    {"type": "list", "ordered": True, "items": [{"blocks": [PARAGRAPH]}, {"blocks": []}]},
    {"type": "quote", "blocks": [PARAGRAPH, {"type": "quote", "blocks": [FORMATTED]}]},
    {"type": "admonition", "variant": "note", "title": None, "blocks": [PARAGRAPH]},
    {"type": "code", "language": None, "text": "x = 1\n"},
    {"type": "table", "header": ["a", "b"], "rows": [["1", "2"], ["3", "4"]]},
    {"type": "node", "id": "x"},
]
CONVERSATION: dict[str, Any] = {
    "type": "conversation",
    "title": "Example",
    "turns": [
        {
            "role": "user",
            "tag": "user",
            "attributes": {"name": "a"},
            "content": "Hi",
            "source": {"file": "a.md", "line": 3, "column": 1, "end_line": 3},
        }
    ],
    "replies": [],
    "source": {"file": "a.md", "line": 1, "column": 1, "end_line": 5},
}


def one_by_one(lists: list[list[dict[str, Any]]]) -> list[tuple[Any, ...]]:
    return [tuple(block_from_json(block) for block in blocks) for blocks in lists]


def test_every_kind_of_block_reads_as_block_from_json_reads_it() -> None:
    lists = [EVERY_KIND, [], [FORMATTED], EVERY_KIND[2:5]]
    read = blocks_from_json(lists)
    assert read == one_by_one(lists)
    assert [type(block) for block in read[0]] == [type(block_from_json(b)) for b in EVERY_KIND]
    formatted = read[2][0]
    assert isinstance(formatted, Paragraph) and formatted.marks[1] == Mark("link", 13, 18, "#x")
    table = read[0][6]
    assert isinstance(table, Table) and table.rows == (("1", "2"), ("3", "4"))


def test_a_conversation_is_read_by_block_from_json() -> None:
    lists = [[PARAGRAPH], [CONVERSATION, FORMATTED]]
    read = blocks_from_json(lists)
    assert read == one_by_one(lists)
    conversation = read[1][0]
    assert isinstance(conversation, Conversation)
    assert conversation.turns[0].attributes == (("name", "a"),)


def test_a_value_of_another_type_is_read_as_block_from_json_reads_it() -> None:
    odd = copy.deepcopy(FORMATTED)
    odd["marks"][0]["start"] = 2.0  # an integer written as a float: still a valid JSON integer
    read = blocks_from_json([[odd]])
    assert read == one_by_one([[odd]])
    paragraph = read[0][0]
    assert isinstance(paragraph, Paragraph) and type(paragraph.marks[0].start) is int
