"""The grouped results as two tables side by side on one model: the question (and answer) column
frozen on the left, the group columns scrolling on the right. Rows keep one height (the wrapped
question text decides it), one selection and one vertical scroll position, so however many
groups there are the question stays in view beside its figures."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QSplitter,
    QTableView,
    QWidget,
)

from ui.models.grouped import COL_OPTION, COL_QUESTION, FIRST_GROUP, GroupedResultsModel
from ui.widgets.a11y import named


def _table(model: GroupedResultsModel, name: str, description: str) -> QTableView:
    view = QTableView()
    view.setTabKeyNavigation(False)      # Tab leaves the table (docs/keyboard.md)
    view.setModel(model)
    view.setWordWrap(True)
    view.verticalHeader().hide()
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    named(view, name, description)
    return view


class GroupedView(QWidget):
    figure_opened = Signal(object)          # (question id, answer, group value)
    question_changed = Signal(str)          # the question of the current row

    def __init__(self, model: GroupedResultsModel, parent=None):
        super().__init__(parent)
        self.model = model
        self.frozen = _table(model, "Questions", "The questions of the grouped results; their "
                             "figures per group are in the table to the right")
        self.frozen.setObjectName("groupedQuestions")
        self.groups = _table(model, "Figures per group", "Y/Total per group for each "
                             "question; Enter lists the records behind a figure")
        self.groups.setObjectName("groupedTable")
        self.groups.setSelectionModel(self.frozen.selectionModel())   # one current row
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for view in (self.frozen, self.groups):   # equal viewports: the rows line up
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.frozen.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.groups.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.frozen.verticalHeader().sectionResized.connect(self._row_resized)
        self.frozen.verticalScrollBar().valueChanged.connect(
            self.groups.verticalScrollBar().setValue)
        self.groups.verticalScrollBar().valueChanged.connect(
            self.frozen.verticalScrollBar().setValue)
        self.frozen.horizontalHeader().sectionResized.connect(lambda *_: self.sync_rows())
        for view in (self.groups, self.frozen):
            view.activated.connect(self._open)
            view.doubleClicked.connect(self._open)
        self.frozen.selectionModel().currentChanged.connect(self._current_changed)
        model.modelReset.connect(self._columns)
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.frozen)
        split.addWidget(self.groups)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 4)
        split.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        QWidget.setTabOrder(self.frozen, self.groups)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        width = self.split.width()
        if width and not getattr(self, "_sized", False):   # the question gets 55% at first
            self._sized = True
            self.split.setSizes([width * 55 // 100, width - width * 55 // 100])
            self.sync_rows()

    def _columns(self) -> None:
        """After a reset (the columns are made anew): which table shows which columns."""
        for col in range(self.model.columnCount()):
            self.frozen.setColumnHidden(col, col >= FIRST_GROUP)
            self.groups.setColumnHidden(col, col < FIRST_GROUP)
        if self.model.columnCount():
            header = self.frozen.horizontalHeader()
            header.setSectionResizeMode(COL_QUESTION, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(COL_OPTION, QHeaderView.ResizeMode.ResizeToContents)

    def sync_rows(self) -> None:
        """Rows as high as their wrapped question text, in both tables, under headers of one
        height (the group headers have three lines)."""
        height = max(self.frozen.horizontalHeader().sizeHint().height(),
                     self.groups.horizontalHeader().sizeHint().height())
        for view in (self.frozen, self.groups):
            view.horizontalHeader().setFixedHeight(height)
        self.frozen.resizeRowsToContents()
        for row in range(self.model.rowCount()):
            self.groups.setRowHeight(row, self.frozen.rowHeight(row))

    def _row_resized(self, row: int, _old: int, new: int) -> None:
        self.groups.setRowHeight(row, new)

    def _current_changed(self, current, _previous) -> None:
        qid = self.model.qid_at(current.row())
        if qid:
            self.question_changed.emit(qid)

    def current_qid(self) -> str:
        return self.model.qid_at(self.frozen.currentIndex().row())

    def select_figure(self, row: int, col: int = FIRST_GROUP) -> None:
        self.frozen.selectionModel().setCurrentIndex(
            self.model.index(row, col), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.groups.scrollTo(self.model.index(row, col))

    def _open(self, index) -> None:
        col = index.column() if index.column() >= FIRST_GROUP else FIRST_GROUP
        figure = self.model.figure_at(index.row(), col)
        if figure is not None:
            self.figure_opened.emit(figure)

    def setFocus(self) -> None:  # noqa: N802 - Qt API
        self.frozen.setFocus()
