"""The app's state shared by the screens: the Workspace (database + reviewer), the open audit,
and the one hook every screen refreshes from.

Screens never run SQL: they read through ``session.ws`` and change things only by running an
operation with :meth:`Session.run` (``ui.app.operations``), which also shows a failure the one
default way. After every operation the session emits ``operation_did_execute(changes,
initiator)`` once (Anki's ``operation_did_execute``); each screen decides from the ``Changes``
what to refresh, whoever ran the operation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QWidget

from reviewer.errors import ReviewerError
from reviewer.ops.core import Changes, OpResult
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo
from reviewer.text import control_characters
from reviewer.workspace import Workspace
from ui.app.operations import Op, report_failure, run_op


class Session(QObject):
    audit_opened = Signal()                     # another audit was opened (or none)
    operation_did_execute = Signal(object, object)   # Changes, the object that ran it

    def __init__(self, target: str, reviewer: str):
        super().__init__()
        settings = QSettings()
        stored = str(settings.value("reviewer_name", "") or "")
        if control_characters(stored):          # set before names were checked: not used
            stored = ""
        self.ws = Workspace.open(target, stored or reviewer)
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
        """Raises a UsageError for a name holding a control character (docs/settings.md), or
        on a team database a name other than the one a lead attached (docs/contracts.md §10)."""
        self.ws.set_reviewer(name)
        QSettings().setValue("reviewer_name", self.ws.reviewer)

    def open_audit(self, audit_id: int | None) -> None:
        self.audit = self.ws.audit_by_id(audit_id) if audit_id is not None else None
        self.qset = self.ws.question_set(self.audit) if self.audit else None
        self.audit_opened.emit()

    def hidden_audit_ids(self) -> set[int]:
        """Audits whose figures no screen may show now: the main audit of a calibration audit
        that is open to be scored blind (docs/contracts.md §8)."""
        audit = self.audit
        if audit is not None and audit.calibrates is not None and not audit.signed_off:
            return {audit.calibrates}
        return set()

    def run(self, op: Op, parent: QWidget | None = None, title: str = "", *,
            initiator: Any = None, background: bool = False,
            on_success: Callable[[OpResult], object] | None = None,
            on_failure: Callable[[BaseException], object] | None = None) -> OpResult | None:
        """Run an operation (``op(ws, progress)``, see ``ui.app.operations``), tell every
        screen what changed (``operation_did_execute``), then call ``on_success(result)``;
        the result is returned.

        A failure is never raised: it is shown the one default way (``show_failure``: a
        message box over ``parent`` titled from ``title``), or handed to ``on_failure`` by a
        screen that shows failures in place (the scoring screen's banner), and None is
        returned (``report_failure``). Anki's ``CollectionOp`` is the model."""
        failure: BaseException | None = None
        if self.busy:        # a key pressed while an earlier change waits for the lock
            failure = ReviewerError("Still saving your previous change; try again in a moment.")
        else:
            self.busy = True
            try:
                result = run_op(self.ws, op, parent, title, background)
            except Exception as exc:  # noqa: BLE001 - every failure takes the one path below
                failure = exc
            finally:
                self.busy = False
        if failure is not None:
            report_failure(parent, title, failure, on_failure)
            return None
        self.did_execute(result.changes, initiator)
        if on_success is not None:
            on_success(result)
        return result

    def did_execute(self, changes: Changes, initiator: Any = None) -> None:
        if self.audit is not None and changes.audit_id == self.audit.id and changes.any():
            self.audit = self.ws.audit_by_id(self.audit.id)
        self.operation_did_execute.emit(changes, initiator)


class RefreshedWhenShown:
    """Mixed into a screen (before ``QWidget``): ``mark_dirty()``, called from the screen's
    ``operation_did_execute`` handler or connected to ``audit_opened``, refreshes it at once
    when it is on screen, else the next time it is shown, so a hidden screen costs nothing.
    The screen provides ``refresh()``, which clears ``_dirty``; ``refresh_soon()`` is what a
    screen on view runs (the results view batches it on a timer)."""

    _dirty = True

    def mark_dirty(self, *_args: Any) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh_soon()

    def refresh_soon(self) -> None:
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._dirty:
            self.refresh()
