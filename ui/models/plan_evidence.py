"""The evidence for one plan item: each linked question's Y rate in every audit with its 95%
interval, the change from the first audit to the last with Fisher's p, the verdict, and the
target. A rate cell can be opened to list the records behind it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reviewer.analysis.plans import ItemEvidence
from reviewer.analysis.stats import rate, rate_text
from reviewer.analysis.targets import target_label
from reviewer.outputs.numbers import p_value
from reviewer.store.audits import AuditInfo
from ui.models.table import Index, TableModel

COL_QUESTION = 0
FIRST_AUDIT = 1


class PlanEvidenceModel(TableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.item: ItemEvidence | None = None
        self.audits: list[AuditInfo] = []
        self.HEADERS = ("Question",)

    def set_item(self, item: ItemEvidence | None, audits: list[AuditInfo]) -> None:
        self.beginResetModel()
        self.item, self.audits = item, audits
        self.HEADERS = ("Question", *[f"{a.name}\nY rate (95% CI)" for a in audits],
                        "Change", "Verdict", "Target")
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.item.questions) if self.item else 0

    def figure_at(self, row: int, col: int) -> tuple[AuditInfo, str] | None:
        """(audit, question id) of a rate cell, for the records behind it."""
        if self.item is None or not FIRST_AUDIT <= col < FIRST_AUDIT + len(self.audits):
            return None
        ev = self.item.questions[row]
        if ev.figures[col - FIRST_AUDIT] is None:
            return None
        return self.audits[col - FIRST_AUDIT], ev.question.id

    def cell(self, row: int, col: int) -> str:
        ev = self.item.questions[row]
        q, n = ev.question, len(self.audits)
        if col == COL_QUESTION:
            return f"{q.id}. {q.text}" + (f" [{q.ref}]" if q.ref else "")
        if col < FIRST_AUDIT + n:
            f = ev.figures[col - FIRST_AUDIT]
            if f is None:
                return "not asked"
            if q.type != "yes_no":
                return "not a yes/no question"
            return f"{rate_text(rate(f.yes, f.total))}  n={f.total}"
        if col == FIRST_AUDIT + n:
            if ev.difference is None:
                return "—"
            return f"{ev.difference * 100:+.0f} points, {p_value(ev.p_value)}"
        if col == FIRST_AUDIT + n + 1:
            return ev.flag
        last = ev.figures[-1]
        if q.target is None or last is None:
            return ""
        return target_label(q.target, q.direction, last.target_status)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.ToolTipRole and self.figure_at(index.row(), index.column()):
            return "Enter (or double-click) lists the records behind this rate"
        return None
