"""The records behind one figure of the results (so every figure can be traced)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.models.table import Index, TableModel

COL_REF = 0
HEADERS = ("Ref",)


class BehindModel(TableModel):
    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.records: list[tuple[int, str]] = []

    def set_records(self, records: list[tuple[int, str]]) -> None:
        self.beginResetModel()
        self.records = records
        self.endResetModel()

    def record_id(self, row: int) -> int | None:
        return self.records[row][0] if 0 <= row < len(self.records) else None

    def row_count(self) -> int:
        return len(self.records)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            return self.records[index.row()][1]
        return None
