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

Figures come from ``reviewer.figures.tally``; openpyxl is imported inside the functions.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from reviewer.analysis.stats import Rate, rate
from reviewer.analysis.tally import Tally
from reviewer.answer_columns import AnswerTable
from reviewer.files.answer_table import note_header
from reviewer.files.cells import SafeCells
from reviewer.outputs.agreement_xlsx import agreement_sheet
from reviewer.outputs.feedback_xlsx import operator_feedback_xlsx
from reviewer.outputs.report_data import AuditFigures
from reviewer.outputs.results_rows import BREAKDOWN, CHOICE, HEAD, SECTION, YES_NO, result_rows
from reviewer.outputs.tally_format import CSV_HEADER, NA_NOTE, csv_rows, sign_off_line
from reviewer.outputs.weighted_out import weighted_sheet
from reviewer.outputs.xlsx_util import (
    HEAD_FILL,
    PERCENT_FORMAT,
    SafeWorkbook,
    cell,
    save,
    typed_column,
)
from reviewer.private import check_extension, private_output
from reviewer.store.audits import AuditInfo

__all__ = ["write_results", "results_xlsx", "results_csv", "operator_feedback_xlsx",
           "RESULTS_SUFFIXES"]

RESULTS_SUFFIXES = (".xlsx", ".csv")
Warn = Callable[[str], None]
RESULTS_HEADER = ["Question", "Y", "N", "Total", "Y rate", "95% CI low", "95% CI high", "Target",
                  "Target status"]


def check_results_file(out: str | Path) -> str:
    """The results file's extension, or a UsageError before anything is read or written."""
    return check_extension(out, RESULTS_SUFFIXES, "the results file")


def write_results(f: AuditFigures, out: str | Path, warn: Warn | None = None) -> Path:
    """``.xlsx`` -> the workbook, ``.csv`` -> the results table as CSV (any case); another
    extension is a UsageError and nothing is written. ``f``: ``figures.report_figures`` with
    the answers as columns."""
    if check_results_file(out) == ".xlsx":
        return results_xlsx(f, out, warn)
    return results_csv(f, out)


def _rate_cells(ws, r: Rate) -> list:
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
    for row in result_rows(t):
        qt = row.qt
        if row.kind == SECTION:
            ws.append([])
            if row.text:
                ws.append([cell(ws, row.text, bold=True)])
            ws.append(head)
        elif row.kind == HEAD:
            ws.append([""] + head[1:])
        elif row.kind == YES_NO and qt is not None:
            q = qt.question
            target = [cell(ws, q.target, fmt=PERCENT_FORMAT),
                      qt.target_status] if q.target is not None else []
            ws.append([cell(ws, row.text, wrap=True), qt.yes, qt.no, qt.total,
                       *_rate_cells(ws, row.rate), *target])
        elif row.kind == BREAKDOWN:
            sub = [row.option, "Number", "Total", "Share", "95% CI low", "95% CI high"]
            ws.append([cell(ws, row.text, wrap=True)]
                      + [cell(ws, h, bold=True, fill=HEAD_FILL) for h in sub])
        elif row.kind == CHOICE and qt is not None:
            ws.append(["", row.option, row.number, qt.total if row.first else None,
                       *_rate_cells(ws, row.rate)])


def _answers_sheet(book: SafeWorkbook, t: AnswerTable) -> None:
    """The answers (and the notes of questions with any), a batch of records at a time; a
    blank answer or note is an empty cell (as ``answer_cells``)."""
    ws = book.sheet("Answers")
    header = []
    for q in t.qs.questions:
        header.append(q.id)
        if q.id in t.noted:
            header.append(note_header(q.id))
    ws.column_dimensions["A"].width = 20
    ws.freeze_panes = "B2"
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in ["ref", *header]])

    def batches() -> Iterator[list[list]]:
        for c in t.chunks:
            columns: list[list] = [c.refs]
            for q in t.qs.questions:
                columns.append([v or None for v in c.answers[q.id]])
                if q.id in t.noted:
                    columns.append([v or None for v in c.notes[q.id]])
            yield columns
    ws.bulk_batches(batches(), len(header) + 1)


def _records_sheet(book: SafeWorkbook, t: AnswerTable) -> None:
    ws = book.sheet("Records")
    ws.column_dimensions["A"].width = 20
    ws.freeze_panes = "B2"
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in ["ref", *t.fields]])
    ws.bulk_batches(([c.refs, *map(typed_column, c.fields.values())] for c in t.chunks),
                    len(t.fields) + 1)


def results_xlsx(f: AuditFigures, out: str | Path, warn: Warn | None = None) -> Path:
    check_extension(out, (".xlsx",), "the results workbook")
    assert f.answers is not None, "the workbook needs report_figures(..., columns=True)"
    with SafeWorkbook() as book:
        _results_sheet(book, f.audit, f.tally, f.summary)
        _answers_sheet(book, f.answers())        # each sheet reads its own stream as it is
        _records_sheet(book, f.answers())        # written (docs/performance.md)
        agreement_sheet(book, f.audit, f.calibrations, f.team)
        weighted_sheet(book, f.tally, f.weighted)
        return save(book, out, warn)


CSV_RATE_HEADER = CSV_HEADER + ["rate", "ci_low", "ci_high"]


def results_csv(f: AuditFigures, out: str | Path) -> Path:
    """``tally --format csv``'s columns plus the rate (Y/Total, or number/Total for a choice)
    and its 95% interval, as fractions."""
    check_extension(out, (".csv",), "the results table")
    t = f.tally
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
