"""One record's history: who changed which answer or note, when, from what to what."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reviewer.store.history import HistoryEvent
from ui.models.table import Index, TableModel

COL_AT, COL_WHO, COL_ACTION, COL_QUESTION, COL_BEFORE, COL_AFTER, COL_HOW = range(7)
HEADERS = ("When (UTC)", "Who", "What", "Q", "Was", "Now", "How")


def shown(value: str | None) -> str:
    return "(blank)" if value is None else value


class HistoryModel(TableModel):
    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.events: list[HistoryEvent] = []

    def set_events(self, events: list[HistoryEvent]) -> None:
        self.beginResetModel()
        self.events = list(reversed(events))        # newest first
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.events)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                                Qt.ItemDataRole.ToolTipRole):
            return None
        e, col = self.events[index.row()], index.column()
        if col == COL_AT:
            return e.at.replace("T", " ").rstrip("Z")
        if col == COL_WHO:
            return e.reviewer
        if col == COL_ACTION:
            return e.action
        if col == COL_QUESTION:
            return e.question or ""
        if col == COL_BEFORE:
            return shown(e.before) if e.action in ("answer", "note", "undo", "adjudicate") \
                else (e.before or "")
        if col == COL_AFTER:
            return shown(e.after) if e.action in ("answer", "note", "undo", "adjudicate") \
                else (e.after or "")
        return e.detail
