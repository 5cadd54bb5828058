"""How an evaluation harness might use the library: given two properties that pull in different
directions, say which should prevail and how firmly, and which constraints apply regardless.

    python examples/weigh.py spec broadly-ethical genuinely-helpful
    python examples/weigh.py constitution.json genuinely-helpful broadly-safe

Exit status: 0 on success, 1 when the constitution has errors or an id is unknown, 2 on usage.
"""

from __future__ import annotations

import sys

import compiler


def weigh(constitution: compiler.Constitution, a: str, b: str) -> str:
    """A short verdict on a conflict between properties `a` and `b`."""
    if a == b:
        return f"{a} does not conflict with itself"
    precedence = constitution.precedence(a, b)
    higher, lower = precedence.higher, precedence.lower
    lines = [f"{higher.id} (rank {higher.rank}) has priority over {lower.id} (rank {lower.rank})"]
    if precedence.strict:
        lines.append(f"strictly: {lower.id} only breaks ties")
    elif precedence.mode == "holistic":
        lines.append(f"holistically: {higher.id} should generally dominate, but weigh both")
    else:
        lines.append("no priority says how strictly; the ranks alone order them")
    hard = {
        c.id: c for i in (higher.id, lower.id) for c in constitution.constraints_for(i, kind="hard")
    }
    lines += [f"hard constraint {ident} holds whatever the weighing" for ident in hard]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python weigh.py SPEC_OR_JSON PROPERTY PROPERTY", file=sys.stderr)
        return 2
    try:
        constitution = compiler.load(argv[0])
        print(weigh(constitution, argv[1], argv[2]))
    except compiler.CompileError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyError as error:  # an UnknownIdError: a typo in an id
        print(f"weigh.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
