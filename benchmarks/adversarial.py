"""Adversarial inputs for the benchmark row "adversarial inputs when they double" (issue 10):
small files built to make a careless compiler quadratic, each generated at any size.

Each case is a function of a size in bytes that returns the files to write (name, text) and
the command it exercises: ``check`` (compile and print every diagnostic, as `constitution
check` does), ``diff`` (compile two versions and print their diff as text) or ``examples``
(compile the examples with ``constitution.yaml``, print every diagnostic, export them). Generation is
deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    command: str
    """``check`` (one file, ``spec.md``), ``diff`` (``old.md`` against ``new.md``) or
    ``examples`` (``spec.md`` with ``constitution.yaml``)."""
    make: Callable[[int], dict[str, str]]


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def heading_with_spaces(size: int) -> dict[str, str]:
    """`# a`, a long run of spaces, `}`: searched from each space for a `{`, quadratic."""
    return {"spec.md": "# a" + " " * size + "}\n"}


def annotation_header_with_spaces(size: int) -> dict[str, str]:
    """An annotation header whose kind is followed by a long run of spaces, then text."""
    return {"spec.md": "::: property" + " " * size + "x\n:::\n"}


def unknown_front_matter_keys(size: int) -> dict[str, str]:
    """Tens of thousands of unknown keys, each reported with its line."""
    keys = "".join(f"key{i}: 1\n" for i in range(size // 10))
    return {"spec.md": f"---\n{keys}---\n# Keys {{#keys}}\n\nText.\n"}


def links_to_unknown_ids(size: int) -> dict[str, str]:
    """Thousands of sections, each with a link to an id that is not there but looks like one:
    every link once looked for a suggestion among every id."""
    unit = (
        "## Section {i} {{#section-{i}}}\n\nThis section says what section {i} says, and "
        "refers to [the next one](#section-{i}-next) for the rest.\n\n"
    )
    count = size // len(unit.format(i=10_000))
    return {"spec.md": "".join(unit.format(i=i) for i in range(count))}


def ranks_far_apart(size: int) -> dict[str, str]:
    """Properties whose ranks skip most numbers up to the bound, and one far beyond it: the
    message about the gaps once listed every skipped number."""
    unit = (
        "::: property {{#p{i} rank={rank}}}\n**Value {i}**: what the value asks of the model, "
        "in a sentence of ordinary length.\n:::\n\n"
    )
    count = min(size // len(unit.format(i=10_000, rank=100_000)), 49_000)
    text = "".join(unit.format(i=i, rank=100_000 - 2 * i) for i in range(count))
    return {"spec.md": text + unit.format(i="far", rank=99_999_999)}


def reference_links(size: int) -> dict[str, str]:
    """Long paragraphs of reference-style links, which have no `](` to find in the source: each
    once searched the rest of its paragraph for one."""
    paragraph = _repeat("see [the rule][r] over there, ", 90_000).strip()
    count = max(1, size // len(paragraph))
    return {"spec.md": "[r]: #a\n\n# A {#a}\n\n" + "\n\n".join([paragraph] * count) + "\n"}


def spans_in_one_paragraph(size: int) -> dict[str, str]:
    """Paragraphs of up to 90,000 characters, each of thousands of spans that open with a bold
    phrase: each span's lead phrase once copied the rest of its paragraph's tokens."""
    paragraphs: list[list[str]] = [[]]
    length = written = 0
    while written < size:
        unit = f"[**Lead {written}**: what span {written} says]{{#s{written} .constraint}}"
        if length + len(unit) > 90_000:
            paragraphs.append([])
            length = 0
        paragraphs[-1].append(unit)
        length += len(unit) + 1
        written += len(unit) + 1
    text = "\n\n".join(" ".join(units) for units in paragraphs)
    return {"spec.md": "# Spans {#spans}\n\n" + text + "\n"}


def shuffled_code_block(size: int) -> dict[str, str]:
    """A code block, and the same code block with its lines shuffled, diffed."""
    lines = [f"value_{i} = compute({i}, other_{i % 97})" for i in range(size // 2 // 34)]
    shuffled = lines[:]
    random.Random(10).shuffle(shuffled)

    def spec(body: list[str]) -> str:
        return "# Code {#code}\n\n```python\n" + "\n".join(body) + "\n```\n"

    return {"old.md": spec(lines), "new.md": spec(shuffled)}


_SYNTAX = """examples:
  title: Example
  fence: xml
  roles: [user, assistant]
  comparison: comparison
  labels: {GOOD: good, BAD: bad}
"""


def conversation_tag_soup(size: int) -> dict[str, str]:
    """One conversation of unclosed constructs: `<a b='` (which Python's html.parser reads in
    quadratic time), unknown tags never closed, stray closing tags and unclosed comments."""
    soup = _repeat("<a b='x <bogus> </nothing> <!-- ", size)
    return {
        "spec.md": f"# A {{#a}}\n\n**Example**: soup\n\n~~~xml\n{soup}\n~~~\n",
        "constitution.yaml": _SYNTAX,
    }


def many_examples(size: int) -> dict[str, str]:
    """Thousands of small examples, each judging two replies, one with an unknown label."""
    unit = (
        "**Example**: case\n\n~~~xml\n<user>\nHi\n</user>\n<comparison>\n"
        "<assistant> <!-- GOOD: kind -->\nHello!\n</assistant>\n"
        "<assistant> <!-- MEH -->\nWhat.\n</assistant>\n</comparison>\n~~~\n\n"
    )
    return {
        "spec.md": "# A {#a}\n\n" + _repeat(unit, size),
        "constitution.yaml": _SYNTAX,
    }


CASES: tuple[Case, ...] = (
    Case("heading + spaces", "check", heading_with_spaces),
    Case("annotation header + spaces", "check", annotation_header_with_spaces),
    Case("unknown front matter keys", "check", unknown_front_matter_keys),
    Case("links to unknown ids", "check", links_to_unknown_ids),
    Case("ranks far apart", "check", ranks_far_apart),
    Case("reference links", "check", reference_links),
    Case("spans in one paragraph", "check", spans_in_one_paragraph),
    Case("diff of shuffled code", "diff", shuffled_code_block),
    Case("conversation tag soup", "examples", conversation_tag_soup),
    Case("many examples", "examples", many_examples),
)
