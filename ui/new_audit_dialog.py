"""New audit: a name and a question set (a bundled one, or a file); validation errors shown with
file and line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from reviewer.bundled import bundled_sets, resolve_set
from reviewer.errors import ReviewerError
from reviewer.ops.audits import create_audit
from reviewer.store.audits import AuditInfo

from .session import Session


class NewAuditDialog(QDialog):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New audit")
        self.session = session
        self.created: AuditInfo | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. ASB call listening — May 2026")
        self.set_combo = QComboBox()
        self.set_combo.setEditable(True)
        try:
            sets = bundled_sets()
        except ReviewerError:
            sets = []
        for s in sets:  # the bundled sets, shown by title; their id is what gets created
            self.set_combo.addItem(f"{s.title} ({s.id} v{s.version})", s.id)
        self._labels = {f"{s.title} ({s.id} v{s.version})": s.id for s in sets}
        self._start_dir = str(sets[0].path.parent) if sets else str(Path.home())
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        browse.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.set_combo, 1)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        self.errors = QPlainTextEdit()
        self.errors.setObjectName("errorsBox")
        self.errors.setReadOnly(True)
        self.errors.setPlaceholderText("Problems with the question set appear here "
                                       "(file:line: message).")
        self.errors.setMaximumHeight(140)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Audit &name:", self.name_edit)
        form.addRow("&Question set:", holder)
        form.addRow(QLabel("Problems:"), self.errors)
        form.addRow(buttons)
        self.resize(640, 320)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Question set", self._start_dir,
                                              "Question sets (*.yaml *.yml)")
        if path:
            self.set_combo.setCurrentText(path)

    def _create(self) -> None:
        text = self.set_combo.currentText().strip()
        try:
            path = resolve_set(self._labels.get(text, text))
            name = self.name_edit.text()
            self.created = self.session.run(
                lambda ws, _p: create_audit(ws, name, path), self, "Creating the audit…").value
        except ReviewerError as exc:
            self.errors.setPlainText("\n".join(exc.problems))
            return
        self.accept()
