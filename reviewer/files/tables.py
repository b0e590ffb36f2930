"""Reading and writing answer tables as CSV (any of , ; tab, with or without Excel's BOM) or XLSX.

Every cell is read as text; row numbers are spreadsheet rows (header = row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from reviewer.errors import ReviewerError

Table = tuple[list[str], list[tuple[int, list[str]]]]


def read_table(path: str | Path) -> Table:
    """(header, [(row number, cells)]) with blank rows dropped and rows padded to the header."""
    path = Path(path)
    if not path.exists():
        raise ReviewerError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path)
    elif suffix in (".csv", ".txt", ".tsv", ""):
        rows = _read_csv(path)
    else:
        raise ReviewerError(f"{path}: unsupported file type '{suffix}' (use .csv or .xlsx)")
    if not rows:
        raise ReviewerError(f"{path}:1: the file is empty (expected a header row)")
    header = [h.strip() for h in rows[0]]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    header = header[:width]
    body: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not "".join(cells).strip():
            continue
        if len(cells) != width:
            cells = list(cells[:width]) + [""] * (width - len(cells))
        body.append((number, cells))
    return header, body


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise ReviewerError(f"{path}: cannot read the workbook: {exc}") from None
    try:
        ws = wb.worksheets[0]
        return [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def write_table(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("answers")
        ws.append(list(header))
        for row in rows:
            ws.append(list(row))
        wb.save(path)
        return
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
