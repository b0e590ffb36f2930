"""Team work on an audit: sharing its records out, signing it off, reopening it
(docs/contracts.md §7).

``assign`` deals the records nobody has yet to the reviewers named, evenly (their counts differ
by at most one) and at random: the unassigned records, in review order, are shuffled with
``random.Random(seed)`` and dealt in turn to the names in the order given, so the same seed
gives the same shares. Each record's assignment is an ``assign`` event.

A signed-off audit refuses every change to its records and answers (``ops.core.write``);
exports, reports, rename and archive stay allowed and are recorded. Reopening needs a reason,
which the history keeps.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field

from reviewer.errors import ReviewerError, UsageError
from reviewer.ops.core import META, OpResult, require_role, write
from reviewer.settings import check_name
from reviewer.store import audits, records
from reviewer.store.audits import AuditInfo
from reviewer.store.history import Action
from reviewer.workspace import Workspace


@dataclass
class Assignment:
    seed: int
    shares: dict[str, list[str]] = field(default_factory=dict)    # reviewer -> refs

    def summary(self) -> str:
        total = sum(len(v) for v in self.shares.values())
        each = ", ".join(f"{who} {len(refs)}" for who, refs in self.shares.items())
        return f"assigned {total} records (seed {self.seed}): {each}"


def reviewer_names(text: str) -> list[str]:
    """``alice,bob`` -> ["alice", "bob"]; blank or repeated names are a usage error."""
    names = [n.strip() for n in text.split(",")]
    if not names or any(not n for n in names):
        raise UsageError("--to needs reviewer names separated by commas, e.g. --to alice,bob")
    names = [check_name(n, "--to") for n in names]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UsageError(f"--to names {', '.join(repeated)} more than once")
    return names


def assign(ws: Workspace, audit_id: int, reviewers: list[str],
           seed: int | None = None) -> OpResult[Assignment]:
    require_role(ws, "lead", "assigning records")
    if not reviewers:
        raise UsageError("name at least one reviewer to assign records to")
    seed = secrets.randbelow(10**6) if seed is None else seed
    with write(ws, audit_id, what="assigning records") as tx:
        free = records.unassigned(tx.db, audit_id)
        if not free:
            raise ReviewerError(f"every record of '{tx.audit.name}' is assigned already")
        order = list(free)
        random.Random(seed).shuffle(order)
        result = Assignment(seed, {who: [] for who in reviewers})
        updates = []
        for i, (rid, ref) in enumerate(order):
            who = reviewers[i % len(reviewers)]
            result.shares[who].append(ref)
            updates.append((who, rid))
        records.assign(tx.db, updates)
        by_id = dict(free)
        for who, rid in sorted(updates, key=lambda u: u[1]):
            tx.event(Action.ASSIGN, by_id[rid], None, None, who, f"seed {seed}")
    return OpResult(result, tx.changes, result.summary())


def sign_off(ws: Workspace, audit_id: int) -> OpResult[AuditInfo]:
    require_role(ws, "lead", "signing off")
    with write(ws, audit_id, META) as tx:
        audit = tx.audit
        if audit.signed_off:
            raise ReviewerError(f"'{audit.name}' was {audit.signed_off_text} already")
        audits.set_signed_off(tx.db, audit_id, tx.reviewer, tx.now)
        incomplete = audit.records - audit.complete
        tx.event(Action.SIGN_OFF, after=tx.reviewer,
                 detail=f"{audit.complete} of {audit.records} records complete"
                        + (f"; {incomplete} incomplete" if incomplete else ""))
    done = ws.audit_by_id(audit_id)
    return OpResult(done, tx.changes, f"'{done.name}' {done.signed_off_text}; its records and "
                                      "answers are now read-only")


def reopen(ws: Workspace, audit_id: int, reason: str) -> OpResult[AuditInfo]:
    require_role(ws, "lead", "reopening an audit")
    reason = " ".join(reason.split())
    if not reason:
        raise UsageError("reopening a signed-off audit needs a reason (--reason TEXT)")
    with write(ws, audit_id, META) as tx:
        audit = tx.audit
        if not audit.signed_off:
            raise ReviewerError(f"'{audit.name}' is not signed off")
        audits.set_signed_off(tx.db, audit_id, None, None)
        tx.event(Action.REOPEN, before=audit.signed_off_by, detail=reason)
    return OpResult(ws.audit_by_id(audit_id), tx.changes,
                    f"reopened '{audit.name}' ({audit.signed_off_text}): {reason}")
