"""New calibration audit (blind double-scoring, docs/contracts.md §8): how many of the open audit's
records, the seed that draws them, and the reviewer who scores them blind."""

from __future__ import annotations

import secrets

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
)

from reviewer.ops import calibrate, team
from ui.app.session import Session
from ui.widgets.focus import untrap


class CalibrationDialog(QDialog):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        main = session.audit
        self.session, self.main = session, main
        self.created = None
        self.setWindowTitle(f"New calibration audit of '{main.name}'")
        self.name_edit = QLineEdit(f"{main.name} calibration")
        self.name_edit.setAccessibleName("Calibration audit name")
        self.records_spin = QSpinBox()
        self.records_spin.setRange(1, max(1, main.records))
        self.records_spin.setValue(max(1, min(main.records, max(10, main.records // 10))))
        self.records_spin.setAccessibleName("Number of records")
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2_000_000_000)
        self.seed_spin.setValue(secrets.randbelow(1_000_000))
        self.seed_spin.setAccessibleName("Seed")
        self.reviewer_edit = QLineEdit()
        self.reviewer_edit.setPlaceholderText("who scores them blind, e.g. bob (a team: "
                                              "alice,bob,carol)")
        self.reviewer_edit.setAccessibleName("Second reviewer")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        intro = QLabel(f"Copies of records of '{main.name}' ({main.records} records), "
                       "without its answers, for a second reviewer to score blind. "
                       "The same seed draws the same records.")
        intro.setWordWrap(True)
        form.addRow(intro)
        for text, widget in (("&Name:", self.name_edit), ("&Records:", self.records_spin),
                             ("S&eed:", self.seed_spin), ("Re&viewer:", self.reviewer_edit)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(buttons)
        # wide enough for its name field: a long audit name is read whole (issue #20)
        self.name_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 48)
        untrap(self)

    def _create(self) -> None:
        name, n, seed = self.name_edit.text(), self.records_spin.value(), self.seed_spin.value()
        who = self.reviewer_edit.text().strip()
        main_id = self.main.id
        if "," in who:                  # a team: one blind copy each, "NAME (alice)" ...
            self._create_team(name, n, seed, who)
            return
        done = self.session.run(
            lambda ws, _p: calibrate.create_calibration(ws, name, main_id, n, seed), self,
            "Creating the calibration audit…")
        if done is None:
            return
        made = done.value
        if who and self.session.run(lambda ws, _p: team.assign(ws, made.audit.id, [who], seed),
                                    self, "Assigning the records…") is None:
            return
        self.created = made
        self.accept()

    def _create_team(self, name: str, n: int, seed: int, who: str) -> None:
        from reviewer.errors import UsageError

        try:
            names = calibrate.scorer_names(who)
        except UsageError as exc:
            self.reviewer_edit.setToolTip(exc.problems[0])
            self.reviewer_edit.setFocus()
            return
        main_id = self.main.id
        done = self.session.run(lambda ws, _p: calibrate.create_team_calibration(
            ws, name, main_id, names, n, seed), self, "Creating the calibration audits…")
        if done is None:
            return
        for scorer, made in zip(names, done.value, strict=True):
            if self.session.run(lambda ws, _p, m=made, s=scorer: team.assign(
                    ws, m.audit.id, [s], seed), self, "Assigning the records…") is None:
                return
        self.created = done.value[0]
        self.accept()
