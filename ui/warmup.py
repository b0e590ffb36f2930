"""Loading the statistics libraries without freezing the window.

The Wilson intervals in the results come from statsmodels, whose first import (with scipy) takes
one to three seconds. The app starts that import on a background thread soon after its window
is shown (:func:`start`), and the Results view draws its table at once and fills the intervals
and the chart in when the import is done (:func:`when_ready`). Nothing else runs on the thread,
and the GUI thread never imports statsmodels itself while the thread is at it."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal

_done = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None


class _Notifier(QObject):
    ready = Signal()

    def __init__(self):
        super().__init__()
        self.pending: list[Callable[[], None]] = []
        self.ready.connect(self.fire, Qt.ConnectionType.QueuedConnection)

    def fire(self) -> None:
        pending, self.pending = self.pending, []
        for slot in pending:
            try:
                slot()
            except RuntimeError:        # its widget has gone meanwhile
                pass


_notifier: _Notifier | None = None


def _load() -> None:
    try:
        from reviewer.analysis.stats import wilson

        wilson(1, 2)            # imports statsmodels.stats.proportion (and scipy)
    except Exception:  # noqa: BLE001 - the GUI thread imports it again and reports
        pass
    finally:
        _done.set()
        if _notifier is not None:
            _notifier.ready.emit()       # queued to the GUI thread


def start() -> None:
    """Start loading (once per process); returns at once."""
    global _thread, _notifier
    with _lock:
        if _thread is not None:
            return
        if _notifier is None:
            _notifier = _Notifier()
        # not a daemon: at exit Python waits for the import to finish rather than tearing
        # down an extension module half-way through initialising it
        _thread = threading.Thread(target=_load, name="reviewer-warmup")
        _thread.start()


def ready() -> bool:
    return _done.is_set()


def when_ready(slot: Callable[[], None]) -> None:
    """Call ``slot`` on the GUI thread once the libraries are loaded (now, if they are)."""
    start()
    if ready():
        slot()
        return
    _notifier.pending.append(slot)
    if ready():        # finished between the check and the append
        _notifier.ready.emit()


def wait(timeout: float | None = None) -> bool:
    """Block until loaded (tests, benchmarks); True when done."""
    start()
    return _done.wait(timeout)
