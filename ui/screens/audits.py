"""The audits screen: create, open, rename, archive; each audit's set, sample and progress.

Operations: ``ops.audits.rename_audit``, ``ops.audits.archive_audit`` (and ``create_audit``
through ``ui.dialogs.new_audit``); reads ``Workspace.audits``."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer.ops import audits
from reviewer.ops.core import Changes
from ui.app.operations import show_status
from ui.app.session import RefreshedWhenShown, Session
from ui.app.shortcuts import keys
from ui.dialogs.new_audit import NewAuditDialog
from ui.models.audits import COL_NAME, AuditsModel
from ui.widgets.a11y import named
from ui.widgets.table_fit import ColumnFitter


class AuditsScreen(RefreshedWhenShown, QWidget):
    open_requested = Signal(int)   # audit id, to show it on the scoring screen

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.model = AuditsModel(session.ws, self)
        self._dirty = False
        self.table = QTableView()
        self.table.setObjectName("auditsTable")
        self.table.setModel(self.model)
        named(self.table, "Audits", "Enter opens the selected audit for scoring; F2 renames it")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.fitter = ColumnFitter(self.table, COL_NAME, share=0.3)   # names never elided
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        buttons = QHBoxLayout()
        # Alt+letters unique on this screen, with the tabs' and menus' (A S R C L, F U E V H)
        for text, slot in (("&New audit… (Ctrl+N)", self.new_audit),
                           ("&Open (Enter)", lambda: self.open_row(self.current_row())),
                           ("Rena&me… (F2)", self.rename), ("Archive / res&tore", self.archive)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        self.show_archived = QCheckBox("Show arch&ived")
        self.show_archived.toggled.connect(self._toggle_archived)
        buttons.addStretch(1)
        buttons.addWidget(self.show_archived)
        layout = QVBoxLayout(self)
        intro = QLabel("<b>Audits</b> — each keeps the exact question set it was created with. "
                       "Enter opens the selected audit for scoring.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        rename = QAction("Rename", self)
        rename.setShortcuts([QKeySequence(k) for k in keys("rename_audit")])
        rename.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        rename.triggered.connect(self.rename)
        self.addAction(rename)
        session.operation_did_execute.connect(self.on_operation)
        self.select_row(0)

    def on_operation(self, changes: Changes, _initiator) -> None:
        """The list shows progress, so answers count too; refreshed when next shown."""
        if changes.audit_list or changes.answers or changes.all_answers or changes.records:
            self.mark_dirty()

    def refresh(self) -> None:
        self._dirty = False
        current = self.model.audit(self.current_row())
        self.model.reload()
        row = self.model.row_of(current.id) if current else None
        self.select_row(row if row is not None else 0)

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def current_row(self) -> int:
        return self.table.currentIndex().row()

    def _toggle_archived(self, checked: bool) -> None:
        self.model.show_archived = checked
        self.refresh()

    def new_audit(self) -> None:
        dialog = NewAuditDialog(self.session, self)
        if dialog.exec() and dialog.created is not None:
            if self._dirty:                 # the hook marked the list while it was hidden
                self.refresh()
            self.select_row(self.model.row_of(dialog.created.id) or 0)
            self.open_requested.emit(dialog.created.id)

    def open_row(self, row: int) -> None:
        audit = self.model.audit(row)
        if audit is not None:
            self.open_requested.emit(audit.id)

    def rename(self) -> None:
        audit = self.model.audit(self.current_row())
        if audit is None:
            return
        name, ok = QInputDialog.getText(self, "Rename audit", "New name:", text=audit.name)
        if not ok:
            return
        self._run("Rename audit", lambda ws, _p: audits.rename_audit(ws, audit.id, name))

    def archive(self) -> None:
        audit = self.model.audit(self.current_row())
        if audit is None:
            return
        self._run("Archive audit",
                  lambda ws, _p: audits.archive_audit(ws, audit.id, not audit.archived))

    def _run(self, title: str, op) -> None:
        self.session.run(op, self, title, on_success=lambda done: show_status(self, done.message))
