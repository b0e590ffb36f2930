"""Calibration view (Ctrl+5): agreement between the open (main) audit and a second scoring of it,
per question with Cohen's kappa, and the disagreements side by side — record, question, both
answers, both notes, the call recording — for the lead to adjudicate from the keyboard:
A keeps the main audit's answer, B takes the other one, Enter opens the record for another
answer. Each pick is an ``adjudicate`` event in the main audit's history.

While a calibration audit is being scored blind, its main audit's answers are shown nowhere:
opened on a calibration audit, this view shows nothing but that rule.

Operations: ``ops.calibrate.adjudicate`` (and ``create_calibration`` with ``ops.team.assign``
through ``ui.dialogs.calibration``); reads ``Workspace.agreement``, ``history``."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from reviewer.errors import ReviewerError
from reviewer.files.recordings import recording_path
from reviewer.ops import calibrate, scoring
from reviewer.ops.core import Changes
from reviewer.store.audits import AuditInfo
from ui.app.operations import show_status
from ui.app.session import RefreshedWhenShown, Session
from ui.app.shortcuts import keys
from ui.models.agreement import COL_QUESTION, AgreementModel
from ui.models.disagreements import COL_DECISION, DisagreementsModel, Row
from ui.widgets.a11y import buddy
from ui.widgets.layout import RowKeeper, one_line_rows, row_table, rows_height, scrolling_split
from ui.widgets.player import CallPlayer

TEAM = "team:"      # the combo's entries for a team's calibration audits together


class CalibrationView(RefreshedWhenShown, QWidget):
    open_record = Signal(int, str)

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self._other: AuditInfo | None = None          # the audit compared with
        self._decided: list[tuple[int, str, str]] = []  # (row, decision, main's answer) before
        self.heading = QLabel("")
        self.heading.setWordWrap(True)
        self.other_combo = QComboBox()
        self.other_combo.setAccessibleName("Audit to compare with")
        self.other_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.other_combo.setMinimumContentsLength(36)
        self.other_combo.activated.connect(lambda _i: self.refresh())
        pick = QLabel("Compared &with:")
        pick.setBuddy(self.other_combo)
        self.summary = AgreementModel(self)
        self.summary_view = one_line_rows(row_table(self.summary, "agreementTable",
                                                    "Agreement per question"))
        self.summary_view.horizontalHeader().setSectionResizeMode(
            COL_QUESTION, QHeaderView.ResizeMode.Stretch)
        self.model = DisagreementsModel(self)
        self.view = one_line_rows(row_table(self.model, "disagreementsTable", "Disagreements"))
        self.view.horizontalHeader().setSectionResizeMode(COL_DECISION,
                                                          QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._row_changed())
        self.player = CallPlayer()
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setObjectName("disagreementDetail")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(pick)
        top.addWidget(self.other_combo)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(buddy("Disagreements — A keeps the main audit's answer, B takes the "
                           "other, Enter opens the record, Space plays the call:", self.view,
                           word_wrap=True))
        ll.addWidget(self.view, 3)
        ll.addWidget(self.detail)
        ll.addWidget(self.player)
        split = scrolling_split(self.summary_view, lower, (1, 2))
        # eight questions in sight, and eight disagreements (the lower part scrolls if need be)
        self._keeper = RowKeeper(split, self.summary_view)
        self.view.setMinimumHeight(rows_height(self.view))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        for name, fn in (("keep_main", lambda: self.decide("a")),
                         ("take_other", lambda: self.decide("b")),
                         ("open_disagreement", self._open), ("play_pause", self.player.toggle),
                         ("refresh", self.refresh), ("undo_decision", self.undo_decision)):
            action = QAction(name, self)
            action.setShortcuts([QKeySequence(k) for k in keys(name)])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(fn)
            self.addAction(action)
        session.audit_opened.connect(self.mark_dirty)
        session.operation_did_execute.connect(self._on_operation)

    # -- following the session ------------------------------------------------------------------
    def _on_operation(self, changes: Changes, initiator) -> None:
        """Another screen's change to the audits or to the answers compared; this view's own
        picks are marked in their rows as they are made."""
        if initiator is self:
            return
        shown = {a.id for a in (self.session.audit, self._other) if a is not None}
        if changes.audit_list or (changes.audit_id in shown and changes.touches_answers()):
            self.mark_dirty()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)             # refreshed first when the hook marked it
        self.view.setFocus()

    def other_audit(self) -> AuditInfo | None:
        """The audit the open one is compared with (for the agreement export), if any."""
        data = self.other_combo.currentData()
        if data is not None:
            return self.session.ws.audit_by_id(data)
        main = self.session.audit           # not shown yet: its first choice
        return next(iter(self._candidates()), None) if main and main.calibrates is None else None

    def _candidates(self):
        main = self.session.audit
        same = [a for a in self.session.ws.audits(include_archived=True)
                if a.set_key == main.set_key and a.id != main.id]
        return sorted(same, key=lambda a: (a.calibrates != main.id, a.created_at))

    def refresh(self) -> None:
        self._dirty = False
        main = self.session.audit
        self.summary.set_agreement(None)
        self.model.set_rows([])
        self.player.load(None)
        if main is None:
            self.heading.setText("No audit open.")
            return
        if main.calibrates is not None and not main.signed_off:
            self.heading.setText(f"<b>{main.name}</b> is a calibration audit, scored blind: the "
                                 "main audit's answers are not shown while it is scored. Open "
                                 "the main audit to compare the two.")
            self.other_combo.clear()
            return
        chosen = self.other_combo.currentData()
        self.other_combo.clear()
        for a in self._candidates():
            kind = "calibration" if a.calibrates == main.id else "same question set"
            self.other_combo.addItem(f"{a.name} ({kind}, {a.records} records)", a.id)
        if not self.other_combo.count():
            self.heading.setText(f"<b>{main.name}</b>: no other audit of this question set to "
                                 "compare with. Audit ▸ New calibration audit… makes one.")
            return
        teams = self._teams(main)
        for prefix, members in teams.items():
            self.other_combo.addItem(f"{prefix}: the whole team ({len(members)} scorers)",
                                     TEAM + prefix)
        self.other_combo.setCurrentIndex(max(0, self.other_combo.findData(chosen)))
        current = self.other_combo.currentData()
        if isinstance(current, str) and current.startswith(TEAM):
            self._team(teams[current.removeprefix(TEAM)])
            return
        self._compare(self.session.ws.audit_by_id(self.other_combo.currentData()))

    def _teams(self, main: AuditInfo) -> dict[str, list[AuditInfo]]:
        """The team calibrations of ``main``: copies named ``NAME (scorer)`` that share NAME."""
        groups: dict[str, list[AuditInfo]] = {}
        for a in self._candidates():
            if a.calibrates == main.id and a.name.endswith(")") and " (" in a.name:
                groups.setdefault(a.name[:a.name.rindex(" (")], []).append(a)
        return {k: v for k, v in groups.items() if len(v) > 1}

    def _team(self, team: list[AuditInfo]) -> None:
        """Everyone together (docs/contracts.md §13): Fleiss' kappa, AC1 and alpha per question, and
        each scorer against the lead; disagreements are adjudicated one scorer at a time."""
        from reviewer.outputs.numbers import percent

        main = self.session.audit
        try:
            result = self.session.ws.agreement(main, *team)
        except ReviewerError as exc:
            self.heading.setText(f"<b>{main.name}</b> and its team: {escape(exc.problems[0])}")
            return
        overall = result.to_dict(disagreements=False)["overall"]
        scorers = "; ".join(f"{s['scorer']} differs from the lead on {s['disagreed']} of "
                            f"{s['compared']} ({percent(s['rate'])})"
                            for s in result.scorers or [])
        self.heading.setText(
            f"<b>{main.name}</b> and {len(team)} scorers' calibration audits: {result.records} "
            f"records in all, mean pairwise agreement {percent(overall['agreement'])}; kappa is "
            f"Fleiss'. {scorers}. Pick one scorer above to adjudicate their disagreements.")
        self.summary.set_agreement(result)
        self._other = None
        self.model.set_rows([])

    def _compare(self, other) -> None:
        main, ws = self.session.audit, self.session.ws
        try:
            result = ws.agreement(main, other)
        except ReviewerError as exc:           # e.g. no records in common: said, not raised
            self.heading.setText(f"<b>{main.name}</b> compared with <b>{other.name}</b>: "
                                 + escape(exc.problems[0]))
            self._other = None
            return
        overall = result.to_dict(disagreements=False)["overall"]
        share = "–" if overall["agreement"] is None else f"{100 * overall['agreement']:.0f}%"
        self.heading.setText(
            f"<b>{main.name}</b> compared with <b>{other.name}</b>: {result.records} records in "
            f"both, {overall['agreed']} of {overall['compared']} answers agree ({share}). Kappa "
            "corrects agreement for chance: above 0.60 substantial, 0.40 or less needs clearer "
            "guidance (Landis & Koch).")
        self.summary.set_agreement(result)
        self.model.set_names(main.name, other.name)
        self._other = other
        qs = self.session.qset
        rows = []
        views: dict[tuple[int, str], object] = {}
        for q in result.questions:
            for d in q.disagreements:
                a_view = self._view(views, main.id, d.ref, qs)
                b_view = self._view(views, other.id, d.ref, qs)
                rows.append(Row(d.ref, q.id, q.text, d.a, d.b, a_view.note(q.id),
                                b_view.note(q.id), self._decision(d.ref, q.id)))
        self.model.set_rows(rows)
        self._decided = []
        if rows:
            self.view.selectRow(0)

    def _view(self, cache: dict, audit_id: int, ref: str, qs):
        key = (audit_id, ref)
        if key not in cache:
            cache[key] = self.session.ws.record(qs, self.session.ws.find_ref(audit_id, ref))
        return cache[key]

    def _decision(self, ref: str, qid: str) -> str:
        done = [e for e in self.session.ws.history(self.session.audit.id, ref)
                if e.action == "adjudicate" and e.question == qid]
        return f"{done[-1].detail} ({done[-1].reviewer})" if done else ""

    # -- the lead's picks -----------------------------------------------------------------------
    def _row_changed(self) -> None:
        row = self.view.currentIndex().row()
        if not 0 <= row < self.model.rowCount():
            return
        r = self.model.rows[row]
        self.detail.setText(f"<b>{r.ref}</b>, question {r.qid}: {r.text}")
        rid = self.session.ws.find_ref(self.session.audit.id, r.ref)
        self.player.load(recording_path(self.session.ws.record(self.session.qset, rid)))

    def decide(self, which: str) -> None:
        row = self.view.currentIndex().row()
        if not 0 <= row < self.model.rowCount():
            return
        r = self.model.rows[row]
        main_id, qs = self.session.audit.id, self.session.qset
        answer = None if which == "a" else r.b
        source = f"{self._other.name}'s answer"
        done = self.session.run(lambda ws, _p: calibrate.adjudicate(
            ws, main_id, qs, r.ref, r.qid, answer, source), self, "Adjudicating…",
            initiator=self)
        if done is None:
            return
        self._decided.append((row, r.decision, r.a))
        self.model.decide(row, ("kept " if which == "a" else "took ") + (done.value or "blank"),
                          done.value or "")
        if row + 1 < self.model.rowCount():
            self.view.selectRow(row + 1)

    def undo_decision(self) -> None:
        """Ctrl+Z: take back the last decision made here, through the core's undo (an ``undo``
        event in the main audit's history); the row shows what it showed before."""
        if not self._decided or self.session.audit is None:
            return
        main_id, qs = self.session.audit.id, self.session.qset
        done = self.session.run(lambda ws, _p: scoring.undo_last(ws, main_id, qs), self,
                                "Undoing…", initiator=self)
        if done is None:
            return
        row, decision, main_was = self._decided.pop()
        if done.value is not None and row < self.model.rowCount():
            self.model.undecide(row, decision, main_was)
            self.view.selectRow(row)
        show_status(self, done.message)

    def _open(self) -> None:
        row = self.view.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            r = self.model.rows[row]
            rid = self.session.ws.find_ref(self.session.audit.id, r.ref)
            self.open_record.emit(rid, r.qid)
