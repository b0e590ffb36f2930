"""The app's state shared by the screens: the open database, the reviewer, the current audit.

Screens never run SQL: they call reviewer functions through this object, which emits signals
so that every screen stays current (results fill in as answers come in)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal

from reviewer.questions.qset import QuestionSet
from reviewer.store import audits
from reviewer.store.audits import AuditInfo
from reviewer.store.db import Database


class Session(QObject):
    audit_changed = Signal()            # another audit was opened (or the current one renamed)
    answers_changed = Signal(int)       # record id whose answers changed
    records_changed = Signal()          # records added (import, sample)
    audits_changed = Signal()           # the audit list changed

    def __init__(self, target: str, reviewer: str):
        super().__init__()
        self.target = target
        self.db = Database(target)
        settings = QSettings()
        self.reviewer = str(settings.value("reviewer_name", "") or reviewer)
        self.audit: AuditInfo | None = None
        self.qset: QuestionSet | None = None

    def set_reviewer(self, name: str) -> None:
        self.reviewer = name.strip() or self.reviewer
        QSettings().setValue("reviewer_name", self.reviewer)

    def open_audit(self, audit_id: int) -> None:
        self.audit = audits.get_audit_by_id(self.db, audit_id)
        self.qset = audits.question_set(self.db, self.audit)
        self.audit_changed.emit()

    def refresh_audit(self) -> None:
        if self.audit is not None:
            self.audit = audits.get_audit_by_id(self.db, self.audit.id)
        self.audits_changed.emit()
