"""Layout pieces shared by the screens."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QScrollArea,
    QSplitter,
    QTableView,
    QWidget,
)


def scrolling_split(upper: QWidget, lower: QWidget, stretch: tuple[int, int]) -> QSplitter:
    """``upper`` above ``lower`` in a vertical splitter (neither can be collapsed away), the
    lower part in a frameless scroll area: a short window or a large font scrolls it rather
    than clipping it."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setWidget(lower)
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(upper)
    split.addWidget(scroll)
    split.setStretchFactor(0, stretch[0])
    split.setStretchFactor(1, stretch[1])
    split.setChildrenCollapsible(False)
    return split


def row_table(model: QAbstractItemModel, name: str, accessible: str) -> QTableView:
    """A read-only table of whole rows on ``model``: one row selected at a time, wrapped text,
    no row numbers, columns as wide as their contents (the Calibration and Plan views)."""
    view = QTableView()
    view.setTabKeyNavigation(False)      # Tab leaves the table (docs/keyboard.md)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def one_line_rows(view: QTableView) -> QTableView:
    """Rows one line high, long text elided (its tooltip or the panel below shows it whole):
    a laptop screen shows eight or more rows (docs/keyboard.md, "Laptop screens")."""
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
    return view


def rows_height(view: QTableView, rows: int = 8) -> int:
    """The height that shows ``rows`` rows of ``view`` under its header."""
    header = view.horizontalHeader()
    return ((0 if header.isHidden() else header.sizeHint().height())
            + 2 * view.frameWidth() + rows * view.verticalHeader().defaultSectionSize() + 4)


def _floor(pane: QWidget) -> int:
    """The least height a pane keeps: its minimum, or what its wrapped text needs at its
    width (a large font)."""
    if pane.isHidden():
        return 0
    need = pane.minimumSizeHint().height()
    if pane.hasHeightForWidth():
        need = max(need, pane.heightForWidth(pane.width()))
    if isinstance(pane, QAbstractItemView) or pane.findChild(QAbstractItemView) is not None:
        return need                  # its table scrolls
    # a line to spare: nested wrapped labels ask for more than their pane reports
    return need + pane.fontMetrics().height()


class RowKeeper(QObject):
    """Keeps ``rows`` rows of ``view`` in sight in the splitter ``split`` (the view is its pane
    ``pane``): each time the splitter is resized, or a pane shown, the view's pane gets at least
    that much, taken from the ``donors`` panes (default: all the others) down to what they
    need, until the user moves the handle themselves."""

    def __init__(self, split: QSplitter, view: QTableView, pane: int = 0, rows: int = 8,
                 donors: tuple[int | QWidget, ...] = (),
                 watch: tuple[QWidget, ...] | None = None):
        super().__init__(split)
        self.split, self.view, self.pane, self.rows = split, view, pane, rows
        self.donors = donors        # panes (widgets or indexes); none given: all the others
        self.moved_by_user = False
        split.splitterMoved.connect(self._moved)
        # what is watched: the splitter and its panes, or only ``watch`` (the screen calls
        # ``keep`` itself once it is laid out)
        for w in (split, *(split.widget(i) for i in range(split.count()))) if watch is None \
                else watch:
            w.installEventFilter(self)

    def _moved(self, *_args) -> None:
        self.moved_by_user = True

    def need(self) -> int:
        return rows_height(self.view, self.rows)

    def keep(self) -> None:
        split = self.split
        sizes = split.sizes()
        short = rows_height(self.view, self.rows) - sizes[self.pane]
        if self.moved_by_user or not sum(sizes) or short <= 0:
            return
        given = 0
        donors = [d if isinstance(d, int) else split.indexOf(d) for d in self.donors] or \
            [i for i in range(split.count()) if i != self.pane]
        for i in donors:
            give = min(short - given, max(sizes[i] - _floor(split.widget(i)), 0))
            sizes[i] -= give
            given += give
        if given:
            sizes[self.pane] += given
            split.setSizes(sizes)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        if watched is self.split and event.type() in (QEvent.Type.Resize, QEvent.Type.Show,
                                                      QEvent.Type.LayoutRequest):
            self.keep()
        elif event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            QTimer.singleShot(0, self.keep)     # once the splitter has shared the room out
        return False
