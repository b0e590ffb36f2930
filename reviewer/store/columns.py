"""Reading an audit's answers as columns (:class:`AnswerColumns`): a column at a time (one
query per question, covered by the tally index on PostgreSQL), for the answer table and the
workbooks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from reviewer.answer_columns import AnswerColumns, AnswerTable, FieldsChanged
from reviewer.questions.logic import ANSWERED, NOT_ASKED, format_value
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.counts import answers_filter, audit_answers
from reviewer.store.db import Database
from reviewer.store.field_slots import Slots


def answer_columns(db: Database, audit: AuditInfo, qs: QuestionSet | None = None,
                   not_asked: str = "") -> AnswerColumns:
    """The audit's answer table as columns. A question that was not asked reads as
    ``not_asked`` ("" in an answer table, which re-imports as not asked; "n/a" in results)."""
    qs = qs or question_set(db, audit)
    ids, refs, fields = _records(db, audit)
    answers = {}
    mine = audit_answers(db, audit.id)
    for q in qs.questions:
        label = _labeller(q.type, not_asked)
        memo: dict[tuple, str] = {}
        by_record = {}
        for rid, state, value in db.all("SELECT record_id, state, value FROM answer "
                                        f"WHERE {mine} AND question_id = ?",
                                        (audit.id, q.id)):
            key = (state, value)
            text = memo.get(key)
            if text is None:
                text = memo[key] = label(state, value)
            by_record[rid] = text
        answers[q.id] = [by_record.get(rid, "") for rid in ids]
    noted: dict[str, dict[int, str]] = {}
    for rid, qid, note in db.all("SELECT record_id, question_id, note FROM answer WHERE "
                                 f"{answers_filter(db, audit.id)} AND note != ''",
                                 (audit.id,)):
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
    slots = Slots(db, audit.id)
    cursor = db.execute("SELECT id, ref, fields FROM record WHERE audit_id = ? ORDER BY seq",
                        (audit.id,))
    for i, (rid, ref, text) in enumerate(cursor):
        ids.append(rid)
        refs.append(ref)
        if i >= count:                     # a record added since it was counted
            count += 1
            for column in fields.values():
                column.append(None)
        if text and text not in ("{}", "[]"):
            for name, value in slots.decode(text).items():
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


def answer_table(db: Database, audit: AuditInfo, qs: QuestionSet | None = None,
                 not_asked: str = "", fields: list[str] | None = None,
                 size: int = 5_000) -> AnswerTable:
    """:func:`answer_columns` a batch of ``size`` records at a time (docs/performance.md,
    "Streaming outputs"). The answers are read grouped by answer (a string of record ids per
    group) into one small code per record and question; records, fields and notes are read a
    batch at a time. ``fields``: the header's record fields; by default those of the first
    records (``counts.field_names``), and the batches raise :class:`FieldsChanged` if a later
    record has another — read again with ``fields=aligned.field_order(...)`` then."""
    import numpy as np

    from reviewer.store import aligned
    from reviewer.store.counts import field_names

    qs = qs or question_set(db, audit)
    guessed = fields is None
    names = field_names(db, audit.id) if fields is None else fields
    ids = np.sort(aligned.record_ids(db, audit.id))
    if not len(ids):                     # no records: one id 0, as the reads below expect
        ids = np.zeros(1, np.int64)
    noted = aligned.noted_questions(db, audit.id, int(ids[0]), int(ids[-1]))
    noted_ids = [q.id for q in qs.questions if q.id in noted]

    def chunks() -> Iterator[AnswerColumns]:
        with aligned.reading(db):     # one snapshot (SQLite), a small page cache
            codes, labels = _answer_codes(db, audit, qs, ids, not_asked)
            known = set(names)
            for rows in aligned.record_rows(db, audit.id, size):
                rids = [r[0] for r in rows]
                wanted = np.array(rids, np.int64)
                at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
                found = codes[at]
                found[ids[at] != wanted] = 0        # a record added since (PostgreSQL)
                answers = {q.id: labels[j][found[:, j]].tolist()
                           for j, q in enumerate(qs.questions)}
                columns: dict[str, list] = {name: [None] * len(rows) for name in names}
                for i, (_, _, values) in enumerate(rows):
                    for name, value in values.items():
                        if name not in known:
                            if guessed:
                                raise FieldsChanged(name)
                            continue
                        columns[name][i] = value
                notes = _notes(db, rids, noted_ids)
                yield AnswerColumns(qs, rids, [r[1] for r in rows], columns, answers, notes)

    return AnswerTable(qs, list(names), noted_ids, chunks(), guessed)


def _answer_codes(db: Database, audit: AuditInfo, qs: QuestionSet, ids: Any,
                  not_asked: str) -> tuple[Any, list[Any]]:
    """Per record (``ids``, sorted) and question, the index of its answer's text in that
    question's labels ("" first: no answer)."""
    import numpy as np

    from reviewer.store import aligned

    index = {q.id: j for j, q in enumerate(qs.questions)}
    codes = np.zeros((len(ids), len(qs.questions)), np.int32)
    texts: list[dict[str, int]] = [{"": 0} for _ in qs.questions]
    labellers = [_labeller(q.type, not_asked) for q in qs.questions]
    for qid, state, value, rids in aligned.answer_groups(db, audit.id, list(index)):
        j = index[qid]
        label = labellers[j](state, value)
        code = texts[j].setdefault(label, len(texts[j]))
        at = np.minimum(np.searchsorted(ids, rids), len(ids) - 1)
        codes[at[ids[at] == rids], j] = code
    labels = []
    for found in texts:
        column = np.empty(len(found), object)
        column[:] = list(found)
        labels.append(column)
    return codes, labels


def _notes(db: Database, rids: list[int], noted: list[str]) -> dict[str, list[str]]:
    from reviewer.store import aligned

    if not noted:
        return {}
    where = {rid: i for i, rid in enumerate(rids)}
    out = {qid: [""] * len(rids) for qid in noted}
    for rid, qid, note in aligned.notes_of(db, rids):
        if qid in out:
            out[qid][where[rid]] = note
    return out
