"""The disagreements between the main audit and a calibration audit, one row per record and
question, with both answers and both notes, and what the lead decided."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from ui.models.table import Index, TableModel

COL_REF, COL_QUESTION, COL_A, COL_B, COL_NOTE_A, COL_NOTE_B, COL_DECISION = range(7)


@dataclass
class Row:
    ref: str
    qid: str
    text: str
    a: str
    b: str
    note_a: str = ""
    note_b: str = ""
    decision: str = ""


class DisagreementsModel(TableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Row] = []
        self.HEADERS = ("Ref", "Q", "Main", "Calibration", "Main note", "Calibration note",
                        "Decision")

    def set_names(self, main: str, other: str) -> None:
        self.HEADERS = ("Ref", "Q", main, other, f"Note ({main})", f"Note ({other})",
                        "Decision")
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.HEADERS) - 1)

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def decide(self, row: int, decision: str) -> None:
        self.rows[row].decision = decision
        self.dataChanged.emit(self.index(row, COL_DECISION), self.index(row, COL_DECISION))

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.ref, r.qid, r.a or "(blank)", r.b or "(blank)", r.note_a, r.note_b,
                    r.decision or "to decide")[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_QUESTION:
            return r.text
        if role == Qt.ItemDataRole.FontRole and col in (COL_A, COL_B):
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None
