"""An improvement plan with its evidence as a workbook (docs/contracts.md §9).

* **Plan** — one row per item, laid out as a printed improvement plan (ref, area for
  improvement, due date, owner, progress, date of update, complete) plus whether it is overdue,
  the evidence in words and its verdict.
* **Evidence** — one row per item and linked question: each audit's Y, total, Y rate and 95%
  interval (rates as numbers formatted as percentages), the change from the first audit to the
  last, Fisher's p, the verdict, and the target and how the last audit stands against it.

Every cell follows the cell rules (``SafeWorkbook``); openpyxl is imported by it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reviewer.analysis.plans import PlanStatus
from reviewer.analysis.stats import rate
from reviewer.outputs.plan_text import evidence_text
from reviewer.outputs.xlsx_util import HEAD_FILL, PERCENT_FORMAT, SafeWorkbook, cell, save

PLAN_HEADER = ["Ref", "Area for improvement", "Due date", "Action owner", "Progress update",
               "Date of update", "Complete", "Overdue", "Evidence", "Verdict"]


def _date(text: str):
    return dt.date.fromisoformat(text) if text else None


def _plan_sheet(book: SafeWorkbook, status: PlanStatus) -> None:
    ws = book.sheet("Plan")
    names = [a.name for a in status.audits]
    for col, width in zip("ABCDEFGHIJ", (9, 50, 11, 24, 60, 11, 9, 9, 60, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "B3"
    ws.append([cell(ws, f"Improvement plan: {status.plan.name} — evidence from "
                        f"{', '.join(names)} (baseline {names[0]})", bold=True)])
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in PLAN_HEADER])
    for item in status.items:
        i = item.item
        evidence = "\n".join(evidence_text(ev, names).strip() for ev in item.questions) \
            or "no linked question"
        ws.append([cell(ws, i.ref), cell(ws, i.area, wrap=True), cell(ws, _date(i.due)),
                   cell(ws, i.owner, wrap=True), cell(ws, i.progress, wrap=True),
                   cell(ws, _date(i.updated)),
                   {True: "Yes", False: "No", None: None}[i.complete],
                   "OVERDUE" if item.overdue() else None, cell(ws, evidence, wrap=True),
                   cell(ws, item.status, bold=True)])


def _evidence_sheet(book: SafeWorkbook, status: PlanStatus) -> None:
    ws = book.sheet("Evidence")
    names = [a.name for a in status.audits]
    head = ["Item", "Question", "Text", "Ref"]
    for name in names:
        head += [f"{name}: Y", f"{name}: total", f"{name}: Y rate", f"{name}: 95% CI low",
                 f"{name}: 95% CI high"]
    head += ["Change", "p (Fisher)", "Verdict", "Target", "Target status (last)"]
    ws.column_dimensions["C"].width = 50
    ws.freeze_panes = "C2"
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL, wrap=True) for h in head])
    for item in status.items:
        for ev in item.questions:
            q = ev.question
            row: list = [item.item.ref, q.id, cell(ws, q.text, wrap=True), q.ref or None]
            for f in ev.figures:
                yes, total = (f.yes, f.total) if f is not None and q.type == "yes_no" \
                    else (None, None)
                r = rate(yes or 0, total or 0)
                row += [yes, total] + [cell(ws, v, fmt=PERCENT_FORMAT)
                                       for v in (r.rate, r.low, r.high)]
            last = ev.figures[-1]
            row += [cell(ws, ev.difference, fmt="+0.0%;-0.0%;0.0%"), ev.p_value, ev.flag,
                    cell(ws, q.target, fmt=PERCENT_FORMAT),
                    last.target_status if q.target is not None and last is not None else None]
            ws.append(row)


def plan_xlsx(status: PlanStatus, out: str | Path) -> Path:
    book = SafeWorkbook()
    _plan_sheet(book, status)
    _evidence_sheet(book, status)
    return save(book, out)

