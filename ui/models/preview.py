"""A preview of the first rows of an incident list (for picking the ref column)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.models.table import Index, TableModel


class PreviewModel(TableModel):
    """The file's own header names the columns."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[list[str]] = []

    @property
    def header(self) -> list[str]:
        return list(self.HEADERS)

    def set_table(self, header: list[str], rows: list[list[str]]) -> None:
        self.beginResetModel()
        self.HEADERS, self.rows = tuple(header), rows
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            row = self.rows[index.row()]
            return row[index.column()] if index.column() < len(row) else ""
        return None
