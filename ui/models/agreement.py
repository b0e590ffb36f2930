"""Agreement per question between the main audit and a calibration audit: pairs compared,
percent agreement, Cohen's kappa with its 95% interval, and its plain reading."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reviewer.analysis.agreement_result import Agreement, QuestionAgreement, band
from reviewer.outputs import numbers
from reviewer.outputs.agreement_text import flags, kappa_cell
from ui.models.table import Index, TableModel

COL_QUESTION, COL_PAIRS, COL_AGREED, COL_KAPPA, COL_AC1, COL_READING = range(6)
HEADERS = ("Question", "Pairs", "Agreed", "Kappa (95% CI)", "AC1 (95% CI)", "Reading")


class AgreementModel(TableModel):
    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.questions: list[QuestionAgreement] = []

    def set_agreement(self, result: Agreement | None) -> None:
        self.beginResetModel()
        self.questions = [q for q in result.questions if q.compared] if result else []
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.questions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        q, col = self.questions[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_QUESTION:
                return f"{q.id}. {q.text}"
            if col == COL_PAIRS:
                return q.compared
            if col == COL_AGREED:
                return numbers.percent(q.agreement)
            if col == COL_KAPPA:
                return kappa_cell(q)
            if col == COL_AC1:
                return numbers.figure(q.ac1.to_dict())
            note = flags(q)
            return band(q.deciding) + (f" — {note}" if note else "") + (
                " — needs clearer guidance" if q.low else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_PAIRS, COL_AGREED):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
