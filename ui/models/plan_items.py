"""An improvement plan's items: ref, area for improvement, owner, due date (overdue ones said in
words, not only in colour), complete, and the verdict of the evidence."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from reviewer.analysis.plans import ItemEvidence
from ui.models.table import Index, TableModel

COL_REF, COL_AREA, COL_OWNER, COL_DUE, COL_COMPLETE, COL_STATUS = range(6)
HEADERS = ("Ref", "Area for improvement", "Owner", "Due", "Complete", "Evidence")


def due_text(item: ItemEvidence) -> str:
    due = item.item.due or "—"
    return f"{due} — OVERDUE" if item.overdue() else due


class PlanItemsModel(TableModel):
    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[ItemEvidence] = []

    def set_items(self, items: list[ItemEvidence]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def item(self, row: int) -> ItemEvidence | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def row_count(self) -> int:
        return len(self.items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        it = self.item(index.row()) if index.isValid() else None
        if it is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            complete = {True: "yes", False: "no", None: "—"}[it.item.complete]
            return (it.item.ref, it.item.area, it.item.owner, due_text(it), complete,
                    it.status)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_AREA, COL_OWNER):
            return it.item.area if col == COL_AREA else it.item.owner
        if role == Qt.ItemDataRole.FontRole and (
                (col == COL_DUE and it.overdue()) or col == COL_STATUS):
            font = QFont()
            font.setBold(True)
            return font
        return None
