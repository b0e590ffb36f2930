"""The question side of the scoring screen: the record's questions in asking order, the current
question's guidance and the note editor, and moving between questions."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer.ops.scoring import RecordView
from reviewer.questions.logic import NOT_ASKED, UNANSWERED
from reviewer.questions.model import Question
from ui.models.questions import COL_ANSWER, COL_TEXT, QuestionsModel
from ui.widgets.a11y import named
from ui.widgets.table_fit import ColumnFitter


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
        # the question keeps 55% of the width; rows grow to its wrapped text: nothing is cut
        # off at large system fonts (the note, answer and id columns give way first)
        self.fitter = ColumnFitter(self.view, COL_TEXT, share=0.55)
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
        # questions above, guidance and note below: a splitter the user can move, and the lower
        # part scrolls rather than clips when the window is short or the font large
        self.view.setMinimumHeight(self.view.fontMetrics().height() * 6)
        lower = QWidget()
        below = QVBoxLayout(lower)
        below.setContentsMargins(0, 0, 0, 0)
        below.addWidget(self.guidance)
        below.addWidget(self.note_edit)
        below.addStretch(1)
        self.lower = QScrollArea()
        self.lower.setWidgetResizable(True)
        self.lower.setFrameShape(QScrollArea.Shape.NoFrame)
        self.lower.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lower.setWidget(lower)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(self.view)
        self.split.addWidget(self.lower)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        self.split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.update_guidance())

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        """The first time: room below the questions for the guidance, the note and its
        times (at most 35% of the height; more scrolls)."""
        super().showEvent(event)
        if not getattr(self, "_split_set", False):
            self._split_set = True
            QTimer.singleShot(0, self._size_split)       # once the layouts have settled

    def _size_split(self) -> None:
        height, lower = self.split.height(), self.lower.widget()
        need = lower.layout().totalHeightForWidth(self.lower.viewport().width()) \
            if lower.layout().hasHeightForWidth() else lower.sizeHint().height()
        below = min(need + self.fontMetrics().height(), height * 35 // 100)
        self.split.setSizes([height - below, below])

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
