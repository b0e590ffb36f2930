"""The small form the app shows before a file leaves it (docs/contracts.md §11, docs/evidence.md):
why it is written (purpose) and for whom (recipient), recorded in the access log with the file's
SHA-256. An audit whose policy requires a purpose keeps OK disabled until one is typed. Keyboard:
Alt+P and Alt+R go to the fields, Enter accepts, Escape cancels."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reviewer.ops.disclose import MAX_PURPOSE, Disclosure


class DisclosureDialog(QDialog):
    def __init__(self, parent: QWidget | None, what: str, required: bool):
        super().__init__(parent)
        self.setWindowTitle(f"Why is the {what} written?")
        self.setAccessibleName("Purpose and recipient of the file")
        intro = QLabel(f"The {what} holds personal data: the access log records who wrote it, "
                       "why and for whom." + (" This audit requires a purpose." if required
                                              else ""))
        intro.setWordWrap(True)
        self.purpose = QLineEdit()
        self.purpose.setObjectName("disclosurePurpose")
        self.purpose.setAccessibleName("Purpose")
        self.purpose.setMaxLength(MAX_PURPOSE)
        self.purpose.setPlaceholderText("e.g. HMICFRS inspection evidence")
        self.recipient = QLineEdit()
        self.recipient.setObjectName("disclosureRecipient")
        self.recipient.setAccessibleName("Recipient")
        self.recipient.setMaxLength(MAX_PURPOSE)
        self.recipient.setPlaceholderText("e.g. HMICFRS, the audit committee")
        form = QFormLayout()
        form.addRow("&Purpose:", self.purpose)
        form.addRow("&Recipient:", self.recipient)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setAccessibleName("Write the file")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.required = required
        self.purpose.textChanged.connect(self._check)
        self._check()
        self.purpose.setFocus()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self.required or bool(self.purpose.text().strip()))

    def disclosure(self) -> Disclosure:
        return Disclosure(self.purpose.text().strip() or None,
                          self.recipient.text().strip() or None)


def ask_disclosure(parent: QWidget | None, what: str, required: bool) -> Disclosure | None:
    """The purpose and recipient, or None when the person cancelled."""
    dialog = DisclosureDialog(parent, what, required)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.disclosure()
