"""The environment settings (docs/settings.md): each ``REVIEWER_*`` variable the program reads is
read here and checked. A value that cannot be meant (``REVIEWER_LOCK_TIMEOUT=inf``, ``nan``,
``abc``, ``-1``, a year; a name holding a control character; an unknown theme) is one line
naming the variable, ``REVIEWER_X: ...``, exit status 2 — never silently mapped to a default.
An empty or unset variable means "not given".
"""

from __future__ import annotations

import math
import os

from reviewer.errors import UsageError
from reviewer.text import control_characters, printable

DEFAULT_LOCK_TIMEOUT = 60.0
MAX_LOCK_TIMEOUT = 3600.0            # an hour: anything longer is a typo, not a wish
MAX_NAME = 200
THEMES = ("light", "dark", "high-contrast")
FLAGS = ("", "0", "1")


def _raw(name: str) -> str:
    return os.environ.get(name, "").strip()


def _refuse(name: str, value: str, why: str) -> UsageError:
    shown = printable(value if len(value) <= 40 else value[:40] + "…")
    return UsageError(f"{name}: '{shown}' {why}")


def lock_timeout() -> float:
    """``REVIEWER_LOCK_TIMEOUT``: seconds a writer waits its turn (default 60; 0 to 3600)."""
    name, raw = "REVIEWER_LOCK_TIMEOUT", _raw("REVIEWER_LOCK_TIMEOUT")
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise _refuse(name, raw, "is not a number of seconds "
                                 f"(give 0 to {MAX_LOCK_TIMEOUT:.0f}, e.g. 60)")
    if not 0 <= value <= MAX_LOCK_TIMEOUT:
        raise _refuse(name, raw, f"is out of range (give 0 to {MAX_LOCK_TIMEOUT:.0f} seconds, "
                                 "e.g. 60)")
    return value


def check_name(value: str, what: str) -> str:
    """A reviewer name as given (trimmed): never holding a control or bidi character, never
    longer than 200 characters; else a UsageError starting with ``what``."""
    text = str(value).strip()
    bad = control_characters(text)
    if bad:
        raise UsageError(f"{what}: a reviewer name cannot hold control characters "
                         f"({', '.join(bad)})")
    if len(text) > MAX_NAME:
        raise UsageError(f"{what}: a reviewer name can be at most {MAX_NAME} characters "
                         f"(this one has {len(text)})")
    return text


def reviewer_name() -> str:
    """``REVIEWER_NAME``, checked; "" when not given."""
    raw = _raw("REVIEWER_NAME")
    return check_name(raw, "REVIEWER_NAME") if raw else ""


def _path(name: str, what: str) -> str:
    """A path setting as given, never holding a control character; "" when not given."""
    raw = _raw(name)
    bad = control_characters(raw)
    if bad:
        raise UsageError(f"{name}: {what} holds control characters ({', '.join(bad)})")
    return raw


def database() -> str:
    """``REVIEWER_DB``, checked (no control characters); "" when not given."""
    return _path("REVIEWER_DB", "the path or URL")


def theme() -> str | None:
    """``REVIEWER_THEME``: light, dark or high-contrast (any case); None when not given."""
    raw = _raw("REVIEWER_THEME")
    if not raw:
        return None
    if raw.lower() not in THEMES:
        raise _refuse("REVIEWER_THEME", raw, f"is not a theme (give {', '.join(THEMES)})")
    return raw.lower()


def debug() -> bool:
    """``REVIEWER_DEBUG=1`` shows a traceback for an unexpected error (for developers)."""
    raw = _raw("REVIEWER_DEBUG")
    if raw not in FLAGS:
        raise _refuse("REVIEWER_DEBUG", raw, "must be 1 (on) or 0 (off)")
    return raw == "1"


def allow_network_drive() -> bool:
    """``REVIEWER_ALLOW_NETWORK_DRIVE=1`` opens a database file on a network drive (one person
    at a time, docs/evidence.md); ``0`` or unset refuses it."""
    raw = _raw("REVIEWER_ALLOW_NETWORK_DRIVE")
    if raw not in FLAGS:
        raise _refuse("REVIEWER_ALLOW_NETWORK_DRIVE", raw, "must be 1 (allow) or 0 (refuse)")
    return raw == "1"


def import_helper() -> bool:
    """``REVIEWER_IMPORT_HELPER=0`` makes an import's merge in this process alone; ``1`` or
    unset lets it use a helper process on a machine with two processors or more
    (docs/performance.md, "Two halves at once")."""
    raw = _raw("REVIEWER_IMPORT_HELPER")
    if raw not in FLAGS:
        raise _refuse("REVIEWER_IMPORT_HELPER", raw, "must be 1 (a helper process) or 0 (none)")
    return raw != "0"


def secret_file() -> str:
    """``REVIEWER_SECRET_FILE``: the pseudonym key's file (docs/evidence.md), a path without
    control characters; "" when not given. (Whether it can be read is checked where it is.)"""
    return _path("REVIEWER_SECRET_FILE", "the path")


def check_environment() -> None:
    """Check every setting at once, before a command does anything (one line for the first
    bad one)."""
    lock_timeout()
    reviewer_name()
    database()
    theme()
    debug()
    allow_network_drive()
    import_helper()
    secret_file()
