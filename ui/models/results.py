"""The appendix tables for the open audit as one table: section rows, Y | N | Total rows, and
choice breakdowns (label header, one row per choice, total on the first row)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from reviewer.analysis.stats import rate_text
from reviewer.analysis.tally import Tally
from reviewer.analysis.targets import MET, NOT_MET, target_label
from reviewer.outputs.results_rows import BREAKDOWN, CHOICE, SECTION, YES_NO, result_rows
from ui.app.colours import bold_font, section_background, status
from ui.models.table import Index, TableModel

COL_QUESTION, COL_OPTION, COL_Y, COL_N, COL_TOTAL, COL_RATE, COL_TARGET = range(7)
# the roles answered, as plain ints: data() is called thousands of times while Qt lays out
DISPLAY, ALIGN, FONT, BACKGROUND, TIP, FOREGROUND = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole))
ROLES = frozenset((DISPLAY, ALIGN, FONT, BACKGROUND, TIP, FOREGROUND))
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
HEADERS = ("Question", "Answer", "Y /\nNumber", "N", "Total", "Y rate\n(95% CI)", "Target")
STATUS_HUE = {MET: "good", NOT_MET: "bad"}       # inconclusive: the palette's own text colour


@dataclass
class Row:
    kind: str                  # "section", "yes_no", "choice_head", "choice"
    text: str = ""
    qid: str = ""
    option: str = ""
    cells: tuple = ("", "", "", "")   # Y/Number, N, Total, rate
    target: str = ""  # "≥ 70%: met" (docs/contracts.md §9), for a question with a target
    target_status: str = ""


def build_rows(t: Tally) -> list[Row]:
    """The model's rows from the results rows (``reviewer.outputs.results_rows``)."""
    rows: list[Row] = []
    for r in result_rows(t):
        qt = r.qt
        if r.kind == SECTION:
            rows.append(Row("section", r.text or "(continued)"))
        elif r.kind == YES_NO and qt is not None:
            row = Row("yes_no", r.text, qt.question.id, "",
                      (qt.yes, qt.no, qt.total, rate_text(r.rate)))
            if qt.question.target is not None:
                row.target_status = qt.target_status or ""
                row.target = target_label(qt.question.target, qt.question.direction,
                                          row.target_status)
            rows.append(row)
        elif r.kind == BREAKDOWN and qt is not None:
            rows.append(Row("choice_head", r.text, qt.question.id, r.option,
                            ("Number", "", "Total", "")))
        elif r.kind == CHOICE and qt is not None:
            rows.append(Row("choice", "", qt.question.id, r.option,
                            (r.number, "", qt.total if r.first else "", "")))
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
        """(question id, answer key for reviewer.analysis.tally.records_behind) of a clickable
        figure."""
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

    def data(self, index: Index, role: int = DISPLAY):
        if role not in ROLES or not index.isValid():
            return None
        r, col = self.rows[index.row()], index.column()
        if role == DISPLAY:
            if col == COL_QUESTION:
                return r.text
            if col == COL_OPTION:
                return r.option
            if col == COL_TARGET:
                return r.target
            return r.cells[col - COL_Y]
        if role == ALIGN:
            return RIGHT if COL_Y <= col < COL_TARGET else None
        if role == FOREGROUND:
            hue = STATUS_HUE.get(r.target_status) if col == COL_TARGET else None
            return status(hue) if hue else None
        if role == FONT:
            if r.kind == "section" or (r.kind == "choice_head" and col >= COL_OPTION):
                return bold_font()
            return None
        if role == BACKGROUND:
            return section_background() if r.kind == "section" else None
        if col == COL_TARGET and r.target:
            return ("Judged from the 95% interval: met when all of it is on the target's side, "
                    "not met when all of it is short, otherwise inconclusive")
        if self.figure_at(index.row(), col):
            return "Double-click (or Enter) to list the records behind this figure"
        return None
