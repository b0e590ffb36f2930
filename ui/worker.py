"""Long work (imports, sampling) off the GUI thread, behind a progress dialog.

The job gets its own database connection (SQLite connections belong to one thread) and a
``progress(done, total)`` callback; the window keeps repainting meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from reviewer.store.db import Database

Job = Callable[[Database, Callable[[int, int], None]], Any]


class _Worker(QThread):
    progressed = Signal(int, int)

    def __init__(self, target: str, job: Job):
        super().__init__()
        self.target, self.job = target, job
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        db = None
        try:
            db = Database(self.target)
            self.result = self.job(db, lambda done, total: self.progressed.emit(done, total))
        except BaseException as exc:  # noqa: BLE001 - handed back to the GUI thread
            self.error = exc
        finally:
            if db is not None:
                db.close()


def run_with_progress(parent: QWidget | None, title: str, target: str, job: Job) -> Any:
    """Run ``job`` in a thread; return its result or re-raise its exception here."""
    dialog = QProgressDialog(title, "", 0, 0, parent)
    dialog.setWindowTitle("Working…")
    dialog.setCancelButton(None)
    dialog.setMinimumDuration(300)
    worker = _Worker(target, job)

    def on_progress(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)

    worker.progressed.connect(on_progress)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    worker.start()
    if worker.isRunning():
        loop.exec()
    worker.wait()
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result
