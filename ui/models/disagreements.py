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
    was: str | None = None      # the main audit's answer before the lead's pick, once changed


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

    def decide(self, row: int, decision: str, main_now: str | None = None) -> None:
        """The lead's decision on ``row``; ``main_now`` is the main audit's answer after it (its
        column then reads "before → after", never a stale answer beside the decision)."""
        r = self.rows[row]
        r.decision = decision
        if main_now is not None and main_now != r.a:
            r.was, r.a = (r.a if r.was is None else r.was), main_now
            if r.a == r.was:
                r.was = None
        self.dataChanged.emit(self.index(row, COL_A), self.index(row, COL_DECISION))

    def undecide(self, row: int, decision: str, main_was: str) -> None:
        """Back to what ``row`` was before the last decision (after an undo)."""
        r = self.rows[row]
        r.decision = decision
        if r.was is not None and main_was == r.was:
            r.a, r.was = r.was, None
        else:
            r.a = main_was
        self.dataChanged.emit(self.index(row, COL_A), self.index(row, COL_DECISION))

    def main_text(self, r: Row) -> str:
        now = r.a or "(blank)"
        return now if r.was is None else f"{r.was or '(blank)'} → {now}"

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.ref, r.qid, self.main_text(r), r.b or "(blank)", r.note_a, r.note_b,
                    r.decision or "to decide")[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_QUESTION:
            return r.text
        if role == Qt.ItemDataRole.FontRole and col in (COL_A, COL_B):
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None
