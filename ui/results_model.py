"""The appendix tables for the open audit as one table: section rows, Y | N | Total rows, and
choice breakdowns (label header, one row per choice, total on the first row)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from reviewer.analysis.stats import rate, rate_text
from reviewer.analysis.tally import Tally
from reviewer.outputs.report_data import blocks

from .table_model import Index, TableModel

COL_QUESTION, COL_OPTION, COL_Y, COL_N, COL_TOTAL, COL_RATE = range(6)
HEADERS = ("Question", "Answer", "Y / Number", "N", "Total", "Y rate (95% CI)")


@dataclass
class Row:
    kind: str                  # "section", "yes_no", "choice_head", "choice"
    text: str = ""
    qid: str = ""
    option: str = ""
    cells: tuple = ("", "", "", "")   # Y/Number, N, Total, rate


def build_rows(t: Tally) -> list[Row]:
    rows: list[Row] = []
    for block in blocks(t):
        rows.append(Row("section", block.heading or "(continued)"))
        for qt in block.rows:
            q = qt.question
            if q.type == "yes_no":
                rows.append(Row("yes_no", q.caption(with_ref=True), q.id, "",
                                (qt.yes, qt.no, qt.total, rate_text(rate(qt.yes, qt.total)))))
                continue
            rows.append(Row("choice_head", q.caption(with_ref=True), q.id, q.label or "Answer",
                            ("Number", "", "Total", "")))
            for i, (label, n) in enumerate(qt.counts.items()):
                rows.append(Row("choice", "", q.id, label, (n, "", qt.total if i == 0 else "",
                                                             "")))
    return rows


class ResultsModel(TableModel):
    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Row] = []
        self.tally: Tally | None = None

    def set_tally(self, t: Tally | None) -> None:
        self.beginResetModel()
        self.tally = t
        self.rows = build_rows(t) if t else []
        self.endResetModel()

    def figure_at(self, row: int, col: int) -> tuple[str, str] | None:
        """(question id, answer key for reviewer.tally.records_behind) of a clickable figure."""
        if not 0 <= row < len(self.rows):
            return None
        r = self.rows[row]
        if r.kind == "yes_no":
            return {COL_Y: (r.qid, "Y"), COL_N: (r.qid, "N"), COL_TOTAL: (r.qid, "total")}.get(col)
        if r.kind == "choice" and col == COL_Y:
            return r.qid, r.option
        if r.kind == "choice" and col == COL_TOTAL and r.cells[2] != "":
            return r.qid, "total"
        return None

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_QUESTION:
                return r.text
            if col == COL_OPTION:
                return r.option
            return r.cells[col - COL_Y]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= COL_Y:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and r.kind in ("section", "choice_head"):
            font = QFont()
            font.setBold(r.kind == "section" or col >= COL_OPTION)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and r.kind == "section":
            return QColor("#dde6f3")
        if role == Qt.ItemDataRole.ToolTipRole and self.figure_at(index.row(), col):
            return "Double-click (or Enter) to list the records behind this figure"
        return None
