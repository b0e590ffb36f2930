"""Team work in the app: my records, sign-off refusing changes from the scoring screen, a
calibration audit made from a dialog and scored blind, and adjudication by key presses."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from reviewer.ops import team
from tests.ui.app_ops import run
from tests.ui.test_scoring_keyboard import answer_of, press
from ui.app.main_window import CALIBRATION
from ui.models.records import COL_REF


def refs_shown(window) -> list[str]:
    m = window.scoring.records_model
    return [m.data(m.index(r, COL_REF)) for r in range(m.rowCount())]


def test_my_records_and_next_incomplete_follow_the_assignment(qtbot, make_window):
    window = make_window()
    audit = window.session.audit
    run(window, lambda ws, _p: team.assign(ws, audit.id, ["tester", "bob"], seed=5))
    s = window.scoring
    qtbot.keyClick(s.questions_view, Qt.Key_M, Qt.ControlModifier | Qt.ShiftModifier)
    assert s.only_mine.isChecked()
    mine = refs_shown(window)
    ws = window.session.ws
    assert len(mine) == 50 and all(
        ws.record(window.session.qset, ws.find_ref(audit.id, r)).assigned_to == "tester"
        for r in mine)
    press(qtbot, window, Qt.Key_Backspace)              # make the first one incomplete
    first = s.record_panel.ref_label.text()
    qtbot.keyClick(s.questions_view, Qt.Key_PageDown)
    qtbot.keyClick(s.questions_view, Qt.Key_Return, Qt.ControlModifier)
    assert s.record_panel.ref_label.text() == first     # the one incomplete record of mine
    window.show_tab(0)
    m = window.audits.model
    from ui.models.audits import COL_REVIEWERS

    assert "bob 50/50" in m.data(m.index(m.row_of(audit.id), COL_REVIEWERS))
    assert "tester 49/50" in m.data(m.index(m.row_of(audit.id), COL_REVIEWERS))


def click_button_when_shown(text: str) -> None:
    """Press the button labelled ``text`` on the next message box that appears."""
    def press_it() -> None:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QMessageBox) and w.isVisible():
                for b in w.findChildren(QPushButton):
                    if b.text().replace("&", "") == text:
                        b.click()
                        return
        QTimer.singleShot(50, press_it)
    QTimer.singleShot(50, press_it)


def test_sign_off_from_the_app_refuses_scoring(qtbot, make_window):
    window = make_window()
    s = window.scoring
    before = answer_of(window, "1")
    click_button_when_shown("Sign off")
    qtbot.keyClick(s.questions_view, Qt.Key_S, Qt.ControlModifier | Qt.ShiftModifier)
    audit = window.session.audit
    assert audit.signed_off_by == "tester"
    assert s.notice.isVisible() and "read-only" in s.notice.text()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    press(qtbot, window, Qt.Key_N if before == "Y" else Qt.Key_Y)
    assert s.banner.isVisible() and "signed off by tester" in s.banner.text()
    assert answer_of(window, "1") == before
    events = [e.action for e in window.session.ws.history(audit.id)]
    assert events[-1] == "sign-off"


def test_calibration_dialog_blind_scoring_and_adjudication(qtbot, make_window, monkeypatch):
    window = make_window()
    main = window.session.audit
    from ui.dialogs import calibration as calibration_dialog

    made = {}

    def fill_and_accept(dialog) -> int:
        dialog.records_spin.setValue(10)
        dialog.seed_spin.setValue(99)
        dialog.reviewer_edit.setText("bob")
        dialog._create()
        made["audit"] = dialog.created
        return 1

    monkeypatch.setattr(calibration_dialog.CalibrationDialog, "exec", fill_and_accept)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_K,
                   Qt.ControlModifier | Qt.ShiftModifier)
    cal = made["audit"].audit
    assert cal.records == 10 and cal.calibrates == main.id
    # bob scores it blind: the calibration view shows no figure of the main audit.
    window.open_audit(cal.id)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_5, Qt.ControlModifier)
    assert window.tabs.currentIndex() == CALIBRATION
    v = window.calibration
    assert "scored blind" in v.heading.text() and v.model.rowCount() == 0
    window.show_tab(1)
    qs = window.session.qset
    ws = window.session.ws
    from reviewer.ops import scoring

    for rid in [ws.find_ref(cal.id, r.ref) for r in ws.records_page(cal.id, 0, 10)]:
        main_view = ws.record(qs, ws.find_ref(main.id, ws.record(qs, rid).ref))
        value = "N" if main_view.states["1"] == (1, "Y") else "Y"
        run(window, lambda w, _p, rid=rid, value=value:
               scoring.score(w, cal.id, qs, rid, "1", value))
    # The lead opens the main audit and adjudicates from the keyboard.
    window.open_audit(main.id)
    window.show_tab(CALIBRATION)                         # refreshed from the hook when shown
    v.other_combo.setFocus()                             # the demo has a calibration audit too
    for _ in range(v.other_combo.count()):
        if v.other_combo.currentData() == cal.id:
            break
        qtbot.keyClick(v.other_combo, Qt.Key_Down)       # picking one compares with it
    assert v.model.rowCount() == 10 and "10 records in both" in v.heading.text()
    first = v.model.rows[0]
    v.view.setFocus()
    v.view.selectRow(0)
    qtbot.keyClick(v.view, Qt.Key_B)                     # take the calibration's answer
    assert v.model.rows[0].decision.startswith("took")
    qtbot.keyClick(v.view, Qt.Key_A)                     # keep the main audit's answer
    assert v.model.rows[1].decision.startswith("kept")
    adjudications = [e for e in ws.history(main.id) if e.action == "adjudicate"]
    assert [(e.ref, e.question) for e in adjudications][:1] == [(first.ref, "1")]
    assert adjudications[0].after == first.b and len(adjudications) == 2
    view = ws.record(qs, ws.find_ref(main.id, first.ref))
    assert view.states["1"][1] == first.b


def test_team_calibration_dialog_and_the_whole_team(qtbot, make_window, monkeypatch):
    """docs/contracts.md §13: the dialog makes one blind copy per scorer (names separated by
    commas), each assigned to its scorer; the Calibration view offers the whole team together."""
    window = make_window()
    main = window.session.audit
    from ui.dialogs import calibration as calibration_dialog
    from ui.screens.calibration import TEAM

    def fill_and_accept(dialog) -> int:
        dialog.name_edit.setText("Team")
        dialog.records_spin.setValue(8)
        dialog.reviewer_edit.setText("alice,bob")
        dialog._create()
        return 1

    monkeypatch.setattr(calibration_dialog.CalibrationDialog, "exec", fill_and_accept)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_K,
                   Qt.ControlModifier | Qt.ShiftModifier)
    ws = window.session.ws
    copies = [ws.audit("Team (alice)"), ws.audit("Team (bob)")]
    assert all(c.calibrates == main.id and c.records == 8 for c in copies)
    assert [who for who, _n, _done in ws.progress_by_reviewer(copies[1].id)] == ["bob"]
    window.open_audit(main.id)
    window.show_tab(CALIBRATION)
    v = window.calibration
    v.other_combo.setFocus()
    for _ in range(v.other_combo.count()):
        if v.other_combo.currentData() == TEAM + "Team":
            break
        qtbot.keyClick(v.other_combo, Qt.Key_Down)
    assert v.other_combo.currentData() == TEAM + "Team"
    assert "2 scorers' calibration audits: 8 records in all" in v.heading.text()
    assert "Fleiss" in v.heading.text() and "bob differs from the lead" in v.heading.text()
    assert v.summary.rowCount() == 0 and v.model.rowCount() == 0     # nothing scored yet
