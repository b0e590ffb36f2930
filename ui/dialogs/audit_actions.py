"""The Audit menu: sign off the open audit (with a confirmation that says what it means), reopen
it with a reason, share its records among reviewers. Each runs one operation."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from reviewer.clock import now_iso
from reviewer.ops import team
from reviewer.outputs.tally_format import sign_off_line
from ui.app.operations import show_status
from ui.app.session import Session

SIGN_OFF_TEXT = (
    "Signing off says these figures are final. From now on the audit's records and answers "
    "cannot be changed by anyone — no scoring, notes, imports, sampling, assignment or "
    "adjudication — until it is reopened with a reason, which the history keeps. Reports, "
    "results and tallies will say \u201cSigned off by {who} on {date}\u201d.")


def _done(parent: QWidget, title: str, session: Session, op) -> bool:
    result = session.run(op, parent, title)
    if result is not None:
        show_status(parent, result.message, 15000)
    return result is not None


def sign_off(parent: QWidget, session: Session) -> bool:
    audit = session.audit
    if audit is None:
        return False
    if audit.signed_off:
        QMessageBox.information(parent, "Sign off", f"'{audit.name}' was "
                                f"{audit.signed_off_text}.")
        return False
    incomplete = audit.records - audit.complete
    text = SIGN_OFF_TEXT.format(who=session.reviewer, date=now_iso()[:10])   # as it will say
    if incomplete:
        text += f"\n\nWarning: {incomplete} of {audit.records} records are still incomplete."
    box = QMessageBox(QMessageBox.Icon.Question, f"Sign off '{audit.name}'?", text,
                      QMessageBox.StandardButton.Cancel, parent)
    sign = box.addButton("&Sign off", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setAccessibleName("Confirm sign-off")
    box.exec()
    parent.window().activateWindow()          # keys go back to the window, not the box
    if box.clickedButton() is not sign:
        return False
    return _done(parent, "Sign off", session, lambda ws, _p: team.sign_off(ws, audit.id))


def reopen(parent: QWidget, session: Session) -> bool:
    audit = session.audit
    if audit is None or not audit.signed_off:
        QMessageBox.information(parent, "Reopen", "The open audit is not signed off.")
        return False
    reason, ok = QInputDialog.getText(
        parent, f"Reopen '{audit.name}'", f"{sign_off_line(audit)}. Why reopen it? (kept in "
        "the history)")
    if not ok:
        return False
    return _done(parent, "Reopen", session, lambda ws, _p: team.reopen(ws, audit.id, reason))


def assign(parent: QWidget, session: Session) -> bool:
    audit = session.audit
    if audit is None:
        return False
    names, ok = QInputDialog.getText(
        parent, "Assign records", "Share the records nobody has yet, evenly and at random, "
        "among these reviewers (names separated by commas):", text=session.reviewer)
    if not ok:
        return False
    return _done(parent, "Assign records", session,
                 lambda ws, _p: team.assign(ws, audit.id, team.reviewer_names(names)))
