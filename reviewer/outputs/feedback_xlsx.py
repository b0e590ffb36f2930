"""Per-person feedback workbook: the audit split by a record field (e.g. ``operator``).

* **Summary** — one row per value of the field: its records and the Y rate of every yes_no
  question (Y / (Y + N); blank where there was no Y or N), and an "All records" row.
* one sheet per value — that person's Y | N | Total | Y rate per yes_no question, then their
  records: ``ref``, the other record fields, each answer as a label and any notes.

Figures come from ``reviewer.figures.tally_by`` (the same counting as the results tables).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reviewer.analysis.stats import rate
from reviewer.analysis.tally import Tally
from reviewer.answer_columns import AnswerColumns
from reviewer.outputs.report_data import AuditFigures
from reviewer.outputs.xlsx_util import (
    HEAD_FILL,
    PERCENT_FORMAT,
    SafeWorkbook,
    answer_cells,
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


def _person_sheet(book: SafeWorkbook, audit: AuditInfo, field: str, value: str, title: str,
                  qs: QuestionSet, t: Tally, c: AnswerColumns, rows: list[int]) -> None:
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
    names = [n for n in c.fields if n != field
             and any(c.fields[n][i] is not None for i in rows)]
    header, answers = answer_cells(c, rows)
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in ["ref", *names, *header]])
    fields = [typed_column(c.fields[n][i] for i in rows) for n in names]
    ws.bulk([[c.refs[i] for i in rows], *fields, *answers])


def check_feedback_file(out: str | Path) -> None:
    check_extension(out, (".xlsx",), "the feedback workbook")


def operator_feedback_xlsx(f: AuditFigures, out: str | Path,
                           warn: Callable[[str], None] | None = None) -> Path:
    """Write the per-field feedback workbook (``figures.feedback_figures``) to ``out`` (.xlsx)
    and return its path."""
    check_feedback_file(out)
    audit, field, qs, groups, c = f.audit, f.by, f.qs, f.groups, f.columns
    assert c is not None
    taken = {"summary"}
    names = {value: sheet_title(value or BLANK_VALUE, taken) for value, _ in groups}
    by_value: dict[str, list[int]] = {}
    for i, v in enumerate(c.fields.get(field, [None] * len(c))):
        by_value.setdefault(group_value(v), []).append(i)
    with SafeWorkbook() as book:
        _summary_sheet(book, field, qs, f.tally, groups)
        for value, g in groups:
            _person_sheet(book, audit, field, value, names[value], qs, g, c,
                          by_value.get(value, []))
        return save(book, out, warn)
