"""Per-person feedback workbook: the audit split by a record field (e.g. ``operator``).

* **Summary** — one row per value of the field: its records and the Y rate of every yes_no
  question (Y / (Y + N); blank where there was no Y or N), and an "All records" row.
* one sheet per value — that person's Y | N | Total | Y rate per yes_no question, then their
  records: ``ref``, the other record fields, each answer as a label and any notes.

Figures come from ``reviewer.figures.tally_by`` (the same counting as the results tables). The
records stream (docs/performance.md, "Feedback workbook and start-up"): the answer table is read
once, a batch of records at a time, and each batch's rows are put aside by group in a temporary
file (with the fields and notes each group has, which make its sheet's header); each sheet then
reads back its own group's rows as the workbook is written.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from reviewer.analysis.stats import rate
from reviewer.analysis.tally import Tally
from reviewer.answer_columns import AnswerColumns, AnswerTable
from reviewer.files.answer_table import note_header
from reviewer.outputs.report_data import AuditFigures
from reviewer.outputs.xlsx_util import (
    HEAD_FILL,
    PERCENT_FORMAT,
    SafeWorkbook,
    cell,
    group_value,
    save,
    sheet_title,
    typed_column,
)
from reviewer.private import check_extension
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo

BLANK_VALUE = "(blank)"


def _yes_no(qs: QuestionSet) -> list:
    return [q for q in qs.questions if q.type == "yes_no"]


def _summary_sheet(book: SafeWorkbook, field: str, qs: QuestionSet, overall: Tally,
                   groups: list[tuple[str, Tally]]) -> None:
    ws = book.sheet("Summary", 0)
    questions = _yes_no(qs)
    ws.column_dimensions["A"].width = 24
    ws.freeze_panes = "C3"
    ws.append([cell(ws, f"Y rate per {field}: Y / (Y + N), n/a not counted; blank where there "
                        "was no Y or N answer", bold=True)])
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL)
               for h in [field, "Records"] + [q.caption() for q in questions]])
    rows = [(value or BLANK_VALUE, g) for value, g in groups] + [("All records", overall)]
    for label, t in rows:
        by_id = t.by_id()
        rates = [rate(by_id[q.id].yes, by_id[q.id].total).rate for q in questions]
        ws.append([cell(ws, label, bold=label == "All records"), t.records]
                  + [cell(ws, r, fmt=PERCENT_FORMAT) for r in rates])


class _Groups:
    """The answer table's rows put aside by group in a temporary file (0600, unnamed), one
    pickled batch of columns per group and batch of records, with the record fields and noted
    questions each group has: what a sheet's header needs before its first row."""

    def __init__(self, t: AnswerTable, field: str, values: set[str]):
        self.t, self.field = t, field
        self.file: IO[bytes] = tempfile.TemporaryFile()
        self.parts: dict[str, list[int]] = {v: [] for v in values}
        self.fields: dict[str, set[str]] = {v: set() for v in values}
        self.noted: dict[str, set[str]] = {v: set() for v in values}
        try:
            for c in t.chunks:
                self._put(c)
        except BaseException:
            self.file.close()
            raise

    def _put(self, c: AnswerColumns) -> None:
        rows: dict[str, list[int]] = {}
        for i, v in enumerate(c.fields.get(self.field, [None] * len(c))):
            rows.setdefault(group_value(v), []).append(i)
        for value, at in rows.items():
            if value not in self.parts:
                continue
            fields = {n: [column[i] for i in at] for n, column in c.fields.items()
                      if n != self.field}
            notes = {q: [column[i] for i in at] for q, column in c.notes.items()}
            self.fields[value].update(n for n, vs in fields.items()
                                      if any(v is not None for v in vs))
            self.noted[value].update(q for q, vs in notes.items() if any(vs))
            self.parts[value].append(self.file.tell())
            pickle.dump(([c.refs[i] for i in at], fields,
                         {q: [column[i] for i in at] for q, column in c.answers.items()},
                         notes), self.file, pickle.HIGHEST_PROTOCOL)

    def header(self, value: str) -> tuple[list[str], list[str]]:
        """(the record fields, the answer and note columns) of the group's sheet."""
        names = [n for n in self.t.fields if n in self.fields[value]]
        answers = []
        for q in self.t.qs.questions:
            answers.append(q.id)
            if q.id in self.noted[value]:
                answers.append(note_header(q.id))
        return names, answers

    def columns(self, value: str, names: list[str]) -> Iterator[list[list[Any]]]:
        """The group's rows as columns (ref, fields, answers and notes), a batch at a time."""
        noted = self.noted[value]
        for offset in self.parts[value]:
            self.file.seek(offset)
            refs, fields, answers, notes = pickle.load(self.file)
            out = [refs, *(typed_column(fields[n]) for n in names)]
            for q in self.t.qs.questions:
                out.append([v or None for v in answers[q.id]])
                if q.id in noted:
                    out.append([v or None for v in notes[q.id]])
            yield out

    def close(self) -> None:
        self.file.close()


def _person_sheet(book: SafeWorkbook, audit: AuditInfo, field: str, value: str, title: str,
                  qs: QuestionSet, t: Tally, groups: _Groups) -> None:
    ws = book.sheet(title)
    ws.column_dimensions["A"].width = 60
    ws.append([cell(ws, f"{field}: {value or BLANK_VALUE}", bold=True)])
    ws.append([f"{t.records} records in {audit.name}"])
    ws.append([])
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL)
               for h in ("Question", "Y", "N", "Total", "Y rate")])
    by_id = t.by_id()
    for q in _yes_no(qs):
        qt = by_id[q.id]
        ws.append([q.caption(), qt.yes, qt.no, qt.total,
                   cell(ws, rate(qt.yes, qt.total).rate, fmt=PERCENT_FORMAT)])
    ws.append([])
    names, header = groups.header(value)
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in ["ref", *names, *header]])
    ws.bulk_batches(groups.columns(value, names), 1 + len(names) + len(header))


def check_feedback_file(out: str | Path) -> None:
    check_extension(out, (".xlsx",), "the feedback workbook")


def operator_feedback_xlsx(f: AuditFigures, out: str | Path,
                           warn: Callable[[str], None] | None = None) -> Path:
    """Write the per-field feedback workbook (``figures.feedback_figures``) to ``out`` (.xlsx)
    and return its path."""
    check_feedback_file(out)
    audit, field, qs, groups = f.audit, f.by, f.qs, f.groups
    assert f.answers is not None, "the workbook needs feedback_figures' answers"
    taken = {"summary"}
    names = {value: sheet_title(value or BLANK_VALUE, taken) for value, _ in groups}
    rows = _Groups(f.answers(), field, set(names))
    try:
        with SafeWorkbook() as book:
            _summary_sheet(book, field, qs, f.tally, groups)
            for value, g in groups:
                _person_sheet(book, audit, field, value, names[value], qs, g, rows)
            return save(book, out, warn)
    finally:
        rows.close()
