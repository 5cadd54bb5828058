"""Same input, same bytes: compile, build and release twice in fresh processes that differ in
working directory, time zone, locale and hash seed, and compare every output file.

`SOURCE_DATE_EPOCH` (reproducible-builds.org) is honoured wherever a date is written: the gzip
header of sitemap.xml.gz and a release's date.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from test_site_build import TEST_CONFIG, make_project

EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z
#: Two environments that differ in everything that must not matter.
ENVIRONMENTS = (
    {"TZ": "UTC", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONHASHSEED": "1"},
    {
        "TZ": "Pacific/Kiritimati",  # UTC+14: another calendar day than UTC most of the time
        "LC_ALL": "C",
        "LANG": "C",
        "PYTHONHASHSEED": "4242",
    },
)


def run(args: list[str], cwd: Path, env: dict[str, str], epoch: int | None = EPOCH) -> None:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SOURCE_DATE_EPOCH", "TZ", "LC_ALL", "LANG", "PYTHONHASHSEED")
    }
    environment.update(env, NO_MKDOCS_2_WARNING="1")
    if epoch is not None:
        environment["SOURCE_DATE_EPOCH"] = str(epoch)
    done = subprocess.run(
        [sys.executable, "-m", "compiler", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def digest_tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def spec_copy(repo_root: Path, target: Path) -> Path:
    shutil.copytree(repo_root / "spec", target)
    return target


def test_compile_is_byte_identical_across_environments(repo_root: Path, tmp_path: Path) -> None:
    spec = spec_copy(repo_root, tmp_path / "spec")
    (tmp_path / "elsewhere" / "deeper").mkdir(parents=True)
    run(["compile", "spec", "-o", "one.json"], tmp_path, ENVIRONMENTS[0])
    run(
        ["compile", str(spec), "-o", str(tmp_path / "two.json")],
        tmp_path / "elsewhere" / "deeper",
        ENVIRONMENTS[1],
        epoch=None,  # the JSON holds no date, so it does not depend on the clock either
    )
    assert (tmp_path / "one.json").read_bytes() == (tmp_path / "two.json").read_bytes()


#: The site's address (so it has a sitemap) and the PDF of the print version.
ADDRESSED_CONFIG = "site_url: https://constitution.test/\n" + TEST_CONFIG.replace(
    "  - constitution\n", "  - constitution:\n      pdf: true\n"
)


def test_build_gives_identical_site_files(repo_root: Path, tmp_path: Path) -> None:
    spec = repo_root / "spec"
    files = {
        p.relative_to(spec).as_posix(): p.read_text("utf-8")
        for p in [*spec.rglob("*.md"), spec / "constitution.yaml"]
    }
    sites = []
    for number, env in enumerate(ENVIRONMENTS):
        project = tmp_path / f"run{number}" / ("a" * (number + 1))
        make_project(project, files, ADDRESSED_CONFIG)
        run(["build", "--config", "mkdocs.yml"], project, env)
        sites.append(project / "site")
    first, second = (digest_tree(site) for site in sites)
    assert len(first) > 10
    assert first == second
    # The PDFs too (no date in them, no path of the machine that made them).
    assert "pdf/constitution.pdf" in first
    # gzip's header records a modification time: it must come from SOURCE_DATE_EPOCH (mkdocs
    # takes the start of that day).
    sitemap = (sites[0] / "sitemap.xml.gz").read_bytes()
    (mtime,) = struct.unpack("<I", sitemap[4:8])
    assert EPOCH - 86_400 < mtime <= EPOCH
    gzip.decompress(sitemap)


def test_release_is_byte_identical_and_dated_by_source_date_epoch(
    repo_root: Path, tmp_path: Path
) -> None:
    spec = spec_copy(repo_root, tmp_path / "spec")
    trees = []
    for number, env in enumerate(ENVIRONMENTS):
        cwd = tmp_path / f"run{number}"
        cwd.mkdir()
        releases = tmp_path / f"releases{number}"
        run(["release", "2.0.0", str(spec), "--releases-dir", str(releases)], cwd, env)
        trees.append(digest_tree(releases))
    assert trees[0] == trees[1]
    released = (tmp_path / "releases0" / "index.json").read_text("utf-8")
    assert "2023-11-14" in released


@pytest.mark.parametrize("seed", ["0", "99"])
def test_compile_does_not_depend_on_the_hash_seed(
    repo_root: Path, tmp_path: Path, seed: str
) -> None:
    """Sets and dicts iterate in hash order: none may leak into the output or diagnostics."""
    bad = tmp_path / "bad"
    bad.mkdir()
    for case in sorted((repo_root / "tests" / "data" / "invalid").glob("*.md"))[:25]:
        shutil.copy(case, bad / case.name)
    outputs = []
    for hash_seed in (seed, "12345"):
        done = subprocess.run(
            [sys.executable, "-m", "compiler", "check", str(bad), "--format", "json"],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 1
        outputs.append(done.stderr)
    assert outputs[0] == outputs[1]
