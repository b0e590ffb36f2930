"""The record side of the scoring screen: the ref, prominent, and every imported field."""

from __future__ import annotations

from pathlib import PurePath

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from reviewer.ops.scoring import RecordView
from ui.app.colours import emphasise


class RecordPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.ref_label = QLabel("No record")
        self.ref_label.setObjectName("refLabel")
        emphasise(self.ref_label, 1.3)        # follows the system font size
        self.ref_label.setWordWrap(True)
        self.ref_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel("")
        self.fields = QFormLayout()
        self.fields.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        inner = QWidget()
        inner.setLayout(self.fields)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setAccessibleName("Fields of the record")
        self.extra = QVBoxLayout()   # room for the call player
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ref_label)
        layout.addWidget(self.status_label)
        layout.addWidget(scroll, 1)
        layout.addLayout(self.extra)

    def show_record(self, view: RecordView | None, complete: bool = False) -> None:
        while self.fields.rowCount():
            self.fields.removeRow(0)
        if view is None:
            self.ref_label.setText("No record")
            self.status_label.setText("")
            return
        self.ref_label.setText(view.ref)
        self.status_label.setText("Complete" if complete else "Incomplete")
        for name, value in view.fields.items():
            label = QLabel(str(value))
            if name == "audio" and value:     # a recording: its name, the folder on hover
                label.setText(PurePath(str(value)).name)
                label.setToolTip(str(value))
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields.addRow(f"{name}:", label)

    def field_label(self, name: str) -> QLabel | None:
        for row in range(self.fields.rowCount()):
            label = self.fields.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if label and label.widget().text() == f"{name}:":
                return self.fields.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
        return None

    def field_text(self, name: str) -> str | None:
        label = self.field_label(name)
        return label.text() if label is not None else None
