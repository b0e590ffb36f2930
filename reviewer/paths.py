"""Where things live. The one place that decides paths: ``--db`` beats ``REVIEWER_DB`` beats
the platform's user data folder (platformdirs)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

APP_NAME = "reviewer"
REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def database_target(cli_value: str | None = None) -> str:
    """A path or SQLAlchemy URL for the database."""
    if cli_value:
        return cli_value
    env = os.environ.get("REVIEWER_DB")
    if env:
        return env
    return str(data_dir() / "reviewer.db")


def reviewer_name(cli_value: str | None = None) -> str:
    """Who is answering: ``--reviewer``, else ``REVIEWER_NAME``, else the OS user."""
    if cli_value:
        return cli_value
    env = os.environ.get("REVIEWER_NAME")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user database entry (containers)
        return "unknown"


def question_sets_dir() -> Path:
    return REPO_ROOT / "question_sets"


def demo_data_dir() -> Path:
    return REPO_ROOT / "data"
