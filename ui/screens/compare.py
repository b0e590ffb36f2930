"""Compare audits: tick two or more (the earliest created is the baseline) to see per question
the rate then and now, the change with its 95% interval, Fisher's p and "improved" / "worse" /
"no significant change"; a trend chart appears for three or more audits.

Operations: none (read only): ``Workspace.audits``, ``compare``."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer.ops.core import Changes
from ui.app.colours import set_colours, status
from ui.app.session import Session
from ui.models.check_audits import CheckAuditsModel
from ui.models.compare import COL_QUESTION, CompareModel
from ui.widgets.a11y import buddy, named
from ui.widgets.table_fit import ColumnFitter


class CompareView(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.audits_model = CheckAuditsModel(self)
        self.audits_model.dataChanged.connect(lambda *_: self.refresh())
        self.model = CompareModel(self)
        self.audit_list = QListView()
        self.audit_list.setObjectName("compareAudits")
        self.audit_list.setModel(self.audits_model)
        self.audit_list.setMaximumHeight(self.audit_list.fontMetrics().height() * 7)
        pick = buddy("Audi&ts to compare — tick two or more with Space; the earliest is the "
                     "baseline. Questions are matched by id.", self.audit_list, word_wrap=True)
        pick.setTextFormat(Qt.TextFormat.PlainText)          # "&" is a mnemonic, not HTML
        self.table = QTableView()
        self.table.setObjectName("compareTable")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.fitter = ColumnFitter(self.table, COL_QUESTION)    # the question keeps the room
        named(self.table, "Comparison", "Per question: the Y rate in each audit, the change of "
              "the last against the baseline, its interval, Fisher's p and the result")
        self.warnings = QLabel("")
        self.warnings.setObjectName("compareWarnings")
        self.warnings.setWordWrap(True)
        set_colours(self.warnings, status("warn", self.palette().color(QPalette.ColorRole.Window)))
        self.chart = QLabel("")
        self.chart.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        named(self.chart, "Trend chart", "The Y rate of each question in each audit; the same "
              "figures are in the Comparison table above it")
        self.chart_scroll = QScrollArea()
        self.chart_scroll.setWidgetResizable(True)
        self.chart_scroll.setWidget(self.chart)
        named(self.chart_scroll, "Trend chart")
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(self.table)
        self.split.addWidget(self.chart_scroll)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.chart_scroll.hide()            # only with three or more audits: no empty third
        layout = QVBoxLayout(self)
        layout.addWidget(pick)
        layout.addWidget(self.audit_list)
        layout.addWidget(self.warnings)
        layout.addWidget(self.split, 1)
        QWidget.setTabOrder(self.audit_list, self.table)
        QWidget.setTabOrder(self.table, self.chart_scroll)
        session.operation_did_execute.connect(self.on_operation)
        session.audit_opened.connect(self.reload)
        self.reload()

    def on_operation(self, changes: Changes, _initiator) -> None:
        if changes.audit_list:
            self.reload()
        elif changes.audit_id in {a.id for a in self.audits_model.chosen()} and (
                changes.touches_answers() or changes.records):
            self.refresh()

    def reload(self) -> None:
        hidden = self.session.hidden_audit_ids()      # blind scoring: its main audit
        self.audits_model.set_audits([a for a in self.session.ws.audits(include_archived=True)
                                      if a.id not in hidden])
        self.refresh()

    def refresh(self) -> None:
        chosen = self.audits_model.chosen()
        if len(chosen) < 2:
            self.model.set_comparison(None)
            self.warnings.setText("Tick at least two audits to compare them.")
            self.chart.clear()
            self.chart_scroll.hide()
            return
        c = self.session.ws.compare(chosen)
        self.model.set_comparison(c)
        self.fitter.fit()
        notes = [f"Warning: {w}" for w in c.warnings]
        if len(chosen) < 3:
            notes.append("A trend chart appears with three or more audits.")
        self.warnings.setText("\n".join(notes))
        shown = self.chart_scroll.isVisible()
        self.chart_scroll.setVisible(len(chosen) >= 3)
        if len(chosen) >= 3:
            self._trend(c)
            if not shown:
                self._arrange(force=True)
        else:
            self.chart.clear()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self, force: bool = False) -> None:
        """The trend chart beside the table when there is room for about 150 characters
        across (a laptop screen), else below it; it gets 2/5 either way, so it is never a strip
        (docs/keyboard.md, "Laptop screens")."""
        chars = self.width() // max(self.fontMetrics().horizontalAdvance("x"), 1)
        orientation = Qt.Orientation.Horizontal if chars >= 150 else Qt.Orientation.Vertical
        if not force and orientation == self.split.orientation():
            return
        self.split.setOrientation(orientation)
        size = self.width() if orientation == Qt.Orientation.Horizontal else \
            self.split.height()
        self.split.setSizes([size * 3 // 5, size - size * 3 // 5])

    def _trend(self, c) -> None:
        """Three or more audits: each question's p-chart with control limits (docs/contracts.md
        §13); its text alternative is the trend's table. Audits of different sets: the plain
        lines."""
        from reviewer.analysis.trend import trend
        from reviewer.errors import ReviewerError

        try:
            result = trend([a.name for a in c.audits], c.tallies)
        except ReviewerError as exc:
            self._lines(c)
            self.warnings.setText("\n".join(filter(None, [self.warnings.text(),
                                                         f"No control limits: {exc}"])))
            return
        from reviewer.outputs.trend_chart import trend_chart_png
        from reviewer.outputs.trend_text import to_text

        with self._chart_colours():                           # the theme's, not white
            png = trend_chart_png(result, columns=3, dpi=80)
        pixmap = QPixmap()
        pixmap.loadFromData(png)
        self.chart.setPixmap(pixmap)
        text = to_text(result)
        self.chart.setToolTip(text)
        named(self.chart, "Trend chart with control limits", text)

    def _lines(self, c) -> None:
        from reviewer.outputs.charts import trend_chart

        with self._chart_colours():                           # the theme's, not white
            png = trend_chart(c, columns=5, dpi=80)
        pixmap = QPixmap()
        pixmap.loadFromData(png)
        self.chart.setPixmap(pixmap)

    def _chart_colours(self):
        """matplotlib drawing in the palette's colours (a context): the chart's background is
        the screen's base, its text and axes the screen's text, in any theme."""
        import matplotlib

        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base).name()
        text = pal.color(QPalette.ColorRole.Text).name()
        return matplotlib.rc_context({
            "figure.facecolor": base, "axes.facecolor": base, "savefig.facecolor": base,
            "text.color": text, "axes.labelcolor": text, "axes.edgecolor": text,
            "axes.titlecolor": text, "xtick.color": text, "ytick.color": text,
            "legend.facecolor": base, "legend.edgecolor": text, "legend.labelcolor": text})
