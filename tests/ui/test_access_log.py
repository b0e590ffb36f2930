"""The access log in the app (docs/contracts.md §11): the purpose form before a file is written
(accessible, keyboard only, required by the audit's policy), and a ``view`` event when the scoring
screen shows a record, shown in the record's history panel (Ctrl+H)."""

from __future__ import annotations

import json

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from reviewer.ops.evidence import set_require_purpose
from ui.dialogs.disclosure import DisclosureDialog


def test_the_purpose_form_is_keyboard_and_screen_reader_ready(qtbot):
    dialog = DisclosureDialog(None, "report", required=True)
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.purpose.accessibleName() == "Purpose"
    assert dialog.recipient.accessibleName() == "Recipient"
    assert ok.accessibleName() and not ok.isEnabled()          # required: no purpose, no file
    qtbot.keyClicks(dialog.purpose, "inspection evidence")
    assert ok.isEnabled()
    qtbot.keyClicks(dialog.recipient, "HMICFRS")
    d = dialog.disclosure()
    assert (d.purpose, d.recipient) == ("inspection evidence", "HMICFRS")
    optional = DisclosureDialog(None, "report", required=False)
    qtbot.addWidget(optional)
    assert optional.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_an_export_from_the_app_records_the_purpose_typed(qtbot, make_window, tmp_path,
                                                        monkeypatch):
    out = tmp_path / "results.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(out), "CSV (*.csv)")))
    window = make_window()
    session = window.session
    set_require_purpose(session.ws, session.audit.id, True)

    def type_it():
        dialog = next(w for w in window.findChildren(DisclosureDialog) if w.isVisible())
        qtbot.keyClicks(dialog.purpose, "board paper")
        qtbot.keyClicks(dialog.recipient, "audit committee")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(200, type_it)
    window.export_results()
    assert out.exists()
    export = session.ws.access_log(session.audit.id)[-1]
    detail = json.loads(export.detail)
    assert (detail["purpose"], detail["recipient"]) == ("board paper", "audit committee")


def test_showing_a_record_is_a_view_event_once_an_hour(qtbot, make_window):
    window = make_window()
    session, screen = window.session, window.scoring
    first = screen.view.ref
    views = [(e.ref, e.detail) for e in session.ws.access_log(session.audit.id)
             if e.action == "view"]
    assert views == [(first, "record")]
    screen.open_row(1)
    second = screen.view.ref
    screen.open_row(0)                      # back within the hour: not logged again
    views = [(e.ref, e.detail) for e in session.ws.access_log(session.audit.id)
             if e.action == "view"]
    assert views == [(first, "record"), (second, "record")]
    screen.history.toggle()                 # Ctrl+H: the record's history and access log
    assert "1 views logged" in screen.history.heading.text()
