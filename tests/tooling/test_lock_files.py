"""Reproducible builds: every dependency is pinned (requirements.lock, package-lock.json), the pins
fit the declared ranges, and the environment the tests run in is the pinned one."""

from __future__ import annotations

import json
import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def lock_pins(repo_root: Path) -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (repo_root / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[canonicalize_name(match.group(1))] = Version(match.group(2))
        else:
            assert not line or line.startswith(("#", " ")), f"not a pin: {line!r}"
    return pins


def declared(repo_root: Path) -> list[Requirement]:
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    names = [*project["build-system"]["requires"], *project["project"]["dependencies"]]
    for extra in ("site", "test"):
        names += project["project"]["optional-dependencies"][extra]
    return [Requirement(name) for name in names]


def test_every_declared_dependency_is_pinned_within_its_range(repo_root: Path) -> None:
    pins = lock_pins(repo_root)
    assert len(pins) >= 20
    for requirement in declared(repo_root):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is not pinned in requirements.lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name]}, outside {requirement}; "
            "run scripts/setup.sh --lock"
        )


def test_the_environment_is_the_pinned_one(repo_root: Path) -> None:
    pins = lock_pins(repo_root)
    installed = {
        canonicalize_name(dist.metadata["Name"]): Version(dist.version)
        for dist in metadata.distributions()
    }
    wrong = {
        name: (str(installed[name]), str(version))
        for name, version in pins.items()
        if name in installed and installed[name] != version
    }
    assert wrong == {}, f"installed vs locked (run scripts/setup.sh): {wrong}"
    missing = sorted(set(pins) - set(installed) - {"pip", "setuptools"})
    assert missing == [], f"locked but not installed (run scripts/setup.sh): {missing}"


def test_node_tools_are_pinned_exactly(repo_root: Path) -> None:
    package = json.loads((repo_root / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((repo_root / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["lockfileVersion"] >= 2
    wanted = package["devDependencies"]
    assert wanted and lock["packages"][""]["devDependencies"] == wanted
    for name, version in wanted.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned exactly: {version}"
        entry = lock["packages"][f"node_modules/{name}"]
        assert entry["version"] == version
        assert entry["integrity"].startswith("sha512-")
    for path, entry in lock["packages"].items():
        if path:  # every package, direct or not, has an exact version and a tarball hash
            assert entry.get("version") and entry.get("integrity", "").startswith("sha512-"), path
