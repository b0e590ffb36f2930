"""Shared pieces of the spreadsheet outputs: each record's answers as labels, typed cell values,
styled cells and safe sheet names. openpyxl is imported inside the functions."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.errors import ReviewerError
from reviewer.outputs.report_data import answers_filter
from reviewer.questions.logic import ANSWERED, NA, NOT_ASKED, format_value
from reviewer.questions.qset import QuestionSet
from reviewer.store.audits import AuditInfo
from reviewer.store.db import Database

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
INT_RE = re.compile(r"^-?(0|[1-9]\d{0,14})$")          # no leading zeros: "007" stays text
FLOAT_RE = re.compile(r"^-?(0|[1-9]\d{0,14})\.\d{1,10}$")
DATE_FORMAT, DATETIME_FORMAT, PERCENT_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0.0%"
HEAD_FILL = "E4E8EE"


@dataclass
class RecordAnswers:
    id: int
    ref: str
    fields: dict[str, Any]
    answers: dict[str, str]      # question id -> "Y" / "N" / "n/a" / choice labels; absent = blank
    notes: dict[str, str]


def answer_label(state: int, value: str | None) -> str:
    if state in (NA, NOT_ASKED):
        return "n/a"
    return format_value(state, value) if state == ANSWERED else ""


def record_answers(db: Database, audit: AuditInfo) -> list[RecordAnswers]:
    """Every record of the audit in review order, with its answers as labels and its notes."""
    rows = {rid: RecordAnswers(rid, ref, json.loads(f or "{}"), {}, {})
            for rid, ref, f in db.all("SELECT id, ref, fields FROM record WHERE audit_id = ? "
                                      "ORDER BY seq", (audit.id,))}
    for rid, qid, state, val, note in db.all(
            "SELECT record_id, question_id, state, value, note FROM answer "
            f"WHERE {answers_filter(db, audit)}", (audit.id,)):
        r = rows.get(rid)
        if r is None:
            continue
        label = answer_label(state, val)
        if label:
            r.answers[qid] = label
        if note:
            r.notes[qid] = note
    return list(rows.values())


def group_value(value: Any) -> str:
    """A record field's value as ``tally.tally_by`` groups it (missing or null -> "")."""
    return "" if value is None else str(value)


def noted_questions(qs: QuestionSet, records: list[RecordAnswers]) -> set[str]:
    return {qid for r in records for qid in r.notes if qid in qs.by_id}


def field_names(records: list[RecordAnswers]) -> list[str]:
    names: dict[str, None] = {}
    for r in records:
        names.update(dict.fromkeys(r.fields))
    return list(names)


def typed(value: Any) -> Any:
    """A record field as a spreadsheet value: dates as dates, numbers as numbers, else text."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        if DATE_RE.match(text):
            return dt.date.fromisoformat(text)
        if DATETIME_RE.match(text):
            return dt.datetime.fromisoformat(text)
    except ValueError:
        return value
    if INT_RE.match(text):
        return int(text)
    if FLOAT_RE.match(text):
        return float(text)
    return value


def cell(ws, value: Any, bold: bool = False, fmt: str | None = None, fill: str | None = None,
         wrap: bool = False):
    """A write-only cell with the given look; dates get a date format of their own."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    c = WriteOnlyCell(ws, value=value)
    if bold:
        c.font = Font(bold=True)
    if fmt is None and isinstance(value, dt.datetime):
        fmt = DATETIME_FORMAT
    elif fmt is None and isinstance(value, dt.date):
        fmt = DATE_FORMAT
    if fmt:
        c.number_format = fmt
    if fill:
        c.fill = PatternFill("solid", start_color=fill, end_color=fill)
    if wrap:
        c.alignment = Alignment(wrap_text=True, vertical="top")
    return c


def sheet_title(text: str, taken: set[str]) -> str:
    """An Excel sheet name (31 characters, none of []:*?/\\), unique among ``taken``."""
    base = re.sub(r"[\[\]:*?/\\]", "_", text).strip("'") or "(blank)"
    name, n = base[:31], 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def save(wb, out: str | Path) -> Path:
    path = Path(out)
    try:
        wb.save(path)
    except OSError as exc:
        raise ReviewerError(f"{path}: cannot write the workbook: {exc.strerror or exc}") from None
    return path
