"""The open record's history on the scoring screen (who answered, when, what it was), newest
first. It follows the record on screen and every operation that touches it; Ctrl+H shows it
and moves the keyboard there, and again hides it and goes back to the questions."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer.ops.core import Changes
from ui.models.history import COL_HOW, HistoryModel


class HistoryPanel(QWidget):
    def __init__(self, screen):
        super().__init__()
        self.screen = screen
        self.setObjectName("historyPanel")
        self.model = HistoryModel(self)
        self.heading = QLabel("History of this record")
        self.heading.setObjectName("historyHeading")
        self.view = QTableView()
        self.view.setObjectName("historyTable")
        self.view.setAccessibleName("History of this record")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_HOW, QHeaderView.ResizeMode.Stretch)
        self.heading.setBuddy(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        screen.record_opened.connect(lambda _rid: self.reload())
        screen.session.operation_did_execute.connect(self._on_operation)

    def _on_operation(self, changes: Changes, _initiator) -> None:
        view = self.screen.view
        if view is not None and changes.audit_id == view.audit_id and changes.history:
            self.reload()

    def reload(self) -> None:
        view, session = self.screen.view, self.screen.session
        if view is None or session.audit is None or not self.isVisible():
            self.model.set_events([])
            return
        events = session.ws.history(session.audit.id, view.ref)
        views = sum(e.action == "view" for e in events)
        self.heading.setText(f"History and access log of {view.ref} ({len(events)} events, "
                             f"{views} views logged; newest first)")
        self.model.set_events(events)

    def toggle(self) -> None:
        """Show the history and go to it, or hide it and go back to the questions."""
        if self.isVisible() and self.view.hasFocus():
            self.hide()
            self.screen.questions_view.setFocus()
            return
        self.show()
        self.reload()
        self.view.setFocus()
        if self.model.rowCount():
            self.view.selectRow(0)
