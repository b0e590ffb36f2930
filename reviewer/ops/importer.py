"""Answer-table import (docs/contracts.md §2) as one operation: all-or-nothing, nothing lost to a
concurrent writer.

1. Without any lock, ``files.answer_table.stage`` reads the file, checks every cell and stages
   every row in a temporary table private to this connection.
2. Under the write lock, in one transaction: refs are matched to the audit's records *as they
   are now*; new records are inserted from the staging table in SQL; rows for existing records
   are merged with the stored answers (each question column in the file replaces the stored
   answer, other questions are left alone, conditions are checked on the merged record), and
   only the cells that differ are written. Any problem rolls everything back.

History (docs/contracts.md §6): one ``import`` event (file name, SHA-256 of its bytes, rows, new and
updated records) covers the answers the file brings to blank cells — each answer row keeps the
event's ``seq`` — and every answer or note the file replaces or clears, or that a condition clears,
gets an ``answer``/``note`` event of its own with both values.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.errors import Progress
from reviewer.files.answer_table import (
    STAGE,
    ImportProblems,
    Problems,
    Rules,
    Staged,
    drop,
    note_header,
    stage,
)
from reviewer.files.tables import iter_table
from reviewer.ops.core import OpResult, Refused, Tx, write
from reviewer.questions.logic import ANSWERED, BLANK, NA, UNANSWERED, history_label
from reviewer.questions.model import QuestionSet
from reviewer.store.db import Database
from reviewer.store.ids import next_id, next_seq
from reviewer.workspace import Workspace

__all__ = ["ImportProblems", "ImportResult", "import_answers"]
GIVEN = (ANSWERED, NA)
MERGE_BATCH = 2000


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


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while rows are worked on: they are not garbage, and
    repeated full collections over them would cost more than the import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_answers(ws: Workspace, audit_id: int, path: str | Path,
                   progress: Progress | None = None) -> OpResult[ImportResult]:
    path = Path(path)
    audit = ws.audit_by_id(audit_id)
    if audit.signed_off:       # checked again under the lock; saves reading the file
        raise Refused(f"audit '{audit.name}' was signed off by {audit.signed_off_by}: an "
                      "import is refused and nothing was written (reopen it first)")
    qs = ws.question_set(audit)
    shape: list[str] = []                      # cells beyond the header (FILE:ROW:COLUMN)
    header, rows = iter_table(path, shape)     # streamed: memory stays flat at any size
    digest = file_sha256(path)
    with _gc_paused():
        try:
            staged, problems = stage(ws.db, qs, str(path), header, rows, path.resolve().parent,
                                     0, progress)
            problems.add_lines(shape)
            if problems.found:      # a bad file: report every problem, without the lock
                with ws.db.staging():
                    _check(ws.db, audit_id, qs, staged, problems, None)
                problems.raise_any()
            with write(ws, audit_id, what="an import") as tx:
                result = _apply(tx, qs, staged, header, path, digest)
        finally:
            drop(ws.db)
    if progress:
        progress(staged.rows, staged.rows)
    result.question_columns = [qs.questions[k].id for k in staged.columns.questions.values()]
    result.note_columns = [note_header(qs.questions[k].id) for k in staged.note_questions]
    result.field_columns = staged.field_names
    return OpResult(result, tx.changes, result.summary(str(path)))


def _apply(tx: Tx, qs: QuestionSet, st: Staged, header: list[str], path: Path,
           digest: str) -> ImportResult:
    seq = tx.reserve()
    problems = Problems(st.name, header)
    result = _check(tx.db, tx.audit.id, qs, st, problems, tx, seq, path.name)
    result.rows, result.sha256 = st.rows, digest
    problems.raise_any()
    result.new = _insert_new(tx, qs, st, seq)
    tx.event("import", detail=f"{path.name} sha256={digest} rows={st.rows} new={result.new} "
                              f"updated={result.updated}", seq=seq)
    tx.changes.all_answers = tx.changes.records = tx.changes.audit_list = True
    return result


def _check(db: Database, audit_id: int, qs: QuestionSet, st: Staged, problems: Problems,
           tx: Tx | None, seq: int = 0, file_name: str = "") -> ImportResult:
    """Match the staged refs to the audit's records as they are now; collect the problems of
    new rows and of the merged existing ones, and with ``tx`` write the merged changes."""
    if db.scalar("SELECT 1 FROM record WHERE audit_id = ? LIMIT 1", (audit_id,)):
        db.execute(f"UPDATE {STAGE} SET rid = (SELECT r.id FROM record r WHERE r.audit_id = ? "
                   f"AND r.ref = {STAGE}.ref)", (audit_id,))
    for number, found in db.all(f"SELECT row, problems FROM {STAGE} "
                                "WHERE rid IS NULL AND problems IS NOT NULL"):
        for col, message in json.loads(found):
            problems.add(number, col, message)
    result = ImportResult()
    _Merge(db, tx, qs, st, problems, seq, file_name).run(result)
    return result


def _insert_new(tx: Tx, qs: QuestionSet, st: Staged, seq: int) -> int:
    db, audit_id = tx.db, tx.audit.id
    count = int(db.scalar(f"SELECT COUNT(*) FROM {STAGE} WHERE rid IS NULL"))
    if not count:
        return 0
    first_id = next_id(db, "record")
    first_seq = next_seq(db, "record", audit_id)
    db.execute("INSERT INTO record (id, audit_id, seq, ref, fields, complete) "
               f"SELECT ? + k, ?, ? + k, ref, fields, complete FROM {STAGE} WHERE rid IS NULL",
               (first_id, audit_id, first_seq))
    n = len(qs.questions)
    involved = set(st.involved)
    notes = set(st.note_questions)
    db.execute("DROP TABLE IF EXISTS import_questions")
    db.execute("CREATE TEMP TABLE import_questions (k INTEGER PRIMARY KEY, qid TEXT NOT NULL)")
    db.executemany("INSERT INTO import_questions VALUES (?, ?)",
                   [(k, q.id) for k, q in enumerate(qs.questions)])
    state = " ".join(f"WHEN {k} THEN s.{'r' if k in involved else 's'}{k}" for k in range(n))
    value = " ".join(f"WHEN {k} THEN s.{'w' if k in involved else 'v'}{k}" for k in range(n))
    note = " ".join(f"WHEN {k} THEN s.n{k}" for k in sorted(notes)) or "WHEN -1 THEN ''"
    db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
               "reviewer, answered_at, event_seq) "
               "SELECT rid, qid, ?, COALESCE(state, 0), value, note, "
               "CASE WHEN COALESCE(state, 0) <> 0 THEN ? ELSE '' END, "
               "CASE WHEN COALESCE(state, 0) <> 0 THEN ? ELSE '' END, ? FROM ("
               f"SELECT ? + s.k AS rid, q.qid AS qid, CASE q.k {state} END AS state, "
               f"CASE q.k {value} END AS value, COALESCE(CASE q.k {note} END, '') AS note "
               f"FROM {STAGE} s CROSS JOIN import_questions q WHERE s.rid IS NULL) x "
               "WHERE COALESCE(state, 0) <> 0 OR note <> ''",
               (audit_id, tx.reviewer, tx.now, seq, first_id))
    db.execute("DROP TABLE import_questions")
    return count


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
        db = self.db
        n = len(self.ids)
        select = ", ".join(["k", "row", "ref", "rid", "fields"]
                           + [f"s{k}, v{k}" for k in range(n)]
                           + [f"n{k}" for k in self.st.note_questions])
        last = -1
        while rows := db.all(f"SELECT {select} FROM {STAGE} WHERE rid IS NOT NULL AND k > ? "
                             f"ORDER BY k LIMIT {MERGE_BATCH}", (last,)):
            last = rows[-1][0]
            result.updated += len(rows)
            if self.tx is None:
                for row in rows:
                    self._resolve(row, self._stored([row[3]])[row[3]], row[1])
            else:
                result.changed += self._batch(rows)

    def _stored(self, rids: list[int]) -> dict[int, dict[str, tuple]]:
        marks = ", ".join("?" * len(rids))
        stored: dict[int, dict[str, tuple]] = {rid: {} for rid in rids}
        for rid, qid, state, value, note, who, at in self.db.all(
                "SELECT record_id, question_id, state, value, note, reviewer, answered_at "
                f"FROM answer WHERE record_id IN ({marks})", rids):
            stored[rid][qid] = (state, value, note or "", who or "", at or "")
        return stored

    def _batch(self, rows: list[tuple]) -> int:
        db, tx = self.db, self.tx
        assert tx is not None
        rids = [r[3] for r in rows]
        marks = ", ".join("?" * len(rids))
        stored = self._stored(rids)
        records = {rid: (json.loads(f or "{}"), bool(c)) for rid, f, c in db.all(
            f"SELECT id, fields, complete FROM record WHERE id IN ({marks})", rids)}
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
                        event = tx.event("answer", ref, qid, history_label(*before[:2]),
                                         history_label(state, value), why)
                    elif given:
                        event = self.seq
                if before[2] != note and before[2]:
                    changed += 1
                    tx.event("note", ref, qid, before[2], note or None, self.detail)
                deletes.append((rid, qid))
                if state != UNANSWERED or note:
                    inserts.append((rid, qid, tx.audit.id, state, value, note, who, at, event))
            new_fields, was_complete = records[rid]
            merged = {**new_fields, **json.loads(fields)}
            complete = all(final[k][0] != UNANSWERED for k in self.scored)
            if merged != new_fields or complete != was_complete:
                record_updates.append((json.dumps(merged), complete, rid))
        db.executemany("DELETE FROM answer WHERE record_id = ? AND question_id = ?", deletes)
        db.executemany("INSERT INTO answer (record_id, question_id, audit_id, state, value, "
                       "note, reviewer, answered_at, event_seq) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts)
        db.executemany("UPDATE record SET fields = ?, complete = ? WHERE id = ?", record_updates)
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
