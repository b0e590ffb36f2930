"""The results as a spreadsheet (XLSX) or CSV (docs/contracts.md §4).

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

Figures come from ``reviewer.analysis.tally.tally``; openpyxl is imported inside the functions.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from reviewer.analysis.stats import rate
from reviewer.analysis.tally import QuestionTally, Tally, tally
from reviewer.files.cells import SafeCells
from reviewer.files.exporter import AnswerColumns, answer_columns
from reviewer.files.private import check_extension, private_output
from reviewer.outputs.agreement_xlsx import agreement_sheet
from reviewer.outputs.feedback_xlsx import operator_feedback_xlsx
from reviewer.outputs.report_data import blocks, summarize
from reviewer.outputs.tally_format import CSV_HEADER, NA_NOTE, csv_rows, sign_off_line
from reviewer.outputs.weighted_out import weighted_sheet
from reviewer.outputs.xlsx_util import (
    HEAD_FILL,
    PERCENT_FORMAT,
    SafeWorkbook,
    answer_cells,
    cell,
    save,
    typed_column,
)
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.db import Database

__all__ = ["write_results", "results_xlsx", "results_csv", "operator_feedback_xlsx",
           "RESULTS_SUFFIXES"]

RESULTS_SUFFIXES = (".xlsx", ".csv")
Warn = Callable[[str], None]
RESULTS_HEADER = ["Question", "Y", "N", "Total", "Y rate", "95% CI low", "95% CI high", "Target",
                  "Target status"]


def write_results(db: Database, audit: AuditInfo, out: str | Path,
                  warn: Warn | None = None) -> Path:
    """``.xlsx`` -> the workbook, ``.csv`` -> the results table as CSV (any case); another
    extension is a UsageError and nothing is written."""
    if check_extension(out, RESULTS_SUFFIXES, "the results file") == ".xlsx":
        return results_xlsx(db, audit, out, warn)
    return results_csv(db, audit, out)


def _rate_cells(ws, count: int, total: int) -> list:
    r = rate(count, total)
    return [cell(ws, v, fmt=PERCENT_FORMAT) for v in (r.rate, r.low, r.high)]


def _results_sheet(book: SafeWorkbook, audit: AuditInfo, t: Tally, summary) -> None:
    ws = book.sheet("Results")
    ws.header_rows = 2                 # the audit's name and sign-off atop every printed page
    for col, width in zip("ABCDEFGHI", (70, 18, 9, 9, 9, 11, 11, 9, 14), strict=True):
        ws.column_dimensions[col].width = width
    qs = t.qset
    ws.append([cell(ws, f"Results tables: {audit.name}", bold=True)])
    ws.append([cell(ws, sign_off_line(audit), bold=True)])
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
                target = [cell(ws, qt.question.target, fmt=PERCENT_FORMAT),
                          qt.target_status] if qt.question.target is not None else []
                label = qt.question.caption(with_ref=True)
                ws.append([cell(ws, label, wrap=True), qt.yes, qt.no, qt.total,
                           *_rate_cells(ws, qt.yes, qt.total), *target])
                after_breakdown = False
            else:
                _breakdown(ws, qt)
                after_breakdown = True


def _breakdown(ws, qt: QuestionTally) -> None:
    sub = [qt.question.label or "Answer", "Number", "Total", "Share", "95% CI low",
           "95% CI high"]
    ws.append([cell(ws, qt.question.caption(with_ref=True), wrap=True)]
              + [cell(ws, h, bold=True, fill=HEAD_FILL) for h in sub])
    for i, (choice, n) in enumerate(qt.counts.items()):
        ws.append(["", choice, n, qt.total if i == 0 else None, *_rate_cells(ws, n, qt.total)])


def _answers_sheet(book: SafeWorkbook, c: AnswerColumns) -> None:
    ws = book.sheet("Answers")
    header, columns = answer_cells(c)
    ws.column_dimensions["A"].width = 20
    ws.freeze_panes = "B2"
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in ["ref", *header]])
    ws.bulk([c.refs, *columns])


def _records_sheet(book: SafeWorkbook, c: AnswerColumns) -> None:
    ws = book.sheet("Records")
    ws.column_dimensions["A"].width = 20
    ws.freeze_panes = "B2"
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in ["ref", *c.fields]])
    ws.bulk([c.refs, *map(typed_column, c.fields.values())])


def results_xlsx(db: Database, audit: AuditInfo, out: str | Path,
                 warn: Warn | None = None) -> Path:
    check_extension(out, (".xlsx",), "the results workbook")
    qs = question_set(db, audit)
    t = tally(db, audit, qs)
    columns = answer_columns(db, audit, qs, not_asked="n/a")
    with SafeWorkbook() as book:
        _results_sheet(book, audit, t, summarize(db, audit))
        _answers_sheet(book, columns)
        _records_sheet(book, columns)
        agreement_sheet(book, db, audit)
        weighted_sheet(book, db, audit, t)
        return save(book, out, warn)


CSV_RATE_HEADER = CSV_HEADER + ["rate", "ci_low", "ci_high"]


def results_csv(db: Database, audit: AuditInfo, out: str | Path) -> Path:
    """``tally --format csv``'s columns plus the rate (Y/Total, or number/Total for a choice)
    and its 95% interval, as fractions."""
    check_extension(out, (".csv",), "the results table")
    t = tally(db, audit)
    rows = []
    total = 0
    for row in csv_rows(t):
        y, number = row[5], row[7]
        total = row[8] if row[8] != "" else total
        r = rate(y if number == "" else number, total)
        rows.append(row + ["" if r.rate is None else round(v, 4) for v in (r.rate, r.low, r.high)])
    cells = SafeCells()
    with private_output(out) as tmp, tmp.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(CSV_RATE_HEADER)
        writer.writerows(map(cells.row, rows))
    return Path(out)
