"""Answer-table import (SPEC §2): all-or-nothing, every bad cell reported as FILE:ROW:COLUMN."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import logic
from .audits import AuditInfo, now_iso, question_set
from .db import Database
from .errors import ReviewerError
from .logic import UNANSWERED, Answer
from .qset import QuestionSet
from .tables import read_table

AUDIO_FIELD = "audio"
Progress = Callable[[int, int], None]


class ImportProblems(ReviewerError):
    pass


@dataclass
class ImportResult:
    new: int = 0
    updated: int = 0
    question_columns: list[str] = field(default_factory=list)
    note_columns: list[str] = field(default_factory=list)
    field_columns: list[str] = field(default_factory=list)

    def summary(self, name: str) -> str:
        fields = ", ".join(self.field_columns) or "none"
        return (f"{name}: {self.new} new records, {self.updated} updated; "
                f"{len(self.question_columns)} question columns matched, "
                f"{len(self.note_columns)} note columns, other columns kept as fields: {fields}")


@dataclass
class _Existing:
    id: int
    fields: dict
    answers: dict[str, tuple]      # qid -> (state, value, note, reviewer, answered_at)


def import_answers(db: Database, audit: AuditInfo, path: str | Path, reviewer: str,
                   progress: Progress | None = None) -> ImportResult:
    path = Path(path)
    qs = question_set(db, audit)
    header, rows = read_table(path)
    name = str(path)
    problems: list[str] = []
    columns = _classify(header, qs, name, problems)
    if problems:
        raise ImportProblems(problems)
    ref_col, qcols, ncols, fcols = columns
    result = ImportResult(question_columns=[qid for _, qid in qcols],
                          note_columns=[f"note:{qid}" for _, qid in ncols],
                          field_columns=[header[i] for i in fcols])

    existing = _load_existing(db, audit.id, {cells[ref_col].strip() for _, cells in rows})
    caches: dict[str, dict[str, Answer]] = {qid: {} for _, qid in qcols}
    base = path.resolve().parent
    seen: dict[str, int] = {}
    colnames = {qid: header[c] for c, qid in qcols}
    staged = []
    for number, cells in rows:
        ref = cells[ref_col].strip()
        if not ref:
            problems.append(f"{name}:{number}:{header[ref_col]}: the ref is blank")
            continue
        if ref in seen:
            problems.append(f"{name}:{number}:{header[ref_col]}: duplicate ref '{ref}' "
                            f"(also in row {seen[ref]})")
            continue
        seen[ref] = number
        old = existing.get(ref)
        given: dict[str, Answer] = {q: (a[0], a[1]) for q, a in old.answers.items()} if old else {}
        notes = {q: a[2] for q, a in old.answers.items() if a[2]} if old else {}
        for col, qid in qcols:
            cell = cells[col]
            cache = caches[qid]
            answer = cache.get(cell)
            if answer is None:
                try:
                    answer = logic.parse_value(qs.by_id[qid], cell)
                except logic.AnswerError as exc:
                    problems.append(f"{name}:{number}:{header[col]}: {exc}")
                    continue
                cache[cell] = answer
            given[qid] = answer
        for col, qid in ncols:
            notes[qid] = cells[col].strip()
        for qid, message in logic.check(qs, given):
            if qid in colnames:  # stored answers that stop applying are cleared, not errors
                problems.append(f"{name}:{number}:{colnames[qid]}: {message}")
        fields = dict(old.fields) if old else {}
        for i in fcols:
            fields[header[i]] = cells[i].strip()
        if fields.get(AUDIO_FIELD) and not os.path.isabs(fields[AUDIO_FIELD]):
            fields[AUDIO_FIELD] = str((base / fields[AUDIO_FIELD]).resolve())
        staged.append((ref, old, logic.resolve(qs, given), notes, fields))
    if problems:
        raise ImportProblems(problems)
    _write(db, audit, qs, staged, reviewer, result, progress)
    return result


def _classify(header: list[str], qs: QuestionSet, name: str, problems: list[str]):
    ref_col = None
    qcols: list[tuple[int, str]] = []
    ncols: list[tuple[int, str]] = []
    fcols: list[int] = []
    seen: set[str] = set()
    for i, text in enumerate(header):
        if not text:
            problems.append(f"{name}:1:column {i + 1}: the header cell is blank")
            continue
        if text in seen:
            problems.append(f"{name}:1:{text}: the column '{text}' appears twice")
            continue
        seen.add(text)
        if text.casefold() == "ref" and ref_col is None:
            ref_col = i
        elif text in qs.by_id:
            qcols.append((i, text))
        elif text.casefold().startswith("note:"):
            qid = text[5:].strip()
            if qid not in qs.by_id:
                problems.append(f"{name}:1:{text}: note column for unknown question '{qid}'")
            else:
                ncols.append((i, qid))
        else:
            fcols.append(i)
    if ref_col is None:
        problems.append(f"{name}:1:ref: the required column 'ref' is missing")
    elif ref_col != 0:
        problems.append(f"{name}:1:{header[ref_col]}: the 'ref' column must be the first column")
    return ref_col, qcols, ncols, fcols


def _load_existing(db: Database, audit_id: int, refs: set[str]) -> dict[str, _Existing]:
    if not db.scalar("SELECT 1 FROM record WHERE audit_id = ? LIMIT 1", (audit_id,)):
        return {}
    out: dict[str, _Existing] = {}
    by_id: dict[int, _Existing] = {}
    for rid, ref, fields in db.all("SELECT id, ref, fields FROM record WHERE audit_id = ?",
                                   (audit_id,)):
        if ref in refs:
            out[ref] = by_id[rid] = _Existing(rid, json.loads(fields or "{}"), {})
    if by_id:
        for rid, qid, state, value, note, who, at in db.all(
                "SELECT record_id, question_id, state, value, note, reviewer, answered_at "
                "FROM answer WHERE audit_id = ?", (audit_id,)):
            if rid in by_id:
                by_id[rid].answers[qid] = (state, value, note, who, at)
    return out


def _write(db: Database, audit: AuditInfo, qs: QuestionSet, staged: list, reviewer: str,
           result: ImportResult, progress: Progress | None) -> None:
    at = now_iso()
    scored = [q.id for q in qs.questions if q.tallied]
    with db.transaction():
        next_id = (db.scalar("SELECT MAX(id) FROM record") or 0) + 1
        next_seq = (db.scalar("SELECT MAX(seq) FROM record WHERE audit_id = ?",
                              (audit.id,)) or 0) + 1
        new_records, updates, answers, cleared = [], [], [], []
        for n, (ref, old, resolved, notes, fields) in enumerate(staged):
            complete = all(resolved[q][0] != UNANSWERED for q in scored)
            if old is None:
                rid = next_id
                next_id += 1
                new_records.append((rid, audit.id, next_seq, ref, json.dumps(fields), complete))
                next_seq += 1
                result.new += 1
            else:
                rid = old.id
                updates.append((json.dumps(fields), complete, rid))
                cleared.append((rid,))
                result.updated += 1
            previous = old.answers if old else {}
            for qid, (state, value) in resolved.items():
                note = notes.get(qid, "")
                if state == UNANSWERED and not note:
                    continue
                prev = previous.get(qid)
                who, when = (prev[3], prev[4]) if prev and prev[:2] == (state, value) else (
                    reviewer, at)
                answers.append((rid, qid, audit.id, state, value, note, who, when))
            if progress and n % 5000 == 0:
                progress(n, len(staged))
        db.executemany("INSERT INTO record (id, audit_id, seq, ref, fields, complete) "
                       "VALUES (?, ?, ?, ?, ?, ?)", new_records)
        db.executemany("UPDATE record SET fields = ?, complete = ? WHERE id = ?", updates)
        db.executemany("DELETE FROM answer WHERE record_id = ?", cleared)
        db.executemany("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
                       "reviewer, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", answers)
    if progress:
        progress(len(staged), len(staged))

