"""Plan view (Ctrl+6): an improvement plan's items — owner, due date (overdue ones marked in
words), progress — with the evidence from the audits ticked (the first is the baseline): each
linked question's rate in every audit, the change and the verdict. Enter on a rate lists the
records behind it; Enter on one of those opens it for scoring.

Operations: ``ops.plans.import_plan``; reads ``Workspace.plans``, ``plan``, ``plan_status``,
``records_behind``."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer.ops.core import Changes
from reviewer.ops.plans import import_plan
from ui.app.operations import attempt, failure_lines, show_status
from ui.app.session import RefreshedWhenShown, Session
from ui.dialogs import file_dialogs
from ui.models.check_audits import CheckAuditsModel
from ui.models.plan_evidence import COL_QUESTION, PlanEvidenceModel
from ui.models.plan_items import COL_AREA, PlanItemsModel
from ui.widgets.a11y import buddy
from ui.widgets.behind_panel import BehindPanel
from ui.widgets.layout import RowKeeper, one_line_rows, row_table, scrolling_split


def default_evidence(audits: list) -> list:
    """A sensible start: the two latest whole audits (not calibrations, not archived), finished
    ones preferred over an audit still being scored; none when there are fewer than two."""
    whole = [a for a in audits if a.calibrates is None and not a.archived]
    finished = [a for a in whole if a.records and a.complete == a.records]
    pick = finished if len(finished) >= 2 else whole
    return pick[-2:] if len(pick) >= 2 else []


class PlanView(RefreshedWhenShown, QWidget):
    open_record = Signal(int, int, str)        # audit id, record id, question id

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.status = None
        self.plan_combo = QComboBox()
        self.plan_combo.setAccessibleName("Improvement plan")
        self.plan_combo.activated.connect(lambda _i: self.refresh())
        plan_label = QLabel("Pla&n:")            # Alt+P is the Plan tab
        plan_label.setBuddy(self.plan_combo)
        self.import_button = QPushButton("&Import plan…")
        self.import_button.setAccessibleName("Import an improvement plan")
        self.import_button.clicked.connect(self.import_dialog)
        self.audits_model = CheckAuditsModel(self)
        self.audits_model.dataChanged.connect(lambda *_: self.refresh())
        self.audit_list = QListView()
        self.audit_list.setObjectName("planAudits")
        self.audit_list.setAccessibleName("Audits giving the evidence (first is the baseline)")
        self.audit_list.setModel(self.audits_model)
        self.audit_list.setMaximumHeight(self.audit_list.fontMetrics().height() * 6)
        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        self.items = PlanItemsModel(self)
        self.items_view = one_line_rows(row_table(self.items, "planItems", "Plan items"))
        self.items_view.horizontalHeader().setSectionResizeMode(
            COL_AREA, QHeaderView.ResizeMode.Stretch)
        self.items_view.selectionModel().currentRowChanged.connect(lambda *_: self._item())
        self.progress = QLabel("")
        self.progress.setObjectName("planProgress")
        self.progress.setWordWrap(True)
        self.evidence = PlanEvidenceModel(self)
        self.evidence_view = row_table(self.evidence, "planEvidence", "Evidence for the item")
        self.evidence_view.horizontalHeader().setSectionResizeMode(
            COL_QUESTION, QHeaderView.ResizeMode.Stretch)
        self.evidence_view.activated.connect(self.show_behind)
        self.evidence_view.doubleClicked.connect(self.show_behind)
        self.behind = BehindPanel("planBehind", "Records behind the rate",
                                  "Records behind a rate: Enter on it.")
        self.behind.chosen.connect(self._open_behind)
        self._behind: tuple[int, str] | None = None
        self._to_show = ""             # a plan being imported: the hook's refresh shows it
        self._layout(plan_label)
        session.audit_opened.connect(self.mark_dirty)
        session.operation_did_execute.connect(self._on_operation)

    def _layout(self, plan_label: QLabel) -> None:
        top = QHBoxLayout()
        top.addWidget(plan_label)
        top.addWidget(self.plan_combo, 1)
        top.addWidget(self.import_button)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.progress)
        ll.addWidget(self.evidence_view, 2)
        ll.addWidget(self.behind, 1)
        split = scrolling_split(self.items_view, lower, (4, 5))
        self._keeper = RowKeeper(split, self.items_view)     # eight items on a laptop screen
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buddy("Audits giving the evidence — tick two or more with Space; the "
                               "first ticked is the baseline:", self.audit_list,
                               word_wrap=True))
        layout.addWidget(self.audit_list)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)

    # -- following the session ------------------------------------------------------------------
    def _on_operation(self, changes: Changes, _initiator) -> None:
        if changes.plans or changes.audit_list or changes.touches_answers():
            self.mark_dirty()

    def reload_lists(self) -> None:
        ws = self.session.ws
        chosen = self._to_show or self.plan_combo.currentText()
        names = [p.name for p in ws.plans()]
        self.plan_combo.clear()
        self.plan_combo.addItems(names)
        if chosen in names:
            self.plan_combo.setCurrentText(chosen)
        hidden = self.session.hidden_audit_ids()
        audits = [a for a in ws.audits(include_archived=True) if a.id not in hidden]
        first_time = not self.audits_model.audits
        self.audits_model.set_audits(audits)
        if first_time:
            self.audits_model.checked = {a.id for a in default_evidence(audits)}

    def refresh(self) -> None:
        self._dirty = False
        self.reload_lists()
        self.items.set_items([])
        self.evidence.set_item(None, [])
        self.behind.clear()
        if not self.plan_combo.count():
            self.heading.setText("No improvement plan yet: Import plan… reads one (CSV or XLSX "
                                 "with ref, area, due, owner, progress, complete, questions).")
            return
        chosen = self.audits_model.chosen()
        if len(chosen) < 2:
            self.heading.setText("Tick at least two audits: a baseline and a later one.")
            return
        ws, name = self.session.ws, self.plan_combo.currentText()
        self.status = attempt(lambda: ws.plan_status(ws.plan(name), chosen), self, "Judge the plan",
                              on_failure=lambda exc: self.heading.setText(
                                  "<b>Cannot judge the plan:</b> "
                                  + html.escape(" ".join(failure_lines(exc)))))
        if self.status is None:
            return
        counts: dict[str, int] = {}
        for item in self.status.items:
            counts[item.status] = counts.get(item.status, 0) + 1
        overdue = sum(item.overdue() for item in self.status.items)
        self.heading.setText(
            f"{len(self.status.items)} items; evidence {chosen[0].name} → {chosen[-1].name}: "
            + ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
            + f". {overdue} overdue (past due and not complete).")
        self.items.set_items(self.status.items)
        if self.status.items:
            self.items_view.selectRow(0)

    def _item(self) -> None:
        item = self.items.item(self.items_view.currentIndex().row())
        if item is None or self.status is None:
            return
        self.progress.setText(f"<b>{item.item.ref}</b> — progress: "
                              f"{item.item.progress or 'none recorded'}"
                              + (f" (updated {item.item.updated})" if item.item.updated else ""))
        self.evidence.set_item(item, self.status.audits)
        self.evidence_view.resizeRowsToContents()
        self.behind.clear()

    # -- records behind a rate ------------------------------------------------------------------
    def show_behind(self, index) -> None:
        figure = self.evidence.figure_at(index.row(), index.column())
        if figure is None:
            return
        audit, qid = figure
        found = self.session.ws.records_behind(audit, qid, "total")
        self._behind = (audit.id, qid)
        self.behind.show_records(found, f"Question {qid} in {audit.name}, answered Y or N")

    def _open_behind(self, rid: int) -> None:
        if self._behind is not None:
            self.open_record.emit(self._behind[0], rid, self._behind[1])

    def import_dialog(self) -> None:
        path = file_dialogs.open_file(self, "plans", "Import an improvement plan",
                                      "Plans (*.csv *.xlsx);;All files (*)")
        if not path:
            return
        name, ok = QInputDialog.getText(
            self, "Import an improvement plan", "Plan name (importing a plan of the same name "
            "again updates its items):", text=self.plan_combo.currentText() or Path(path).stem)
        if not ok:
            return
        self._to_show = name.strip()
        self.session.run(lambda ws, _p: import_plan(ws, name, path), self, "Importing the plan…",
                         on_success=lambda done: show_status(self, done.message, 15000))
        self._to_show = ""
