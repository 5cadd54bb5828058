"""The long fuzz run: `python tests/fuzz/run.py --minutes 10`.

Feeds generated constitutions, mutated real documents, multi-file specs and raw bytes to the
compiler, and attribute values and file names through site builds, for as long as asked, in rounds with fresh seeds, holding every compile to the contract
in strategies.py. A failure is shrunk to a minimal input, saved under tests/fuzz/_corpus/ and
printed; turn it into a named case in tests/data/invalid (or tests/reader/test_hostile_input.py) and fix it.
Exit status: 0 when nothing was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz.strategies import (
    FILE_NAMES,
    check_files,
    check_site,
    check_texts,
    documents,
    mutated_seeds,
    site_specs,
)
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

FINDINGS = Path(__file__).resolve().parent / "_corpus"

TARGETS: dict[str, tuple[st.SearchStrategy[Any], Callable[[Any], object]]] = {
    "documents": (documents(), lambda text: check_texts([("spec.md", text)])),
    "mutated": (mutated_seeds(), lambda text: check_texts([("spec.md", text)])),
    "multi-file": (
        st.lists(
            st.tuples(FILE_NAMES, documents()), min_size=1, max_size=4, unique_by=lambda f: f[0]
        ),
        check_texts,
    ),
    "bytes": (
        st.tuples(FILE_NAMES, st.one_of(st.binary(max_size=2000), documents().map(str.encode))),
        lambda item: check_files([item]),
    ),
    # Attribute values and file names through a whole site build (slower: a build per input).
    "site": (site_specs(), check_site),
}


def run_round(name: str, examples: int, round_seed: int, counter: list[int]) -> str | None:
    """One round of `examples` inputs for target `name`; the shrunk failure's report, or None."""
    strategy, check = TARGETS[name]

    @seed(round_seed)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(strategy)
    def target(value: Any) -> None:
        counter[0] += 1
        check(value)

    try:
        target()
    except Exception:
        return traceback.format_exc()
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run (default 10)")
    parser.add_argument(
        "--seed", type=int, default=None, help="first round's seed (default random)"
    )
    parser.add_argument("--round", type=int, default=200, help="inputs per round (default 200)")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.minutes * 60
    counts = dict.fromkeys(TARGETS, 0)
    findings: list[str] = []
    rounds = 0
    while time.monotonic() < deadline:
        for name in TARGETS:
            if time.monotonic() >= deadline:
                break
            counter = [0]
            round_seed = rng.randrange(2**32)
            report = run_round(name, args.round, round_seed, counter)
            counts[name] += counter[0]
            rounds += 1
            if report is not None:
                FINDINGS.mkdir(exist_ok=True)
                path = FINDINGS / f"{name}-{round_seed}.txt"
                path.write_text(report, "utf-8")
                findings.append(f"{name} (seed {round_seed}): {path}")
                print(report, file=sys.stderr)
        total = sum(counts.values())
        left = max(deadline - time.monotonic(), 0)
        print(
            f"{total} inputs, {rounds} rounds, {len(findings)} findings, {left:.0f}s left",
            flush=True,
        )
    print("inputs tried: " + ", ".join(f"{name} {n}" for name, n in counts.items()))
    print(f"total: {sum(counts.values())} inputs in {rounds} rounds; {len(findings)} findings")
    for finding in findings:
        print("  " + finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
