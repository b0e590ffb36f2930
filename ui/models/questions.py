"""The current record's questions in asking order, with their answers (scoring screen)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from reviewer.ops.scoring import RecordView
from reviewer.questions.logic import ANSWERED, NA, NOT_ASKED, format_value
from reviewer.questions.model import Question, QuestionSet
from ui.app.colours import status, tinted
from ui.models.table import Index, TableModel

COL_ID, COL_TEXT, COL_ANSWER, COL_NOTE = range(4)
HEADERS = ("Q", "Question", "Answer", "Note")


def answer_text(view: RecordView, q: Question) -> str:
    state, value = view.states.get(q.id, (0, None))
    if state == NOT_ASKED:
        return "— not asked (n/a)"
    if state == NA:
        return "n/a"
    return format_value(state, value)


class QuestionsModel(TableModel):
    HEADERS = HEADERS

    def __init__(self, parent=None):
        super().__init__(parent)
        self.qset: QuestionSet | None = None
        self.view: RecordView | None = None

    def set_record(self, qset: QuestionSet | None, view: RecordView | None) -> None:
        same = qset is self.qset and view is not None and self.view is not None \
            and view.id == self.view.id
        if same:
            self.view = view
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, COL_NOTE))
            return
        self.beginResetModel()
        self.qset, self.view = qset, view
        self.endResetModel()

    def question(self, row: int) -> Question | None:
        if self.qset is None or not 0 <= row < len(self.qset.questions):
            return None
        return self.qset.questions[row]

    def is_asked(self, row: int) -> bool:
        q = self.question(row)
        return bool(q and self.view and self.view.states[q.id][0] != NOT_ASKED)

    def row_count(self) -> int:
        return 0 if self.qset is None or self.view is None else len(self.qset.questions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        q = self.question(index.row()) if index.isValid() else None
        if q is None or self.view is None:
            return None
        col = index.column()
        state = self.view.states[q.id][0]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_ID:
                return q.id
            if col == COL_TEXT:
                return q.text + (f"  [{q.ref}]" if q.ref else "")
            if col == COL_ANSWER:
                return answer_text(self.view, q)
            return self.view.note(q.id)
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_TEXT:
            return q.guidance or None
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_ANSWER:
            row = self.view.rows.get(q.id)
            return f"Answered by {row[3]} at {row[4]} (Ctrl+H: history)" \
                if row and row[3] else None
        if role == Qt.ItemDataRole.ForegroundRole and state == NOT_ASKED:
            return status("muted")
        if role == Qt.ItemDataRole.FontRole and col == COL_ANSWER and state == ANSWERED:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_ANSWER and state == 0 \
                and q.tallied:
            return tinted("warn")
        return None
