"""Compare audits: tick two or more (the earliest created is the baseline) to see per question
the rate then and now, the change with its 95% interval, Fisher's p and "improved" / "worse" /
"no significant change"; a trend chart appears for three or more audits."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
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
from reviewer.store.audits import AuditInfo

from .a11y import buddy, named
from .colours import set_colours, status
from .compare_model import COL_QUESTION, CompareModel
from .session import Session
from .table_fit import ColumnFitter

Index = QModelIndex | QPersistentModelIndex


class CheckAuditsModel(QAbstractListModel):
    """Audits with a tick box each (Space toggles), in creation order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.audits: list[AuditInfo] = []
        self.checked: set[int] = set()

    def set_audits(self, audits: list[AuditInfo]) -> None:
        self.beginResetModel()
        self.audits = audits
        self.checked &= {a.id for a in audits}
        self.endResetModel()

    def chosen(self) -> list[AuditInfo]:
        return [a for a in self.audits if a.id in self.checked]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.audits)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsUserCheckable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a = self.audits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{a.name}  ({a.set_key} v{a.set_version}, {a.records} records)"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if a.id in self.checked else Qt.CheckState.Unchecked
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        a = self.audits[index.row()]
        on = Qt.CheckState(value) == Qt.CheckState.Checked
        (self.checked.add if on else self.checked.discard)(a.id)
        self.dataChanged.emit(index, index, [role])
        return True


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
        self.chart_scroll.setVisible(len(chosen) >= 3)
        if len(chosen) >= 3:
            self._trend(c)
        else:
            self.chart.clear()

    def _trend(self, c) -> None:
        from reviewer.outputs.charts import trend_chart

        png = trend_chart(c, columns=5, dpi=80)
        pixmap = QPixmap()
        pixmap.loadFromData(png)
        self.chart.setPixmap(pixmap)
