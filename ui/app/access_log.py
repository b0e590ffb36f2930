"""Consultation logged from the app (docs/contracts.md §11, docs/evidence.md): showing a record's
fields on the scoring screen and playing its recording are ``view`` events, through the core's
``log_view`` operation (repeats by the same login within an hour are one event). A view that cannot
be logged (the database busy for too long) is said in the status line; the record stays on
screen."""

from __future__ import annotations

from reviewer.errors import ReviewerError
from reviewer.ops.evidence import log_view
from ui.app.session import Session


def record_viewed(session: Session, ref: str, what: str = "record") -> str | None:
    """Log the view; a message for the status line when it could not be logged."""
    audit = session.audit
    if audit is None:
        return None
    try:
        log_view(session.ws, audit.id, ref, what)
    except ReviewerError as exc:
        return f"The access log could not record this {what} view: {exc}"
    return None
