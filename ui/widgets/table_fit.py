"""Column widths that keep a table's text column readable at any window and font size.

The figure columns get what their contents need, but never so much that the text column (the
question) falls below a share of the table's width: past that point they shrink and their text
wraps. The text column takes the rest, and rows grow to the wrapped text, so nothing is elided.
Sizes are computed once per change of content or width, not on every layout (cheap at any
size)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QTableView

TEXT_SHARE = 0.4
MARGIN = 3                  # a cell's text margin, each side (Qt's item views)


class ColumnFitter(QObject):
    def __init__(self, view: QTableView, text_column: int = 0, share: float = TEXT_SHARE):
        super().__init__(view)
        self.view, self.text_column, self.share = view, text_column, share
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        view.viewport().installEventFilter(self)
        view.model().modelReset.connect(self._timer.start)
        view.model().dataChanged.connect(lambda *_: self._timer.start())

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self._timer.start()
        return False

    def fit(self) -> None:
        view, model = self.view, self.view.model()
        header = view.horizontalHeader()
        columns = [c for c in range(model.columnCount())
                   if c != self.text_column and not view.isColumnHidden(c)]
        if not columns:
            return
        available = view.viewport().width()
        wanted = {c: max(view.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in columns}
        room = available - int(available * self.share)
        total = sum(wanted.values())
        if total > room > 0:          # shrink, but never below a column's longest word
            wanted = {c: min(w, max(self._longest_word(c), int(w * room / total)))
                      for c, w in wanted.items()}
        for c, width in wanted.items():
            header.resizeSection(c, width)
        header.resizeSection(self.text_column, max(self._longest_word(self.text_column),
                                                   available - sum(wanted.values())))
        view.resizeRowsToContents()

    def _longest_word(self, col: int) -> int:
        """The width a column cannot go below without clipping: its longest word (header or
        cell) and the cell margins."""
        model, metrics = self.view.model(), self.view.fontMetrics()
        texts = [str(model.headerData(col, Qt.Orientation.Horizontal) or "")]
        texts += [str(model.data(model.index(r, col)) or "") for r in range(model.rowCount())]
        words = {w for text in texts for w in text.split()}
        bold = QFont(self.view.font())
        bold.setBold(True)                       # headers and some cells are bold
        widest = max((QFontMetrics(bold).horizontalAdvance(w) for w in words), default=0)
        return max(widest, metrics.height()) + 4 * MARGIN
