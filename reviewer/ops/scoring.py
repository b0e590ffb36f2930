"""Scoring one record at a time: one function per user action, each its own transaction.

``score`` saves an answer the moment it is given (clearing follow-ups it stops from being
asked), ``set_note`` saves a note, ``undo_last`` puts back what the last answer replaced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from reviewer.errors import NotFound, ReviewerError
from reviewer.questions import logic
from reviewer.questions.logic import ANSWERED, NA, NOT_ASKED, UNANSWERED, Answer
from reviewer.questions.qset import QuestionSet
from reviewer.store.audits import now_iso
from reviewer.store.db import Database

Row = tuple[int, str | None, str, str, str]   # state, value, note, reviewer, answered_at
EMPTY_ROW: Row = (UNANSWERED, None, "", "", "")


@dataclass
class RecordView:
    id: int
    audit_id: int
    seq: int
    ref: str
    fields: dict[str, str]
    rows: dict[str, Row] = field(default_factory=dict)
    states: dict[str, Answer] = field(default_factory=dict)   # resolved, every question

    def note(self, qid: str) -> str:
        return self.rows.get(qid, EMPTY_ROW)[2]

    def answered_by(self, qid: str) -> str:
        return self.rows.get(qid, EMPTY_ROW)[3]

    def complete(self, qs: QuestionSet) -> bool:
        return all(self.states[q.id][0] != UNANSWERED for q in qs.questions if q.tallied)


def load_record(db: Database, qs: QuestionSet, record_id: int) -> RecordView:
    row = db.one("SELECT id, audit_id, seq, ref, fields FROM record WHERE id = ?", (record_id,))
    if row is None:
        raise NotFound(f"no record with id {record_id}")
    view = RecordView(row[0], row[1], row[2], row[3], json.loads(row[4] or "{}"))
    for qid, state, value, note, who, at in db.all(
            "SELECT question_id, state, value, note, reviewer, answered_at FROM answer "
            "WHERE record_id = ?", (record_id,)):
        view.rows[qid] = (state, value, note or "", who or "", at or "")
    view.states = logic.resolve(qs, {q: (r[0], r[1]) for q, r in view.rows.items()})
    return view


def _write(db: Database, view: RecordView, new_rows: dict[str, Row]) -> dict[str, Row]:
    """Store the rows that changed; return what they were before."""
    before: dict[str, Row] = {}
    for qid, row in new_rows.items():
        old = view.rows.get(qid, EMPTY_ROW)
        if old == row:
            continue
        before[qid] = old
        db.execute("DELETE FROM answer WHERE record_id = ? AND question_id = ?", (view.id, qid))
        if row[0] != UNANSWERED or row[2]:
            db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
                       "reviewer, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (view.id, qid, view.audit_id, *row))
    return before


def _rows_for(view: RecordView, states: dict[str, Answer], reviewer: str,
              at: str) -> dict[str, Row]:
    out = {}
    for qid, (state, value) in states.items():
        old = view.rows.get(qid, EMPTY_ROW)
        if (state, value) == (old[0], old[1]):
            out[qid] = old
        else:
            out[qid] = (state, value, old[2], reviewer if state != UNANSWERED else "",
                        at if state != UNANSWERED else "")
    return out


def score(db: Database, qs: QuestionSet, record_id: int, qid: str, answer: str | Answer,
          reviewer: str) -> RecordView:
    """Save one answer (a typed value such as ``Y``, ``n/a``, a label, or a parsed pair)."""
    q = qs.by_id.get(qid)
    if q is None:
        raise ReviewerError(f"question set has no question '{qid}'")
    try:
        parsed = logic.parse_value(q, answer) if isinstance(answer, str) or answer is None \
            else answer
    except logic.AnswerError as exc:   # a typing mistake, reported like any other refusal
        raise ReviewerError(str(exc)) from None
    with db.transaction():
        view = load_record(db, qs, record_id)
        if parsed[0] in (ANSWERED, NA) and q.ask_if \
                and logic.condition(q, view.states) == -1:
            waiting = [p for p, _ in q.ask_if if view.states[p][0] == UNANSWERED]
            raise ReviewerError(f"answer question {' and '.join(waiting)} first: question "
                                f"{qid} is asked {logic.describe_condition(q)}")
        if view.states[qid][0] == NOT_ASKED and parsed[0] == ANSWERED:
            raise ReviewerError(f"question {qid} is not asked for this record "
                                f"({logic.describe_condition(q)})")
        if parsed[0] == NA and not q.na:
            raise ReviewerError(f"question {qid} does not allow n/a")
        given = {k: (r[0], r[1]) for k, r in view.rows.items()}
        given[qid] = parsed
        states = logic.resolve(qs, given)
        before = _write(db, view, _rows_for(view, states, reviewer, now_iso()))
        if before:
            db.execute("INSERT INTO undo (audit_id, record_id, question_id, before, reviewer, at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (view.audit_id, record_id, qid,
                                                     json.dumps(before), reviewer, now_iso()))
        return _finish(db, qs, record_id)


def _finish(db: Database, qs: QuestionSet, record_id: int) -> RecordView:
    view = load_record(db, qs, record_id)
    db.execute("UPDATE record SET complete = ? WHERE id = ?", (view.complete(qs), record_id))
    return view


def set_note(db: Database, qs: QuestionSet, record_id: int, qid: str, note: str) -> RecordView:
    if qid not in qs.by_id:
        raise ReviewerError(f"question set has no question '{qid}'")
    with db.transaction():
        view = load_record(db, qs, record_id)
        old = view.rows.get(qid, EMPTY_ROW)
        _write(db, view, {qid: (old[0], old[1], note.strip(), old[3], old[4])})
        return load_record(db, qs, record_id)


def undo_last(db: Database, qs: QuestionSet, audit_id: int) -> tuple[int, str] | None:
    """Undo the audit's last answer; return (record id, question id), or None if nothing."""
    with db.transaction():
        entry = db.one("SELECT id, record_id, question_id, before, reviewer FROM undo "
                       "WHERE audit_id = ? ORDER BY id DESC LIMIT 1", (audit_id,))
        if entry is None:
            return None
        undo_id, record_id, qid, before, reviewer = entry
        view = load_record(db, qs, record_id)
        restored = {k: tuple(v) for k, v in json.loads(before).items()}
        _write(db, view, restored)
        # The record may have changed since (an import): clear what is no longer asked.
        view = load_record(db, qs, record_id)
        _write(db, view, _rows_for(view, view.states, reviewer or "", now_iso()))
        db.execute("DELETE FROM undo WHERE id = ?", (undo_id,))
        _finish(db, qs, record_id)
        return record_id, qid



