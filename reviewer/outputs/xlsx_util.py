"""Shared pieces of the spreadsheet outputs: typed record fields, styled cells, safe sheet names,
and saving. Workbooks are :class:`reviewer.files.workbook.SafeWorkbook`: every cell follows the
cell rules of docs/contracts.md §5 (text never a formula), one-row-per-record tables go in bulk, and
the file is written through ``private_output``. openpyxl is imported inside the functions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from reviewer.files.workbook import DATE_FORMAT, DATETIME_FORMAT, SafeSheet, SafeWorkbook

__all__ = ["DATE_FORMAT", "DATETIME_FORMAT", "PERCENT_FORMAT", "HEAD_FILL", "cell", "typed",
           "typed_column", "sheet_title", "save", "group_value", "SafeWorkbook"]

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
INT_RE = re.compile(r"^-?(0|[1-9]\d{0,14})$")          # no leading zeros: "007" stays text
FLOAT_RE = re.compile(r"^-?(0|[1-9]\d{0,14})\.\d{1,10}$")
PERCENT_FORMAT = "0.0%"
HEAD_FILL = "E4E8EE"


def group_value(value: Any) -> str:
    """A record field's value as ``tally.tally_by`` groups it (missing or null -> "")."""
    return "" if value is None else str(value)


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


def typed_column(values: Iterable[Any]) -> list[Any]:
    """:func:`typed` over a column, each distinct text worked out once."""
    values = list(values)
    memo = {v: typed(v) for v in set(values) if isinstance(v, str)}
    return [memo[v] if isinstance(v, str) else v for v in values]


def cell(ws: SafeSheet, value: Any, bold: bool = False, fmt: str | None = None,
         fill: str | None = None, wrap: bool = False):
    """A styled cell of ``ws`` with the given look; dates get a date format of their own."""
    return ws.cell(value, bold=bold, fmt=fmt, fill=fill, wrap=wrap)


def sheet_title(text: str, taken: set[str]) -> str:
    """An Excel sheet name (31 characters, none of []:*?/\\), unique among ``taken``."""
    base = re.sub(r"[\[\]:*?/\\]", "_", text).strip("'") or "(blank)"
    name, n = base[:31], 2
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.casefold())
    return name


def save(book: SafeWorkbook, out: str | Path, warn: Callable[[str], None] | None = None) -> Path:
    """Write ``book`` to ``out`` (mode 0600, whole or not at all); ``warn`` receives a line when
    characters XLSX cannot hold were left out."""
    path = book.save(out)
    if warn and (line := book.warning(out)):
        warn(line)
    return path
