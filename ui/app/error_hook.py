"""The last safety net: an error no screen planned for (a file that vanished, a full disk, a
dropped database connection) is shown in a message box as one located line — never lost in a
terminal nobody reads, never a silent failure — and written to stderr with its traceback for
whoever debugs it. Screens still catch the errors they expect and say more."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from reviewer.errors import describe_error

_shown: list[str] = []        # what the hook showed (tests read it)


def install() -> None:
    sys.excepthook = _hook


def _hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    line = describe_error(exc)
    _shown.append(line)
    if sys.stderr is not None:
        traceback.print_exception(kind, exc, tb, file=sys.stderr)
    from PySide6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Warning, "Something went wrong",
                      f"{line}\n\nWhat you were doing may not have been completed; answers "
                      "saved before it are kept.", parent=QApplication.activeWindow())
    box.setAccessibleName("Error")
    box.open()           # not exec(): the hook may run inside a paint or a key event
