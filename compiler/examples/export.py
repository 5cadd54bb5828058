"""Examples and prompts as JSON Lines for evaluation harnesses: one object per conversation.

Each line is an example of the spec (``"type": "example"``) or a prompt of a prompts file
(``"type": "prompt"``): its id, the provision it belongs to with that provision's typed fields,
the conversation as chat messages (``{"role", "content", ...attributes}``) and the replies the
spec judges, each with its verdict, reason and the number of messages it answers. The lines
follow `SCHEMA_FILE` (`schema()`); the same input gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

from ..collector import without_cycle_collection
from ..document.write import reply_judgement
from ..model import SourceSpan
from ..packaged import packaged_schema
from .model import Example, ExampleSet, Passage, PromptFile, Provision, Turn

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
SCHEMA_FILE = "examples.schema.json"
"""The schema of one line, in ``compiler/schemas/``."""


def schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) that every line validates against."""
    return packaged_schema(SCHEMA_FILE)


def records(found: ExampleSet) -> Iterator[dict[str, Any]]:
    """One record per example, then one per prompt, in the order of the text."""
    for example in found.examples:
        yield _record("example", example, None)
    for prompts in found.prompts:
        for prompt in prompts.prompts:
            yield _record("prompt", prompt, prompts)


@without_cycle_collection
def dumps_jsonl(found: ExampleSet) -> bytes:
    """The JSON Lines export: UTF-8, one compact object per line, a newline after each.

    orjson writes the bytes of `json.dumps(ensure_ascii=False, separators=(",", ":"))` several
    times faster; the standard library takes over only for what orjson refuses (integers beyond
    64 bits), as `compiler.emit.dumps` does."""
    return b"".join(_line(record) for record in records(found))


def _line(record: dict[str, Any]) -> bytes:
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (_ENCODER.encode(record) + "\n").encode("utf-8")


def message(turn: Turn) -> dict[str, Any]:
    """A turn in the chat shape: role and content, then its attributes."""
    shaped: dict[str, Any] = {"role": turn.role, "content": turn.content}
    for name, value in turn.attributes:
        shaped[name] = value  # never role or content, nor twice: CC815
    return shaped


def _record(kind: str, example: Example, prompts: PromptFile | None) -> dict[str, Any]:
    return {
        "type": kind,
        "id": example.id,
        "title": example.title,
        "provision": _provision(example.provision),
        "prompts": None if prompts is None else _prompts(prompts),
        "messages": [message(turn) for turn in example.turns],
        "replies": [
            {
                **reply_judgement(reply),
                "message": message(reply.turn),
                "source": _source(reply.turn.source),
            }
            for reply in example.replies
        ],
        "source": _source(example.source),
    }


def _provision(provision: Provision | None) -> dict[str, Any] | None:
    if provision is None:
        return None
    return {"id": provision.id, "title": provision.title, "fields": _plain(dict(provision.fields))}


def _prompts(prompts: PromptFile) -> dict[str, Any]:
    return {
        "id": prompts.id,
        "key": prompts.key,
        "file": prompts.source.file,
        "passage": _passage(prompts.passage),
    }


def _passage(passage: Passage) -> dict[str, Any]:
    return {"text": passage.text, "source": _source(passage.source)}


def _source(span: SourceSpan) -> dict[str, Any]:
    return dict(span.to_json())


def _plain(value: Any) -> Any:
    """Typed field values as JSON: tuples (an order's levels, many values) as arrays."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
