"""Speed benchmarks: each figure is a ratio against a baseline measured in the same run.

    python benchmarks/run.py            # the full run: a 10 MB spec (a few minutes)
    python benchmarks/run.py --quick    # a small smoke run (a test runs it)

Rows, their baselines and targets (issue 6). The last line sums up every figure, its target and
pass or fail; the exit status is 1 when any figure misses its target or could not be measured
(a feature not built yet prints "not available" and counts as a fail: no number is ever faked).
Timings are medians of several runs, the measured step and its baseline interleaved so that
load from other processes falls on both. Scratch output goes to benchmarks/_work/ (gitignored).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.util
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "_work"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

import adversarial  # noqa: E402  (benchmarks/ is not a package)
import corpus  # noqa: E402

BIN = Path(sys.executable).parent
MB = 1_000_000


@dataclass
class Row:
    name: str
    baseline: str
    target: float
    ratio: float | None = None
    detail: str = ""
    """The absolute figures behind the ratio, or why there is no ratio."""
    within_ceiling: bool = True
    """False when a row with an absolute ceiling as well (the adversarial inputs' 2 s) broke it."""

    @property
    def ok(self) -> bool:
        return self.ratio is not None and self.ratio <= self.target and self.within_ceiling

    def line(self) -> str:
        figure = f"{self.ratio:6.2f}x" if self.ratio is not None else "   n/a "
        verdict = "pass" if self.ok else "FAIL"
        return (
            f"{self.name:<34} {figure}  (target <= {self.target:g}x, {verdict})  "
            f"vs {self.baseline}: {self.detail}"
        )


# --- measuring ----------------------------------------------------------------------------


def _timed(step: Callable[[], object], clock: Callable[[], float] = time.perf_counter) -> float:
    gc.collect()  # the previous run's garbage is not this run's cost
    started = clock()
    step()
    return clock() - started


def _cpu_times(step: Callable[[], object]) -> tuple[float, float]:
    """The user CPU time and the whole CPU time (user and system) `step` takes."""
    gc.collect()
    before = resource.getrusage(resource.RUSAGE_SELF)
    step()
    after = resource.getrusage(resource.RUSAGE_SELF)
    user = after.ru_utime - before.ru_utime
    return user, user + after.ru_stime - before.ru_stime


def interleaved(
    measured: Callable[[], object],
    baseline: Callable[[], object],
    repeat: int,
    clock: Callable[[], float] = time.perf_counter,
) -> tuple[float, float]:
    """Medians of `repeat` runs of each, alternating, so load from elsewhere falls on both."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        times[1].append(_timed(baseline, clock))
        times[0].append(_timed(measured, clock))
    return statistics.median(times[0]), statistics.median(times[1])


def run_process(argv: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # start as a user's would: from cached bytecode
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, check=False)


def checked_process(argv: list[str], cwd: Path = REPO) -> Callable[[], None]:
    """A step that runs `argv` and fails loudly when it does not exit 0 (a failed run is no figure)."""

    def step() -> None:
        done = run_process(argv, cwd)
        if done.returncode != 0:
            raise StepFailed(
                f"`{' '.join(argv)}` exited {done.returncode}: "
                + (done.stderr or done.stdout).strip()[-600:]
            )

    return step


class StepFailed(Exception):
    """A measured step did not do its job; the row gets no figure."""


class NotAvailable(Exception):
    """The feature a row measures is not built yet."""


def seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


# --- the corpora --------------------------------------------------------------------------


def _fingerprint(*parts: object) -> str:
    digest = hashlib.sha256()
    for path in [HERE / "corpus.py", *sorted(corpus.SPEC_DIR.glob("*.md"))]:
        digest.update(path.read_bytes())
    if corpus.DECLARATIONS.is_file():
        digest.update(corpus.DECLARATIONS.read_bytes())
    digest.update(repr(parts).encode())
    return digest.hexdigest()


def prepared(work: Path, name: str, make: Callable[[Path], Path], *key: object) -> Path:
    """`work/name`, generated by `make` unless an identical one is there already."""
    out = work / name
    stamp = out / ".generated"
    fingerprint = _fingerprint(name, *key)
    if not (stamp.is_file() and stamp.read_text() == fingerprint):
        make(out)
        stamp.write_text(fingerprint)
    return out


def spec_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.glob("*.md"))


@dataclass
class Corpora:
    base: Path
    base_v2: Path
    double: Path
    double_v2: Path
    build: Path


def make_corpora(work: Path, size: int, build_size: int) -> Corpora:
    """The corpora, in directories named by their size, so runs of other sizes (a quick run, a
    test) never replace the ones another run is reading."""

    def spec_of(n: int) -> Callable[[Path], Path]:
        return lambda out: corpus.generate(n, out)

    def name(kind: str, n: int) -> str:
        return f"{kind}-{n / MB:g}MB"

    base = prepared(work, name("spec", size), spec_of(size), size)
    double = prepared(work, name("spec", 2 * size), spec_of(2 * size), 2 * size)
    return Corpora(
        base=base,
        base_v2=prepared(
            work, name("spec-v2", size), lambda out: corpus.edit_version(base, out), size
        ),
        double=double,
        double_v2=prepared(
            work, name("spec-v2", 2 * size), lambda out: corpus.edit_version(double, out), 2 * size
        ),
        build=prepared(work, name("spec", build_size), spec_of(build_size), build_size),
    )


# --- the rows -----------------------------------------------------------------------------


def compile_to_bytes(path: Path) -> bytes:
    from compiler.pipeline import compile_spec

    result = compile_spec(path)
    if not result.ok:
        problems = "; ".join(d.format().split("\n")[0] for d in result.diagnostics[:3])
        raise StepFailed(f"the spec does not compile cleanly: {problems}")
    return result.to_json_bytes()


def bare_parse(path: Path) -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    for file in sorted(path.glob("*.md")):
        md.parse(file.read_text("utf-8"))


def measure_compile(row: Row, path: Path, repeat: int) -> None:
    compile_to_bytes(path)  # warm: imports, the schema, compiled regexes
    measured, base = interleaved(lambda: compile_to_bytes(path), lambda: bare_parse(path), repeat)
    row.ratio = measured / base
    row.detail = f"{seconds(measured)} vs {seconds(base)} ({spec_size(path) / MB:.1f} MB)"


MODEL_SPEC = corpus.CORPUS_DIR / "2025-04-11"
"""The Model Spec release whose worked examples and evaluation prompts the examples row compiles."""


def examples_to_bytes(spec: Path, grammar: Path) -> bytes:
    from compiler.examples.export import dumps_jsonl
    from compiler.pipeline import compile_examples

    result = compile_examples(spec, grammar)
    if result.examples is None:
        problems = "; ".join(d.format().split("\n")[0] for d in result.diagnostics[:3])
        raise StepFailed(f"the examples do not compile cleanly: {problems}")
    return dumps_jsonl(result.examples)


def measure_examples(row: Row, repeat: int) -> None:
    """The Model Spec compiled with its examples and prompts, and exported; against a bare parse of
    the same files (model_spec.md and examples/*.md)."""
    spec, grammar = MODEL_SPEC / "model_spec.md", REPO / "examples" / "model-spec.yaml"
    if not spec.is_file():
        raise NotAvailable(f"{spec} is absent")
    examples_to_bytes(spec, grammar)  # warm
    files = [spec, *sorted((MODEL_SPEC / "examples").glob("*.md"))]

    def bare() -> None:
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark")
        for file in files:
            md.parse(file.read_text("utf-8"))

    # Each step takes a tenth of a second: more repeats than the 10 MB rows for a stable median,
    # and CPU time, which the load of other processes on a shared machine affects far less.
    step = lambda: examples_to_bytes(spec, grammar)  # noqa: E731
    measured, base = interleaved(step, bare, 5 * repeat, time.process_time)
    row.ratio = measured / base
    size = sum(file.stat().st_size for file in files) / MB
    row.detail = f"{seconds(measured)} vs {seconds(base)} ({len(files)} files, {size:.2f} MB)"


def measure_process(row: Row, argv: list[str], runs: int) -> None:
    baseline = [sys.executable, "-c", "import markdown_it"]
    measured, base = interleaved(checked_process(argv), checked_process(baseline), runs)
    row.ratio = measured / base
    row.detail = f"{seconds(measured)} vs {seconds(base)} (median of {runs})"


def available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


_compiled: dict[Path, bytes] = {}


def load_document(path: Path) -> dict[str, Any]:
    """The compiled document of `path` (compiled once; each call returns a fresh copy)."""
    if path not in _compiled:
        _compiled[path] = compile_to_bytes(path)
    document: dict[str, Any] = json.loads(_compiled[path])
    return document


def diff_step(old: dict[str, Any], new: dict[str, Any]) -> Callable[[], object]:
    from compiler.diff import diff_documents, render_json, side_of

    def step() -> object:
        result = diff_documents(old, new, side_of("old", old), side_of("new", new))
        return render_json(result)

    return step


def measure_diff(row: Row, corpora: Corpora, repeat: int) -> None:
    """The diff of two compiled versions (computed and rendered as JSON, as `constitution diff
    --format json` prints it) against one compile of the spec."""
    if not available("compiler.diff"):
        raise NotAvailable("compiler.diff is not built yet")
    old, new = load_document(corpora.base), load_document(corpora.base_v2)
    diff = diff_step(old, new)
    diff()  # warm
    one, compile_time = interleaved(diff, lambda: compile_to_bytes(corpora.base), repeat)
    row.ratio = one / compile_time
    row.detail = f"{seconds(one)} vs {seconds(compile_time)}"


def measure_diff_scaling(row: Row, corpora: Corpora, repeat: int) -> None:
    """The diff of the doubled pair against the diff of the pair, alternating, with only the
    pair being diffed in memory (as in a `constitution diff` process)."""
    if not available("compiler.diff"):
        raise NotAvailable("compiler.diff is not built yet")
    pairs = {
        "one": (corpora.base, corpora.base_v2),
        "two": (corpora.double, corpora.double_v2),
    }
    times: dict[str, list[float]] = {"one": [], "two": []}
    for _ in range(repeat):
        for name, (old_path, new_path) in pairs.items():
            old, new = load_document(old_path), load_document(new_path)
            times[name].append(_timed(diff_step(old, new)))
            del old, new
    one, two = statistics.median(times["one"]), statistics.median(times["two"])
    row.ratio = two / one
    row.detail = f"{seconds(two)} vs {seconds(one)}"


def measure_compile_scaling(row: Row, corpora: Corpora, repeat: int) -> None:
    two, one = interleaved(
        lambda: compile_to_bytes(corpora.double), lambda: compile_to_bytes(corpora.base), repeat
    )
    row.ratio = two / one
    row.detail = f"{seconds(two)} vs {seconds(one)}"


#: The adversarial inputs at full size must each take less than this (issue 10).
ADVERSARIAL_CEILING = 2.0


def adversarial_step(case: adversarial.Case, directory: Path) -> Callable[[], object]:
    """What the command does with the case's files: `check` compiles and prints every
    diagnostic; `diff` compiles both versions and prints their diff as text."""
    from compiler.api import read_document
    from compiler.diagnostics import render
    from compiler.pipeline import compile_spec

    if case.command == "check":
        return lambda: render(compile_spec(directory / "spec.md").diagnostics, "text")
    if case.command == "examples":
        return lambda: examples_step(directory)

    def diff() -> object:
        from compiler.diff import diff_documents, render_text, side_of

        old, _ = read_document(directory / "old.md")
        new, _ = read_document(directory / "new.md")
        if old is None or new is None:
            raise StepFailed(f"{case.name}: a side does not compile")
        return render_text(diff_documents(old, new, side_of("old", old), side_of("new", new)))

    return diff


def examples_step(directory: Path) -> object:
    """`constitution examples`: compile, print every diagnostic, export what compiled."""
    from compiler.diagnostics import render
    from compiler.examples.export import dumps_jsonl
    from compiler.pipeline import compile_examples

    result = compile_examples(directory / "spec.md", directory / "constitution.yaml")
    text = render(result.diagnostics, "text")
    return text if result.examples is None else dumps_jsonl(result.examples)


def _looped(step: Callable[[], object], loops: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(loops):
            step()

    return run


def measure_adversarial(row: Row, work: Path, size: int, repeat: int) -> None:
    """Each adversarial case at half the size and at the size, timed as the command runs it;
    the figure is the largest growth, and every case must also stay under the ceiling."""
    if not available("compiler.diff"):
        raise NotAvailable("compiler.diff is not built yet")
    growths: list[float] = []
    details: list[str] = []
    over: list[str] = []
    for case in adversarial.CASES:
        steps = []
        for n in (size // 2, size):
            directory = work / "adversarial" / f"{case.make.__name__}-{n}"
            directory.mkdir(parents=True, exist_ok=True)
            for name, text in case.make(n).items():
                (directory / name).write_text(text, "utf-8")
            steps.append(adversarial_step(case, directory))
        # Warm (imports, compiled patterns), and see how often a fast case must run for its
        # time to be more than the clock's noise.
        loops = max(1, math.ceil(0.2 / max(_timed(steps[0], time.process_time), 1e-3)))
        # CPU time, the least of the runs: the work the command does. Other processes on a
        # shared machine only ever add to it (the ceiling is absolute, and their load would
        # otherwise decide it). The growth is read from the user part of that time: the system
        # part is mostly the kernel mapping fresh pages for large buffers, which depends on
        # when glibc gave memory back before (the same 1 MB input measured 2.9 or 6 ms after
        # different runs, with the same instruction count), not on how the command scales.
        user: tuple[list[float], list[float]] = ([], [])
        total: tuple[list[float], list[float]] = ([], [])
        for _ in range(max(repeat, 5)):
            for index, step in enumerate(steps):
                spent = _cpu_times(_looped(step, loops))
                user[index].append(spent[0] / loops)
                total[index].append(spent[1] / loops)
        half, full = min(user[0]), min(user[1])
        growths.append(full / half)
        details.append(f"{case.name} {seconds(half)} -> {seconds(full)} ({full / half:.2f}x)")
        if min(total[1]) > ADVERSARIAL_CEILING:
            over.append(case.name)
    row.ratio = max(growths)
    row.within_ceiling = not over
    row.detail = "; ".join(details) + (
        f"; OVER {ADVERSARIAL_CEILING:g} s at {size / MB:g} MB: {', '.join(over)}" if over else ""
    )


_PEAK_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import compiler.cli, compiler.cli.compile, compiler.emit, jsonschema_rs, orjson  # its imports

    def peak():
        # VmHWM is this process's own high-water mark. ru_maxrss is not: a child started with
        # fork or vfork inherits its parent's resident size, so it would count the runner's.
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        raise SystemExit("no VmHWM in /proc/self/status (not Linux?)")

    compiler.emit.schema()
    before = peak()
    try:
        compiler.cli.main(["compile", sys.argv[1], "-o", sys.argv[2]])
        status = 0
    except SystemExit as exit:
        status = exit.code
    print(json.dumps({"before": before, "after": peak(), "ok": status == 0}))
    """
)


def measure_memory(row: Row, work: Path, path: Path) -> None:
    """Peak resident memory of `constitution compile path -o FILE`.

    The figure is the peak resident set (VmHWM) of the whole process, interpreter and imports
    included, divided by the input's size in bytes; what the compile itself adds is shown beside.
    """
    output = work / f"compiled-{path.name}.json"
    done = run_process([sys.executable, "-c", _PEAK_SCRIPT, str(path), str(output)])
    if done.returncode != 0:
        raise StepFailed(f"the compile process failed: {done.stderr.strip()[-600:]}")
    peak = json.loads(done.stdout)
    if not peak["ok"]:
        raise StepFailed("the spec does not compile cleanly")
    size = spec_size(path)
    row.ratio = peak["after"] / size
    row.detail = (
        f"peak RSS {peak['after'] / MB:.0f} MB for {size / MB:.1f} MB of Markdown "
        f"(interpreter and imports {peak['before'] / MB:.0f} MB; the compile adds "
        f"{(peak['after'] - peak['before']) / size:.1f}x)"
    )


_MKDOCS_YML = """\
site_name: Benchmark
docs_dir: {docs}
site_dir: {site}
use_directory_urls: true
theme:
  name: material
  font: false
plugins:
  - search
{plugin}"""


def measure_build(row: Row, work: Path, path: Path, runs: int) -> None:
    if not (available("compiler.cli.site") and available("compiler.mkdocs.plugin")):
        raise NotAvailable("the site build is not built yet")
    configs = {}
    for name, plugin in (("with", "  - constitution\n"), ("plain", "")):
        config = work / f"mkdocs-{name}-{path.name}.yml"
        config.write_text(
            _MKDOCS_YML.format(docs=path, site=work / f"site-{name}-{path.name}", plugin=plugin),
            "utf-8",
        )
        configs[name] = config
    build = [str(BIN / "constitution"), "build", "-f", str(configs["with"])]
    plain = [str(BIN / "mkdocs"), "build", "-q", "-f", str(configs["plain"])]
    measured, base = interleaved(checked_process(build), checked_process(plain), runs)
    row.ratio = measured / base
    pages = len(list(path.glob("*.md")))
    row.detail = (
        f"{seconds(measured)} vs {seconds(base)} ({spec_size(path) / MB:.1f} MB, {pages} pages, "
        f"median of {runs})"
    )


# --- the run ------------------------------------------------------------------------------


def measured(rows: list[Row], measure: Callable[[], None]) -> list[Row]:
    """`rows` filled in by `measure()`; a step that failed, or a feature not built yet, leaves
    them without a figure and says why (a fail in the summary, never a crash or a made-up number)."""
    try:
        measure()
    except NotAvailable as err:
        for row in rows:
            row.detail = f"not available ({err})"
    except StepFailed as err:
        for row in rows:
            row.ratio, row.detail = None, f"failed: {err}"
    return rows


PYTHON_START = 'python -c "import markdown_it"'

#: Every row, in the order printed: name, baseline, target.
ROWS: dict[str, tuple[str, str, float]] = {
    "compile": ("compile (parse..emit)", "markdown-it bare parse", 1.5),
    "examples": ("compile with examples (Model Spec)", "markdown-it bare parse", 1.5),
    "check": ("constitution check spec/", PYTHON_START, 3.0),
    "help": ("constitution --help", PYTHON_START, 2.0),
    "build": ("constitution build", "plain mkdocs build", 0.9),
    "build-spec": ("constitution build of spec/", "plain mkdocs build of spec/", 0.9),
    "diff": ("diff of two versions", "one compile", 1.0),
    "diff-scaling": ("diff when the input doubles", "diff of the undoubled input", 2.2),
    "compile-scaling": ("compile when the input doubles", "compile of the undoubled input", 2.2),
    "memory": ("peak memory of the compile", "input size", 20.0),
    "adversarial": ("adversarial inputs when they double", "the same inputs at half the size", 3.0),
}


@dataclass
class Settings:
    work: Path
    size: int
    build_size: int
    repeat: int
    runs: int
    adversarial_size: int = MB


def measure_row(key: str, settings: Settings) -> Row:
    """Measure one row in this process."""
    row = Row(*ROWS[key])
    if key == "adversarial":  # small generated inputs of their own, not the corpora
        sizes = (settings.work, settings.adversarial_size, settings.repeat)
        return measured([row], lambda: measure_adversarial(row, *sizes))[0]
    if key == "examples":  # the Model Spec release itself, not the corpora
        return measured([row], lambda: measure_examples(row, settings.repeat))[0]
    corpora = make_corpora(settings.work, settings.size, settings.build_size)
    constitution = str(BIN / "constitution")
    repeat, runs = settings.repeat, settings.runs
    steps: dict[str, Callable[[], None]] = {
        "compile": lambda: measure_compile(row, corpora.base, repeat),
        "check": lambda: measure_process(row, [constitution, "check", "spec"], runs),
        "help": lambda: measure_process(row, [constitution, "--help"], runs),
        "build": lambda: measure_build(row, settings.work, corpora.build, repeat),
        "build-spec": lambda: measure_build(row, settings.work, corpus.SPEC_DIR, runs),
        "diff": lambda: measure_diff(row, corpora, repeat),
        "diff-scaling": lambda: measure_diff_scaling(row, corpora, repeat),
        "compile-scaling": lambda: measure_compile_scaling(row, corpora, repeat),
        "memory": lambda: measure_memory(row, settings.work, corpora.base),
    }
    return measured([row], steps[key])[0]


def measure_in_fresh_process(key: str, argv: list[str]) -> Row:
    """Measure one row in a process of its own, so what an earlier row left in memory (a heap
    of documents, fragmented arenas) cannot slow it down."""
    done = run_process([sys.executable, str(Path(__file__).resolve()), *argv, "--row", key])
    try:
        ratio, detail, within_ceiling = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        row = Row(*ROWS[key])
        row.detail = f"failed: the measuring process exited {done.returncode}: " + (
            done.stderr.strip()[-600:] or "no output"
        )
        return row
    return Row(*ROWS[key], ratio, detail, within_ceiling)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument(
        "--work", type=Path, default=WORK, help="scratch directory (default: benchmarks/_work)"
    )
    parser.add_argument("--size", type=float, help="spec size in MB (default 10; quick 0.3)")
    parser.add_argument("--build-size", type=float, help="site build size in MB (default 2)")
    parser.add_argument("--repeat", type=int, help="in-process repeats (default 3; quick 1)")
    parser.add_argument("--runs", type=int, help="process-start repeats (default 15; quick 3)")
    parser.add_argument(
        "--adversarial-size", type=float, help="adversarial input size in MB (default 1; quick 0.1)"
    )
    parser.add_argument("--row", choices=list(ROWS), help="measure this row only; print JSON")
    args = parser.parse_args(argv)
    settings = Settings(
        work=args.work.resolve(),
        size=int((args.size or (0.3 if args.quick else 10)) * MB),
        build_size=int((args.build_size or (0.1 if args.quick else 2)) * MB),
        repeat=args.repeat or (1 if args.quick else 3),
        runs=args.runs or (3 if args.quick else 15),
        adversarial_size=int((args.adversarial_size or (0.1 if args.quick else 1)) * MB),
    )
    if not (BIN / "constitution").exists():
        print(
            f"run.py: {BIN / 'constitution'} not found; install the package first", file=sys.stderr
        )
        return 2
    if args.row:
        row = measure_row(args.row, settings)
        print(json.dumps([row.ratio, row.detail, row.within_ceiling]))
        return 0

    settings.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    size = settings.size
    print(f"preparing corpora ({size / MB:g} MB, doubled, two versions of each) ...", flush=True)
    make_corpora(settings.work, size, settings.build_size)
    print(f"benchmarks on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}", flush=True)
    passed = [
        "--work", str(settings.work), "--size", str(size / MB), "--build-size",
        str(settings.build_size / MB), "--repeat", str(settings.repeat), "--runs", str(settings.runs),
        "--adversarial-size", str(settings.adversarial_size / MB),
    ]  # fmt: skip
    rows: list[Row] = []
    for key in ROWS:
        row = measure_in_fresh_process(key, passed)
        rows.append(row)
        print(row.line(), flush=True)

    failed = [row for row in rows if not row.ok]
    print(f"(took {time.perf_counter() - started:.0f} s)")
    print(
        "summary: "
        + "; ".join(
            f"{row.name} "
            + (f"{row.ratio:.2f}x" if row.ratio is not None else "n/a")
            + f" <= {row.target:g}x {'pass' if row.ok else 'FAIL'}"
            for row in rows
        )
        + f" => {len(rows) - len(failed)}/{len(rows)} pass"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
