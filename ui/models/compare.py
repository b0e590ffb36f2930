"""Comparison of audits, one row per question: the Y rate in each audit, then the change of the
last audit against the baseline with its 95% interval, Fisher's p-value and the plain flag."""

from __future__ import annotations

from textwrap import fill

from PySide6.QtCore import Qt

from reviewer.analysis.compare import Comparison
from reviewer.analysis.stats import IMPROVED, WORSE, percent, rate_text
from reviewer.outputs.numbers import p_plain
from ui.app.colours import status
from ui.models.table import Index, TableModel

COL_QUESTION = 0
HEADER_WIDTH = 16          # characters per line of an audit's name in a column header
FLAG_STATUS = {IMPROVED: "good", WORSE: "bad"}


def wrap(text: str, width: int) -> str:
    return fill(text, width, break_long_words=False)


class CompareModel(TableModel):
    HEADERS = ("Question",)      # then one column per audit and the change (set_comparison)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.comparison: Comparison | None = None
        self.tips: list[str] = []

    def set_comparison(self, c: Comparison | None) -> None:
        self.beginResetModel()
        self.comparison = c
        headers = ["Question"]
        if c is not None:
            # narrow headers (names wrapped): the question column keeps the room
            headers += [f"{wrap(a.name, HEADER_WIDTH)}\nY rate (95% CI)" for a in c.audits]
            headers += ["Change\n(last vs\nbaseline)", "95% CI\nof change", "p\n(Fisher)",
                        "Result"]
            self.tips = [f"The Y rate in {a.name} with its 95% interval" for a in c.audits] + [
                f"{c.audits[-1].name} against {c.audits[0].name}, in percentage points",
                "95% interval of the change (Newcombe)", "Fisher's exact test, two-sided",
                "improved / worse when p < 0.05"]
        self.HEADERS = tuple(headers)
        self.endResetModel()

    def _rows(self):
        return [q for q in self.comparison.questions if q.type == "yes_no"] \
            if self.comparison else []

    def row_count(self) -> int:
        return len(self._rows())

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole):
        if (role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal
                and section > COL_QUESTION):
            return self.tips[section - 1]
        return super().headerData(section, orientation, role)

    def cell(self, row: int, col: int) -> str:
        q = self._rows()[row]
        n = len(self.comparison.audits)
        if col == COL_QUESTION:
            return f"{q.id}. {q.text}"
        if col <= n:
            r = q.rates()[col - 1]
            return "—" if r is None else f"{rate_text(r)}  n={r.total}"
        change = q.changes[-1] if q.changes else None
        if change is None:
            return "not comparable" if col == n + 4 else "—"
        if change.difference is None:
            return change.flag if col == n + 4 else "—"
        pts = f"{100 * change.difference:+.0f} pts"
        return {n + 1: pts, n + 2: f"{percent(change.low)} to {percent(change.high)}",
                n + 3: p_plain(change.p_value), n + 4: change.flag}[col]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == len(self.HEADERS) - 1:
            kind = FLAG_STATUS.get(self.cell(index.row(), index.column()))
            return status(kind) if kind else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() > COL_QUESTION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
