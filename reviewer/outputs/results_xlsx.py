"""The results as a spreadsheet (XLSX) or CSV (SPEC §4).

Workbook sheets:

* **Results** — laid out like the inspection appendix: a heading row per section, then
  ``Question | Y | N | Total | Y rate | 95% CI low | 95% CI high``; a choice question as a
  breakdown (its label header, one row per choice with its number and share, the total on the
  first row). Rates are numbers formatted as percentages.
* **Answers** — one row per record: ``ref``, each question's answer as a label (``Y``, ``N``,
  ``n/a``, choice labels; blank when unanswered) and a ``note:<id>`` column after each question
  that has notes.
* **Records** — ``ref`` and every record field; ``YYYY-MM-DD`` values are real dates, numbers are
  numbers.

Figures come from ``reviewer.tally.tally``; openpyxl is imported inside the functions.
"""

from __future__ import annotations

import csv
from pathlib import Path

from reviewer.analysis.stats import rate
from reviewer.analysis.tally import QuestionTally, Tally, tally
from reviewer.errors import ReviewerError
from reviewer.outputs.feedback_xlsx import operator_feedback_xlsx
from reviewer.outputs.report_data import blocks, question_label, summarize
from reviewer.outputs.tally_format import CSV_HEADER, NA_NOTE, csv_rows
from reviewer.outputs.xlsx_util import (
    HEAD_FILL,
    PERCENT_FORMAT,
    cell,
    field_names,
    noted_questions,
    record_answers,
    save,
    typed,
)
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.db import Database

__all__ = ["write_results", "results_xlsx", "results_csv", "operator_feedback_xlsx"]

RESULTS_HEADER = ["Question", "Y", "N", "Total", "Y rate", "95% CI low", "95% CI high"]


def write_results(db: Database, audit: AuditInfo, out: str | Path) -> Path:
    """``.xlsx`` -> the workbook, ``.csv`` -> the results table as CSV."""
    suffix = Path(out).suffix.lower()
    if suffix == ".xlsx":
        return results_xlsx(db, audit, out)
    if suffix == ".csv":
        return results_csv(db, audit, out)
    raise ReviewerError(f"{out}: unsupported results file type '{suffix}' (use .xlsx or .csv)")


def _rate_cells(ws, count: int, total: int) -> list:
    r = rate(count, total)
    return [cell(ws, v, fmt=PERCENT_FORMAT) for v in (r.rate, r.low, r.high)]


def _results_sheet(wb, audit: AuditInfo, t: Tally, summary) -> None:
    ws = wb.create_sheet("Results")
    for col, width in zip("ABCDEFG", (70, 18, 9, 9, 9, 11, 11), strict=True):
        ws.column_dimensions[col].width = width
    qs = t.qset
    ws.append([cell(ws, f"Results tables: {audit.name}", bold=True)])
    ws.append([f"{qs.title} (id {qs.id}, version {qs.version})"])
    ws.append([f"{t.records} records; reviewers: {', '.join(summary.reviewers) or 'not recorded'}"
               f"; answers given: {summary.answered_range()}"])
    sample = "; ".join(f"{k}: {v}" for k, v in summary.sample_lines())
    ws.append([f"Sample — {sample}"])
    ws.append([NA_NOTE + " Y rate = Y / (Y + N), with its 95% confidence interval (Wilson)."])
    head = [cell(ws, h, bold=True, fill=HEAD_FILL) for h in RESULTS_HEADER]
    for block in blocks(t):
        ws.append([])
        if block.heading:
            ws.append([cell(ws, block.heading, bold=True)])
        ws.append(head)
        after_breakdown = False
        for qt in block.rows:
            if qt.question.type == "yes_no":
                if after_breakdown:
                    ws.append([""] + head[1:])
                ws.append([cell(ws, question_label(qt), wrap=True), qt.yes, qt.no, qt.total,
                           *_rate_cells(ws, qt.yes, qt.total)])
                after_breakdown = False
            else:
                _breakdown(ws, qt)
                after_breakdown = True


def _breakdown(ws, qt: QuestionTally) -> None:
    sub = [qt.question.label or "Answer", "Number", "Total", "Share", "95% CI low",
           "95% CI high"]
    ws.append([cell(ws, question_label(qt), wrap=True)]
              + [cell(ws, h, bold=True, fill=HEAD_FILL) for h in sub])
    for i, (choice, n) in enumerate(qt.counts.items()):
        ws.append(["", choice, n, qt.total if i == 0 else None, *_rate_cells(ws, n, qt.total)])


def _answers_sheet(wb, qs, records) -> None:
    ws = wb.create_sheet("Answers")
    noted = noted_questions(qs, records)
    header = ["ref"]
    for q in qs.questions:
        header.append(q.id)
        if q.id in noted:
            header.append(f"note:{q.id}")
    ws.column_dimensions["A"].width = 20
    ws.freeze_panes = "B2"
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in header])
    for r in records:
        row: list = [r.ref]
        for q in qs.questions:
            row.append(r.answers.get(q.id))
            if q.id in noted:
                row.append(r.notes.get(q.id))
        ws.append(row)


def _records_sheet(wb, records) -> None:
    ws = wb.create_sheet("Records")
    names = field_names(records)
    ws.column_dimensions["A"].width = 20
    ws.freeze_panes = "B2"
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in ["ref", *names]])
    for r in records:
        ws.append([r.ref] + [cell(ws, typed(r.fields.get(n))) for n in names])


def results_xlsx(db: Database, audit: AuditInfo, out: str | Path) -> Path:
    from openpyxl import Workbook

    qs = question_set(db, audit)
    t = tally(db, audit, qs)
    records = record_answers(db, audit)
    wb = Workbook(write_only=True)
    _results_sheet(wb, audit, t, summarize(db, audit))
    _answers_sheet(wb, qs, records)
    _records_sheet(wb, records)
    return save(wb, out)


CSV_RATE_HEADER = CSV_HEADER + ["rate", "ci_low", "ci_high"]


def results_csv(db: Database, audit: AuditInfo, out: str | Path) -> Path:
    """``tally --format csv``'s columns plus the rate (Y/Total, or number/Total for a choice)
    and its 95% interval, as fractions."""
    t = tally(db, audit)
    rows = []
    total = 0
    for row in csv_rows(t):
        y, number = row[5], row[7]
        total = row[8] if row[8] != "" else total
        r = rate(y if number == "" else number, total)
        rows.append(row + ["" if r.rate is None else round(v, 4) for v in (r.rate, r.low, r.high)])
    path = Path(out)
    try:
        with path.open("w", newline="", encoding="utf-8-sig") as f:
            writer = csv.writer(f)
            writer.writerow(CSV_RATE_HEADER)
            writer.writerows(rows)
    except OSError as exc:
        raise ReviewerError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return path
