"""The record's history on the scoring screen, and a save that waits for another writer
without freezing the window."""

from __future__ import annotations

import subprocess
import sys
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from tests.ui.test_scoring_keyboard import answer_of, blank_audit, press
from ui.models.history import COL_AFTER, COL_BEFORE, COL_QUESTION, COL_WHO

HOLD = """
import sys, time
from reviewer.store.db import Database
db = Database(sys.argv[1])
with db.transaction():
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_ctrl_h_shows_who_changed_what(qtbot, make_window, tmp_path):
    window = make_window()
    blank_audit(window, tmp_path)
    s = window.scoring
    press(qtbot, window, Qt.Key_Y)                # 1 = Y
    press(qtbot, window, Qt.Key_Up, Qt.Key_N)     # 1 = N
    qtbot.keyClick(s.questions_view, Qt.Key_H, Qt.ControlModifier)
    assert s.history.isVisible() and s.history.view.hasFocus()
    m = s.history.model
    rows = [tuple(m.data(m.index(r, c)) for c in (COL_WHO, COL_QUESTION, COL_BEFORE, COL_AFTER))
            for r in range(m.rowCount())]
    assert rows[:2] == [("tester", "1", "Y", "N"), ("tester", "1", "(blank)", "Y")]
    assert "INC-1" in s.history.heading.text()
    qtbot.keyClick(s.history.view, Qt.Key_H, Qt.ControlModifier)
    assert not s.history.isVisible() and s.questions_view.hasFocus()


def test_a_save_waits_for_another_writer_without_freezing(qtbot, make_window, tmp_path):
    window = make_window()
    blank_audit(window, tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, window.session.target, "2.5"],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    seen: dict[str, object] = {}

    def look() -> None:                 # runs while the save waits: the event loop is alive
        dialogs = [w for w in QApplication.topLevelWidgets()
                   if isinstance(w, QProgressDialog) and w.isVisible()]
        seen["dialog"] = dialogs[0].labelText() if dialogs else None
        seen["at"] = time.monotonic()

    QTimer.singleShot(1200, look)
    start = time.monotonic()
    press(qtbot, window, Qt.Key_Y)
    waited = time.monotonic() - start
    holder.wait(timeout=10)
    assert "Waiting for another writer" in str(seen.get("dialog")), seen
    assert seen["at"] - start < waited          # the timer fired during the wait
    assert waited >= 1.5
    assert answer_of(window, "1") == "Y"
    assert not window.scoring.banner.isVisible()
