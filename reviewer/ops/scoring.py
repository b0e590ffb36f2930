"""Scoring one record at a time: answer, note, undo — each an operation of its own.

``score`` saves an answer the moment it is given, clearing the follow-ups it stops from being
asked (docs/contracts.md §1); ``set_note`` saves a note; ``undo_last`` takes back the reviewer's own
last answer or note change (never someone else's, never an import), and only if nobody has changed
those cells since. Every change appends its history events (``answer``, ``note``, ``undo``).
"""

from __future__ import annotations

import json
from dataclasses import replace

from reviewer.errors import NotFound, ReviewerError
from reviewer.ops.core import OpResult, Tx, write
from reviewer.questions import logic
from reviewer.questions.logic import ANSWERED, NA, NOT_ASKED, UNANSWERED, Answer, history_label
from reviewer.questions.model import QuestionSet
from reviewer.store import answers
from reviewer.store.answers import EMPTY_ROW, GIVEN, RecordView, Row, load_record
from reviewer.store.history import Action
from reviewer.workspace import Workspace

__all__ = ["RecordView", "load_record", "parse_answer", "score", "set_note", "undo_last"]

def _load(tx: Tx, qs: QuestionSet, record_id: int) -> RecordView:
    view = load_record(tx.db, qs, record_id, tx.record_read(record_id))
    if view.audit_id != tx.audit.id:
        raise NotFound(f"record {record_id} is not in audit '{tx.audit.name}'")
    return view


def _write(tx: Tx, view: RecordView, new_rows: dict[str, Row],
           seqs: dict[str, int] | None = None) -> dict[str, Row]:
    """Store the rows that changed; return what they were before. ``seqs`` names the history
    event that gave a question its new answer (a row whose answer is unchanged keeps its
    own)."""
    before: dict[str, Row] = {}
    changes = []
    for qid, row in new_rows.items():
        old = view.rows.get(qid, EMPTY_ROW)
        if old == row:
            continue
        before[qid] = old
        changes.append((qid, row, (seqs or {}).get(qid)))
    if changes:
        answers.put_rows(tx.db, view, changes)
    return before


def _rows_for(view: RecordView, states: dict[str, Answer], reviewer: str,
              at: str) -> dict[str, Row]:
    out = {}
    for qid, (state, value) in states.items():
        old = view.rows.get(qid, EMPTY_ROW)
        if (state, value) == (old[0], old[1]):
            out[qid] = old
        else:
            given = state != UNANSWERED
            out[qid] = (state, value, old[2], reviewer if given else "", at if given else "")
    return out


def _condition_events(tx: Tx, view: RecordView, before: dict[str, Row], cause: str,
                      skip: str | None = None) -> None:
    """An ``answer`` event for each given answer a condition cleared: ``before`` holds the rows
    as they were, and each event goes from that answer to blank."""
    for qid, old in before.items():
        if qid == skip or old[0] not in GIVEN:
            continue
        tx.event(Action.ANSWER, view.ref, qid, history_label(old[0], old[1]), None,
                 f"condition: {cause}")


def _finish(tx: Tx, qs: QuestionSet, record_id: int,
            view: RecordView | None = None) -> RecordView:
    """Store whether the record is complete now; ``view`` is the record as just written (read
    again when not given)."""
    view = view or load_record(tx.db, qs, record_id)
    answers.set_complete(tx.db, record_id, view.complete(qs), view.stored_complete)
    return view


def _written(qs: QuestionSet, view: RecordView, new_rows: dict[str, Row]) -> RecordView:
    """The record as ``_write`` leaves it (without reading it back: an answer costs the same
    few statements at any size, docs/performance.md)."""
    rows = {q: r for q, r in {**view.rows, **new_rows}.items() if r[0] != UNANSWERED or r[2]}
    return replace(view, rows=rows,
                   states=logic.resolve(qs, {q: (r[0], r[1]) for q, r in rows.items()}))


def _remember(tx: Tx, view: RecordView, qid: str, before: dict[str, Row],
              new_rows: dict[str, Row]) -> None:
    after = {q: new_rows.get(q, EMPTY_ROW) for q in before}
    answers.remember(tx.db, view, qid, before, after, tx.reviewer, tx.now)


def parse_answer(q: logic.Question, answer: str | Answer | None) -> Answer:
    try:
        return logic.parse_value(q, answer) if isinstance(answer, str) or answer is None \
            else answer
    except logic.AnswerError as exc:   # a typing mistake, reported like any other refusal
        raise ReviewerError(str(exc)) from None


def score(ws: Workspace, audit_id: int, qs: QuestionSet, record_id: int, qid: str,
          answer: str | Answer | None, source: str = "app") -> OpResult[RecordView]:
    """Save one answer (a typed value such as ``Y``, ``n/a``, a label, or a parsed pair)."""
    q = qs.by_id.get(qid)
    if q is None:
        raise ReviewerError(f"question set has no question '{qid}'")
    parsed = parse_answer(q, answer)
    with write(ws, audit_id, what="scoring", record=record_id) as tx:
        view = _load(tx, qs, record_id)
        if parsed[0] in GIVEN and q.ask_if and logic.condition(q, view.states) == -1:
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
        new_rows = _rows_for(view, logic.resolve(qs, given), tx.reviewer, tx.now)
        old = view.rows.get(qid, EMPTY_ROW)
        changed = (old[0], old[1]) != (new_rows[qid][0], new_rows[qid][1])
        seq = tx.event(Action.ANSWER, view.ref, qid, history_label(old[0], old[1]),
                       history_label(*parsed), source) if changed else None
        before = _write(tx, view, new_rows, {qid: seq} if seq else None)
        if before:
            _condition_events(tx, view, {k: v for k, v in before.items()
                                         if new_rows[k][0] in (UNANSWERED, NOT_ASKED)},
                              f"question {qid} answered {history_label(*parsed) or 'blank'}",
                              skip=qid)
            _remember(tx, view, qid, before, new_rows)
        view = _finish(tx, qs, record_id, _written(qs, view, new_rows))
    return OpResult(view, tx.changes)


def set_note(ws: Workspace, audit_id: int, qs: QuestionSet, record_id: int, qid: str,
             note: str) -> OpResult[RecordView]:
    return set_notes(ws, audit_id, qs, record_id, {qid: note})


def set_notes(ws: Workspace, audit_id: int, qs: QuestionSet, record_id: int,
              notes: dict[str, str], detail: str = "app") -> OpResult[RecordView]:
    """Save notes on one record's questions (one transaction; a ``note`` event for each note
    that changed, each one the reviewer can undo)."""
    for qid in notes:
        if qid not in qs.by_id:
            raise ReviewerError(f"question set has no question '{qid}'")
    with write(ws, audit_id, what="a note", record=record_id) as tx:
        view = _load(tx, qs, record_id)
        for qid, note in notes.items():
            note = note.strip()
            old = view.rows.get(qid, EMPTY_ROW)
            if old[2] != note:
                tx.event(Action.NOTE, view.ref, qid, old[2] or None, note or None, detail)
                new_rows = {qid: (old[0], old[1], note, old[3], old[4])}
                before = _write(tx, view, new_rows)
                _remember(tx, view, qid, before, new_rows)
                view.rows[qid] = new_rows[qid]
        view = _finish(tx, qs, record_id)
    return OpResult(view, tx.changes)


def undo_last(ws: Workspace, audit_id: int,
              qs: QuestionSet) -> OpResult[tuple[int, str] | None]:
    """Take back the reviewer's own last answer or note change in this audit: value
    (record id, question id), or None when there is nothing (or it changed since).

    The record is looked up first, so that its row is locked with the write lock (``write``'s
    ``record``); should the reviewer's last change be another record's by then (the same
    reviewer at work elsewhere), it starts again."""
    while True:
        hint = answers.last_undo(ws.db, audit_id, ws.reviewer)
        record = hint[1] if hint else None
        with write(ws, audit_id, what="undo", record=record, imports=False) as tx:
            entry = answers.last_undo(tx.db, audit_id, tx.reviewer)
            if entry is None:
                return OpResult(None, tx.changes, "Nothing of yours to undo in this audit.")
            if entry[1] == record:
                done, message = _undo(tx, qs, entry)
                break
    return OpResult(done, tx.changes, message)


def _undo(tx: Tx, qs: QuestionSet, entry: tuple) -> tuple[tuple[int, str] | None, str]:
    """Undo ``entry`` (the reviewer's last change, read under the lock): (record id, question
    id) and the message, or None and why not."""
    undo_id, record_id, qid, before_json, after_json = entry
    answers.forget_undo(tx.db, undo_id)
    view = _load(tx, qs, record_id)
    restored = {k: tuple(v) for k, v in json.loads(before_json).items()}
    left = json.loads(after_json) if after_json else {}
    for k, row in left.items():      # the same answer given again by someone else is
        now = view.rows.get(k, EMPTY_ROW)   # theirs now: compare who answered too
        if tuple(now[:4]) != tuple(row[:4]):
            who = now[3] or "someone"
            return None, f"Not undone: question {k} of {view.ref} was changed since (by {who})."
    seqs = {}
    for k, row in restored.items():
        now = view.rows.get(k, EMPTY_ROW)
        if (now[0], now[1]) != (row[0], row[1]) and (row[0] in GIVEN or now[0] in GIVEN):
            seqs[k] = tx.event(Action.UNDO, view.ref, k, history_label(now[0], now[1]),
                               history_label(row[0], row[1]), "answer")
        if now[2] != row[2]:
            tx.event(Action.UNDO, view.ref, k, now[2] or None, row[2] or None, "note")
    _write(tx, view, restored, seqs)
    # The record may have changed since (an import): clear what is no longer asked.
    view = load_record(tx.db, qs, record_id)
    cleared = _write(tx, view, _rows_for(view, view.states, tx.reviewer, tx.now))
    _condition_events(tx, view, cleared, f"undo of question {qid}")
    _finish(tx, qs, record_id)
    return (record_id, qid), f"Undid your last change (question {qid} of {view.ref})."
