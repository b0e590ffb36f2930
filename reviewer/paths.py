"""Where things live. The one place that decides paths: ``--db`` beats ``REVIEWER_DB`` beats
the platform's user data folder (platformdirs). Files shipped with the program (question sets,
demo data) are found by ``reviewer.bundled``, never next to the source tree."""

from __future__ import annotations

import getpass
from pathlib import Path

from reviewer import settings

APP_NAME = "reviewer"


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Where what can be computed again is kept (speech regions and waveforms of recordings):
    the platform's user cache folder (``XDG_CACHE_HOME`` on Linux)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))




def database_target(cli_value: str | None = None) -> str:
    """A path or SQLAlchemy URL for the database."""
    if cli_value:
        return cli_value
    env = settings.database()
    if env:
        return env
    return str(data_dir() / "reviewer.db")


def reviewer_name(cli_value: str | None = None) -> str:
    """Who is answering: ``--reviewer``, else ``REVIEWER_NAME``, else the OS user. A name
    holding a control character is refused (docs/settings.md)."""
    if cli_value:
        return settings.check_name(cli_value, "--reviewer")
    env = settings.reviewer_name()
    if env:
        return env
    return os_user()


def os_user() -> str:
    """The operating-system user: the person on a SQLite desk file (docs/evidence.md)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database entry (containers)
        return "unknown"

