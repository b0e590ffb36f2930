"""The records behind one figure (a rate in the Results or Plan view), so every figure can be
traced: a line saying which figure and how many records, and their refs. Enter or a double
click on one emits ``chosen(record_id)``; the screen opens it for scoring."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.models.behind import BehindModel
from ui.widgets.a11y import buddy
from ui.widgets.layout import row_table


class BehindPanel(QWidget):
    chosen = Signal(int)                 # a record id

    def __init__(self, name: str, accessible: str, hint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = BehindModel(self)
        self.view = row_table(self.model, name, accessible)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.activated.connect(self._choose)
        self.view.doubleClicked.connect(self._choose)
        self.label = buddy(hint, self.view, word_wrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.view, 1)

    def show_records(self, found: list[tuple[int, str]], what: str) -> None:
        """List ``found`` (record id, ref) under "``what``: N records", the first one selected
        and the keys on the list."""
        self.model.set_records(found)
        self.label.setText(f"{what}: {len(found)} records. Enter opens one in the scoring "
                           "screen.")
        if found:
            self.view.setFocus()
            self.view.selectRow(0)

    def clear(self, text: str | None = None) -> None:
        self.model.set_records([])
        if text is not None:
            self.label.setText(text)

    def _choose(self, index) -> None:
        rid = self.model.record_id(index.row())
        if rid is not None:
            self.chosen.emit(rid)
