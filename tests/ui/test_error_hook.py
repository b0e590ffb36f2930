"""An error no screen planned for is shown as one located line (and printed with its traceback),
never lost; passwords in it are masked."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from ui.app import error_hook


def test_an_unplanned_error_is_shown_in_one_line(qtbot, make_window, monkeypatch, capsys):
    window = make_window(demo=False)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    error_hook.install()
    try:
        raise OSError(28, "No space left on device", "/reviews/out.xlsx")
    except OSError:
        sys.excepthook(*sys.exc_info())
    assert error_hook._shown[-1] == "/reviews/out.xlsx: No space left on device"
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "/reviews/out.xlsx: No space left on device" in boxes[-1].text()
    assert "Traceback" in capsys.readouterr().err
    boxes[-1].close()
    try:
        raise RuntimeError("could not connect to postgresql://qa:s3cret@db/reviews")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    assert "s3cret" not in error_hook._shown[-1]
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox):
            w.close()
    assert window.isVisible()
