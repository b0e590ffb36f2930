"""Reading an audit's answers as columns (:class:`AnswerColumns`): a column at a time (one
query per question, covered by the tally index), for the answer table and the workbooks."""

from __future__ import annotations

import json
from collections.abc import Callable

from reviewer.answer_columns import AnswerColumns
from reviewer.questions.logic import ANSWERED, NOT_ASKED, format_value
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.counts import answers_filter
from reviewer.store.db import Database


def answer_columns(db: Database, audit: AuditInfo, qs: QuestionSet | None = None,
                   not_asked: str = "") -> AnswerColumns:
    """The audit's answer table as columns. A question that was not asked reads as
    ``not_asked`` ("" in an answer table, which re-imports as not asked; "n/a" in results)."""
    qs = qs or question_set(db, audit)
    ids, refs, fields = _records(db, audit)
    answers = {}
    for q in qs.questions:
        label = _labeller(q.type, not_asked)
        memo: dict[tuple, str] = {}
        by_record = {}
        for rid, state, value in db.all("SELECT record_id, state, value FROM answer "
                                        "WHERE audit_id = ? AND question_id = ?",
                                        (audit.id, q.id)):
            key = (state, value)
            text = memo.get(key)
            if text is None:
                text = memo[key] = label(state, value)
            by_record[rid] = text
        answers[q.id] = [by_record.get(rid, "") for rid in ids]
    noted: dict[str, dict[int, str]] = {}
    for rid, qid, note in db.all("SELECT record_id, question_id, note FROM answer WHERE "
                                 f"{answers_filter(db, audit.id)} AND note != ''", (audit.id,)):
        noted.setdefault(qid, {})[rid] = note
    notes = {q.id: [noted[q.id].get(rid, "") for rid in ids]
             for q in qs.questions if q.id in noted}
    return AnswerColumns(qs, ids, refs, fields, answers, notes)


def _records(db: Database, audit: AuditInfo) -> tuple[list[int], list[str], dict[str, list]]:
    """Record ids, refs and field columns in review order (fields in order of first use). The
    rows are read as a stream and each record's JSON is dropped once spread over the columns."""
    count = db.scalar("SELECT COUNT(*) FROM record WHERE audit_id = ?", (audit.id,)) or 0
    ids: list[int] = []
    refs: list[str] = []
    fields: dict[str, list] = {}
    cursor = db.execute("SELECT id, ref, fields FROM record WHERE audit_id = ? ORDER BY seq",
                        (audit.id,))
    for i, (rid, ref, text) in enumerate(cursor):
        ids.append(rid)
        refs.append(ref)
        if i >= count:                     # a record added since it was counted
            count += 1
            for column in fields.values():
                column.append(None)
        if text and text != "{}":
            for name, value in json.loads(text).items():
                column = fields.get(name)
                if column is None:
                    column = fields[name] = [None] * count
                column[i] = value
    return ids, refs, fields


def _labeller(qtype: str, not_asked: str) -> Callable[[int, str | None], str]:
    def label(state: int, value: str | None) -> str:
        if state == NOT_ASKED:
            return not_asked
        if state == ANSWERED and qtype == "text":
            return value or ""           # free text as typed (";" is not a separator there)
        return format_value(state, value)
    return label
