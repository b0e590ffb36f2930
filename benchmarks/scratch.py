"""Scratch folders for a benchmark's files, removed when the run ends, however it ends short of
being killed: a run leaves nothing behind (its databases hold generated answers, and at a
million records they are gigabytes)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path


def folder(prefix: str) -> Path:
    """A new folder in the system's temporary folder, removed with its contents at exit."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, path, True)
    return path
