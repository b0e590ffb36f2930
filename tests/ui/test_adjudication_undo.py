"""Adjudication can be undone (issue #20): B takes the other audit's answer and the row reads
"before → after" (never a stale answer beside the decision); Ctrl+Z takes it back through the
core's undo, an ``undo`` event in the main audit's history, and the row reads as before."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.app.main_window import CALIBRATION
from ui.models.disagreements import COL_A, COL_DECISION

BASE = "BTP ASB 2012 (demo)"


def shown(model, row: int, col: int) -> str:
    return model.data(model.index(row, col))


def main_answer(window, ref: str, qid: str) -> str | None:
    ws, qs = window.session.ws, window.session.qset
    view = ws.record(qs, ws.find_ref(window.session.audit.id, ref))
    return view.rows.get(qid, (None, None))[1]


def calibration(qtbot, window):
    """The main demo audit's disagreements, the first one selected."""
    window.open_audit(window.session.ws.audit(BASE).id)
    window.show_tab(CALIBRATION)
    cal = window.calibration
    qtbot.waitUntil(lambda: cal.model.rowCount() > 0, timeout=5000)
    cal.view.setFocus()
    cal.view.selectRow(0)
    return cal


def test_take_then_undo(qtbot, make_window):
    window = make_window()
    cal = calibration(qtbot, window)
    r = cal.model.rows[0]
    before, other = r.a, r.b
    qtbot.keyClick(cal.view, Qt.Key_B)
    assert shown(cal.model, 0, COL_A) == f"{before or '(blank)'} → {other or '(blank)'}"
    assert shown(cal.model, 0, COL_DECISION).startswith("took ")
    assert main_answer(window, r.ref, r.qid) == (other or None)
    cal.view.selectRow(0)
    qtbot.keyClick(cal.view, Qt.Key_Z, Qt.ControlModifier)
    assert main_answer(window, r.ref, r.qid) == (before or None)
    assert shown(cal.model, 0, COL_A) == (before or "(blank)")
    assert shown(cal.model, 0, COL_DECISION) == "to decide"
    events = [e for e in window.session.ws.history(window.session.audit.id, r.ref)
              if e.question == r.qid]
    assert [e.action for e in events][-2:] == ["adjudicate", "undo"]
    assert "Undid" in window.statusBar().currentMessage()


def test_keep_then_undo(qtbot, make_window):
    window = make_window()
    cal = calibration(qtbot, window)
    before = cal.model.rows[0].a
    qtbot.keyClick(cal.view, Qt.Key_A)
    assert shown(cal.model, 0, COL_A) == (before or "(blank)")          # kept: no arrow
    assert shown(cal.model, 0, COL_DECISION).startswith("kept ")
    qtbot.keyClick(cal.view, Qt.Key_Z, Qt.ControlModifier)
    assert shown(cal.model, 0, COL_DECISION) == "to decide"
