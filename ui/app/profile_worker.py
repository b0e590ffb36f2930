"""Finding a call's speech off the UI thread (docs/listening.md): ``ProfileWorker.request(path)``
answers with ``ready(path, profile, problem)``: from memory or the disk cache at once when it
can, else after decoding and analysing on a pool thread. Opening the next record never waits."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from reviewer.errors import ReviewerError
from reviewer.ops.listening import call_profile


def _stamp(path: Path) -> tuple:
    """The file as it is now: another recording under the same name is analysed again."""
    try:
        st = path.stat()
    except OSError:
        return (str(path),)
    return (str(path), st.st_mtime_ns, st.st_size)


class _Signals(QObject):
    done = Signal(str, object, str)


class _Job(QRunnable):
    """Emits through an object of its own, so a window closed meanwhile is no error: the
    connection went with it."""

    def __init__(self, path: Path):
        super().__init__()
        self.path = path
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result, problem = call_profile(self.path), ""
        except ReviewerError as exc:
            result, problem = None, " ".join(exc.problems)
        except Exception as exc:  # noqa: BLE001 - shown in the player; scoring goes on
            result, problem = None, f"{self.path}: cannot find the speech ({exc})"
        try:
            self.signals.done.emit(str(self.path), result, problem)
        except RuntimeError:      # the app is closing
            pass


class ProfileWorker(QObject):
    ready = Signal(str, object, str)       # path, CallProfile | None, problem

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.memory: dict[tuple, tuple[object, str]] = {}

    def request(self, path: Path) -> None:
        key = _stamp(path)
        if key in self.memory:
            self.ready.emit(str(path), *self.memory[key])
            return
        job = _Job(path)
        job.signals.done.connect(self._finished)      # queued: it comes from a pool thread
        self.pool.start(job)

    def _finished(self, path: str, profile, problem: str) -> None:
        self.memory[_stamp(Path(path))] = (profile, problem)
        self.ready.emit(path, profile, problem)

    def wait(self, ms: int = 30_000) -> bool:
        return self.pool.waitForDone(ms)
