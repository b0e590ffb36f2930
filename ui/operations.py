"""Running operations from the app without freezing it.

A quick operation (an answer, a note, undo, rename) runs at once on the GUI thread if the write
lock is free. If another writer holds it, or the operation is long (an import, a sample, an
export), it runs on a worker thread with its own connection, behind a window-modal progress
dialog that says what is happening — "Waiting for another writer…" while it waits — so the
window keeps repainting and nothing else can be typed meanwhile. The wait is the database's
(docs/contracts.md §3: up to 60 s, ``REVIEWER_LOCK_TIMEOUT``); when it runs out the operation has
written nothing and its error reaches the caller."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, Qt, QThread, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from reviewer.ops.core import OpResult
from reviewer.store.db import LockTimeout
from reviewer.workspace import Workspace

if TYPE_CHECKING:
    from .session import Session

Op = Callable[..., OpResult]   # op(ws, progress) -> OpResult


class _Worker(QThread):
    progressed = Signal(int, int)
    waiting = Signal(float)

    def __init__(self, target: str, reviewer: str, op: Op):
        super().__init__()
        self.target, self.reviewer, self.op = target, reviewer, op
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        ws = None
        try:
            ws = Workspace.open(self.target, self.reviewer)
            ws.on_wait(self.waiting.emit)
            self.result = self.op(ws, lambda done, total: self.progressed.emit(done, total))
        except BaseException as exc:  # noqa: BLE001 - handed back to the GUI thread
            self.error = exc
        finally:
            if ws is not None:
                ws.close()


def run_op(session: Session, op: Op, parent: QWidget | None, title: str,
           background: bool) -> OpResult:
    if not background:
        try:
            with session.ws.without_waiting():
                return op(session.ws, None)
        except LockTimeout:
            title = title or "Saving…"
    return _in_background(session, op, parent, title or "Working…")


def _in_background(session: Session, op: Op, parent: QWidget | None, title: str) -> OpResult:
    focus = QApplication.focusWidget()
    dialog = QProgressDialog(title, "", 0, 0, parent)
    dialog.setWindowTitle("Working…")
    dialog.setAccessibleName("Progress")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    worker = _Worker(session.target, session.reviewer, op)

    def on_progress(done: int, total: int) -> None:
        dialog.setLabelText(title)
        dialog.setMaximum(max(total, 0))
        dialog.setValue(done)

    def on_wait(seconds: float) -> None:
        dialog.setLabelText(f"{title}\nWaiting for another writer to finish "
                            f"({seconds:.0f} s)… your change is held and will be saved.")
        if seconds >= 0.3:
            dialog.show()

    worker.progressed.connect(on_progress)
    worker.waiting.connect(on_wait)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    worker.start()
    if worker.isRunning():
        loop.exec()
    worker.wait()
    dialog.close()
    dialog.deleteLater()
    if focus is not None:          # back where the keys were going before the dialog
        focus.window().activateWindow()
        focus.setFocus()
    if worker.error is not None:
        raise worker.error
    return worker.result
