"""Per-person feedback workbook: the audit split by a record field (e.g. ``operator``).

* **Summary** — one row per value of the field: its records and the Y rate of every yes_no
  question (Y / (Y + N); blank where there was no Y or N), and an "All records" row.
* one sheet per value — that person's Y | N | Total | Y rate per yes_no question, then their
  records: ``ref``, the other record fields, each answer as a label and any notes.

Figures come from ``reviewer.tally.tally_by`` (the same counting as the results tables).
"""

from __future__ import annotations

from pathlib import Path

from reviewer.analysis.stats import rate
from reviewer.analysis.tally import Tally, field_names, tally, tally_by
from reviewer.errors import ReviewerError
from reviewer.outputs.xlsx_util import (
    HEAD_FILL,
    PERCENT_FORMAT,
    RecordAnswers,
    cell,
    group_value,
    noted_questions,
    record_answers,
    save,
    sheet_title,
    typed,
)
from reviewer.questions.qset import QuestionSet
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.db import Database

BLANK_VALUE = "(blank)"


def _yes_no(qs: QuestionSet) -> list:
    return [q for q in qs.questions if q.type == "yes_no"]


def _summary_sheet(wb, field: str, qs: QuestionSet, overall: Tally,
                   groups: list[tuple[str, Tally]]) -> None:
    ws = wb.create_sheet("Summary", 0)
    questions = _yes_no(qs)
    ws.column_dimensions["A"].width = 24
    ws.freeze_panes = "C3"
    ws.append([cell(ws, f"Y rate per {field}: Y / (Y + N), n/a not counted; blank where there "
                        "was no Y or N answer", bold=True)])
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL)
               for h in [field, "Records"] + [f"{q.id}. {q.text}" for q in questions]])
    rows = [(value or BLANK_VALUE, g) for value, g in groups] + [("All records", overall)]
    for label, t in rows:
        by_id = t.by_id()
        rates = [rate(by_id[q.id].yes, by_id[q.id].total).rate for q in questions]
        ws.append([cell(ws, label, bold=label == "All records"), t.records]
                  + [cell(ws, r, fmt=PERCENT_FORMAT) for r in rates])


def _person_sheet(wb, audit: AuditInfo, field: str, value: str, title: str,
                  qs: QuestionSet, t: Tally, records: list[RecordAnswers]) -> None:
    ws = wb.create_sheet(title)
    ws.column_dimensions["A"].width = 60
    ws.append([cell(ws, f"{field}: {value or BLANK_VALUE}", bold=True)])
    ws.append([f"{t.records} records in {audit.name}"])
    ws.append([])
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL)
               for h in ("Question", "Y", "N", "Total", "Y rate")])
    by_id = t.by_id()
    for q in _yes_no(qs):
        qt = by_id[q.id]
        ws.append([f"{q.id}. {q.text}", qt.yes, qt.no, qt.total,
                   cell(ws, rate(qt.yes, qt.total).rate, fmt=PERCENT_FORMAT)])
    ws.append([])
    names = [n for n in dict.fromkeys(k for r in records for k in r.fields) if n != field]
    noted = noted_questions(qs, records)
    header = ["ref", *names]
    for q in qs.questions:
        header += [q.id] + ([f"note:{q.id}"] if q.id in noted else [])
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in header])
    for r in records:
        row: list = [r.ref] + [cell(ws, typed(r.fields.get(n))) for n in names]
        for q in qs.questions:
            row.append(r.answers.get(q.id))
            if q.id in noted:
                row.append(r.notes.get(q.id))
        ws.append(row)


def operator_feedback_xlsx(db: Database, audit: AuditInfo, field: str, out: str | Path) -> Path:
    """Write the per-``field`` feedback workbook to ``out`` (.xlsx) and return its path."""
    from openpyxl import Workbook

    if Path(out).suffix.lower() != ".xlsx":
        raise ReviewerError(f"{out}: the feedback workbook must be an .xlsx file")
    known = field_names(db, audit)
    if field not in known:
        listed = ", ".join(known) if known else "the records have no fields"
        raise ReviewerError(f"audit '{audit.name}' has no record field '{field}' ({listed})")
    qs = question_set(db, audit)
    groups = tally_by(db, audit, field, qs)
    taken = {"summary"}
    names = {value: sheet_title(value or BLANK_VALUE, taken) for value, _ in groups}
    wb = Workbook(write_only=True)
    _summary_sheet(wb, field, qs, tally(db, audit, qs), groups)
    by_value: dict[str, list[RecordAnswers]] = {}
    for r in record_answers(db, audit):
        by_value.setdefault(group_value(r.fields.get(field)), []).append(r)
    for value, g in groups:
        _person_sheet(wb, audit, field, value, names[value], qs, g, by_value.get(value, []))
    return save(wb, out)
