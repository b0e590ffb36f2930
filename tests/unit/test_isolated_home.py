"""Tests never touch the user's own settings or data: every folder the program would use for
settings, data or caches lies inside the test process's own temporary home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _inside(path: str | Path, folder: str | Path) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def test_home_and_config_folders_are_the_test_process_own() -> None:
    home = os.environ["HOME"]
    assert Path(home).name.startswith("reviewer-test-home-")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        assert _inside(os.environ[var], home), var


def test_the_program_data_folder_and_qt_settings_lie_in_the_test_home() -> None:
    """Asked in a fresh process (as every command the tests start is), the database folder
    and Qt's settings file both resolve inside the temporary home."""
    code = (
        "import os\n"
        "os.environ.pop('REVIEWER_DB', None)\n"
        "from reviewer.paths import data_dir\n"
        "print(data_dir())\n"
        "from PySide6.QtCore import QCoreApplication, QSettings\n"
        "app = QCoreApplication([])\n"
        "app.setOrganizationName('reviewer'); app.setApplicationName('reviewer')\n"
        "print(QSettings().fileName())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split("\n")
    home = os.environ["HOME"]
    assert _inside(out[0], home), out[0]
    assert _inside(out[1], home), out[1]
