"""Running operations from the app without freezing it, and showing the ones that fail.

A quick operation (an answer, a note, undo, rename) runs at once on the GUI thread if the write lock
is free. If another writer holds it, or the operation is long (an import, a sample, an export), it
runs on a worker thread with its own connection, behind a window-modal progress dialog that says
what is happening — "Waiting for another writer…" while it waits — so the window keeps repainting
and nothing else can be typed meanwhile. The wait is the database's (docs/contracts.md §3: up to
60 s, ``REVIEWER_LOCK_TIMEOUT``); when it runs out the operation has written nothing and its error
reaches ``Session.run``, which shows it the one default way (:func:`show_failure`, a message box)
unless the screen shows failures in place (the scoring screen's "NOT SAVED" banner).

This module knows the Workspace, never the Session: ``ui.app.session`` imports it, not the
other way round."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QThread, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from reviewer.errors import ReviewerError, describe_error
from reviewer.ops.core import OpResult
from reviewer.store.db import LockTimeout, redact
from reviewer.workspace import Workspace

Op = Callable[..., OpResult]   # op(ws, progress) -> OpResult
T = TypeVar("T")
SHOWN = 12                     # problems listed in a failure's message box before "Show Details…"


def failure_lines(exc: BaseException) -> list[str]:
    """What went wrong, one line per problem, passwords masked: a refusal's own problems
    (file:line: message), or one line for an error nobody planned for (a file, the database)."""
    if isinstance(exc, ReviewerError) and exc.problems:
        return [redact(p) for p in exc.problems]
    return [describe_error(exc)]


def report_failure(parent: QWidget | None, title: str, exc: BaseException,
                   on_failure: Callable[[BaseException], object] | None = None) -> None:
    """Where every failure goes: to the screen's own place for it (``on_failure``), else the
    default message box. An error nobody planned for also prints its traceback for the bug
    report (as ``ui.app.error_hook`` does)."""
    if not isinstance(exc, ReviewerError | OSError):
        traceback.print_exception(exc, file=sys.stderr)
    if on_failure is not None:
        on_failure(exc)
    else:
        show_failure(parent, title, exc)


def attempt(fn: Callable[[], T], parent: QWidget | None, title: str,
            on_failure: Callable[[BaseException], object] | None = None) -> T | None:
    """A read or a check that may be refused (a file to preview, a plan to judge, names to
    share records among): its value, or None with the failure shown the same way as a failed
    operation's."""
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - every failure takes the one path
        report_failure(parent, title, exc, on_failure)
        return None


def show_status(widget: QWidget, message: str, msecs: int = 8000) -> None:
    """A done operation's message in the status bar of ``widget``'s window (when it has one)."""
    window = widget.window()
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(message, msecs)


def show_failure(parent: QWidget | None, title: str, exc: BaseException) -> None:
    """The one default way a failed operation is shown: a message box over ``parent`` saying
    what was not done (a failed operation writes nothing) and why. A long list of problems shows
    its first lines, and all of them under "Show Details…"."""
    heading = f"{title.rstrip('…. ') or 'The change'}: not done"
    lines = failure_lines(exc)
    if len(lines) <= SHOWN:
        QMessageBox.warning(parent, heading, "\n".join(lines))
        return
    box = QMessageBox(QMessageBox.Icon.Warning, heading,
                      f"{len(lines)} problems; nothing was written. The first {SHOWN}:",
                      QMessageBox.StandardButton.Ok, parent)
    box.setInformativeText("\n".join(lines[:SHOWN]))
    box.setDetailedText("\n".join(lines))
    box.setAccessibleName(heading)
    box.exec()


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


def run_op(ws: Workspace, op: Op, parent: QWidget | None, title: str,
           background: bool) -> OpResult:
    """Run ``op(ws, progress)``; its errors are raised, for ``Session.run`` to show."""
    if not background:
        try:
            with ws.without_waiting():
                return op(ws, None)
        except LockTimeout:
            title = title or "Saving…"
    return _in_background(ws, op, parent, title or "Working…")


def _in_background(ws: Workspace, op: Op, parent: QWidget | None, title: str) -> OpResult:
    focus = QApplication.focusWidget()
    dialog = QProgressDialog(title, "", 0, 0, parent)
    dialog.setWindowTitle("Working…")
    dialog.setAccessibleName("Progress")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    worker = _Worker(ws.target, ws.reviewer, op)

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
