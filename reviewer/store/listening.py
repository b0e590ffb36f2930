"""The SQL that transcripts, search and timed-note labels need (docs/listening.md)."""

from __future__ import annotations

from typing import Any

from reviewer.questions.logic import NOT_ASKED
from reviewer.store import records
from reviewer.store.counts import audit_answers
from reviewer.store.db import Database


def record_fields(db: Database, audit_id: int) -> list[tuple[int, str, dict[str, Any]]]:
    """``(id, ref, fields)`` of the audit's records, in review order."""
    return records.id_fields(db, audit_id)


def set_fields(db: Database, audit_id: int, updates: list[tuple[int, dict[str, Any]]]) -> None:
    """Store ``(record id, fields)`` of the audit's records."""
    records.set_fields(db, audit_id, [(fields, rid) for rid, fields in updates])


def not_asked(db: Database, audit_id: int, question_id: str) -> set[int]:
    """The records where the question is not asked (its condition does not hold)."""
    return {r[0] for r in db.all(f"SELECT record_id FROM answer WHERE "
                                 f"{audit_answers(db, audit_id)} AND question_id = ? "
                                 "AND state = ?", (audit_id, question_id, NOT_ASKED))}
