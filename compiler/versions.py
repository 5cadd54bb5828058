"""Semantic versions, release dates and $SOURCE_DATE_EPOCH: the strings a user types or sets.

Only ASCII digits count as digits here (Python's `\\d`, `str.isdigit` and `int` also take
Arabic-Indic, Devanagari... digits), and a string matches whole: no trailing line break.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping
from typing import NoReturn

_SEMVER = re.compile(r"(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_EPOCH = re.compile(r"[0-9]{1,12}", re.ASCII)
#: The last second a `YYYY-MM-DD` date can name: 9999-12-31T23:59:59Z.
MAX_EPOCH = 253_402_300_799
BUMP_ORDER = ("none", "patch", "minor", "major")

Version = tuple[int, int, int]


class VersionError(ValueError):
    """A version, date or epoch that is not one: a usage error with a code and a hint."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


def parse_version(text: str) -> Version | None:
    """``MAJOR.MINOR.PATCH`` in ASCII digits, no leading zeros, no pre-release or build part."""
    match = _SEMVER.fullmatch(text)
    if match is None:
        return None
    return int(match[1]), int(match[2]), int(match[3])


def require_version(text: str) -> Version:
    """`parse_version`, raising `VersionError` (CC516) with what is wrong and how to write it."""
    key = parse_version(text)
    if key is not None:
        return key
    if "+" in text or "-" in text:
        why = "; pre-release (-rc.1) and build (+001) parts are not released"
    elif any(c.isdigit() and not c.isascii() for c in text):
        why = "; write its digits as ASCII 0-9"
    elif any(not c.isprintable() for c in text):
        why = "; it holds a line break or control character"
    else:
        why = ""
    return _refuse(
        "CC516",
        f"{text!r} is not a version{why}",
        "write MAJOR.MINOR.PATCH in ASCII digits without leading zeros, e.g. 1.0.0 or 1.2.3",
    )


def bump_between(old: Version, new: Version) -> str:
    """The bump from `old` to a greater `new`: ``major``, ``minor`` or ``patch``."""
    if new[0] != old[0]:
        return "major"
    if new[1] != old[1]:
        return "minor"
    return "patch"


def bump_suffices(required: str, allowed: str) -> bool:
    """True when a release of bump `allowed` is enough for changes that require `required`."""
    return BUMP_ORDER.index(allowed) >= BUMP_ORDER.index(required)


def next_version(key: Version, bump: str) -> str:
    """The smallest version after `key` with the given bump."""
    major, minor, patch = key
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def valid_date(text: str) -> bool:
    """``YYYY-MM-DD`` in ASCII digits, naming a day that exists."""
    if not _DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> int | None:
    """$SOURCE_DATE_EPOCH as seconds since 1970, None when unset; `VersionError` (CC517) when it
    is set to anything but ASCII digits naming a moment up to the year 9999."""
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    hint = "set SOURCE_DATE_EPOCH to seconds since 1970-01-01 UTC in ASCII digits, or unset it"
    if not _EPOCH.fullmatch(value):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return _refuse("CC517", f"SOURCE_DATE_EPOCH={shown!r} is not a number of seconds", hint)
    seconds = int(value)
    if seconds > MAX_EPOCH:
        return _refuse(
            "CC517", f"SOURCE_DATE_EPOCH={value} is after the year 9999 (at most {MAX_EPOCH})", hint
        )
    return seconds


def release_date(date: str | None = None, environ: Mapping[str, str] = os.environ) -> str:
    """`date` if given (checked), else the day of $SOURCE_DATE_EPOCH, else today, in UTC."""
    if date is not None:
        if not valid_date(date):
            _refuse("CC517", f"{date!r} is not a date", "write YYYY-MM-DD in ASCII digits")
        return date
    epoch = source_date_epoch(environ)
    moment = (
        datetime.datetime.now(datetime.UTC)
        if epoch is None
        else datetime.datetime.fromtimestamp(epoch, datetime.UTC)
    )
    return moment.date().isoformat()


def _refuse(code: str, message: str, hint: str) -> NoReturn:
    raise VersionError(code, message, hint)
