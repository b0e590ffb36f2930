"""The scoring screen driven by the keyboard only, checked against the database and tallies."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt

from reviewer import figures as tally
from reviewer.store.audits import get_audit
from tests.ui.app_ops import new_audit
from ui.models.questions import COL_ANSWER, COL_ID


def blank_audit(window, tmp_path, n: int = 3):
    """An ASB audit with n records and no answers, opened on the scoring screen."""
    csv = tmp_path / "records.csv"
    csv.write_text("ref,area\n" + "".join(f"INC-{i},North\n" for i in range(1, n + 1)))
    audit = new_audit(window, "Keyboard audit", csv)
    window.open_audit(audit.id)
    return get_audit(window.session.ws.db, "Keyboard audit")


def answer_of(window, qid: str) -> str:
    m = window.scoring.questions_model
    row = next(r for r in range(m.rowCount()) if m.data(m.index(r, COL_ID)) == qid)
    return m.data(m.index(row, COL_ANSWER))


def press(qtbot, window, *keys) -> None:
    for key in keys:
        qtbot.keyClick(window.scoring.questions_view, key)


def test_score_a_record_with_keys_only(qtbot, make_window, tmp_path):
    window = make_window()
    audit = blank_audit(window, tmp_path)
    s = window.scoring
    assert s.record_panel.ref_label.text() == "INC-1"
    assert s.current_question().id == "1"
    # 1=Y, 2=N (2a, 2b skipped: focus goes to 3), 3=Y, 4=Y, 5=N, 6=N, 7=N, 8=Y
    press(qtbot, window, Qt.Key_Y, Qt.Key_N)
    assert answer_of(window, "2a") == "— not asked (n/a)"
    assert s.current_question().id == "3"
    press(qtbot, window, Qt.Key_Y, Qt.Key_Y, Qt.Key_N, Qt.Key_N, Qt.Key_N, Qt.Key_Y)
    assert s.current_question().id == "9"
    press(qtbot, window, Qt.Key_1)               # 9 = Response (choice 1)
    assert answer_of(window, "9") == "Response"
    assert s.current_question().id == "10"
    t = tally.tally(window.session.ws.db, audit).by_id()
    assert (t["1"].yes, t["2"].no, t["2a"].na, t["9"].counts["Response"]) == (1, 1, 1, 1)
    # Saved at once: a second connection sees the answers.
    other = sqlite3.connect(window.session.target)
    assert other.execute("SELECT value FROM answer WHERE question_id = '9' AND audit_id = ?",
                         (audit.id,)).fetchone() == ("Response",)
    other.close()
    assert "Record 1 of 3, 0 complete" == s.progress.text()


def test_follow_ups_appear_and_disappear(qtbot, make_window, tmp_path):
    window = make_window()
    blank_audit(window, tmp_path)
    s = window.scoring
    press(qtbot, window, Qt.Key_Down, Qt.Key_Y)          # 2 = Y
    assert answer_of(window, "2a") == ""                  # now asked, unanswered
    assert s.current_question().id == "2a"
    press(qtbot, window, Qt.Key_Y, Qt.Key_5)              # 2a = Y, 2b = Age
    assert answer_of(window, "2b") == "Age"
    press(qtbot, window, Qt.Key_Up, Qt.Key_Up, Qt.Key_Up)  # back to 2
    assert s.current_question().id == "2"
    press(qtbot, window, Qt.Key_N)                        # 2 = N clears 2a and 2b
    assert answer_of(window, "2a") == "— not asked (n/a)"
    assert answer_of(window, "2b") == "— not asked (n/a)"
    qtbot.keyClick(s.questions_view, Qt.Key_Z, Qt.ControlModifier)   # undo brings them back
    assert answer_of(window, "2") == "Y"
    assert answer_of(window, "2b") == "Age"


def test_records_notes_jump_and_filter(qtbot, make_window, tmp_path):
    window = make_window()
    blank_audit(window, tmp_path, n=5)
    s = window.scoring
    qtbot.keyClick(s.questions_view, Qt.Key_PageDown)
    assert s.record_panel.ref_label.text() == "INC-2"
    qtbot.keyClick(s.questions_view, Qt.Key_E)
    assert s.note_edit.hasFocus()
    qtbot.keyClicks(s.note_edit, "caller hung up [00:42]")
    qtbot.keyClick(s.note_edit, Qt.Key_Return)
    assert s.view.note("1") == "caller hung up [00:42]"
    qtbot.keyClick(s.questions_view, Qt.Key_G, Qt.ControlModifier)
    assert s.ref_edit.hasFocus()
    qtbot.keyClicks(s.ref_edit, "inc-4")
    qtbot.keyClick(s.ref_edit, Qt.Key_Return)
    assert s.record_panel.ref_label.text() == "INC-4"
    assert s.record_panel.field_text("area") == "North"


def test_a_failed_save_is_shown(qtbot, make_window, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_LOCK_TIMEOUT", "0.5")
    window = make_window()
    blank_audit(window, tmp_path)
    s = window.scoring
    window.session.ws.db.execute("PRAGMA busy_timeout = 50")
    locker = sqlite3.connect(window.session.target, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        press(qtbot, window, Qt.Key_Y)
        assert s.banner.isVisible()
        assert "NOT SAVED" in s.banner.text()
        assert answer_of(window, "1") == ""
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)   # the wait dialog has gone
    press(qtbot, window, Qt.Key_Y)
    assert not s.banner.isVisible(), s.banner.text()
    assert answer_of(window, "1") == "Y"


def test_results_match_the_tally_and_trace_to_records(qtbot, make_window):
    from ui.app.main_window import RESULTS
    from ui.models.results import COL_N, COL_TOTAL, COL_Y

    window = make_window()
    window.show_tab(RESULTS)
    m = window.results.model
    row = next(r for r, x in enumerate(m.rows) if x.qid == "1" and x.kind == "yes_no")
    assert [m.data(m.index(row, c)) for c in (COL_Y, COL_N, COL_TOTAL)] == [10, 90, 100]
    window.results.table.setCurrentIndex(m.index(row, COL_N))
    qtbot.keyClick(window.results.table, Qt.Key_Return)
    assert window.results.behind.model.rowCount() == 90
    qtbot.keyClick(window.results.behind.view, Qt.Key_Return)
    assert window.tabs.currentIndex() == 1
    assert window.scoring.view.states["1"] == (1, "N")


def test_results_grouped_by_a_field_add_up(qtbot, make_window):
    from ui.app.main_window import RESULTS

    window = make_window()
    window.show_tab(RESULTS)
    view = window.results
    view.group_by("area")
    assert view.grouped_table.isVisible() and not view.table.isVisible()
    g = view.grouped
    row = next(r for r, x in enumerate(g.rows) if x.qid == "1" and x.kind == "yes_no")
    cells = [g.cell(row, c) for c in range(2, g.columnCount())]
    assert cells[0] == "10/100 (10%)"                    # all records first
    yes = sum(int(c.split("/")[0]) for c in cells[1:])
    total = sum(int(c.split("/")[1].split()[0]) for c in cells[1:])
    assert (yes, total) == (10, 100)
    assert sum(t.records for _, t in g.groups[1:]) == 100
