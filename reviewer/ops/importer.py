"""Answer-table import (docs/contracts.md §2) as one operation: all-or-nothing, nothing lost to a
concurrent writer.

1. Without any lock, ``files.answer_table`` reads the file and checks every cell, and
   ``store.staging`` stages every row in a temporary table private to this connection.
2. In one transaction: refs are matched to the audit's records *as they are now*; new records
   are inserted from the staging table in SQL; rows for existing records are merged with the
   stored answers (each question column in the file replaces the stored answer, other questions
   are left alone, conditions are checked on the merged record), and only the cells that differ
   are written. Any problem rolls everything back. On SQLite all of it runs under the write
   lock. On PostgreSQL the import first takes only the imports' own lock (one import at a
   time), matches and writes its new records — unseen by others until it commits — while
   scorers go on, then takes the write lock for the merge, the history and the commit
   (docs/performance.md, "Imports and scorers").

History (docs/contracts.md §6): one ``import`` event (file name, SHA-256 of its bytes, rows, new and
updated records) covers the answers the file brings to blank cells — each answer row keeps the
event's ``seq``, except a new record's on PostgreSQL (written before the seq was known; the
event's rows list them) — and every answer or note the file replaces or clears, or that a
condition clears, gets an ``answer``/``note`` event of its own with both values.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.errors import Progress
from reviewer.files.answer_table import (
    ImportProblems,
    Problems,
    Rules,
    Staged,
    add_duplicates,
    note_header,
    plan_stage,
    stage_batches,
)
from reviewer.files.tables import iter_table
from reviewer.gc_pause import gc_paused
from reviewer.ops.core import OpResult, Tx, check_open, write
from reviewer.questions.logic import BLANK, UNANSWERED, history_label
from reviewer.questions.model import QuestionSet
from reviewer.store import answers, history, records, staging
from reviewer.store.answers import GIVEN
from reviewer.store.chain import pack_rows
from reviewer.store.db import Database
from reviewer.store.history import Action
from reviewer.workspace import Workspace

__all__ = ["ImportProblems", "ImportResult", "import_answers"]


@dataclass
class ImportResult:
    new: int = 0
    updated: int = 0
    changed: int = 0               # stored answers and notes replaced or cleared
    rows: int = 0
    sha256: str = ""
    question_columns: list[str] = field(default_factory=list)
    note_columns: list[str] = field(default_factory=list)
    field_columns: list[str] = field(default_factory=list)

    def summary(self, name: str) -> str:
        fields = ", ".join(self.field_columns) or "none"
        return (f"{name}: {self.new} new records, {self.updated} updated "
                f"({self.changed} stored answers or notes changed); "
                f"{len(self.question_columns)} question columns matched, "
                f"{len(self.note_columns)} note columns, other columns kept as fields: {fields}")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_answers(ws: Workspace, audit_id: int, path: str | Path,
                   progress: Progress | None = None) -> OpResult[ImportResult]:
    path = Path(path)
    audit = ws.audit_by_id(audit_id)
    check_open(audit, "an import")      # checked again under the lock; saves reading the file
    qs = ws.question_set(audit)
    shape: list[str] = []                      # cells beyond the header (FILE:ROW:COLUMN)
    header, rows = iter_table(path, shape)     # streamed: memory stays flat at any size
    digest = file_sha256(path)
    with gc_paused():
        try:
            staged, problems = plan_stage(qs, str(path), header)
            add_duplicates(staged, problems, staging.fill(
                ws.db, staged.table, staged.width,
                stage_batches(staged, qs, rows, path.resolve().parent, problems, 0, progress)))
            problems.add_lines(shape)
            if problems.found:      # a bad file: report every problem, without the lock
                with ws.db.staging():
                    _check(ws.db, audit_id, qs, staged, problems)
                problems.raise_any()
            with ws.db.staging():
                prepared = staging.prepare_new(ws.db, audit_id, [q.id for q in qs.questions],
                                               set(staged.involved), set(staged.note_questions))
            with write(ws, audit_id, what="an import", late=True) as tx:
                result = _apply(tx, qs, staged, header, path, digest, prepared)
        finally:
            staging.drop(ws.db)
    if progress:
        progress(staged.rows, staged.rows)
    result.question_columns = [qs.questions[k].id for k in staged.columns.questions.values()]
    result.note_columns = [note_header(qs.questions[k].id) for k in staged.note_questions]
    result.field_columns = staged.field_names
    return OpResult(result, tx.changes, result.summary(str(path)))


def _apply(tx: Tx, qs: QuestionSet, st: Staged, header: list[str], path: Path, digest: str,
           prepared: tuple[int, int, str, bytes] | None) -> ImportResult:
    """On PostgreSQL the refs are matched and the new records written before the write lock,
    invisible to others until the commit; the rest (existing records, history) under it. On
    SQLite the new records' answers were built before the lock (``prepared``), so the lock is
    held for little more than their writing (docs/performance.md, "Imports and scorers")."""
    problems = Problems(st.name, header)
    _match(tx.db, tx.audit.id, problems)
    new: tuple[int, int, int] | None = None
    rows, packed = prepared[2:] if prepared and prepared[1] else (None, None)
    if not tx.locked and not problems.found:
        new = _insert_new(tx, qs, st, None)
        if new[0]:
            rows = history.new_rows(tx.db, new[1], new[2])
            packed = pack_rows(rows)
    tx.lock()
    seq = tx.reserve()
    result = ImportResult(rows=st.rows, sha256=digest)
    _Merge(tx.db, tx, qs, st, problems, seq, path.name).run(result)
    problems.raise_any()
    # the new records' answers packed before the lock, with the merged ones' if any (on SQLite
    # read before the new answers are written, which carry the seq there too)
    given = packed if not result.updated else (
        history.given_rows(tx.db, tx.audit.id, seq, rows) if rows is not None else None)
    if new is None:
        new = _insert_new(tx, qs, st, seq, prepared[:2] if prepared else None)
        if prepared is not None and (new[1], new[0]) != prepared[:2]:
            given = None                     # built again under the lock
    if given is None:
        given = history.given_rows(tx.db, tx.audit.id, seq)      # the file's rows as stored
    result.new = new[0]
    tx.event(Action.IMPORT, detail=f"{path.name} sha256={digest} rows={st.rows} new={result.new} "
                              f"updated={result.updated}", seq=seq, rows=given)
    return result


def _match(db: Database, audit_id: int, problems: Problems) -> None:
    """Match the staged refs to the audit's records as they are now; the problems of new rows."""
    for number, found in staging.match(db, audit_id):
        for col, message in json.loads(found):
            problems.add(number, col, message)


def _check(db: Database, audit_id: int, qs: QuestionSet, st: Staged,
           problems: Problems) -> None:
    """Every problem of a bad file: its new rows', and its existing rows' merged."""
    _match(db, audit_id, problems)
    _Merge(db, None, qs, st, problems, 0, "").run(ImportResult())


def _insert_new(tx: Tx, qs: QuestionSet, st: Staged, seq: int | None,
                prepared: tuple[int, int] | None = None) -> tuple[int, int, int]:
    return staging.insert_new(tx.db, tx.audit.id, [q.id for q in qs.questions], set(st.involved),
                              set(st.note_questions), tx.reviewer, tx.now, seq, prepared)


class _Merge:
    """The file's rows for records the audit already has, merged with what is stored."""

    def __init__(self, db: Database, tx: Tx | None, qs: QuestionSet, st: Staged,
                 problems: Problems, seq: int, file_name: str):
        self.db, self.tx, self.qs, self.st, self.problems, self.seq = db, tx, qs, st, problems, seq
        self.rules = Rules(qs)
        self.ids = [q.id for q in qs.questions]
        self.in_file = set(st.columns.questions.values())
        self.column_of = {k: c for c, k in st.columns.questions.items()}
        self.detail = f"import {file_name}"
        self.scored = [k for k, q in enumerate(qs.questions) if q.tallied]

    def run(self, result: ImportResult) -> None:
        for rows in staging.matched(self.db, len(self.ids), self.st.note_questions):
            result.updated += len(rows)
            if self.tx is None:
                for row in rows:
                    self._resolve(row, answers.stored_rows(self.db, [row[3]])[row[3]], row[1])
            else:
                result.changed += self._batch(rows)

    def _batch(self, rows: list[tuple]) -> int:
        db, tx = self.db, self.tx
        assert tx is not None
        rids = [r[3] for r in rows]
        stored = answers.stored_rows(db, rids)
        known = {rid: (json.loads(f or "{}"), bool(c))
                 for rid, f, c in records.fields_complete(db, rids)}
        deletes: list[tuple] = []
        inserts: list[tuple] = []
        record_updates: list[tuple] = []
        changed = 0
        n = len(self.ids)
        for row in rows:
            _k, number, ref, rid, fields = row[:5]
            old = stored[rid]
            file_notes = dict(zip(self.st.note_questions, row[5 + 2 * n:], strict=True))
            final = self._resolve(row, old, number)
            for k, qid in enumerate(self.ids):
                before = old.get(qid, (UNANSWERED, None, "", "", ""))
                state, value = final[k]
                note = file_notes[k] if k in file_notes else before[2]
                if (before[0], before[1]) == (state, value) and before[2] == note:
                    continue
                who, at, event = before[3], before[4], None
                if (before[0], before[1]) != (state, value):
                    given = state in GIVEN
                    who, at = (tx.reviewer, tx.now) if given else ("", "")
                    if before[0] in GIVEN:
                        changed += 1
                        why = self.detail if k in self.in_file else f"condition: {self.detail}"
                        event = tx.event(Action.ANSWER, ref, qid, history_label(*before[:2]),
                                         history_label(state, value), why)
                    elif given:
                        event = self.seq
                if before[2] != note and before[2]:
                    changed += 1
                    tx.event(Action.NOTE, ref, qid, before[2], note or None, self.detail)
                if state != UNANSWERED or note:      # written over in place (an upsert)
                    inserts.append((rid, qid, tx.audit.id, state, value, note, who, at, event))
                elif qid in old:
                    deletes.append((rid, qid))
            new_fields, was_complete = known[rid]
            merged = {**new_fields, **json.loads(fields)}
            complete = all(final[k][0] != UNANSWERED for k in self.scored)
            if merged != new_fields or complete != was_complete:
                record_updates.append((json.dumps(merged), complete, rid))
        answers.replace_many(db, deletes, inserts)
        records.set_fields_complete(db, record_updates)
        return changed

    def _resolve(self, row: tuple, old: dict[str, tuple], number: int) -> list[tuple]:
        """Every question's answer on the merged record, conditions applied; problems with the
        file's own columns are reported."""
        given = []
        for k, qid in enumerate(self.ids):
            if k in self.in_file:
                state = row[5 + 2 * k]
                given.append((state, row[6 + 2 * k]) if state is not None else BLANK)
            else:
                s = old.get(qid)
                given.append((s[0], s[1]) if s is not None and s[0] in GIVEN else BLANK)
        involved = self.rules.involved
        if not involved:
            return given
        res, found = self.rules.resolve(tuple(given[k] for k in involved))
        for qid, message in found:
            k = self.rules.index[qid]
            if k in self.column_of:
                self.problems.add(number, self.column_of[k], message)
        for k, answer in zip(involved, res, strict=True):
            given[k] = answer
        return given
