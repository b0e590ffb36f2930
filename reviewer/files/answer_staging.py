"""Reading an answer table (docs/contracts.md §2) for a staging table, before any lock is taken.

The file is read in batches; each distinct cell text of a question is parsed once, and each
distinct combination of the answers that ask_if conditions depend on is resolved once (as if the
record were new), so a big file costs a few C-speed passes rather than Python work per cell.
Every row goes to a staging table (``store.staging``) on the importing connection — a
temporary table, private to it, that needs no write lock — with both the answers as given (for
merging with a stored record) and, for the questions conditions involve, as resolved for a new
record. Memory stays
flat at any size. Problems are collected as ``FILE:ROW:COLUMN: message``; the ones that cannot
depend on stored records are raised here, before the database is locked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from reviewer.errors import Progress
from reviewer.files.answer_table import (
    PATH_FIELDS,
    Columns,
    ImportProblems,
    Memo,
    Problems,
    Rules,
    classify,
    resolve_path_cell,
)
from reviewer.questions import logic
from reviewer.questions.logic import BLANK, UNANSWERED, Answer
from reviewer.questions.model import QuestionSet

BATCH = 5000
MAX_COLUMNS = 1500        # of the staging table (PostgreSQL allows 1,600)


def _parse(q: logic.Question, cell: str) -> Answer | logic.AnswerError:
    try:
        return logic.parse_value(q, cell)
    except logic.AnswerError as exc:
        return exc


@dataclass
class Staged:
    name: str
    rows: int
    columns: Columns
    involved: list[int]
    note_questions: list[int]          # question indexes with a note column in the file
    deferred: bool                     # condition problems wait for the stored records
    field_names: list[str]
    table: list[str] = field(default_factory=list)   # the staging table's column definitions
    width: int = 0                     # values per staging row


def stage_columns(n_questions: int, involved: list[int], notes: list[int]) -> list[str]:
    cols = ["k INTEGER PRIMARY KEY", "row INTEGER", "ref TEXT", "rid INTEGER", "fields TEXT",
            "complete BOOLEAN", "problems TEXT"]
    cols += [f"s{k} INTEGER, v{k} TEXT" for k in range(n_questions)]
    cols += [f"r{k} INTEGER, w{k} TEXT" for k in involved]
    cols += [f"n{k} TEXT" for k in notes]
    return cols


def plan_stage(qs: QuestionSet, name: str, header: list[str]) -> tuple[Staged, Problems]:
    """What staging the file needs: its columns (``Staged.table``: the staging table's column
    definitions), and the problems found so far (a header problem is raised at once)."""
    cols = classify(header, qs, name)
    rules = Rules(qs)
    notes = sorted(set(cols.notes.values()))
    in_file = set(cols.questions.values())
    deferred = not set(rules.involved) <= in_file
    n = len(qs.questions)
    width = 7 + 2 * n + 2 * len(rules.involved) + len(notes)
    if width > MAX_COLUMNS:
        raise ImportProblems(f"{name}: the question set has too many questions to import at "
                             f"once ({n}; up to {(MAX_COLUMNS - 7) // 4} can be)")
    staged = Staged(name, 0, cols, rules.involved, notes, deferred,
                    [f for _, f in cols.fields], stage_columns(n, rules.involved, notes), width)
    return staged, Problems(name, header)


def stage_batches(staged: Staged, qs: QuestionSet, rows: Iterable[tuple[int, list[str]]],
                  base: Path, problems: Problems, total: int = 0,
                  progress: Progress | None = None) -> Iterator[Iterator[tuple]]:
    """Check every cell: each batch of rows as staging rows (``Staged.table``'s columns), to be
    stored before the next is read; problems that stored records cannot change are added to
    ``problems``."""
    rules = Rules(qs)
    parsers = {k: Memo(lambda cell, q=qs.questions[k]: _parse(q, cell))
               for k in set(staged.columns.questions.values())}
    it = iter(rows)
    if progress:
        progress(0, total)
    while batch := list(islice(it, BATCH)):
        yield _batch_rows(staged, qs, rules, parsers, batch, base, problems, staged.rows)
        staged.rows += len(batch)
        if progress:
            progress(staged.rows, total)


def add_duplicates(staged: Staged, problems: Problems, found: Iterable[tuple[str, str]]) -> None:
    """Report repeated refs: (ref, its row numbers joined by commas) each."""
    for ref, numbers in found:
        rows_in = sorted(int(x) for x in str(numbers).split(","))
        for number in rows_in[1:]:
            problems.add(number, staged.columns.ref,
                         f"duplicate ref '{ref}' (also in row {rows_in[0]})")


def _batch_rows(st: Staged, qs: QuestionSet, rules: Rules, parsers: dict[int, Memo],
                batch: list[tuple[int, list[str]]], base: Path, problems: Problems,
                first: int) -> Iterator[tuple]:
    """The batch as staging rows, built a column at a time (``zip`` does the per-row work)."""
    cols = st.columns
    size = len(batch)
    numbers = [number for number, _ in batch]
    cells = list(zip(*[c for _, c in batch], strict=True))
    n = len(qs.questions)
    given: dict[int, list[Answer]] = {}
    for col, k in cols.questions.items():
        column = list(map(parsers[k].__getitem__, cells[col]))
        if any(isinstance(a, Exception) for a in parsers[k].values()):
            for i, answer in enumerate(column):
                if isinstance(answer, Exception):
                    problems.add(numbers[i], col, str(answer))
                    column[i] = BLANK
        given[k] = column
    refs = [ref.strip() for ref in cells[cols.ref]]
    if "" in refs:
        for i, ref in enumerate(refs):
            if not ref:
                problems.add(numbers[i], cols.ref, "the ref is blank")
    blank = [BLANK] * size
    resolved = list(map(rules.resolve, zip(*[given.get(k, blank) for k in rules.involved],
                                          strict=True))) if rules.involved else []
    res_cols = list(zip(*[r[0] for r in resolved], strict=True)) if resolved else []
    by_involved = dict(zip(rules.involved, res_cols, strict=True))
    problem_col: list[str | None] = [None] * size
    for i, (_, found) in enumerate(resolved):
        if found:
            located = [(c, msg) for qid, msg in found
                       if (c := cols.question_column(rules.index[qid])) is not None]
            if located and st.deferred:
                problem_col[i] = json.dumps(located)
            for c, msg in located if not st.deferred else ():
                problems.add(numbers[i], c, msg)
    scored = [by_involved.get(k, given.get(k, blank)) for k, q in enumerate(qs.questions)
              if q.tallied]
    done = [list(map(UNANSWERED.__ne__, next(iter(zip(*c, strict=True))))) for c in scored]
    complete = list(map(all, zip(*done, strict=True))) if done else [True] * size
    out: list[Any] = [range(first, first + size), numbers, refs, [None] * size,
                      _fields(st, cells, base), complete, problem_col]
    nothing = [None] * size
    for k in range(n):
        out += list(zip(*given[k], strict=True)) if k in given else [nothing, nothing]
    for k in rules.involved:
        out += list(zip(*by_involved[k], strict=True))
    for col in sorted(cols.notes, key=lambda c: cols.notes[c]):
        out.append([c.strip() for c in cells[col]])
    return zip(*out, strict=True)


def _fields(st: Staged, cells: list[tuple[str, ...]], base: Path) -> list[str]:
    """Each row's field columns as a JSON array in the file's order (made by one format string
    per batch; the import places each at its slot: ``store.field_slots.placed``); a relative
    ``audio`` or ``transcript`` path is taken relative to the file's folder."""
    if not st.columns.fields:
        return ["[]"] * len(cells[0])
    values = []
    for col, name in st.columns.fields:
        column = [c.strip() for c in cells[col]]
        if name in PATH_FIELDS:
            column = [resolve_path_cell(v, base) for v in column]
        values.append(map(_quote, column))
    row = "[" + ",".join(["{}"] * len(st.columns.fields)) + "]"
    return list(map(row.format, *values))


_quote = json.encoder.encode_basestring_ascii    # what json.dumps uses for each string
