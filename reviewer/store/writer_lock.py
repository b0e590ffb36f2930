"""Writers of one SQLite file queue for it: a blocking wait, not polling (docs/performance.md).

SQLite's own busy handler retries ``BEGIN IMMEDIATE`` after growing sleeps (up to 100 ms each),
so a writer that has waited a while keeps losing to newcomers: with ten scorers at once the
slowest answer took more than a second. Here each writer first takes an exclusive ``flock`` on a
file beside the database (``FILE-writer``, mode 0600, never holding data), sleeping in the
kernel until the writer before it lets go, and only then begins its transaction. Programs that
do not take it (an older reviewer, the sqlite3 shell) are still kept out by SQLite's own lock,
which ``BEGIN IMMEDIATE`` waits for as before.

The wait is reported every second (``on_wait``) and gives up after the writer's patience: the
blocking ``flock`` runs in a helper thread on a descriptor of its own, which lets go at once if
the lock comes after the writer gave up. Where the file cannot be made or locked (a read-only
folder, a network drive without ``flock``), writers fall back to SQLite's wait alone.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

try:
    import fcntl
except ImportError:             # Windows: SQLite's own wait only
    fcntl = None  # type: ignore[assignment]


class WriterQueue:
    """The queue of writers of one SQLite file; ``None`` from :func:`for_file` when there is
    none to be had."""

    def __init__(self, path: str):
        self.path = path
        self._held: int | None = None

    @staticmethod
    def for_file(db_path: str) -> WriterQueue | None:
        if fcntl is None or db_path == ":memory:":
            return None
        queue = WriterQueue(os.path.expanduser(db_path) + "-writer")
        try:
            os.close(queue._open())
        except OSError:
            return None
        return queue

    def _open(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, patience: float, on_wait: Callable[[float], None] | None) -> bool:
        """Take the lock within ``patience`` seconds (True), or give up (False). An OSError
        from ``flock`` itself (no locking on this drive) counts as taken: SQLite still guards."""
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return self._wait(patience, on_wait)
        except OSError:
            os.close(fd)
            return True
        self._held = fd
        return True

    def _wait(self, patience: float, on_wait: Callable[[float], None] | None) -> bool:
        got = threading.Event()
        guard = threading.Lock()
        state = {"gave_up": False, "fd": -1}

        def block() -> None:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError:
                pass
            with guard:
                if state["gave_up"]:
                    os.close(fd)            # closing lets the lock go
                    return
                state["fd"] = fd
            got.set()

        threading.Thread(target=block, name="reviewer-writer-queue", daemon=True).start()
        start = time.monotonic()
        while True:
            left = patience - (time.monotonic() - start)
            if got.wait(max(0.0, min(1.0, left))):
                self._held = state["fd"]
                return True
            if left <= 1.0:
                with guard:
                    if got.is_set():
                        self._held = state["fd"]
                        return True
                    state["gave_up"] = True
                return False
            if on_wait is not None:
                on_wait(time.monotonic() - start)

    def release(self) -> None:
        if self._held is not None:
            fd, self._held = self._held, None
            os.close(fd)
