"""The results grouped by a record field: the question and answer columns, then one column per
group (e.g. per area or operator), "All records" first; every group figure can be opened."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from reviewer.analysis.tally import Tally
from ui.app.colours import section_background
from ui.models.results import Row, build_rows
from ui.models.table import Index, TableModel

COL_QUESTION, COL_OPTION = 0, 1
FIRST_GROUP = 2


class GroupedResultsModel(TableModel):
    """Columns: the question, the answer, then one per group (set_groups names them)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Row] = []
        self.groups: list[tuple[str, Tally]] = []

    def set_groups(self, overall: Tally | None, groups: list[tuple[str, Tally]]) -> None:
        self.beginResetModel()
        self.rows = build_rows(overall) if overall else []
        self.groups = ([("All records", overall)] if overall else []) + groups
        self.HEADERS = ("Question", "Answer", *(
            f"{value or '(blank)'}\n{t.records} records\nY/Total" for value, t in self.groups)
        ) if self.groups else ()
        self.endResetModel()

    def group_value(self, col: int) -> str | None:
        """The field value of a group column; None for "All records" (and non-group columns)."""
        return self.groups[col - FIRST_GROUP][0] if col > FIRST_GROUP else None

    def figure_at(self, row: int, col: int) -> tuple[str, str, str | None] | None:
        """(question id, answer for records_behind, group value) of a clickable figure."""
        if not 0 <= row < len(self.rows) or col < FIRST_GROUP or col >= self.columnCount():
            return None
        r = self.rows[row]
        if r.kind in ("yes_no", "choice_head"):
            return r.qid, "total", self.group_value(col)
        if r.kind == "choice":
            return r.qid, r.option, self.group_value(col)
        return None

    def qid_at(self, row: int) -> str:
        return self.rows[row].qid if 0 <= row < len(self.rows) else ""

    def cell(self, row: int, col: int) -> str:
        r = self.rows[row]
        if col == COL_QUESTION:
            return r.text
        if col == COL_OPTION:
            return r.option if r.kind == "choice" else ""
        t = self.groups[col - FIRST_GROUP][1].by_id().get(r.qid) if r.qid else None
        if t is None:
            return ""
        if r.kind == "yes_no":
            pct = f" ({100 * t.yes / t.total:.0f}%)" if t.total else ""
            return f"{t.yes}/{t.total}{pct}"
        if r.kind == "choice":
            return str(t.counts.get(r.option, 0))
        if r.kind == "choice_head":
            return f"total {t.total}"
        return ""

    def row_count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= FIRST_GROUP:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and r.kind == "section":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and r.kind == "section":
            return section_background()
        if role == Qt.ItemDataRole.ToolTipRole and self.figure_at(index.row(), index.column()):
            return "Double-click (or Enter) to list the records behind this figure"
        return None
