"""The cache of call profiles (speech regions, waveform, level) and of parsed transcripts: one
small JSON file per recording or transcript in the user cache folder
(``reviewer.paths.cache_dir()``), named by a hash of the file's absolute path, modification
time and size, so an edited or replaced file is read again. Files are 0600 in a 0700 folder; a
cache that cannot be read or written is skipped silently (it only saves time)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from reviewer.errors import ReviewerError
from reviewer.private import private_dir, write_private_bytes


def cache_key(recording: str | Path, version: int) -> str | None:
    try:
        path = Path(recording).resolve()
        st = os.stat(path)
    except OSError:
        return None
    text = f"{path}\0{st.st_mtime_ns}\0{st.st_size}\0{version}"
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def load(folder: Path, key: str | None, kind: str = "profiles") -> dict | None:
    if key is None:
        return None
    try:
        return json.loads((folder / kind / f"{key}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None


def store(folder: Path, key: str | None, data: dict, kind: str = "profiles") -> None:
    if key is None:
        return
    try:
        target = private_dir(folder / kind) / f"{key}.json"
        write_private_bytes(target, json.dumps(data, separators=(",", ":"),
                                                  ensure_ascii=False).encode())
    except (OSError, ReviewerError):
        pass


def text_key(*parts: str) -> str:
    """A cache key for something that is not a file (a transcript stored in the database)."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()[:32]


def remove(folder: Path, kind: str, keys: list[str | None] | None = None) -> int:
    """Delete cache files of ``kind``: those named by ``keys``, or (without) the whole
    sub-folder; the number of files deleted. For disposal: the cache holds call content."""
    import shutil

    where = folder / kind
    if keys is not None:
        gone = 0
        for key in filter(None, keys):
            try:
                (where / f"{key}.json").unlink()
                gone += 1
            except FileNotFoundError:
                pass
        return gone
    if not where.is_dir():
        return 0
    gone = sum(1 for p in where.rglob("*") if p.is_file())
    shutil.rmtree(where)
    return gone
