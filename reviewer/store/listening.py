"""The SQL that transcripts, search and timed-note labels need (docs/listening.md)."""

from __future__ import annotations

from reviewer.questions.logic import NOT_ASKED
from reviewer.store.db import Database


def record_fields(db: Database, audit_id: int) -> list[tuple[int, str, str]]:
    """``(id, ref, fields JSON)`` of the audit's records, in review order."""
    return db.all("SELECT id, ref, fields FROM record WHERE audit_id = ? ORDER BY seq",
                  (audit_id,))


def set_fields(db: Database, updates: list[tuple[int, str]]) -> None:
    """Store ``(record id, fields JSON)``."""
    db.executemany("UPDATE record SET fields = ? WHERE id = ?",
                   [(fields, rid) for rid, fields in updates])


def not_asked(db: Database, audit_id: int, question_id: str) -> set[int]:
    """The records where the question is not asked (its condition does not hold)."""
    return {r[0] for r in db.all("SELECT record_id FROM answer WHERE audit_id = ? AND "
                                 "question_id = ? AND state = ?",
                                 (audit_id, question_id, NOT_ASKED))}
