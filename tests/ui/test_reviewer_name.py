"""The app's name setting refuses control characters as ``--reviewer`` does
(docs/safe-files.md, "Text on the terminal"): the preference is not changed and a message says
why; a name stored by an older version that holds one is not used."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QMessageBox

BAD = "eve\x1b]0;pwned\x07\u202e"


def test_preferences_refuse_a_name_with_control_characters(make_window, monkeypatch):
    window = make_window(demo=False)
    shown = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (BAD, True))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    window.preferences()
    assert window.session.reviewer == "tester"
    assert shown and "control characters" in shown[0]
    assert QSettings().value("reviewer_name", "") in ("", None, "tester")


def test_preferences_take_a_good_name(make_window, monkeypatch):
    window = make_window(demo=False)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Alice Smith", True))
    window.preferences()
    assert window.session.reviewer == "Alice Smith"


def test_a_stored_bad_name_is_not_used(make_window):
    QSettings().setValue("reviewer_name", BAD)
    window = make_window(demo=False)
    assert window.session.reviewer == "tester"
