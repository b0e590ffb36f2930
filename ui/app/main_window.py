"""The main window: Audits, Scoring and Results screens, menus built from the shortcut table."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox, QTabWidget, QToolButton

from reviewer.errors import ReviewerError, describe_error
from reviewer.ops.importer import import_answers
from reviewer.store.db import display_target
from ui.app import window_geometry
from ui.app.session import Session
from ui.app.shortcuts import BY_ACTION
from ui.dialogs import audit_actions, export_actions, file_dialogs, lead_exports
from ui.dialogs.calibration import CalibrationDialog
from ui.dialogs.help import HelpOverlay
from ui.dialogs.sample import SampleDialog
from ui.screens.audits import AuditsScreen
from ui.screens.calibration import CalibrationView
from ui.screens.compare import CompareView
from ui.screens.plan import PlanView
from ui.screens.results import ResultsView
from ui.screens.scoring import ScoringScreen
from ui.widgets.focus import untrap

AUDITS, SCORING, RESULTS, COMPARE, CALIBRATION, PLAN = range(6)


class MainWindow(QMainWindow):
    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.setWindowTitle("Reviewer — dip sampling and call listening")
        self.tabs = QTabWidget()
        self.audits = AuditsScreen(session)
        self.scoring = ScoringScreen(session)
        self.results = ResultsView(session)
        self.compare = CompareView(session)
        self.calibration = CalibrationView(session)
        self.plan = PlanView(session)
        for page, title in ((self.audits, "&Audits"), (self.scoring, "&Scoring"),
                            (self.results, "&Results"), (self.compare, "&Compare"),
                            (self.calibration, "Ca&libration"), (self.plan, "&Plan")):
            self.tabs.addTab(window_geometry.scrolling_page(page), title)
        self.tabs.tabBar().setAccessibleName("Screens")
        self.setCentralWidget(self.tabs)
        self.audits.open_requested.connect(self.open_audit)
        self.results.open_record.connect(self.open_record)
        self.calibration.open_record.connect(self.open_record)
        self.plan.open_record.connect(self.open_audit_record)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._menus()
        self.menuBar().setAccessibleName("Menu bar")
        more = self.menuBar().findChild(QToolButton, "qt_menubar_ext_button")
        if more is not None:            # ">>" when the menus do not fit: Qt leaves it unnamed
            more.setAccessibleName("More menus")
        network = (" · on a network drive: no WAL, exclusive lock, one person at a time"
                   if session.ws.db.network_drive else "")
        self.statusBar().showMessage(f"Reviewer: {session.reviewer} · "
                                     f"Database: {display_target(session.target)}{network}")
        untrap(self)                           # Tab leaves every table (docs/keyboard.md)
        self.open_maximised = window_geometry.place(self)   # inside the screen, remembered

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        window_geometry.remember(self)
        self.scoring.player.shutdown()
        self.calibration.player.shutdown()
        super().closeEvent(event)

    def _action(self, name: str, slot) -> QAction:
        s = BY_ACTION[name]
        action = QAction(s.label, self)
        action.setShortcuts([QKeySequence(k) for k in s.keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _menus(self) -> None:
        file = self.menuBar().addMenu("&File")
        file.addAction(self._action("new_audit", self.audits.new_audit))
        file.addAction(self._action("import_answers", self.import_answers))
        file.addAction(self._action("draw_sample", self.draw_sample))
        file.addAction(self.scoring.listening.link_action)   # call recordings (issue #5)
        file.addSeparator()
        file.addAction(self._action("quit", self.close))
        audit = self.menuBar().addMenu("A&udit")
        audit.addAction(self._action("assign_records", lambda: self._audit_action(
            audit_actions.assign)))
        audit.addAction(self._action("new_calibration", self.new_calibration))
        audit.addSeparator()
        audit.addAction(self._action("sign_off", lambda: self._audit_action(
            audit_actions.sign_off)))
        audit.addAction(self._action("reopen", lambda: self._audit_action(
            audit_actions.reopen)))
        self._export_menu()
        edit = self.menuBar().addMenu("&Edit")
        edit.addAction(self.scoring.actions_by_name["undo"])
        edit.addAction(self._action("preferences", self.preferences))
        view = self.menuBar().addMenu("&View")
        for name, tab in (("show_audits", AUDITS), ("show_scoring", SCORING),
                          ("show_results", RESULTS), ("show_compare", COMPARE),
                          ("show_calibration", CALIBRATION), ("show_plan", PLAN)):
            view.addAction(self._action(name, lambda _=False, t=tab: self.show_tab(t)))
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self._action("help", self.show_help))

    def _export_menu(self) -> None:
        """Every output of the command line, from the app (docs/keyboard.md)."""
        menu = self.menuBar().addMenu("E&xport")
        menu.addAction(self._action("export_report", self.export_report))
        menu.addAction(self._action("export_results", self.export_results))
        for name, fn in (
                ("export_feedback", lambda: lead_exports.export_feedback(self, self.session)),
                ("export_results_chart",
                 lambda: lead_exports.export_results_chart(self, self.session))):
            menu.addAction(self._action(name, lambda _=False, fn=fn: self._export(fn, True)))
        menu.addSeparator()
        for name, fn in (
                ("export_comparison_report", lambda: lead_exports.export_comparison_report(
                    self, self.session, self.compare.audits_model.chosen())),
                ("export_trend_chart", lambda: lead_exports.export_trend_chart(
                    self, self.session, self.compare.audits_model.chosen())),
                ("export_plan_report", lambda: lead_exports.export_plan_report(
                    self, self.session, self.plan.plan_combo.currentText(),
                    self.plan.audits_model.chosen())),
                ("export_agreement", lambda: lead_exports.export_agreement(
                    self, self.session, self.calibration.other_audit()))):
            menu.addAction(self._action(name, lambda _=False, fn=fn: self._export(fn, False)))

    def _export(self, export, needs_audit: bool) -> None:
        if (not needs_audit or self._need_audit()) and (path := export()):
            self.statusBar().showMessage(f"Written to {path}", 15000)

    def show_tab(self, tab: int) -> None:
        self.tabs.setCurrentIndex(tab)

    def _tab_changed(self, tab: int) -> None:
        if tab == SCORING:
            self.scoring.questions_view.setFocus()
        elif tab == AUDITS:
            self.audits.table.setFocus()
        elif tab == RESULTS:
            self.results.table.setFocus()
        elif tab == COMPARE:
            self.compare.audit_list.setFocus()
        elif tab == CALIBRATION:
            self.calibration.view.setFocus()
        elif tab == PLAN:
            self.plan.items_view.setFocus()

    def open_audit(self, audit_id: int) -> None:
        self.session.open_audit(audit_id)
        QSettings().setValue("last_audit", audit_id)
        self.show_tab(SCORING)
        self.scoring.questions_view.setFocus()

    def open_record(self, record_id: int, qid: str) -> None:
        self.show_tab(SCORING)
        self.scoring.open_record(record_id, qid or None)
        self.scoring.questions_view.setFocus()

    def open_audit_record(self, audit_id: int, record_id: int, qid: str) -> None:
        """A record of any audit, on the scoring screen (from the plan's evidence)."""
        if self.session.audit is None or self.session.audit.id != audit_id:
            self.open_audit(audit_id)
        self.open_record(record_id, qid)

    def _need_audit(self) -> bool:
        if self.session.audit is None:
            QMessageBox.information(self, "No audit open",
                                    "Open or create an audit on the Audits screen first.")
            return False
        return True

    def import_answers(self) -> None:
        if not self._need_audit():
            return
        path = file_dialogs.open_file(self, "answers", "Import an answer table",
                                      "Answer tables (*.csv *.xlsx);;All files (*)")
        if path:
            self.import_answers_from(path)

    def import_answers_from(self, path: str) -> bool:
        audit_id = self.session.audit.id
        done = self.session.run(lambda ws, p: import_answers(ws, audit_id, path, p), self,
                                "Importing answers…", background=True)
        if done is not None:
            self.statusBar().showMessage(done.message, 15000)
        return done is not None

    def draw_sample(self) -> None:
        if not self._need_audit():
            return
        dialog = SampleDialog(self.session, self)
        if dialog.exec() and dialog.result is not None:
            self.apply_sample(dialog.result)

    def apply_sample(self, r) -> None:
        self.statusBar().showMessage(
            f"Drew {r.size} of {r.population:,} ({r.method}, seed {r.seed}); "
            f"{r.added} records added.", 15000)

    def export_report(self) -> None:
        if self._need_audit() and (path := export_actions.export_report(self, self.session)):
            self.statusBar().showMessage(f"Report written to {path}", 15000)

    def export_results(self) -> None:
        if self._need_audit() and (path := export_actions.export_results(self, self.session)):
            self.statusBar().showMessage(f"Results written to {path}", 15000)

    def _audit_action(self, action) -> None:
        if self._need_audit():
            action(self, self.session)

    def new_calibration(self) -> None:
        if not self._need_audit():
            return
        dialog = CalibrationDialog(self.session, self)
        if dialog.exec() and dialog.created is not None:
            self.statusBar().showMessage(
                f"Created calibration audit '{dialog.created.audit.name}' with "
                f"{len(dialog.created.refs)} records; it is scored blind.", 15000)

    def preferences(self) -> None:
        name, ok = QInputDialog.getText(self, "Preferences", "Your name (stored with every "
                                        "answer you give):", text=self.session.reviewer)
        if ok and name.strip():
            try:        # on a team database only the name a lead attached (docs/contracts.md §10)
                self.session.set_reviewer(name)
            except ReviewerError as exc:
                QMessageBox.warning(self, "Preferences", describe_error(exc))
                return
            self.statusBar().showMessage(f"Reviewer: {self.session.reviewer}", 8000)

    def show_help(self) -> None:
        HelpOverlay(self).exec()
