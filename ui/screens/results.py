"""Results: the appendix tables for the open audit, live, with a Y-rate chart; any figure can
be opened to list the records behind it, and each of those opens in the scoring screen.

Grouped by a record field, the question column stays in view beside the scrolling group columns
(``ui.widgets.grouped_view``), the chart shows the current question's Y rate per group, and
every group figure opens its records too. The chart is painted with Qt
(``ui.widgets.rate_chart``), not matplotlib, so the first Results view imports nothing heavy.

Operations: none (read only): ``Workspace.tally``, ``tally_by``, ``records_behind``."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer.analysis.stats import rate
from reviewer.ops.core import Changes
from reviewer.outputs.tally_format import NA_NOTE
from ui.app.session import RefreshedWhenShown, Session
from ui.models.grouped import GroupedResultsModel
from ui.models.results import COL_QUESTION, COL_TARGET, ResultsModel
from ui.widgets.a11y import buddy, named
from ui.widgets.behind_panel import BehindPanel
from ui.widgets.grouped_view import GroupedView
from ui.widgets.rate_chart import RateChart
from ui.widgets.table_fit import ColumnFitter


class ResultsView(RefreshedWhenShown, QWidget):
    open_record = Signal(int, str)      # record id, question id

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.model = ResultsModel(self)
        self.grouped = GroupedResultsModel(self)
        self._behind_qid = ""
        self._groups: list = []
        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        self.group_combo = QComboBox()
        self.group_combo.setAccessibleName("Group by")     # read by its label, not its value
        self.group_combo.setObjectName("groupBy")
        self.group_combo.activated.connect(lambda _i: self.refresh())
        self.grouped_view = GroupedView(self.grouped)
        self.grouped_table = self.grouped_view.groups
        self.grouped_view.figure_opened.connect(self._show_group_behind)
        self.grouped_view.question_changed.connect(lambda _q: self._draw_chart())
        self.grouped_view.hide()
        self.table = QTableView()
        self.table.setObjectName("resultsTable")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # the question column keeps 40% of the width and wraps; rows grow to fit it
        self.fitter = ColumnFitter(self.table, COL_QUESTION)
        named(self.table, "Results table", "Y, N and Total per question with the Y rate and "
              "its 95% interval; Enter on a figure lists the records behind it")
        self.table.activated.connect(self.show_behind)
        self.table.doubleClicked.connect(self.show_behind)
        self.chart = RateChart("the Results table")
        self.chart_scroll = QScrollArea()
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setWidget(self.chart)
        self.chart_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.behind = BehindPanel("behindTable", "Records behind the figure",
                                  "Records behind a figure: double-click or press Enter on it.")
        self.behind.chosen.connect(lambda rid: self.open_record.emit(rid, self._behind_qid))
        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        session.audit_opened.connect(self.mark_dirty)
        session.operation_did_execute.connect(self.on_operation)

    def _build(self) -> None:
        side = QWidget()
        self.side_layout = sl = QBoxLayout(QBoxLayout.Direction.TopToBottom, side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.chart_scroll, 2)
        sl.addWidget(self.behind, 1)
        tables = QWidget()
        tl = QVBoxLayout(tables)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.table)
        tl.addWidget(self.grouped_view)
        self.split = split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(tables)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self._split_set = False
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(buddy("&Group by:", self.group_combo))
        top.addWidget(self.group_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        # the chart's text alternative is the table: the keyboard reaches the table first
        for a, b in ((self.group_combo, self.table), (self.table, self.grouped_view.frozen),
                     (self.grouped_view.frozen, self.grouped_view.groups),
                     (self.grouped_view.groups, self.chart), (self.chart, self.behind.view)):
            QWidget.setTabOrder(a, b)

    def on_operation(self, changes: Changes, _initiator) -> None:
        audit = self.session.audit
        if audit is not None and changes.audit_id == audit.id and (
                changes.touches_answers() or changes.records):
            self.mark_dirty()

    def refresh_soon(self) -> None:
        self._timer.start()                  # answers in quick succession: one refresh

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._arrange()
        super().showEvent(event)             # refreshed when the hook marked it

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        """The chart beside the tables when there is room for about 150 characters across,
        else below them (a small screen, a large font); the tables get 3/5 either way."""
        chars = self.width() // max(self.fontMetrics().horizontalAdvance("x"), 1)
        orientation = Qt.Orientation.Horizontal if chars >= 150 else Qt.Orientation.Vertical
        if self._split_set and orientation == self.split.orientation():
            return
        self._split_set = True
        self.split.setOrientation(orientation)
        self.side_layout.setDirection(QBoxLayout.Direction.TopToBottom if orientation
                                      == Qt.Orientation.Horizontal
                                      else QBoxLayout.Direction.LeftToRight)
        size = self.width() if orientation == Qt.Orientation.Horizontal else self.height()
        self.split.setSizes([size * 3 // 5, size - size * 3 // 5])

    def chart_ready(self) -> bool:
        """Whether the chart shows what the table shows (benchmarks, tests)."""
        return not self._dirty

    def refresh(self) -> None:
        self._dirty = False
        audit, qs = self.session.audit, self.session.qset
        if audit is None or qs is None:
            self.heading.setText("No audit open.")
            self.model.set_tally(None)
            self.chart.show_message("No audit open.")
            return
        t = self.session.ws.tally(audit, qs)
        self.heading.setText(f"<b>{audit.name}</b> — {qs.title} (version {qs.version}) — "
                             f"{t.records} records. {NA_NOTE}" + self._weighted(audit, t))
        self.model.set_tally(t)
        # the Target column only where the question set sets targets (docs/contracts.md §9)
        self.table.setColumnHidden(COL_TARGET, not any(r.target for r in self.model.rows))
        self.fitter.fit()
        self._fill_groups(audit)
        by = self.group_combo.currentData()
        self.grouped_view.setVisible(bool(by))
        self.table.setVisible(not by)
        self._groups = self.session.ws.tally_by(audit, by, qs) if by else []
        if by:
            self.grouped.set_groups(t, self._groups)
            self.grouped_view.sync_rows()
            if not self.grouped_view.current_qid():
                first = next((i for i, r in enumerate(self.grouped.rows) if r.kind == "yes_no"), 0)
                self.grouped_view.select_figure(first)
        if self._behind_qid:
            self.behind.clear("Figures changed: pick a figure again to list its records.")
            self._behind_qid = ""
        self._draw_chart()

    def _weighted(self, audit, t) -> str:
        """The weighted Y rates beside the plain ones, where the strata were sampled at unequal
        fractions (docs/weighted.md)."""
        from reviewer.outputs.tally_format import weighted_text

        figures = self.session.ws.weighted(audit, t)
        if not figures:
            return ""
        lines = [f"{qt.question.id}: {weighted_text(figures[qt.question.id], qt)}"
                 for qt in t.questions if qt.question.id in figures]
        return ("<br>Strata sampled at unequal fractions — weighted by population: "
                + escape("; ".join(lines)))

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

    def _draw_chart(self) -> None:
        t = self.model.tally
        if t is None:
            return
        by = self.group_combo.currentData()
        if not by:
            bars = [(f"{qt.question.id}. {qt.question.text}", rate(qt.yes, qt.total))
                    for qt in t.questions if qt.question.type == "yes_no"]
            if bars:
                self.chart.set_bars("Y rate per question, with 95% intervals", bars)
            else:
                self.chart.show_message("No yes/no questions to chart.")
            return
        qid = self.grouped_view.current_qid()
        overall = t.by_id().get(qid)
        if overall is None or overall.question.type != "yes_no":
            self.chart.show_message(f"Grouped by {by}: pick a yes/no question in the table to "
                                    "chart its Y rate per group.")
            return
        bars = [("All records", rate(overall.yes, overall.total))]
        for value, group in self._groups:
            qt = group.by_id().get(qid)
            if qt is not None:
                bars.append((value or "(blank)", rate(qt.yes, qt.total)))
        self.chart.set_bars(f"Question {qid}: Y rate by {by}", bars)

    def show_behind(self, index) -> None:
        figure = self.model.figure_at(index.row(), index.column())
        if figure is None or self.session.audit is None:
            return
        qid, answer = figure
        found = self.session.ws.records_behind(self.session.audit, qid, answer)
        what = "answered" if answer == "total" else f"'{answer}'"
        self._list_behind(qid, found, f"Question {qid}, {what}")

    def _show_group_behind(self, figure) -> None:
        qid, answer, value = figure
        audit, by = self.session.audit, self.group_combo.currentData()
        if audit is None:
            return
        if value is None:
            found = self.session.ws.records_behind(audit, qid, answer)
            where = "all records"
        else:
            found = self.session.ws.records_behind(audit, qid, answer, by, value)
            where = f"{by} = {value or '(blank)'}"
        what = "answered" if answer == "total" else f"'{answer}'"
        self._list_behind(qid, found, f"Question {qid}, {what}, {where}")

    def _list_behind(self, qid: str, found: list[tuple[int, str]], what: str) -> None:
        self._behind_qid = qid
        self.behind.show_records(found, what)
