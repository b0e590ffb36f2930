"""Ctrl+G completes on any part of a ref or a field (issue #20): "0060" finds
"BTP-12-0401-0060", an operator's number lists that operator's records; Esc gives the keys back
to the questions, so the next Y answers instead of typing into the box."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from ui.widgets.jump_box import entry, ref_of

PRACTICE = "ASB practice (demo, to score)"


def open_practice(window):
    window.open_audit(window.session.ws.audit(PRACTICE).id)
    return window.scoring


def test_part_of_a_ref_completes_and_opens_the_record(qtbot, make_window):
    window = make_window(to_score=True)
    s = open_practice(window)
    qtbot.keyClick(s.questions_view, Qt.Key_G, Qt.ControlModifier)
    assert s.ref_edit.hasFocus()
    qtbot.keyClicks(s.ref_edit, "0060")
    popup = s.ref_edit.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    shown = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert shown and all("0060" in text for text in shown)
    assert len(shown) == 2 and not any("/" in text for text in shown)   # audio: its name
    popup.setCurrentIndex(popup.model().index(1, 0))        # Down, Down (no keyboard grab
    qtbot.keyClick(popup, Qt.Key_Return)                    # offscreen), Enter
    assert s.record_panel.ref_label.text() == ref_of(shown[1])
    assert s.questions_view.hasFocus()


def test_a_part_only_one_record_has_opens_it_with_enter(qtbot, make_window):
    window = make_window(to_score=True)
    s = open_practice(window)
    qtbot.keyClick(s.questions_view, Qt.Key_G, Qt.ControlModifier)
    qtbot.keyClicks(s.ref_edit, "0406-0060")
    s.ref_edit.completer().popup().hide()
    qtbot.keyClick(s.ref_edit, Qt.Key_Return)
    assert s.record_panel.ref_label.text() == "BTP-12-0406-0060"


def test_a_field_value_completes(qtbot, make_window):
    window = make_window(to_score=True)
    s = open_practice(window)
    qtbot.keyClick(s.questions_view, Qt.Key_G, Qt.ControlModifier)
    qtbot.keyClicks(s.ref_edit, "london north")
    popup = s.ref_edit.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    shown = [popup.model().index(r, 0).data() for r in range(popup.model().rowCount())]
    assert shown and all("London North" in text for text in shown)


def test_escape_gives_the_keys_back_to_the_questions(qtbot, make_window):
    window = make_window(to_score=True)
    s = open_practice(window)
    row = s.current_question_row()
    qtbot.keyClick(s.questions_view, Qt.Key_G, Qt.ControlModifier)
    qtbot.keyClicks(s.ref_edit, "zz")             # nothing matches: no list to close first
    qtbot.keyClick(s.ref_edit, Qt.Key_Escape)
    assert QApplication.focusWidget() is s.questions_view
    qtbot.keyClick(s.questions_view, Qt.Key_Y)
    assert s.ref_edit.text() == "zz"               # Y did not type into the box
    assert s.view.rows[s.questions_model.question(row).id][1] == "Y"


def test_an_entry_is_the_ref_then_the_fields():
    class Row:
        ref = "INC-1"
        fields = {"operator": "OP-7", "area": "North", "blank": "", "audio": "/calls/INC-1.wav"}

    assert entry(Row()) == "INC-1 · OP-7 · North · INC-1.wav"
    assert ref_of(entry(Row())) == "INC-1"
