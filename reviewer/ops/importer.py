"""Answer-table import (SPEC §2): all-or-nothing, every bad cell reported as FILE:ROW:COLUMN.

The table is worked on a column at a time: each distinct cell text of a question is parsed once,
and each distinct combination of the answers that ask_if conditions depend on is resolved once,
so a big file costs a few passes of C-speed ``map``/``zip`` rather than Python work per cell.
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from reviewer.errors import Progress, ReviewerError
from reviewer.files.tables import read_table
from reviewer.questions import logic
from reviewer.questions.logic import BLANK, NOT_ASKED, UNANSWERED, Answer
from reviewer.questions.qset import QuestionSet
from reviewer.store.audits import AuditInfo, now_iso, question_set
from reviewer.store.bulk import bulk_transaction, insert_answers_wide
from reviewer.store.db import Database

AUDIO_FIELD = "audio"
MAX_BULK_QUESTIONS = 900      # SQLite allows 2,000 columns in a table


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


@dataclass
class _Staged:
    """The checked table, ready to write: one entry per row in every list."""

    refs: list[str]
    olds: list[_Existing | None]
    answers: list[list[Answer]]    # per question in asking order: that question's column
    notes: list[dict[str, str]] | None
    fields: list[Any]              # JSON text for a new record, a dict for an existing one


class _Memo(dict):
    """A dict that computes a missing value with ``fn`` (so ``map(memo.__getitem__, xs)`` runs
    in C for every value already seen)."""

    def __init__(self, fn: Callable[[Any], Any]):
        super().__init__()
        self.fn = fn

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.fn(key)
        return value


class _Problems:
    def __init__(self, name: str, header: list[str]):
        self.name, self.header, self.found = name, header, []

    def add(self, number: int, col: int, message: str) -> None:
        self.found.append((number, col, f"{self.name}:{number}:{self.header[col]}: {message}"))

    def raise_any(self) -> None:
        if self.found:  # in file order: top to bottom, left to right
            raise ImportProblems([text for *_, text in sorted(self.found, key=lambda p: p[:2])])


def import_answers(db: Database, audit: AuditInfo, path: str | Path, reviewer: str,
                   progress: Progress | None = None) -> ImportResult:
    with _gc_paused():
        return _import(db, audit, Path(path), reviewer, progress)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a table is held in memory: the rows and cells are
    not garbage, and repeated full collections over them would cost more than the import."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import(db: Database, audit: AuditInfo, path: Path, reviewer: str,
            progress: Progress | None) -> ImportResult:
    qs = question_set(db, audit)
    header, rows = read_table(path)
    name = str(path)
    header_problems: list[str] = []
    ref_col, qcols, ncols, fcols = _classify(header, qs, name, header_problems)
    if header_problems:
        raise ImportProblems(header_problems)
    result = ImportResult(question_columns=[qid for _, qid in qcols],
                          note_columns=[f"note:{qid}" for _, qid in ncols],
                          field_columns=[header[i] for i in fcols])
    problems = _Problems(name, header)
    rows = _good_refs(rows, ref_col, problems)
    numbers = [number for number, _ in rows]
    columns = list(zip(*[cells for _, cells in rows], strict=True)) or [()] * len(header)
    refs = [ref.strip() for ref in columns[ref_col]]
    existing = _load_existing(db, audit.id, refs)
    olds = [existing.get(ref) for ref in refs] if existing else [None] * len(refs)
    answers = _answers(qs, olds, columns, qcols, numbers, problems)
    colnames = {qid: col for col, qid in qcols}
    for number, found in zip(numbers, _Rules(qs).apply(answers), strict=True):
        for qid, message in found:
            if qid in colnames:  # stored answers that stop applying are cleared, not errors
                problems.add(number, colnames[qid], message)
    problems.raise_any()
    notes = _notes(olds, columns, ncols) if ncols or existing else None
    fields = _fields(olds, columns, [header[i] for i in fcols], fcols, path.resolve().parent)
    _write(db, audit, qs, _Staged(refs, olds, answers, notes, fields), reviewer, result,
           progress)
    return result


def _good_refs(rows: list[tuple[int, list[str]]], ref_col: int,
               problems: _Problems) -> list[tuple[int, list[str]]]:
    """The rows with a usable ref; a blank or repeated ref is a problem (the row is not
    checked further)."""
    refs = [cells[ref_col].strip() for _, cells in rows]
    if "" not in refs and len(set(refs)) == len(refs):
        return rows
    seen: dict[str, int] = {}
    good = []
    for number, cells in rows:
        ref = cells[ref_col].strip()
        if not ref:
            problems.add(number, ref_col, "the ref is blank")
        elif ref in seen:
            problems.add(number, ref_col, f"duplicate ref '{ref}' (also in row {seen[ref]})")
        else:
            seen[ref] = number
            good.append((number, cells))
    return good


def _answers(qs: QuestionSet, olds: list[_Existing | None], columns: list[tuple[str, ...]],
             qcols: list[tuple[int, str]], numbers: list[int],
             problems: _Problems) -> list[list[Answer]]:
    """One column of answers per question in asking order: the file's cell where the file has
    the question, else the stored answer (blank for a new record)."""
    by_col = {qid: col for col, qid in qcols}
    stored = [_stored(qs, old) if old else None for old in olds] if any(olds) else None
    out = []
    for k, q in enumerate(qs.questions):
        before = [s[k] if s else BLANK for s in stored] if stored else [BLANK] * len(numbers)
        if q.id not in by_col:
            out.append(before)
            continue
        col = by_col[q.id]
        parsed = _Memo(lambda cell, q=q: _parse(q, cell))
        column = list(map(parsed.__getitem__, columns[col]))
        bad = {cell for cell, answer in parsed.items() if isinstance(answer, Exception)}
        for i, cell in enumerate(columns[col]) if bad else ():
            if cell in bad:
                problems.add(numbers[i], col, str(parsed[cell]))
                column[i] = before[i]
        out.append(column)
    return out


def _parse(q: logic.Question, cell: str) -> Answer | logic.AnswerError:
    try:
        return logic.parse_value(q, cell)
    except logic.AnswerError as exc:
        return exc


def _stored(qs: QuestionSet, old: _Existing) -> list[Answer]:
    """A stored record's answers in asking order (a stored "not asked" reads as blank: whether
    it still is not asked is decided again on the merged record)."""
    out = []
    for q in qs.questions:
        row = old.answers.get(q.id)
        out.append(BLANK if row is None or row[0] in (UNANSWERED, NOT_ASKED)
                   else (row[0], row[1]))
    return out


class _Rules:
    """``logic.evaluate`` over every row, worked out once per combination of the answers it
    depends on: the questions in ask_if conditions (parents and follow-ups) and those with
    ``na: false``. Every other answer stands as given."""

    def __init__(self, qs: QuestionSet):
        self.qs = qs
        self.ids = [q.id for q in qs.questions]
        parents = {p for q in qs.questions for p, _ in q.ask_if}
        self.involved = [k for k, q in enumerate(qs.questions)
                         if q.ask_if or not q.na or q.id in parents]

    def apply(self, answers: list[list[Answer]]) -> list[list[tuple[str, str]]]:
        """Resolve the answer columns in place; return each row's problems as
        (question id, message)."""
        rows = len(answers[0]) if answers else 0
        if not self.involved:
            return [[]] * rows
        memo = _Memo(self._evaluate)
        results = list(map(memo.__getitem__, zip(*[answers[k] for k in self.involved],
                                                 strict=True)))
        resolved = zip(*[r[0] for r in results], strict=True) if results else ()
        for k, column in zip(self.involved, resolved, strict=False):
            answers[k] = list(column)
        return [r[1] for r in results]

    def _evaluate(self, key: tuple[Answer, ...]) -> tuple[tuple[Answer, ...], list]:
        given = {self.ids[k]: answer for k, answer in zip(self.involved, key, strict=True)}
        resolved, problems = logic.evaluate(self.qs, given)
        return tuple(resolved[self.ids[k]] for k in self.involved), problems


def _notes(olds: list[_Existing | None], columns: list[tuple[str, ...]],
           ncols: list[tuple[int, str]]) -> list[dict[str, str]]:
    """Each row's notes: the stored ones, replaced by the file's note columns."""
    out = []
    for i, old in enumerate(olds):
        notes = {q: a[2] for q, a in old.answers.items() if a[2]} if old else {}
        for col, qid in ncols:
            notes[qid] = columns[col][i].strip()
        out.append(notes)
    return out


def _fields(olds: list[_Existing | None], columns: list[tuple[str, ...]], names: list[str],
            fcols: list[int], base: Path) -> list[Any]:
    """Each row's fields: JSON text for a new record, the merged dict for an existing one.
    A relative ``audio`` path is taken relative to the file's folder."""
    values = [list(map(str.strip, columns[i])) for i in fcols]
    if AUDIO_FIELD in names:
        audio = values[names.index(AUDIO_FIELD)]
        for i, value in enumerate(audio):
            if value and not os.path.isabs(value):
                audio[i] = str((base / value).resolve())
    # json.dumps of a flat dict of strings, as one format string filled in per row
    keys = [_quote(n).replace("{", "{{").replace("}", "}}") + ": {}" for n in names]
    template = "{{" + ", ".join(keys) + "}}"
    if not values:
        out: list[Any] = [template.format()] * len(olds)
    else:
        out = list(map(template.format, *[map(_quote, column) for column in values]))
    for i, old in enumerate(olds):
        if old is not None:
            out[i] = {**old.fields, **{n: column[i] for n, column in zip(names, values,
                                                                         strict=True)}}
    return out


_quote = json.encoder.encode_basestring_ascii    # what json.dumps uses for each string


def _load_existing(db: Database, audit_id: int, refs: list[str]) -> dict[str, _Existing]:
    if not db.scalar("SELECT 1 FROM record WHERE audit_id = ? LIMIT 1", (audit_id,)):
        return {}
    wanted = set(refs)
    out: dict[str, _Existing] = {}
    by_id: dict[int, _Existing] = {}
    for rid, ref, fields in db.all("SELECT id, ref, fields FROM record WHERE audit_id = ?",
                                   (audit_id,)):
        if ref in wanted:
            out[ref] = by_id[rid] = _Existing(rid, json.loads(fields or "{}"), {})
    if by_id:
        for rid, qid, state, value, note, who, at in db.all(
                "SELECT record_id, question_id, state, value, note, reviewer, answered_at "
                "FROM answer WHERE audit_id = ?", (audit_id,)):
            if rid in by_id:
                by_id[rid].answers[qid] = (state, value, note, who, at)
    return out


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


def _write(db: Database, audit: AuditInfo, qs: QuestionSet, staged: _Staged, reviewer: str,
           result: ImportResult, progress: Progress | None) -> None:
    at = now_iso()
    ids = [q.id for q in qs.questions]
    count = len(staged.refs)
    if progress:
        progress(0, count)
    states = [[a[0] for a in column] for column in staged.answers]
    values = [[a[1] for a in column] for column in staged.answers]
    scored = [states[k] for k, q in enumerate(qs.questions) if q.tallied]
    complete = list(map(all, zip(*scored, strict=True))) if scored else [True] * count
    bulk = db.dialect == "sqlite" and len(ids) <= MAX_BULK_QUESTIONS
    with bulk_transaction(db):
        next_id = (db.scalar("SELECT MAX(id) FROM record") or 0) + 1
        next_seq = (db.scalar("SELECT MAX(seq) FROM record WHERE audit_id = ?",
                              (audit.id,)) or 0) + 1
        rids, new_records, updates, cleared = [], [], [], []
        for i, old in enumerate(staged.olds):
            if old is None:
                rids.append(next_id)
                new_records.append((next_id, audit.id, next_seq, staged.refs[i],
                                    staged.fields[i], complete[i]))
                next_id += 1
                next_seq += 1
            else:
                rids.append(old.id)
                updates.append((json.dumps(staged.fields[i]), complete[i], old.id))
                cleared.append((old.id,))
        result.new, result.updated = len(new_records), len(updates)
        in_bulk = [bulk and old is None and not (staged.notes and staged.notes[i])
                   for i, old in enumerate(staged.olds)]
        answers = []
        for i in (i for i, b in enumerate(in_bulk) if not b):
            previous = staged.olds[i].answers if staged.olds[i] else {}
            notes = staged.notes[i] if staged.notes else {}
            for k, qid in enumerate(ids):
                state, value, note = states[k][i], values[k][i], notes.get(qid, "")
                if state == UNANSWERED and not note:
                    continue
                prev = previous.get(qid)
                who, when = (prev[3], prev[4]) if prev and prev[:2] == (state, value) else (
                    reviewer, at)
                answers.append((rids[i], qid, audit.id, state, value, note, who, when))
        db.executemany("INSERT INTO record (id, audit_id, seq, ref, fields, complete) "
                       "VALUES (?, ?, ?, ?, ?, ?)", new_records)
        db.executemany("UPDATE record SET fields = ?, complete = ? WHERE id = ?", updates)
        db.executemany("DELETE FROM answer WHERE record_id = ?", cleared)
        db.executemany("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
                       "reviewer, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", answers)
        if any(in_bulk):
            flat = chain.from_iterable(zip(states, values, strict=True))
            wide = zip(rids, *flat, strict=True)
            rows = [row for row, b in zip(wide, in_bulk, strict=True) if b]
            insert_answers_wide(db, audit.id, ids, rows, reviewer, at)
    if progress:
        progress(count, count)
