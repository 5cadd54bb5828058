"""A consumer in a second language: Ajv (strict, with ajv-formats) checks the schema and every
compiled output independently of Python's jsonschema, and examples/read-priorities.mjs reads them."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from support.ajv import NODE_ENV, AjvCli
from support.prereqs import missing

from compiler.emit import schema, spec_schema_bytes
from compiler.pipeline import compile_spec

SCHEMA = Path(__file__).resolve().parents[2] / "compiler" / "schemas" / "constitution.schema.json"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "read-priorities.mjs"
SCHEMA_BASE = "https://constitution-compiler.dev/schemas/constitution/"


def compile_to(spec: Path, out: Path) -> Path:
    result = compile_spec(spec)
    assert result.ok, [d.format() for d in result.diagnostics]
    out.write_bytes(result.to_json_bytes())
    return out


def assert_valid(ajv: AjvCli, data: list[Path], schema_file: Path = SCHEMA) -> None:
    assert data
    run = ajv.validate(schema_file, data)
    assert run.returncode == 0, run.stdout + run.stderr
    reported = set(run.stdout.splitlines())
    assert {f"{path.resolve()} valid" for path in data} <= reported, run.stdout


def test_schema_compiles_in_strict_mode(ajv: AjvCli, repo_root: Path) -> None:
    run = ajv.compile(SCHEMA)
    assert run.returncode == 0, run.stdout + run.stderr
    for published in sorted((repo_root / "compiler" / "schemas" / "published").glob("*.json")):
        run = ajv.compile(published)
        assert run.returncode == 0, f"{published.name}: {run.stdout}{run.stderr}"


def test_spec_and_fixture_outputs_validate(ajv: AjvCli, repo_root: Path, tmp_path: Path) -> None:
    data = [compile_to(repo_root / "spec", tmp_path / "spec.json")]
    valid = sorted((repo_root / "tests" / "data" / "valid").glob("*.md"))
    assert valid, "no fixtures in tests/data/valid"
    for source in valid:
        data.append(compile_to(source, tmp_path / f"{source.stem}.json"))
        expected = source.with_suffix(".json")
        if expected.exists():
            data.append(expected)
    assert_valid(ajv, data)


def test_releases_validate_against_the_schema_they_name(ajv: AjvCli, repo_root: Path) -> None:
    """A release keeps the schema version it was written under (1.0.0 under schema 1.0.0): each
    validates against the published copy of that version."""
    published = {
        json.loads(path.read_text(encoding="utf-8"))["$id"]: path
        for path in (repo_root / "compiler" / "schemas" / "published").glob("*.json")
    }
    releases = sorted((repo_root / "releases").glob("[0-9]*.json"))
    assert releases
    for release in releases:
        named = json.loads(release.read_text(encoding="utf-8"))["$schema"]
        assert named in published, f"{release.name}: no published schema {named}"
        assert_valid(ajv, [release], published[named])


def test_corpus_outputs_validate(ajv: AjvCli, corpus_dir: Path, tmp_path: Path) -> None:
    specs = sorted((corpus_dir / "openai-model-spec").glob("*/model_spec.md"))
    assert specs, "no model spec versions in the corpus"
    assert_valid(ajv, [compile_to(s, tmp_path / f"{s.parent.name}.json") for s in specs])


def test_ajv_rejects_what_the_schema_forbids(ajv: AjvCli, repo_root: Path, tmp_path: Path) -> None:
    document = json.loads(compile_to(repo_root / "spec", tmp_path / "good.json").read_bytes())
    document["orders"][0]["mode"] = "lexical"
    document["nodes"][0]["surprise"] = True
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    run = ajv.validate(SCHEMA, [bad])
    assert run.returncode != 0
    assert "/orders/0/mode" in run.stdout + run.stderr
    assert "surprise" in run.stdout + run.stderr


CLAUDE = Path(__file__).resolve().parents[1] / "data" / "specs" / "valid" / "claude"


def test_a_declared_grammar_compiles_to_json_both_schemas_accept_in_ajv(
    ajv: AjvCli, tmp_path: Path
) -> None:
    """Issue 12's done-when: principals, instructable behaviors and honesty components, typed,
    accepted by the generic schema and by the spec's own, in Ajv strict mode."""
    result = compile_spec(CLAUDE)
    assert result.ok and result.grammar is not None, [d.format() for d in result.diagnostics]
    out = tmp_path / "claude.json"
    out.write_bytes(result.to_json_bytes())
    own = tmp_path / "claude.spec.schema.json"
    own.write_bytes(spec_schema_bytes(result.grammar))
    assert ajv.compile(own).returncode == 0
    assert_valid(ajv, [out])
    assert_valid(ajv, [out], own)
    document = json.loads(out.read_bytes())
    behavior = next(n for n in document["nodes"] if n["id"] == "crude-language")
    behavior["fields"]["default"] = "On"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    assert ajv.validate(SCHEMA, [bad]).returncode == 0  # the generic schema types loosely
    run = ajv.validate(own, [bad])
    assert run.returncode != 0 and "/fields/default" in run.stdout + run.stderr


def test_schema_is_the_one_ajv_checks() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == schema()


# -- examples/read-priorities.mjs ---------------------------------------------------------------


@pytest.fixture(scope="module")
def node() -> str:
    found = shutil.which("node")
    if found is None:
        missing("node is not on PATH", env_var=NODE_ENV, fix="scripts/setup.sh --test")
    return found


def read_priorities(
    node: str, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [node, str(EXAMPLE), *args], input=stdin, capture_output=True, timeout=60, check=False
    )


def test_example_prints_the_orders(node: str, repo_root: Path, tmp_path: Path) -> None:
    out = compile_to(repo_root / "spec", tmp_path / "constitution.json")
    run = read_priorities(node, str(out))
    assert run.returncode == 0, run.stderr
    assert run.stderr == b""
    document = json.loads(out.read_bytes())
    hard = "".join(
        f"  {n['id']} (concerns {', '.join(n['fields']['concerns'])})\n"
        for n in document["nodes"]
        if n["kind"] == "constraint" and n["fields"]["kind"] == "hard"
    )
    assert hard
    rule = document["modes"]["holistic"]["rule"]
    assert run.stdout.decode("utf-8") == (
        f"Claude's Constitution {document['document']['version']}\n"
        "\n"
        f"Order core-priority over property (holistic: {rule})\n"
        "  1. broadly-safe: Broadly safe\n"
        "  2. broadly-ethical: Broadly ethical\n"
        "  3. compliant-with-guidelines: Compliant with Anthropic's guidelines\n"
        "  4. genuinely-helpful: Genuinely helpful\n"
        "\n"
        f"Order principal-trust over principal (holistic: {rule})\n"
        "  1. anthropic: Anthropic\n"
        "  2. operators: Operators\n"
        "  3. users: Users\n"
        "\n"
        f"Order honesty-order over honesty (holistic: {rule})\n"
        "  1. non-deceptive: Non-deceptive; non-manipulative: Non-manipulative (tied)\n"
        "  2. truthful: Truthful; calibrated: Calibrated; transparent: Transparent; "
        "forthright: Forthright; autonomy-preserving: Autonomy-preserving (tied)\n"
        "\n"
        "Hard constraints (not weighed in any order):\n" + hard
    )


def test_example_reads_stdin_ties_and_strict_mode(node: str, tmp_path: Path) -> None:
    spec = tmp_path / "strict.md"
    spec.write_text(
        "# Values {#values}\n\n"
        "::: property {#b rank=2}\n**Bee**: second\n:::\n\n"
        "::: property {#a rank=1}\n**Ay**: first\n:::\n\n"
        "::: property {#c rank=3}\n**Cee**: third\n:::\n\n"
        '::: priority {#lexical mode=strict order="a > b c"}\nA before B and C, always.\n:::\n',
        encoding="utf-8",
    )
    result = compile_spec(spec)
    assert result.ok, [d.format() for d in result.diagnostics]
    run = read_priorities(node, "-", stdin=result.to_json_bytes())
    assert run.returncode == 0, run.stderr
    rule = json.loads(result.to_json_bytes())["modes"]["strict"]["rule"]
    assert run.stdout.decode("utf-8") == (
        "Values\n"
        "\n"
        f"Order lexical over property (strict: {rule})\n"
        "  1. a: Ay\n"
        "  2. b: Bee; c: Cee (tied)\n"
    )


def test_example_computes_precedence_as_python_does(node: str, tmp_path: Path) -> None:
    """The Node script's one comparison of ranks gives `outranks`' answers for every pair of the
    Claude fixture's nodes: Anthropic over users, non-deception tied with non-manipulation and
    above forthright, no answer between a principal and a core value."""
    result = compile_spec(CLAUDE)
    assert result.ok and result.model is not None
    out = tmp_path / "claude.json"
    out.write_bytes(result.to_json_bytes())
    model = result.model
    ordered = sorted({i for order in model.orders for level in order.levels for i in level})
    expected = {
        ("anthropic", "users"): "anthropic higher users in principal-trust (holistic)",
        (
            "non-deceptive",
            "non-manipulative",
        ): "non-deceptive tied non-manipulative in honesty-order (holistic)",
        (
            "non-deceptive",
            "forthright",
        ): "non-deceptive higher forthright in honesty-order (holistic)",
        ("anthropic", "broadly-safe"): "anthropic unrelated broadly-safe",
    }
    pairs = [(a, b) for a in ordered for b in ordered if a < b][:40] + list(expected)
    for a, b in pairs:
        run = read_priorities(node, str(out), a, b)
        assert run.returncode == 0, run.stderr
        said = run.stdout.decode("utf-8").strip()
        found = model.precedence(a, b)
        assert said.split(" ")[1] == str(found.relation), (a, b, said)
        if (a, b) in expected:
            assert said == expected[(a, b)]


def test_example_refuses_other_inputs(node: str, tmp_path: Path) -> None:
    newer = tmp_path / "newer.json"
    newer.write_text(
        json.dumps({"$schema": "https://constitution-compiler.dev/schemas/constitution/4.0.0/x"}),
        encoding="utf-8",
    )
    run = read_priorities(node, str(newer))
    assert run.returncode == 1
    assert run.stderr.decode() == (
        f"read-priorities: {newer} follows schema 4.0.0; this script reads 2.x, 3.x\n"
    )
    other = tmp_path / "other.json"
    other.write_text("[1]", encoding="utf-8")
    run = read_priorities(node, str(other))
    assert run.returncode == 1
    assert run.stderr.decode() == (
        f"read-priorities: {other} is not a compiled constitution (its $schema is undefined)\n"
    )
    run = read_priorities(node, str(tmp_path / "absent.json"))
    assert run.returncode == 1 and b"cannot read" in run.stderr
    run = read_priorities(node)
    assert run.returncode == 2 and run.stderr.startswith(b"usage: ")


# -- examples/formatted-text.mjs ----------------------------------------------------------------

FORMATTED = EXAMPLE.with_name("formatted-text.mjs")
#: The tags the example writes for each mark type.
_MARK_OF_TAG = {"em": "em", "strong": "strong", "s": "strike", "code": "code", "a": "link"}


class _MarkedRanges(HTMLParser):
    """One paragraph of the example's output read back: its text, and each element's range in
    it in code points (a Python string's index), as the JSON's marks count them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""
        self.open: list[tuple[str, int, str | None]] = []
        self.ranges: list[tuple[str, int, int, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "p":
            self.open.append((tag, len(self.text), dict(attrs).get("href")))

    def handle_endtag(self, tag: str) -> None:
        if tag != "p":
            name, start, href = self.open.pop()
            assert name == tag
            self.ranges.append((_MARK_OF_TAG[tag], start, len(self.text), href))

    def handle_data(self, data: str) -> None:
        self.text += data


def formatted_text(node: str, document: Path, ident: str) -> list[_MarkedRanges]:
    run = subprocess.run(
        [node, str(FORMATTED), str(document), ident], capture_output=True, timeout=60, check=False
    )
    assert run.returncode == 0 and run.stderr == b"", run.stderr
    read = []
    for line in run.stdout.decode("utf-8").split("</p>\n")[:-1]:
        parser = _MarkedRanges()
        parser.feed(line + "</p>")
        read.append(parser)
    return read


def test_a_node_consumer_rebuilds_the_formatted_text(
    node: str, repo_root: Path, tmp_path: Path
) -> None:
    """Every paragraph of the fixture with every mark type, nesting, links and emoji before a
    mark, and of the whole spec: the example's HTML holds the paragraph's text and each mark
    over exactly the code points the JSON names."""
    fixture = repo_root / "tests" / "data" / "valid" / "marks.md"
    for source in (fixture, repo_root / "spec"):
        out = compile_to(source, tmp_path / "constitution.json")
        document = json.loads(out.read_bytes())
        checked = 0
        for node_data in document["nodes"]:
            paragraphs = [b for b in walk_json(node_data["blocks"]) if b["type"] == "paragraph"]
            if not any("marks" in p for p in paragraphs):
                continue
            read = formatted_text(node, out, node_data["id"])
            assert [p.text for p in read] == [p["text"] for p in paragraphs]
            for paragraph, shown in zip(paragraphs, read, strict=True):
                expected = {
                    (m["type"], m["start"], m["end"], m.get("href"))
                    for m in paragraph.get("marks", ())
                }
                assert set(shown.ranges) == expected, paragraph["text"]
                checked += len(expected)
        assert checked >= (20 if source == fixture else 100)
    lines = subprocess.run(
        [node, str(FORMATTED), str(tmp_path / "constitution.json"), "missing-id"],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert lines.returncode == 1 and b"no node 'missing-id'" in lines.stderr


def test_the_node_consumer_counts_an_emoji_as_one(node: str, tmp_path: Path) -> None:
    out = tmp_path / "emoji.json"
    marks = [
        {"type": "em", "start": 3, "end": 4},
        {"type": "code", "start": 5, "end": 8},
        {"type": "link", "start": 11, "end": 17, "href": "javascript:alert(1)"},
    ]
    paragraph = {"type": "paragraph", "text": "😀😀 a <b> 𝒳 [c](#)", "marks": marks}
    document = {
        "$schema": f"{SCHEMA_BASE}3.2.0/constitution.schema.json",
        "nodes": [{"id": "x", "blocks": [paragraph]}],
    }
    out.write_text(json.dumps(document), "utf-8")
    run = subprocess.run(
        [node, str(FORMATTED), str(out), "x"], capture_output=True, timeout=60, check=False
    )
    assert run.stdout.decode("utf-8") == (
        "<p>😀😀 <em>a</em> <code>&#60;b&#62;</code> 𝒳 [c](#)</p>\n"  # the unsafe link dropped
    )


def walk_json(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for block in blocks:
        yield block
        for item in block.get("items", ()):
            yield from walk_json(item["blocks"])
        if block["type"] in ("quote", "admonition"):
            yield from walk_json(block["blocks"])
