"""A completion cue (issue #20): the answer that completes a record makes the status line say so
and name the key to the next incomplete record; the last one says the audit is complete."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.test_scoring_keyboard import blank_audit


def complete_current(qtbot, window) -> None:
    s = window.scoring
    for _ in range(80):
        if s.view.complete(window.session.qset):
            return
        qtbot.keyClick(s.questions_view, Qt.Key_A)
    raise AssertionError("the record never became complete")


def test_the_status_line_says_a_record_is_complete_and_names_the_key(qtbot, make_window,
                                                                     tmp_path):
    window = make_window()
    blank_audit(window, tmp_path, n=2)
    complete_current(qtbot, window)
    message = window.statusBar().currentMessage()
    assert message == ("Record INC-1 is complete. Ctrl+Return opens the next incomplete record "
                       "(1 left).")
    qtbot.keyClick(window.scoring.questions_view, Qt.Key_Return, Qt.ControlModifier)
    assert window.scoring.view.ref == "INC-2"
    complete_current(qtbot, window)
    assert window.statusBar().currentMessage() == ("Record INC-2 is complete. Every record of "
                                                    "this audit is complete.")
