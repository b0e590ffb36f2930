"""Layout pieces shared by the screens."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
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
