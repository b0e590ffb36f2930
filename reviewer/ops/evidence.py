"""Accountable evidence as operations (docs/evidence.md): consultation logged (``view``
events), an audit's disclosure policy and review date, and disposal of its personal data.

Every one runs through ``ops.core.write`` (one transaction, history appended). Setting the
policy or the review date and disposing are for a lead (``require_role``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from reviewer.errors import ReviewerError, UsageError
from reviewer.ops.core import META, Changes, OpResult, require_role, write
from reviewer.ops.disclose import checked_text
from reviewer.store.history import Action, last_view
from reviewer.store.policy import (
    default_years,
    get_policy,
    put_meta,
    put_policy,
    review_date,
)
from reviewer.workspace import Workspace

VIEW_WINDOW = timedelta(minutes=60)
VIEW_KINDS = ("record", "audio")


def log_view(ws: Workspace, audit_id: int, ref: str, what: str = "record") -> OpResult[bool]:
    """A ``view`` event (``record``: its fields shown; ``audio``: its recording played), unless
    the same login viewed the same record the same way within the last 60 minutes. Value: True
    when an event was written."""
    if what not in VIEW_KINDS:
        raise UsageError(f"a view is of a record or its audio, not {what!r}")
    cutoff = (datetime.now(UTC) - VIEW_WINDOW).strftime("%Y-%m-%dT%H:%M:%SZ")
    last = last_view(ws.db, audit_id, ref, ws.login, what)
    if last is not None and last >= cutoff:
        return OpResult(False, Changes(audit_id=audit_id))
    with write(ws, audit_id, META) as tx:
        last = last_view(tx.db, audit_id, ref, ws.login, what)
        if last is not None and last >= cutoff:
            return OpResult(False, tx.changes)
        tx.event(Action.VIEW, ref, detail=what)
    return OpResult(True, tx.changes)


def set_require_purpose(ws: Workspace, audit_id: int, on: bool) -> OpResult[bool]:
    require_role(ws, "lead", "changing an audit's disclosure policy")
    with write(ws, audit_id, META) as tx:
        policy = get_policy(tx.db, audit_id)
        put_policy(tx.db, audit_id, type(policy)(on, policy.retain_until, policy.disposed_at))
        tx.event(Action.POLICY, before=_on(policy.require_purpose), after=_on(on),
                 detail="require purpose")
    state = "now requires" if on else "no longer requires"
    return OpResult(on, tx.changes, f"'{tx.audit.name}' {state} a purpose for every file "
                                    "written from it")


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def parse_date(text: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        raise UsageError(f"--until {text!r}: give a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UsageError(f"--until {text!r}: no such date") from None


def set_retention(ws: Workspace, audit_id: int, until: str) -> OpResult[str]:
    until = parse_date(until)
    require_role(ws, "lead", "changing an audit's review date")
    with write(ws, audit_id, META) as tx:
        policy = get_policy(tx.db, audit_id)
        if policy.disposed_at:
            raise ReviewerError(f"'{tx.audit.name}' was disposed of on "
                                f"{policy.disposed_at[:10]}: its review date is spent")
        before = review_date(tx.audit.created_at, policy, default_years(tx.db))
        put_policy(tx.db, audit_id, type(policy)(policy.require_purpose, until, None))
        tx.event(Action.RETENTION, before=before, after=until)
    return OpResult(until, tx.changes, f"'{tx.audit.name}' is due for review on {until}")


def set_default_retention(ws: Workspace, years: int) -> OpResult[int]:
    if not 0 < years <= 100:
        raise UsageError("--years must be between 1 and 100")
    require_role(ws, "lead", "changing the database's retention period")
    with write(ws, None, META) as tx:
        before = default_years(tx.db)
        put_meta(tx.db, "retention_years", str(years))
        tx.event(Action.RETENTION, before=str(before), after=str(years), detail="default years")
    return OpResult(years, tx.changes, f"audits without a review date of their own are due "
                                       f"{years} years after they were made")


def due(ws: Workspace, today: str | None = None) -> list[dict]:
    """The audits past their review date and not disposed of."""
    today = today or date.today().isoformat()
    years = default_years(ws.db)
    out = []
    for audit in ws.audits(include_archived=True):
        policy = get_policy(ws.db, audit.id)
        when = review_date(audit.created_at, policy, years)
        if policy.disposed_at is None and when <= today:
            out.append({"audit": audit.name, "review_date": when,
                        "own_date": policy.retain_until is not None,
                        "signed_off": audit.signed_off, "records": audit.records})
    return out


def reason_text(reason: str) -> str:
    text = checked_text(reason, "reason")
    if text is None:
        raise UsageError("disposing of an audit needs a reason (--reason TEXT)")
    return text
