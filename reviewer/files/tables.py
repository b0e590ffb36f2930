"""Reading and writing tables as CSV (any of , ; tab, with or without Excel's BOM, UTF-8 or
cp1252) or XLSX (the first worksheet, header in row 1).

Every cell is read as text, with the cell rules of :mod:`reviewer.files.cells` undone (one
leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab, CR or ``'`` removed); row numbers are
spreadsheet rows (header = row 1); blank rows are skipped and short rows padded to the header.
Reading is strict (docs/contracts.md §5): a non-blank cell beyond the header's last column, or a CSV
quote that is not closed or is followed by more text, is an error ``FILE:ROW:COLUMN: message``.

:func:`iter_table` streams (memory stays flat however long the file); :func:`read_table` is the
same as one list. Writing goes through ``private_output`` (mode 0600, whole or nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice, zip_longest
from pathlib import Path

from reviewer.errors import ReviewerError
from reviewer.files.cells import SafeCells, restore_row
from reviewer.files.csv_source import csv_records
from reviewer.private import check_extension, private_output

Row = tuple[int, list[str]]
Table = tuple[list[str], list[Row]]
TABLE_SUFFIXES = (".csv", ".xlsx")
READ_XLSX = (".xlsx", ".xlsm")
READ_CSV = (".csv", ".txt", ".tsv", "")
MAX_PROBLEMS = 50


class TableProblems(ReviewerError):
    """The file is not a well-formed table; ``problems`` holds FILE:ROW:COLUMN lines."""


def read_table(path: str | Path) -> Table:
    """(header, [(row number, cells)]): :func:`iter_table` as one list."""
    header, rows = iter_table(path)
    return header, list(rows)


def iter_table(path: str | Path, problems: list[str] | None = None
               ) -> tuple[list[str], Iterator[Row]]:
    """(header, iterator of (row number, cells)). The header is read at once (errors in it are
    raised here); a CSV quoting error is raised when the iterator reaches it. Cells beyond the
    header's last column are appended to ``problems`` when a list is given, else raised
    together when the iterator ends, so a caller that writes only after consuming the whole
    iterator writes nothing from a bad file."""
    return _shape(str(path), _raw_rows(Path(path)), problems)


def head_table(path: str | Path, max_rows: int) -> Table:
    """The header and the first ``max_rows`` non-blank rows, reading only as far as needed
    (a CSV's encoding is judged from its first megabyte); problems in them are raised."""
    problems: list[str] = []
    header, rows = _shape(str(path), _raw_rows(Path(path), whole=False), problems)
    try:
        body = list(islice(rows, max_rows))
    finally:
        rows.close()
    if problems:
        raise TableProblems(problems)
    return header, body


def _raw_rows(path: Path, whole: bool = True) -> Iterator[tuple[int, list[str]]]:
    if not path.exists():
        raise ReviewerError(f"{path}: no such file")
    if path.is_dir():
        raise ReviewerError(f"{path}: is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix in READ_XLSX:
        return _xlsx_rows(path)
    if suffix in READ_CSV:
        return csv_records(path, str(path), whole)
    raise ReviewerError(f"{path}: unsupported file type '{suffix}' (use .csv or .xlsx)")


def _shape(name: str, raw: Iterator[tuple[int, list[str]]],
           problems: list[str] | None) -> tuple[list[str], Iterator[Row]]:
    first = next(raw, None)
    if first is None:
        raise ReviewerError(f"{name}:1: the file is empty (expected a header row)")
    header = [h.strip() for h in restore_row(first[1])]
    width = len(header)
    while width and not header[width - 1]:
        width -= 1
    return header[:width], _body(name, raw, width, problems)


def _body(name: str, raw: Iterator[tuple[int, list[str]]], width: int,
          problems: list[str] | None) -> Iterator[Row]:
    found: list[str] = [] if problems is None else problems
    more = 0
    try:
        for number, cells in raw:
            if len(cells) > width:
                extra = cells[width:]
                if any(c.strip() for c in extra):
                    if len(found) < MAX_PROBLEMS:
                        k = next(i for i, c in enumerate(extra) if c.strip())
                        found.append(f"{name}:{number}:column {width + k + 1}: a value beyond "
                                     f"the header's last column ({_short(extra[k])})")
                    else:
                        more += 1
                cells = cells[:width]
            elif len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            if not "".join(cells).strip():
                continue
            yield number, restore_row(cells)
    finally:
        raw.close()
    if more:
        found.append(f"{name}: ... and {more} more rows with values beyond the header's last "
                     "column")
    if problems is None and found:
        raise TableProblems(found)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def cell_text(value: object) -> str:
    """An XLSX cell's value as text (whole numbers without ``.0``, dates as YYYY-MM-DD)."""
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


_cell_text = cell_text   # the name incidents.py used


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows as text, after :mod:`reviewer.files.xlsx_guard` has bounded
    the file. A formula cell without a saved value, or a cell over Excel's length limit, is a
    located error: never read as blank (docs/answer-tables.md)."""
    from openpyxl import load_workbook

    from reviewer.files import xlsx_guard

    try:
        xlsx_guard.check_parts(path)
    except xlsx_guard.Oversized as exc:
        raise _located(path, exc.sheet, exc) from None
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook
        raise ReviewerError(f"{path}: cannot read the workbook: {exc}") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        header: list[str] = []
        try:
            for number, values in _sheet_values(wb):
                texts = []
                for k, value in enumerate(values):
                    if value is _NO_VALUE:
                        raise ReviewerError(
                            f"{path}:{number}:{_column(header, k)}: a formula with no saved "
                            "value (the file was not saved by a spreadsheet program); open it "
                            "in Excel or LibreOffice, save it, and read it again")
                    text = cell_text(value)
                    xlsx_guard.check_cell(str(path), number, _column(header, k), text)
                    texts.append(text)
                if number == 1:
                    header = texts
                yield number, texts
        finally:
            wb.close()
    return rows()


_NO_VALUE = object()        # a formula cell that holds no saved value


def _sheet_values(wb) -> Iterator[tuple[int, list[object]]]:
    """(row number, values) of the first worksheet, as openpyxl's read-only worksheet reads
    them (its own parser), with a formula cell that has no saved value marked _NO_VALUE."""
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):  # noqa: ANN001, ANN202 - openpyxl's signature
            cell = super().parse_cell(element)
            if (cell["value"] is None and element.find(FORMULA_TAG) is not None
                    and not (element.get("t") == "str" and element.find(VALUE_TAG) is not None)):
                cell["value"] = _NO_VALUE       # (a string formula's empty <v> is an empty text)
            return cell

    ws = wb.worksheets[0]
    with ws._get_source() as src:
        parser = Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                        date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
        first = True
        for number, cells in parser.parse():
            if first and number > 1:
                yield 1, []                     # no header row: the file says so, not row 3
            first = False
            values: list[object] = [None] * (cells[-1]["column"] if cells else 0)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield number, values


def _column(header: list[str], k: int) -> str:
    """The COLUMN of a located error: the header's text, else the column's letter."""
    from openpyxl.utils import get_column_letter

    name = header[k].strip() if k < len(header) else ""
    return name or f"column {get_column_letter(k + 1)}"


def _located(path: Path, sheet: str | None, exc) -> ReviewerError:  # noqa: ANN001
    """An Oversized error with its cell's row and header text, when they can be found."""
    from openpyxl.utils import column_index_from_string

    from reviewer.files import xlsx_guard

    row, letter = exc.row, exc.column
    if exc.string is not None and sheet is not None:
        row, letter = xlsx_guard.string_cell(path, sheet, exc.string) or (None, None)
    if row is None or letter is None:
        return ReviewerError(str(exc))
    header: list[str] = []
    if row > 1 and exc.string is None:      # (shared strings too long to load: the letter)
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                number, values = next(_sheet_values(wb))
                header = [cell_text(v) for v in values] if number == 1 else []
            finally:
                wb.close()
        except Exception:  # noqa: BLE001 - the letter will do
            header = []
    column = _column(header, column_index_from_string(letter) - 1)
    return ReviewerError(f"{path}:{row}:{column}: the cell holds more than the "
                         f"{xlsx_guard.MAX_CELL:,} characters a spreadsheet cell can hold")


def write_table(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]],
                warn: Callable[[str], None] | None = None) -> Path:
    """Write ``header`` and ``rows`` to ``path`` (.csv or .xlsx, chosen case-insensitively)
    with the cell rules applied; ``warn`` receives a line when characters XLSX cannot hold
    were left out. Nothing is written for another extension (UsageError) or on an error."""
    check_extension(path, TABLE_SUFFIXES, "a table")
    columns = [list(c) for c in zip_longest(*rows)]
    return write_columns(path, header, columns, warn)


def write_columns(path: str | Path, header: Sequence[str], columns: Sequence[Sequence[object]],
                  warn: Callable[[str], None] | None = None) -> Path:
    """:func:`write_table` for a table held as columns (lists of one length)."""
    return write_column_batches(path, header, [columns], warn)


def write_column_batches(path: str | Path, header: Sequence[str],
                         batches: Iterable[Sequence[Sequence[object]]],
                         warn: Callable[[str], None] | None = None) -> Path:
    """:func:`write_columns` for rows that come as batches of columns, each written before the
    next is read (docs/performance.md, "Streaming outputs")."""
    suffix = check_extension(path, TABLE_SUFFIXES, "a table")
    if suffix == ".xlsx":
        from reviewer.files.workbook import SafeWorkbook

        with SafeWorkbook() as book:
            ws = book.sheet("answers")
            ws.append(list(header))
            ws.bulk_batches(batches, 0)
            book.save(path)
        if warn and (line := book.warning(path)):
            warn(line)
        return Path(path)
    cells = SafeCells()
    with private_output(path) as tmp, tmp.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(cells.row(header))
        for columns in batches:
            writer.writerows(zip(*map(cells.column, columns), strict=True))
    return Path(path)


__all__ = ["iter_table", "read_table", "head_table", "write_table", "write_columns",
           "write_column_batches",
           "cell_text", "TableProblems", "TABLE_SUFFIXES"]
