"""How an evaluation harness might read `constitution examples --format jsonl`: turn each reply
the spec judges into a grading case (the conversation so far, the candidate reply, the verdict
expected and why), and each evaluation prompt into a case to send to a model.

    constitution examples SPEC --format jsonl -o examples.jsonl
    python examples/grading_cases.py examples.jsonl              # one grading case per line
    python examples/grading_cases.py examples.jsonl --summary    # cases by provision field

Only the standard library: a harness need not install the compiler to read its export.
Exit status: 0 on success, 1 when a line is not an export line, 2 on usage.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

REQUIRED = ("type", "id", "provision", "messages", "replies")


def read_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Each line as an object; a line that is not one names its number."""
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict) or any(key not in record for key in REQUIRED):
            raise ValueError(f"line {number}: not a line of the examples export")
        yield record


def grading_cases(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The cases of one example (a judged reply each) or prompt (one case, to send as is)."""
    provision = record["provision"] or {}
    base = {
        "provision": provision.get("id"),
        "fields": provision.get("fields", {}),
        "title": record["title"],
    }
    if record["type"] == "prompt" or not record["replies"]:
        yield {"case": record["id"], "task": "respond", **base, "messages": record["messages"]}
        return
    for number, reply in enumerate(record["replies"], start=1):
        if reply["verdict"] is None:
            continue
        yield {
            "case": f"{record['id']}/{number}",
            "task": "grade",
            **base,
            "messages": record["messages"][: reply["after"]],
            "candidate": reply["message"],
            "expected": reply["verdict"],
            "reason": reply["reason"],
        }


def summary(cases: Iterable[dict[str, Any]], field: str = "authority") -> str:
    """How many cases of each task and verdict there are for each value of a provision field."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for case in cases:
        value = str(case["fields"].get(field, "-"))
        counts[(value, case["task"], case.get("expected", "-"))] += 1
    rows = [f"{field}\ttask\texpected\tcases"]
    rows += [f"{v}\t{t}\t{e}\t{n}" for (v, t, e), n in sorted(counts.items())]
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    if len(argv) not in (1, 2) or (len(argv) == 2 and argv[1] != "--summary"):
        print("usage: python grading_cases.py EXPORT.jsonl [--summary]", file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8") as file:
            cases = [case for record in read_lines(file) for case in grading_cases(record)]
    except (OSError, ValueError) as error:
        print(f"grading_cases.py: {argv[0]}: {error}", file=sys.stderr)
        return 1
    if len(argv) == 2:
        print(summary(cases))
    else:
        for case in cases:
            print(json.dumps(case, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
