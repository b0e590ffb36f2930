"""The small things of issue #20, each checked: no "No audio device detected" in the terminal on
play, the calibration dialog wide enough for its name, the sign-off question with a real date,
every drop-down read out by its label, a recording's file name shown with its folder on hover."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QComboBox

from tests.ui.surfaces import app_dialogs, while_open
from ui.app.quiet import is_noise
from ui.dialogs import audit_actions
from ui.dialogs.calibration import CalibrationDialog

PRACTICE = "ASB practice (demo, to score)"


def test_no_audio_device_is_not_printed_on_play(qtbot, make_window, capfd):
    window = make_window(to_score=True)
    window.open_audit(window.session.ws.audit(PRACTICE).id)
    player = window.scoring.player
    assert player.playable()
    player.toggle()
    qtbot.wait(800)
    player.toggle()
    assert "No audio device detected" not in capfd.readouterr().err
    assert is_noise("default", "No audio device detected")
    assert not is_noise("default", "something else went wrong")


def test_the_calibration_dialog_shows_its_whole_name(qtbot, make_window):
    window = make_window()
    dialog = CalibrationDialog(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    edit = dialog.name_edit
    assert edit.width() > edit.fontMetrics().horizontalAdvance(edit.text()) + 10
    assert dialog.width() >= 400


def test_the_sign_off_question_names_the_date(qtbot, make_window):
    window = make_window()
    texts: list[str] = []
    while_open(qtbot, lambda: audit_actions.sign_off(window, window.session),
               lambda box: texts.append(box.text()))
    assert "on today" not in texts[0]
    assert f"on {dt.datetime.now(dt.UTC).date().isoformat()}" in texts[0]


def test_every_drop_down_is_read_by_its_label(qtbot, make_window):
    window = make_window()
    combos = list(window.findChildren(QComboBox))
    for make in app_dialogs(window).values():
        dialog = make()
        qtbot.addWidget(dialog)
        combos += dialog.findChildren(QComboBox)
    assert len(combos) >= 6
    # Qt on Linux reads a combo box's value as its name unless it has its own name
    assert [c.objectName() or repr(c.currentText()) for c in combos
            if not c.accessibleName()] == []


def test_a_recording_shows_its_file_name_and_its_folder_on_hover(qtbot, make_window):
    window = make_window(to_score=True)
    window.open_audit(window.session.ws.audit(PRACTICE).id)
    label = window.scoring.record_panel.field_label("audio")
    assert label is not None
    assert "/" not in label.text() and label.text().endswith(".wav")
    assert label.toolTip().endswith(label.text()) and "/" in label.toolTip()
