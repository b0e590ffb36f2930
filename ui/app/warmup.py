"""Loading the statistics libraries without freezing the window.

Comparing audits (Fisher's test, Newcombe's interval) and calibration (Cohen's kappa) use scipy
and statsmodels, whose first import takes one to three seconds. The app starts that import on a
background thread soon after its window is shown (:func:`start`), so that by the time someone
opens Compare or Calibration it is done and the view appears at once; a view opened sooner
waits for the import as it did before. :func:`when_ready` runs a slot on the GUI thread once
the libraries are loaded. Nothing else runs on the thread."""

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
        from statsmodels.stats.inter_rater import cohens_kappa  # noqa: F401 - calibration

        from reviewer.analysis.stats import compare_counts

        compare_counts(1, 2, 1, 2)      # imports scipy.stats and statsmodels' proportion
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
