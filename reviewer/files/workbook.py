"""XLSX files as the program writes them: openpyxl's write-only workbook with the cell rules of
:mod:`reviewer.files.cells` applied to every value, written through ``private_output``.

openpyxl costs several microseconds per cell however it is driven (12-25 us on the project's
machines, lxml or not), which made a 100,000-record results workbook take 20-45 s. So the
one-row-per-record tables are written in bulk: openpyxl lays the workbook out (sheets, column
widths, frozen panes, styles, the rows appended through :meth:`SafeSheet.append`), and the rows
given to :meth:`SafeSheet.bulk` are then streamed into that sheet's ``<sheetData>`` as
SpreadsheetML text (inline strings, numbers, dates with openpyxl's own date styles; made by
:mod:`reviewer.files.sheet_xml`). Either way
every text cell is a string cell (``t="inlineStr"``), never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from reviewer.files.cells import SafeCells
from reviewer.files.sheet_xml import ROW, ColumnCells, fill
from reviewer.private import private_output

DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
BATCH = 2_000                       # rows per chunk of XML text


class SafeWorkbook:
    """A write-only workbook whose every cell follows the cell rules. ``cells.removed`` counts
    the characters left out (see :meth:`warning`)."""

    def __init__(self) -> None:
        from openpyxl import Workbook

        self.wb = Workbook(write_only=True)
        self.cells = SafeCells(xlsx=True)
        self.sheets: list[SafeSheet] = []
        self._saved = False

    def sheet(self, title: str, index: int | None = None) -> SafeSheet:
        ws = SafeSheet(self, self.wb.create_sheet(title, index))
        ws.page_set_up()           # before any row: a write-only sheet writes its head then
        self.sheets.append(ws)
        return ws

    def warning(self, path: object) -> str | None:
        return self.cells.warning(path)

    def __enter__(self) -> SafeWorkbook:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is not None and not self._saved:
            self._skeleton()        # finish openpyxl's sheet writers (else they complain at exit)

    def _skeleton(self) -> io.BytesIO:
        self._saved = True
        for sheet in self.sheets:
            sheet.print_titles()
        out = io.BytesIO()
        self.wb.save(out)
        return out

    def save(self, path: str | Path) -> Path:
        """Write the workbook to ``path`` (mode 0600, whole or not at all). openpyxl's part is
        made in memory first, so a path that cannot be written leaves nothing half-done."""
        skeleton = self._skeleton()
        with private_output(path) as tmp:
            if any(s.bulk_chunks is not None for s in self.sheets):
                fill(skeleton, tmp, {s.title: s for s in self.sheets if s.bulk_chunks is not None})
            else:
                tmp.write_bytes(skeleton.getvalue())
        return Path(path)

    def date_style(self, ws: Any, fmt: str) -> int:
        from openpyxl.cell import WriteOnlyCell

        c = WriteOnlyCell(ws)
        c.number_format = fmt
        return c.style_id


class SafeSheet:
    """A write-only worksheet: :meth:`append` rows (values or styled cells) through openpyxl,
    then optionally :meth:`bulk` rows of plain values. Other attributes (``column_dimensions``,
    ``freeze_panes``, ``title``) are the openpyxl worksheet's."""

    def __init__(self, book: SafeWorkbook, ws: Any):
        self.book, self.ws = book, ws
        self.rows = self.width = 0
        self.bulk_chunks: Iterable[Sequence[Sequence[Any]]] | None = None
        self.bulk_width = self.bulk_rows = 0
        self.header_rows = 0           # rows printed atop every page (else: above the freeze)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ws, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "freeze_panes":
            setattr(self.ws, name, value)
        else:
            super().__setattr__(name, value)

    def page_set_up(self) -> None:
        """Printed as people print a results table: A4 landscape, as wide as one page."""
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"          # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0         # as many pages down as it takes
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    def print_titles(self) -> None:
        """The header rows (``header_rows``, else the rows above the frozen pane) printed atop
        every page."""
        ws = self.ws
        header = self.header_rows
        if not header and ws.freeze_panes:
            from openpyxl.utils.cell import coordinate_from_string

            header = coordinate_from_string(ws.freeze_panes)[1] - 1
        if header >= 1:
            ws.print_title_rows = f"1:{header}"

    def append(self, row: Sequence[Any]) -> None:
        """Append one row of plain values and cells made by :meth:`cell`."""
        if self.bulk_chunks is not None:
            raise RuntimeError("rows cannot be appended after the bulk rows")
        text = self.book.cells.text
        self.ws.append([text(v) if isinstance(v, str) else v for v in row])
        self.rows += 1
        self.width = max(self.width, len(row))

    def cell(self, value: Any, *, bold: bool = False, fmt: str | None = None,
             fill: str | None = None, wrap: bool = False) -> Any:
        """A styled cell holding ``value`` made safe (text is always a string cell); dates get
        a date format of their own."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        c = WriteOnlyCell(self.ws, value=self.book.cells.value(value))
        if c.data_type == "f":          # cannot happen after the cell rules; never a formula
            c.data_type = "s"
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

    def bulk(self, columns: Sequence[Sequence[Any]]) -> None:
        """Columns of plain values (text, numbers, dates, None; all of one length) whose rows
        follow the appended ones. Nothing may be appended after them."""
        self.bulk_batches([columns], len(columns))

    def bulk_batches(self, chunks: Iterable[Sequence[Sequence[Any]]], width: int) -> None:
        """:meth:`bulk` for rows that come as batches of (at least ``width``) columns, each
        batch read only when the workbook is saved (a table bigger than memory streams
        through)."""
        self.bulk_chunks, self.bulk_width = chunks, width
        self._styles = {dt.datetime: self.book.date_style(self.ws, DATETIME_FORMAT),
                        dt.date: self.book.date_style(self.ws, DATE_FORMAT)}

    def dimension(self) -> str:
        """The used range, e.g. ``A1:K101``."""
        from openpyxl.utils import get_column_letter

        rows = self.rows + self.bulk_rows
        width = max(self.width, self.bulk_width)
        return f"A1:{get_column_letter(max(width, 1))}{max(rows, 1)}"

    def xml_chunks(self) -> Iterator[bytes]:
        """The bulk rows as SpreadsheetML ``<row>`` elements, BATCH rows per chunk.

        Each column's values become cell templates (``<c r="B\0" t="inlineStr">...</c>``,
        worked out once per distinct value), and each row is its templates joined, with the row
        number put in place of ``\0`` (which no cell can hold: XLSX text loses it): two C-level
        calls per row instead of Python per cell. ``dimension`` counts the rows once read."""
        cells = [ColumnCells(k, self.book.cells, self._styles) for k in range(self.bulk_width)]
        for columns in self.bulk_chunks or []:
            cells += [ColumnCells(k, self.book.cells, self._styles)
                      for k in range(len(cells), len(columns))]
            self.bulk_width = max(self.bulk_width, len(columns))
            count = len(columns[0]) if columns else 0
            first = self.rows + self.bulk_rows + 1
            for start in range(0, count, BATCH):
                stop = min(start + BATCH, count)
                templates = [c.templates(col[start:stop])
                             for c, col in zip(cells[:len(columns)], columns, strict=True)]
                rows = ["".join(t) for t in zip(*templates, strict=True)] if templates else []
                yield "".join([f'<row r="{n}">' + row.replace(ROW, str(n)) + "</row>"
                               for n, row in enumerate(rows, start=first + start)]).encode()
            self.bulk_rows += count
