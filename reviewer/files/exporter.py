"""Answer-table export (docs/contracts.md §2): the same layout the importer reads, so files
round-trip.

The audit is read a column at a time (one query per question, covered by the tally index), which the
results and feedback workbooks share through :func:`answer_columns`. Cells follow the rules of
:mod:`reviewer.files.cells` (docs/contracts.md §5) through
:func:`reviewer.files.tables.write_table`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.files.answer_table import PATH_FIELDS, REF_COLUMN, note_header
from reviewer.files.private import check_extension
from reviewer.files.tables import TABLE_SUFFIXES, write_columns
from reviewer.questions.logic import ANSWERED, NOT_ASKED, format_value
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.db import Database


@dataclass
class AnswerColumns:
    """An audit's records in review order, column by column (one list entry per record)."""

    qs: QuestionSet
    ids: list[int]                     # record ids
    refs: list[str]
    fields: dict[str, list[Any]]       # field name -> value (None where a record lacks it)
    answers: dict[str, list[str]]      # question id -> answer as written in tables ("" blank)
    notes: dict[str, list[str]]        # question id -> note ("" none), questions with a note

    def __len__(self) -> int:
        return len(self.ids)


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
    from reviewer.outputs.report_data import answers_filter

    noted: dict[str, dict[int, str]] = {}
    for rid, qid, note in db.all("SELECT record_id, question_id, note FROM answer WHERE "
                                 f"{answers_filter(db, audit)} AND note != ''", (audit.id,)):
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


def field_text(value: Any) -> str:
    return "" if value is None else str(value)


def answer_rows(db: Database, audit: AuditInfo) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the audit's answer table, records in review order."""
    header, columns = _table(answer_columns(db, audit))
    return header, [list(row) for row in zip(*columns, strict=True)]


def _table(c: AnswerColumns) -> tuple[list[str], list[list[str]]]:
    header, columns = [REF_COLUMN], [c.refs]
    for q in c.qs.questions:
        header.append(q.id)
        columns.append(c.answers[q.id])
        if q.id in c.notes:
            header.append(note_header(q.id))
            columns.append(c.notes[q.id])
    for name, values in c.fields.items():
        header.append(name)
        columns.append([field_text(v) for v in values])
    return header, columns



def portable_audio(stored: str, out_folder: Path) -> str:
    """A recording's path as written to a table in ``out_folder``: relative when the file is in
    that folder, below it, or beside it (at most one ``..``) on the same drive, so the table and
    its recordings can move to another machine together; else the stored absolute path."""
    if not stored or not os.path.isabs(stored):
        return stored
    try:
        rel = os.path.relpath(stored, out_folder)
    except ValueError:  # another drive (Windows)
        return stored
    if Path(rel).parts.count("..") > 1:
        return stored
    return Path(rel).as_posix()


def export_answers(db: Database, audit: AuditInfo, path: str | Path,
                   warn: Callable[[str], None] | None = None) -> int:
    """Write the audit's answer table to ``path`` (.csv or .xlsx, mode 0600); the number of
    records. ``warn`` receives a line when characters XLSX cannot hold were left out. Audio
    paths are written relative to the file where they can be (:func:`portable_audio`)."""
    check_extension(path, TABLE_SUFFIXES, "an answer table")
    c = answer_columns(db, audit)
    header, columns = _table(c)
    folder = Path(os.path.abspath(path)).parent
    for name in PATH_FIELDS:
        if name in header:
            col = header.index(name)
            columns[col] = [portable_audio(v, folder) for v in columns[col]]
    write_columns(path, header, columns, warn=warn)
    return len(c)
