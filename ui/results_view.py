"""Results: the appendix tables for the open audit, live, with a Y-rate chart; any figure can
be opened to list the records behind it, and each of those opens in the scoring screen."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer.analysis.stats import rate
from reviewer.analysis.tally import Tally
from reviewer.ops.core import Changes
from reviewer.outputs.tally_format import NA_NOTE

from .behind_model import BehindModel
from .grouped_model import GroupedResultsModel
from .results_model import COL_QUESTION, ResultsModel
from .session import Session


class ResultsView(QWidget):
    open_record = Signal(int, str)      # record id, question id

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.model = ResultsModel(self)
        self.behind = BehindModel(self)
        self._dirty = True
        self._behind_qid = ""
        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        self.group_combo = QComboBox()
        self.group_combo.setObjectName("groupBy")
        self.group_combo.activated.connect(lambda _i: self.refresh())
        self.grouped = GroupedResultsModel(self)
        self.grouped_table = QTableView()
        self.grouped_table.setObjectName("groupedTable")
        self.grouped_table.setModel(self.grouped)
        self.grouped_table.setWordWrap(True)
        self.grouped_table.verticalHeader().hide()
        self.grouped_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.grouped_table.hide()
        self.table = QTableView()
        self.table.setObjectName("resultsTable")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(COL_QUESTION,
                                                           QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self.show_behind)
        self.table.doubleClicked.connect(self.show_behind)
        self.chart = QLabel("")
        self.chart.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        chart_scroll = QScrollArea()
        chart_scroll.setWidgetResizable(True)
        chart_scroll.setWidget(self.chart)
        self.behind_label = QLabel("Records behind a figure: double-click or press Enter on it.")
        self.behind_label.setWordWrap(True)
        self.behind_view = QTableView()
        self.behind_view.setObjectName("behindTable")
        self.behind_view.setModel(self.behind)
        self.behind_view.verticalHeader().hide()
        self.behind_view.horizontalHeader().setStretchLastSection(True)
        self.behind_view.activated.connect(self._open_behind)
        self.behind_view.doubleClicked.connect(self._open_behind)
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(chart_scroll, 3)
        sl.addWidget(self.behind_label)
        sl.addWidget(self.behind_view, 2)
        tables = QWidget()
        tl = QVBoxLayout(tables)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.table)
        tl.addWidget(self.grouped_table)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(tables)
        split.addWidget(side)
        split.setSizes([760, 480])
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(QLabel("&Group by:"))
        top.itemAt(top.count() - 1).widget().setBuddy(self.group_combo)
        top.addWidget(self.group_combo)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        session.audit_opened.connect(self.mark_dirty)
        session.operation_did_execute.connect(self.on_operation)

    def on_operation(self, changes: Changes, _initiator) -> None:
        audit = self.session.audit
        if audit is not None and changes.audit_id == audit.id and (
                changes.touches_answers() or changes.records):
            self.mark_dirty()

    def mark_dirty(self, *_args) -> None:
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        self._dirty = False
        audit, qs = self.session.audit, self.session.qset
        if audit is None or qs is None:
            self.heading.setText("No audit open.")
            self.model.set_tally(None)
            return
        t = self.session.ws.tally(audit, qs)
        self.heading.setText(f"<b>{audit.name}</b> — {qs.title} (version {qs.version}) — "
                             f"{t.records} records. {NA_NOTE}")
        self.model.set_tally(t)
        self.table.resizeRowsToContents()
        self._fill_groups(audit)
        by = self.group_combo.currentData()
        self.grouped_table.setVisible(bool(by))
        self.table.setVisible(not by)
        if by:
            self.grouped.set_groups(t, self.session.ws.tally_by(audit, by, qs))
            self.grouped_table.resizeRowsToContents()
        self._draw_chart(t)
        if self._behind_qid:
            self.behind.set_records([])
            self.behind_label.setText("Figures changed: pick a figure again to list its records.")
            self._behind_qid = ""

    def _fill_groups(self, audit) -> None:
        fields = self.session.ws.field_names(audit)
        current = self.group_combo.currentData()
        if [self.group_combo.itemData(i) for i in range(1, self.group_combo.count())] == fields:
            return
        self.group_combo.clear()
        self.group_combo.addItem("(whole audit)", "")
        for name in fields:
            self.group_combo.addItem(name, name)
        self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(current)))

    def group_by(self, field: str) -> None:
        self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(field)))
        self.refresh()

    def _draw_chart(self, t: Tally) -> None:
        from reviewer.outputs.charts import Bar, rate_bars_png

        bars = [Bar(f"{qt.question.id}. {qt.question.text}", rate(qt.yes, qt.total))
                for qt in t.questions if qt.question.type == "yes_no"]
        if not bars:
            self.chart.setText("No yes/no questions to chart.")
            return
        pixmap = QPixmap()
        pixmap.loadFromData(rate_bars_png(bars, width_in=5.1, dpi=88, label_width=28))
        self.chart.setPixmap(pixmap)

    def show_behind(self, index) -> None:
        figure = self.model.figure_at(index.row(), index.column())
        if figure is None or self.session.audit is None:
            return
        qid, answer = figure
        found = self.session.ws.records_behind(self.session.audit, qid, answer)
        self._behind_qid = qid
        self.behind.set_records(found)
        what = "answered" if answer == "total" else f"'{answer}'"
        self.behind_label.setText(f"Question {qid}, {what}: {len(found)} records. "
                                  "Enter opens one in the scoring screen.")
        if found:
            self.behind_view.setFocus()
            self.behind_view.selectRow(0)

    def _open_behind(self, index) -> None:
        rid = self.behind.record_id(index.row())
        if rid is not None:
            self.open_record.emit(rid, self._behind_qid)
