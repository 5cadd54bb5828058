"""What to do when a test's outside prerequisite (Chromium, ajv-cli, the shared corpus) is absent.

Locally a missing prerequisite skips the test with the reason; in CI, or when the matching
``CONSTITUTION_REQUIRE_*`` variable is set, it fails it, because a skip there hides a broken setup.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

_FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() not in _FALSE_WORDS


def is_required(env_var: str) -> bool:
    """True when ``CI`` or ``env_var`` (e.g. ``CONSTITUTION_REQUIRE_BROWSER``) is set and truthy."""
    return _truthy(os.environ.get("CI")) or _truthy(os.environ.get(env_var))


def missing(reason: str, *, env_var: str, fix: str) -> NoReturn:
    """Fail (required) or skip (local run) the current test because a prerequisite is absent."""
    if is_required(env_var):
        pytest.fail(
            f"{reason}. It is required here (CI or {env_var} is set); fix: {fix}",
            pytrace=False,
        )
    pytest.skip(f"{reason} (fix: {fix}; set {env_var}=1 to make this a failure)")
