"""The answer table's SQL (with the ``undo`` list and a record's ``complete`` flag, which
answers decide): one record's answers as a read model (:class:`RecordView`), and the writes an
operation makes to them. Every write reports the record whose answers it changed
(``Database.wrote``), from which the operation's ``Changes`` are derived (docs/architecture.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from reviewer.errors import NotFound
from reviewer.questions import logic
from reviewer.questions.logic import ANSWERED, NA, UNANSWERED, Answer
from reviewer.questions.model import QuestionSet
from reviewer.store import field_slots, pack_record
from reviewer.store.db import Database

Row = pack_record.Row                          # state, value, note, reviewer, answered_at
EMPTY_ROW: Row = (UNANSWERED, None, "", "", "")
GIVEN = (ANSWERED, NA)                          # states someone chose (not derived)
ANSWERS = "answers"                             # what ``Database.wrote`` is told


@dataclass
class RecordView:
    id: int
    audit_id: int
    seq: int
    ref: str
    fields: dict[str, str]
    rows: dict[str, Row] = field(default_factory=dict)
    states: dict[str, Answer] = field(default_factory=dict)   # resolved, every question
    assigned_to: str | None = None
    stored_complete: bool | None = None      # the record's completeness as stored when read

    def note(self, qid: str) -> str:
        return self.rows.get(qid, EMPTY_ROW)[2]

    def answered_by(self, qid: str) -> str:
        return self.rows.get(qid, EMPTY_ROW)[3]

    def complete(self, qs: QuestionSet) -> bool:
        return all(self.states[q.id][0] != UNANSWERED for q in qs.questions if q.tallied)


def record_sql(dialect: str) -> str:
    """A record and, in the same read, its audit's field names by slot (``store.field_slots``)."""
    return (f"SELECT {', '.join(pack_record.RECORD_COLUMNS)}, "
            f"{field_slots.names_sql(dialect)} FROM record WHERE id = ?")


ROWS_SQL = ("SELECT record_id, question_id, state, value, note, reviewer, answered_at "
            "FROM answer WHERE record_id IN ({})")
Read = tuple[tuple | None, list[tuple]]        # a record's row and its answer rows, as read


def load_record(db: Database, qs: QuestionSet, record_id: int,
                read: Read | None = None) -> RecordView:
    """One record with its answers; ``read``: its rows already read (``store.prefetch``; on
    SQLite, read from its pack in one statement, ``store.pack_record``)."""
    if read is None and db.dialect == "sqlite":
        read = pack_record.read(db, record_id)
    row, answers = read if read is not None else (
        db.one(record_sql(db.dialect), (record_id,)), None)
    if row is None:
        raise NotFound(f"no record with id {record_id}")
    fields = field_slots.decode(json.loads(row[7] or "[]"), row[4], row[1])
    view = RecordView(row[0], row[1], row[2], row[3], fields,
                      assigned_to=row[5], stored_complete=bool(row[6]))
    view.rows = (_by_record([record_id], answers) if answers is not None
                 else stored_rows(db, [record_id]))[record_id]
    view.states = logic.resolve(qs, {q: (r[0], r[1]) for q, r in view.rows.items()})
    return view


def stored_rows(db: Database, record_ids: list[int]) -> dict[int, dict[str, Row]]:
    """Each record's stored answer rows by question."""
    return _by_record(record_ids, db.all(ROWS_SQL.format(", ".join("?" * len(record_ids))),
                                         record_ids))


def _by_record(record_ids: list[int], rows: list[tuple]) -> dict[int, dict[str, Row]]:
    stored: dict[int, dict[str, Row]] = {rid: {} for rid in record_ids}
    for rid, qid, state, value, note, who, at in rows:
        stored[rid][qid] = (state, value, note or "", who or "", at or "")
    return stored


def put_rows(db: Database, view: RecordView,
             changes: list[tuple[str, Row, int | None]]) -> None:
    """Store rows of one record (question, row, the history event that gave the answer or
    None to keep the stored one), as :func:`put` each; on SQLite in one statement, its pack
    written directly (``store.pack_record``)."""
    if db.dialect == "sqlite":
        pack_record.write(db, view.id, view.audit_id,
                          [(qid, row, qid in view.rows, seq) for qid, row, seq in changes])
        return
    for qid, row, seq in changes:
        put(db, view, qid, row, seq)


def put(db: Database, view: RecordView, qid: str, row: Row, seq: int | None) -> None:
    """Store one question's row of a record: replaced, inserted, or (blank, no note)
    deleted. ``seq`` is the history event that gave the answer (None keeps the stored one)."""
    keep = row[0] != UNANSWERED or row[2]
    if qid in view.rows and keep:
        db.execute("UPDATE answer SET state = ?, value = ?, note = ?, reviewer = ?, "
                   "answered_at = ?, event_seq = COALESCE(?, event_seq) "
                   "WHERE record_id = ? AND question_id = ?", (*row, seq, view.id, qid))
    elif qid in view.rows:
        db.execute("DELETE FROM answer WHERE record_id = ? AND question_id = ?",
                   (view.id, qid))
    elif keep:
        db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, "
                   "note, reviewer, answered_at, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (view.id, qid, view.audit_id, *row, seq))
    db.wrote(ANSWERS, view.id)


def set_complete(db: Database, record_id: int, complete: bool,
                 stored: bool | None = None) -> None:
    """Store whether the record is complete; ``stored``: as it was read in this transaction,
    under the write lock (the statement, and the progress counts' trigger, are skipped when
    it does not change: one statement fewer for most answers, docs/performance.md)."""
    if stored is None or bool(stored) != bool(complete):
        db.execute("UPDATE record SET complete = ? WHERE id = ?", (complete, record_id))
    db.wrote(ANSWERS, record_id)


# -- the undo list ------------------------------------------------------------------------------
def remember(db: Database, view: RecordView, qid: str, before: dict[str, Row],
             after: dict[str, Row], reviewer: str, at: str) -> None:
    db.execute("INSERT INTO undo (audit_id, record_id, question_id, before, reviewer, at, "
               "after) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (view.audit_id, view.id, qid, json.dumps(before), reviewer, at,
                json.dumps(after)))


def last_undo(db: Database, audit_id: int, reviewer: str) -> tuple | None:
    """(id, record id, question id, before json, after json) of the reviewer's last change."""
    return db.one("SELECT id, record_id, question_id, before, after FROM undo "
                  "WHERE audit_id = ? AND reviewer = ? ORDER BY id DESC LIMIT 1",
                  (audit_id, reviewer))


def forget_undo(db: Database, undo_id: int) -> None:
    db.execute("DELETE FROM undo WHERE id = ?", (undo_id,))
