"""`releases/index.json` is tamper-evident: each entry bound to the one before it by a hash chain,
checked with every artifact by `verify`; its JSON Schema; the migration from format 1."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from support.cli import run_cli as run

from compiler.release import load_index, make_release, verify_releases

DATA = Path(__file__).resolve().parents[1] / "data" / "diff"
BASE = (DATA / "base.md").read_text("utf-8")
SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "release-index.schema.json"


@pytest.fixture
def releases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """1.0.0 (the base), 1.0.1 (punctuation: editorial), 1.1.0 (a definition reworded)."""
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "spec"
    spec.mkdir()
    reworded = (DATA / "reword-definition" / "new.md").read_text("utf-8")
    for version, text, date in (
        ("1.0.0", BASE, "2026-01-01"),
        ("1.0.1", BASE.replace("clear and direct.", "clear and direct!"), "2026-01-02"),
        ("1.1.0", reworded.replace("clear and direct.", "clear and direct!"), "2026-02-01"),
    ):
        (spec / "01-base.md").write_text(text.replace("version: 1.0.0", f"version: {version}"))
        outcome = make_release(version, spec, Path("releases"), date=date)
        assert outcome.path is not None, [d.format() for d in outcome.diagnostics]
    return tmp_path / "releases"


def edit_index(releases: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Edit the index as a person (or a tool) would: load the JSON, change it, write it back."""
    path = releases / "index.json"
    index = json.loads(path.read_text("utf-8"))
    change(index)
    path.write_text(json.dumps(index, indent=2), "utf-8")


def link(item: dict[str, Any], previous: str | None) -> str:
    """The chain hash of an index entry, computed here independently of the compiler."""
    fields = {k: v for k, v in item.items() if k != "entry_sha256"}
    canonical = json.dumps(
        {**fields, "format": 2, "previous_entry_sha256": previous},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def verify_fails() -> str:
    """`constitution release verify`, which must fail (exit 1): what it printed to stderr."""
    code, _, err = run("verify")
    assert code == 1
    return err


def entry(index: dict[str, Any], version: str) -> dict[str, Any]:
    found: dict[str, Any] = next(e for e in index["releases"] if e["version"] == version)
    return found


def test_the_chain_links_every_entry_to_the_one_before(releases: Path) -> None:
    index = json.loads((releases / "index.json").read_text("utf-8"))
    assert index["format"] == 2
    previous = None
    for item in index["releases"]:
        assert item["entry_sha256"] == link(item, previous)
        previous = item["entry_sha256"]
    code, out, err = run("verify")
    assert (code, err, out) == (0, "", f"3 releases verified; chain head {previous}\n")


@pytest.mark.parametrize(
    ("version", "field", "value"),
    [
        ("1.0.0", "date", "2025-12-31"),
        ("1.0.1", "date", "2026-01-03"),
        # Counts and bump edited together stay consistent: only the chain can tell.
        ("1.1.0", "changes", {"breaking": 0, "substantive": 0, "editorial": 1}),
        ("1.0.1", "changes", {"breaking": 0, "substantive": 0, "editorial": 0}),
    ],
)
def test_an_edited_entry_breaks_the_chain(
    releases: Path, version: str, field: str, value: Any
) -> None:
    def change(index: dict[str, Any]) -> None:
        item = entry(index, version)
        item[field] = value
        if field == "changes":
            item["bump"] = "patch" if value["editorial"] else "none"

    edit_index(releases, change)
    code, out, err = run("verify")
    assert code == 1 and out == ""
    assert (
        f"CC513 release {version}'s entry does not match its hash: a field of it or of an "
        "earlier entry was changed after it was released" in err
    )
    assert err.count("CC513") == 1 and err.endswith("1 error, 0 warnings\n")


def test_an_edited_bump_alone_is_inconsistent_with_its_counts(releases: Path) -> None:
    edit_index(releases, lambda index: entry(index, "1.1.0").update(bump="patch"))
    err = verify_fails()
    assert (
        "CC513 release 1.1.0 records a patch bump, but its changes (0 breaking, 1 "
        "substantive, 0 editorial) need minor" in err
    )


def test_an_edited_previous(releases: Path) -> None:
    edit_index(releases, lambda index: entry(index, "1.1.0").update(previous="1.0.0"))
    err = verify_fails()
    assert (
        "CC513 release 1.1.0 names '1.0.0' as its previous release, but the release before "
        "it is 1.0.1" in err
    )
    assert "CC513 release 1.1.0's entry does not match its hash" in err


def test_rehashing_one_entry_shows_at_the_next(releases: Path) -> None:
    # Whoever fixes the edited entry's own hash still breaks the link from the entry after it.
    def change(index: dict[str, Any]) -> None:
        item = entry(index, "1.0.0")
        item["date"] = "2025-12-31"
        item["entry_sha256"] = link(item, None)

    edit_index(releases, change)
    err = verify_fails()
    assert "CC513 release 1.0.1's entry does not match its hash" in err


@pytest.mark.parametrize("fmt", [3, "2", None, 0])
def test_an_unknown_format(releases: Path, fmt: Any) -> None:
    edit_index(releases, lambda index: index.update(format=fmt))
    err = verify_fails()
    assert (
        f"releases/index.json:2:13: CC514 release index format {json.dumps(fmt)} is not "
        "one this version reads (1, 2)" in err
    )


def test_deleting_the_first_release_with_its_entry(releases: Path) -> None:
    (releases / "1.0.0.json").unlink()
    edit_index(releases, lambda index: index["releases"].pop(0))
    err = verify_fails()
    assert (
        "CC513 release 1.0.1 names '1.0.0' as its previous release, but it is the first "
        "release in the index (was an earlier one deleted?)" in err
    )


def test_deleting_the_first_release_and_unlinking_the_next(releases: Path) -> None:
    (releases / "1.0.0.json").unlink()

    def change(index: dict[str, Any]) -> None:
        index["releases"].pop(0)
        index["releases"][0].update(previous=None, bump="none")
        index["releases"][0]["changes"]["editorial"] = 0

    edit_index(releases, change)
    err = verify_fails()
    assert "CC513 release 1.0.1's entry does not match its hash" in err


def test_reordered_entries(releases: Path) -> None:
    edit_index(releases, lambda index: index["releases"].reverse())
    err = verify_fails()
    assert "CC513 release 1.0.1 is listed after 1.1.0: the index is out of order" in err


def test_a_pinned_head_catches_cut_off_and_rewritten_releases(releases: Path) -> None:
    head = load_index(releases)[0].entries[-1].entry_sha256
    assert run("verify", "--head", head)[0] == 0
    assert run("verify", "--head", f"sha256:{head}")[0] == 0
    # Cut off the newest release, artifact and entry: consistent, so only the pin can tell.
    (releases / "1.1.0.json").unlink()
    edit_index(releases, lambda index: index["releases"].pop())
    assert run("verify")[0] == 0
    code, _, err = run("verify", "--head", head)
    assert code == 1
    assert (
        f"CC520 the release chain ends at {load_index(releases)[0].head}, not at the pinned "
        f"head {head}: releases were cut off, added or rewritten" in err
    )


def test_a_rewritten_index_needs_the_pin(releases: Path) -> None:
    head = load_index(releases)[0].head
    index, _ = load_index(releases)
    from msgspec.structs import replace

    index.entries[0] = replace(index.entries[0], date="2020-01-01")
    (releases / "index.json").write_bytes(index.to_bytes())  # every hash recomputed
    assert run("verify")[0] == 0  # the limit of a chain without an anchor
    code, _, err = run("verify", "--head", str(head))
    assert code == 1 and "CC520" in err


@pytest.mark.parametrize("head", ["abc", "A" * 64, "g" * 64, "٣" * 64])
def test_a_malformed_pin_is_a_usage_error(releases: Path, head: str) -> None:
    code, _, err = run("verify", "--head", head)
    assert code == 2 and "CC520 a chain head is 64 lower-case hex digits" in err


def test_unknown_keys_are_refused(releases: Path) -> None:
    edit_index(releases, lambda index: entry(index, "1.0.0").update(signed_by="me"))
    err = verify_fails()
    assert "CC508 release index is malformed at releases/0: Additional " in err


@pytest.mark.parametrize("name", ["index.json", "1.0.0.json"])
def test_releases_are_never_read_through_a_link(releases: Path, name: str) -> None:
    real = releases.parent / f"elsewhere-{name}"
    (releases / name).rename(real)
    os.symlink(real, releases / name)
    err = verify_fails()
    assert f"releases/{name}:0:1: CC50{'8' if name == 'index.json' else '6'} " in err
    assert "it is a symbolic link" in err


# --- format 1 ------------------------------------------------------------------------------


def as_format_1(releases: Path) -> bytes:
    """The index as format 1 wrote it: no chain."""
    index = json.loads((releases / "index.json").read_text("utf-8"))
    index["format"] = 1
    for item in index["releases"]:
        del item["entry_sha256"]
    return (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode()


def test_a_format_1_index_is_read_and_upgraded_by_the_next_release(releases: Path) -> None:
    chained = (releases / "index.json").read_bytes()
    artifacts = {p.name: p.read_bytes() for p in releases.glob("[0-9]*.json")}
    (releases / "index.json").write_bytes(as_format_1(releases))
    code, out, err = run("verify")
    assert code == 0 and out.startswith("3 releases verified; chain head ")
    assert "CC518 warning: release index format 1 has no hash chain" in err
    assert run("diff", "1.0.0", "1.1.0")[0] == 0
    assert run("history", "oversight")[0] == 0
    # The next release writes format 2: the old entries chained exactly as if released so.
    spec = releases.parent / "spec" / "01-base.md"
    spec.write_text(spec.read_text("utf-8").replace("version: 1.1.0", "version: 1.1.1"))
    assert run("release", "1.1.1", "--date", "2026-03-01")[0] == 0
    index = json.loads((releases / "index.json").read_text("utf-8"))
    assert index["format"] == 2
    assert index["releases"][:3] == json.loads(chained)["releases"]
    assert {n: (releases / n).read_bytes() for n in artifacts} == artifacts
    assert run("verify") == (
        0,
        f"4 releases verified; chain head {load_index(releases)[0].head}\n",
        "",
    )


def test_the_repository_index_is_the_migrated_format_1_index(repo_root: Path) -> None:
    releases = repo_root / "releases"
    index, problems = load_index(releases)
    assert problems == [] and index.format == 2
    # Read as format 1 (without the chain), it migrates to exactly the committed bytes.
    legacy = json.loads(as_format_1(releases))
    assert (
        legacy["releases"][0]["sha256"]
        == hashlib.sha256((releases / "1.0.0.json").read_bytes()).hexdigest()
    )
    entries, problems = verify_releases(releases)
    assert problems == [] and [e.version for e in entries] == ["1.0.0", "2.0.0"]
    assert index.to_bytes() == (releases / "index.json").read_bytes()


# --- the schema ----------------------------------------------------------------------------


def schema_errors(document: Any) -> list[str]:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    return [error.message for error in validator.iter_errors(document)]


BAD_INDEXES: dict[str, Callable[[dict[str, Any]], None]] = {
    "line break in a version": lambda i: i["releases"][0].update(version="1.0.0\n"),
    "Arabic-Indic digit": lambda i: i["releases"][0].update(version="1.0.٠"),
    "leading zero": lambda i: i["releases"][0].update(version="01.0.0"),
    "file of another name": lambda i: i["releases"][0].update(file="../1.0.0.json"),
    "negative count": lambda i: i["releases"][0]["changes"].update(editorial=-1),
    "unknown bump": lambda i: i["releases"][0].update(bump="huge"),
    "chain missing in format 2": lambda i: i["releases"][0].pop("entry_sha256"),
    "chain in format 1": lambda i: i.update(format=1),
    "unknown key": lambda i: i.update(head="x"),
    "not a date": lambda i: i["releases"][0].update(date="2026-02-30"),
    "upper-case hash": lambda i: i["releases"][0].update(sha256="A" * 64),
}


def test_the_indexes_we_write_match_the_schema(releases: Path, repo_root: Path) -> None:
    for path in (releases / "index.json", repo_root / "releases" / "index.json"):
        assert schema_errors(json.loads(path.read_text("utf-8"))) == []
    assert schema_errors(json.loads(as_format_1(releases))) == []


@pytest.mark.parametrize("case", sorted(BAD_INDEXES))
def test_the_schema_refuses(releases: Path, case: str) -> None:
    index = json.loads((releases / "index.json").read_text("utf-8"))
    BAD_INDEXES[case](index)
    assert schema_errors(index) != []
    (releases / "index.json").write_text(json.dumps(index), "utf-8")
    assert run("verify")[0] == 1  # and verify, which reads the same schema


def test_ajv_strict_agrees(ajv, releases: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert ajv.compile(SCHEMA).returncode == 0
    good = [releases / "index.json", tmp_path / "format-1.json"]
    good[1].write_bytes(as_format_1(releases))
    checked = ajv.validate(SCHEMA, good)
    assert checked.returncode == 0, checked.stderr
    for case, change in sorted(BAD_INDEXES.items()):
        index = json.loads((releases / "index.json").read_text("utf-8"))
        change(index)
        bad = tmp_path / f"{case.replace(' ', '-')}.json"
        bad.write_text(json.dumps(index), "utf-8")
        assert ajv.validate(SCHEMA, bad).returncode != 0, case
