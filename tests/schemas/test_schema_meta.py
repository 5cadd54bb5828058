"""The schema itself: valid draft 2020-12, strict, every field described; the output validates."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from compiler.emit import schema
from compiler.pipeline import compile_spec

ROOT = Path(__file__).resolve().parents[2]


def test_schema_file_is_the_shipped_one() -> None:
    on_disk = json.loads((ROOT / "schemas" / "constitution.schema.json").read_text("utf-8"))
    assert on_disk == schema()


def test_schema_is_valid_against_the_metaschema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema()["$id"].startswith("https://")


def _objects(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{path}/{index}")


def test_schema_is_strict_and_described() -> None:
    for path, node in _objects(schema()):
        if "properties" in node:
            assert node.get("additionalProperties") is False, path
            for name, field in node["properties"].items():
                assert "description" in field or "$ref" in field, f"{path}/{name}"
            assert set(node.get("required", [])) <= set(node["properties"]), path


@pytest.mark.parametrize("spec", ["spec", "tests/data/valid/annotations.md"])
def test_output_validates(spec: str) -> None:
    result = compile_spec(ROOT / spec)
    assert result.document is not None
    jsonschema.Draft202012Validator(schema()).validate(json.loads(result.to_json_bytes()))


def test_schema_rejects_unknown_keys() -> None:
    result = compile_spec(ROOT / "spec")
    assert result.document is not None
    document = json.loads(result.to_json_bytes())
    document["nodes"][0]["colour"] = "red"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema()).validate(document)
