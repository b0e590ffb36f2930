"""New audit: a name and a question set (a bundled one, or a file); validation errors shown with
file and line."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from reviewer.bundled import bundled_sets, resolve_set
from reviewer.ops.audits import create_audit
from reviewer.store.audits import AuditInfo
from ui.app.operations import attempt, failure_lines
from ui.app.session import Session
from ui.app.window_geometry import fit_to_screen
from ui.dialogs import file_dialogs
from ui.widgets.a11y import buddy
from ui.widgets.focus import untrap


class NewAuditDialog(QDialog):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.setWindowTitle("New audit")
        self.session = session
        self.created: AuditInfo | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. ASB call listening — May 2026")
        self.set_combo = QComboBox()
        self.set_combo.setAccessibleName("Question set")   # read by its label, not its value
        self.set_combo.setEditable(True)
        # long set titles must not make the dialog wider than a small screen at a large font
        self.set_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.set_combo.setMinimumContentsLength(24)
        sets = attempt(bundled_sets, self, "Question sets", on_failure=lambda _exc: None) or []
        for s in sets:  # the bundled sets, shown by title; their id is what gets created
            self.set_combo.addItem(f"{s.title} ({s.id} v{s.version})", s.id)
        self._labels = {f"{s.title} ({s.id} v{s.version})": s.id for s in sets}
        browse = QPushButton("&Browse…")
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
        self.errors.setMaximumHeight(self.errors.fontMetrics().height() * 8)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._create)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(buddy("Audit &name:", self.name_edit), self.name_edit)
        form.addRow(buddy("&Question set:", self.set_combo), holder)
        form.addRow(buddy("&Problems:", self.errors), self.errors)
        form.addRow(buttons)
        untrap(self)
        fit_to_screen(self, QSize(self.fontMetrics().horizontalAdvance("x") * 90, 0))

    def _browse(self) -> None:
        path = file_dialogs.open_file(self, "question_sets", "Question set",
                                      "Question sets (*.yaml *.yml)")
        if path:
            self.set_combo.setCurrentText(path)

    def _create(self) -> None:
        text = self.set_combo.currentText().strip()
        spec, name = self._labels.get(text, text), self.name_edit.text()
        done = self.session.run(lambda ws, _p: create_audit(ws, name, resolve_set(spec)), self,
                                "Creating the audit…", on_failure=self._show_problems)
        if done is not None:
            self.created = done.value
            self.accept()

    def _show_problems(self, exc: BaseException) -> None:
        """The set's problems (file:line: message) in the dialog, where they can be fixed."""
        self.errors.setPlainText("\n".join(failure_lines(exc)))
