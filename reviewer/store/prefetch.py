"""What a one-record operation reads first, sent with the write lock (PostgreSQL).

Scoring, a note and an undo read the login's role (for the rights table), the audit (for the
sign-off rule), the chain's head (for their history event), and the record with its answers,
before they write. On a server each of those is a round trip, most of them made while the write
lock is held, and every scorer waits for it. So ``ops.core.write`` hands these reads to the
transaction (``Database.lock_first``): they go in one pipeline with the lock, and come back
together — one round trip instead of six, each statement prepared as before (the chain's head
planned afresh); the operation's writes then go in one pipeline with the commit
(docs/performance.md, "One-record operations in two round trips (PostgreSQL)"). On SQLite,
which has no round trips, the reads are made as before, one by one.
"""

from __future__ import annotations

from typing import NamedTuple

from reviewer.store import answers, audits, history, identity
from reviewer.store.audits import AuditInfo
from reviewer.store.db import Database
from reviewer.store.pg_pipeline import Query


class Prefetched(NamedTuple):
    role: str | None
    audit: AuditInfo
    head: tuple[int, bytes | None]
    record: int
    read: answers.Read


def record_reads(login: str, audit_id: int, record_id: int) -> list[Query]:
    """(statement, parameters, planned afresh) in the order ``unpack`` takes."""
    return [(identity.ROLE_SQL, (login,), False), (audits.AUDIT_BY_ID, (audit_id,), False),
            (history.HEAD_SQL, (audit_id,), True),
            (answers.record_sql("postgresql"), (record_id,), False),
            (answers.ROWS_SQL.format("?"), (record_id,), False)]


def unpack(db: Database, audit_id: int, record_id: int, results: list[list[tuple]]) -> Prefetched:
    role_rows, audit_rows, head_rows, record_rows, answer_rows = results
    return Prefetched(role_rows[0][0] if role_rows else None,
                      audits.audit_from_row(db, audit_id, audit_rows[0] if audit_rows else None),
                      history.head_from_row(head_rows[0] if head_rows else None), record_id,
                      (record_rows[0] if record_rows else None, answer_rows))
