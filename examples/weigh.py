"""How an evaluation harness might use the library: given two nodes that pull in different
directions (two properties, two principals), say which should prevail and how firmly, within the
order that holds both, and which hard constraints apply regardless.

    python examples/weigh.py spec broadly-ethical genuinely-helpful
    python examples/weigh.py constitution.json genuinely-helpful broadly-safe

Exit status: 0 on success, 1 when the constitution has errors or an id is unknown, 2 on usage.
"""

from __future__ import annotations

import sys

import compiler


def weigh(constitution: compiler.Constitution, a: str, b: str) -> str:
    """A short verdict on a conflict between nodes `a` and `b` (two properties, two principals)."""
    if a == b:
        return f"{a} does not conflict with itself"
    precedence = constitution.precedence(a, b)
    higher, lower = precedence.higher, precedence.lower
    if precedence.orders == ():
        return f"no order relates {a} and {b}: the constitution does not rank them"
    where = ", ".join(precedence.orders)
    if higher is None or lower is None:
        return f"{a} and {b} are tied in {where}: weigh both equally"
    lines = [f"{higher} has priority over {lower} (in {where})"]
    if precedence.strict:
        lines.append(f"strictly: {lower} only breaks ties")
    else:
        lines.append(f"holistically: {higher} should generally dominate, but weigh both")
    hard = {
        c.id: c
        for i in (higher, lower)
        for c in constitution.naming(i, kind="constraint", where={"kind": "hard"})
    }
    lines += [f"hard constraint {ident} holds whatever the weighing" for ident in hard]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python weigh.py SPEC_OR_JSON ID ID", file=sys.stderr)
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
