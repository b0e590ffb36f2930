"""The app's state shared by the screens: the Workspace (database + reviewer), the open audit,
and the one hook every screen refreshes from.

Screens never run SQL: they read through ``session.ws`` and change things only by running an
operation with :meth:`Session.run` (``ui.operations``). After every operation the session emits
``operation_did_execute(changes, initiator)`` once (Anki's ``operation_did_execute``); each
screen decides from the ``Changes`` what to refresh."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QWidget

from reviewer.errors import ReviewerError
from reviewer.ops.core import Changes, OpResult
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo
from reviewer.workspace import Workspace


class Session(QObject):
    audit_opened = Signal()                     # another audit was opened (or none)
    operation_did_execute = Signal(object, object)   # Changes, the object that ran it

    def __init__(self, target: str, reviewer: str):
        super().__init__()
        settings = QSettings()
        self.ws = Workspace.open(target, str(settings.value("reviewer_name", "") or reviewer))
        self.audit: AuditInfo | None = None
        self.qset: QuestionSet | None = None
        self.busy = False

    @property
    def target(self) -> str:
        return self.ws.target

    @property
    def reviewer(self) -> str:
        return self.ws.reviewer

    def set_reviewer(self, name: str) -> None:
        self.ws.set_reviewer(name)
        QSettings().setValue("reviewer_name", self.ws.reviewer)

    def open_audit(self, audit_id: int | None) -> None:
        self.audit = self.ws.audit_by_id(audit_id) if audit_id is not None else None
        self.qset = self.ws.question_set(self.audit) if self.audit else None
        self.audit_opened.emit()

    def hidden_audit_ids(self) -> set[int]:
        """Audits whose figures no screen may show now: the main audit of a calibration audit
        that is open to be scored blind (SPEC §8)."""
        audit = self.audit
        if audit is not None and audit.calibrates is not None and not audit.signed_off:
            return {audit.calibrates}
        return set()

    def run(self, op: Callable[..., OpResult], parent: QWidget | None = None,
            title: str = "", initiator: Any = None, background: bool = False) -> OpResult:
        """Run an operation (see ``ui.operations.run_op``) and tell every screen what changed.
        Errors are raised for the caller to show."""
        from .operations import run_op

        if self.busy:        # a key pressed while an earlier change waits for the lock
            raise ReviewerError("Still saving your previous change; try again in a moment.")
        self.busy = True
        try:
            result = run_op(self, op, parent, title, background)
        finally:
            self.busy = False
        self.did_execute(result.changes, initiator)
        return result

    def did_execute(self, changes: Changes, initiator: Any = None) -> None:
        if self.audit is not None and changes.audit_id == self.audit.id and changes.any():
            self.audit = self.ws.audit_by_id(self.audit.id)
        self.operation_did_execute.emit(changes, initiator)
