"""The question side of the scoring screen: the record's questions in asking order, the current
question's guidance and the note editor, and moving between questions."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer.ops.scoring import RecordView
from reviewer.questions.logic import NOT_ASKED, UNANSWERED
from reviewer.questions.qset import Question

from .a11y import named
from .questions_model import COL_ANSWER, COL_ID, COL_NOTE, COL_TEXT, QuestionsModel


def keys_help(q: Question) -> str:
    if q.choices:
        text = " · ".join(f"{i} = {c}" for i, c in enumerate(q.choices[:9], 1))
        return text + " · A = n/a" + (" (toggle several)" if q.type == "multi_choice" else "")
    return {"yes_no": "Y = yes · N = no · A = n/a",
            "text": "Enter = type the answer · A = n/a"}.get(q.type, "")


class QuestionPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = QuestionsModel(self)
        self.view = QTableView()
        self.view.setObjectName("questionsView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(True)
        self.view.verticalHeader().hide()
        named(self.view, "Questions", "The record's questions in asking order with their "
              "answers: Y, N, A (n/a) or 1–9 answer the selected one, F1 lists every key.")
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_ANSWER, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ID, QHeaderView.ResizeMode.ResizeToContents)
        # rows grow to the wrapped question text: nothing is cut off at large system fonts
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.setColumnWidth(COL_NOTE, self.view.fontMetrics().horizontalAdvance("x" * 24))
        self.guidance = QLabel("")
        self.guidance.setObjectName("guidanceLabel")
        self.guidance.setWordWrap(True)
        self.guidance.setAutoFillBackground(True)          # palette colours: any theme
        self.guidance.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.guidance.setForegroundRole(QPalette.ColorRole.Text)
        self.guidance.setMargin(8)
        self.guidance.setTextFormat(Qt.TextFormat.RichText)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setPlaceholderText("Note on this answer — press E to write, Enter saves")
        named(self.note_edit, "Note on this answer", "E writes a note, Enter saves it")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.guidance)
        layout.addWidget(self.note_edit)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.update_guidance())

    def record(self) -> RecordView | None:
        return self.model.view

    def current_row(self) -> int:
        return max(self.view.currentIndex().row(), 0)

    def current_question(self) -> Question | None:
        return self.model.question(self.current_row())

    def select(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, COL_ANSWER)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)

    def first_open_row(self, start: int) -> int:
        """The first asked, unanswered question at or after ``start`` (else ``start``)."""
        view, qset = self.model.view, self.model.qset
        if view is None or qset is None:
            return start
        qs = qset.questions
        for row in range(start, len(qs)):
            if qs[row].tallied and view.states[qs[row].id][0] == UNANSWERED:
                return row
        return min(start, len(qs) - 1)

    def next_open_row(self, row: int) -> int:
        nxt = self.first_open_row(row + 1)
        return nxt if nxt > row and self.model.is_asked(nxt) else row

    def move(self, step: int) -> None:
        row = self.current_row() + step
        n = self.model.rowCount()
        while 0 <= row < n and not self.model.is_asked(row):
            row += step
        if 0 <= row < n:
            self.select(row)

    def update_guidance(self) -> None:
        q, view = self.current_question(), self.model.view
        if q is None or view is None:
            self.guidance.setText("")
            self.note_edit.setText("")
            return
        skipped = ("<br><i>Not asked for this record (its condition does not hold): counts as "
                   "n/a.</i>" if view.states[q.id][0] == NOT_ASKED else "")
        ref = f" ({escape(q.ref)})" if q.ref else ""
        self.guidance.setText(f"<b>{escape(q.id)}. {escape(q.text)}</b>{ref}<br>"
                              f"{escape(q.guidance or '')}{skipped}<br>"
                              f"<i>Keys:</i> {escape(keys_help(q))}")
        self.note_edit.setText(view.note(q.id))
