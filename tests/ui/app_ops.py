"""Operations run in UI tests the way the app runs them: through ``Session.run``, so every
screen hears of the change from the one ``operation_did_execute`` hook (no test refreshes a
screen by hand)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewer.ops import audits as audit_ops
from reviewer.ops import importer
from reviewer.store.audits import AuditInfo
from tests.conftest import ASB_SET


def run(window, op) -> Any:
    """``op(ws, progress)`` through the window's session; its value. A failure is raised here
    rather than shown in a message box that would wait for a click."""
    failed: list[BaseException] = []
    done = window.session.run(op, window, on_failure=failed.append)
    if failed:
        raise failed[0]
    return done.value


def new_audit(window, name: str, answers: Path | None = None,
              set_ref: str | Path = ASB_SET) -> AuditInfo:
    """A new audit of ``set_ref``, with ``answers`` (an answer table) imported into it."""
    audit = run(window, lambda ws, _p: audit_ops.create_audit(ws, name, set_ref))
    if answers is not None:
        run(window, lambda ws, p: importer.import_answers(ws, audit.id, answers, p))
    return audit
