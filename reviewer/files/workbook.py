"""XLSX files as the program writes them: openpyxl's write-only workbook with the cell rules of
:mod:`reviewer.files.cells` applied to every value, written through ``private_output``.

openpyxl costs several microseconds per cell however it is driven (12-25 us on the project's
machines, lxml or not), which made a 100,000-record results workbook take 20-45 s. So the
one-row-per-record tables are written in bulk: openpyxl lays the workbook out (sheets, column
widths, frozen panes, styles, the rows appended through :meth:`SafeSheet.append`), and the rows
given to :meth:`SafeSheet.bulk` are then streamed into that sheet's ``<sheetData>`` as
SpreadsheetML text (inline strings, numbers, dates with openpyxl's own date styles). Either way
every text cell is a string cell (``t="inlineStr"``), never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import posixpath
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from reviewer.files.cells import SafeCells
from reviewer.private import private_output

DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
BATCH = 2_000                       # rows per chunk of XML text
CHUNK = 1 << 20
ZIP_LEVEL = 1                       # zlib level of the bulk sheets: 3x faster than 6, ~25% larger
MEMO_LIMIT = 100_000                # distinct values remembered per column
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
# XML text escaped (a raw CR would read back as LF)
_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_PRESERVE = ' xml:space="preserve"'
ROW = "\x00"               # the row number's place in a cell template (XLSX text cannot hold it)
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|</sheetData>")
_SHEET_PR = re.compile(rb"</sheetPr>|<sheetPr[^>]*/>")       # <dimension> comes after these
_WORKSHEET = re.compile(rb"<worksheet[^>]*>")


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
                self._fill(skeleton, tmp)
            else:
                tmp.write_bytes(skeleton.getvalue())
        return Path(path)

    # -- the bulk rows ----------------------------------------------------------------------
    def _fill(self, skeleton: io.BytesIO, out: Path) -> None:
        bulk = {s.title: s for s in self.sheets if s.bulk_chunks is not None}
        with zipfile.ZipFile(skeleton) as src, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                                compresslevel=ZIP_LEVEL) as dst:
            paths = sheet_paths(src)
            by_path = {paths[title]: sheet for title, sheet in bulk.items()}
            for info in src.infolist():
                sheet = by_path.get(info.filename)
                if sheet is None:
                    dst.writestr(info, src.read(info.filename))
                    continue
                xml = src.read(info.filename)
                found = _SHEET_DATA.search(xml)
                if found is None:
                    raise ValueError(f"no sheetData in {info.filename}")
                head, tail = xml[:found.start()], xml[found.end():]
                if found.group().startswith(b"<sheetData"):
                    head += b"<sheetData>"
                with tempfile.TemporaryFile(dir=out.parent) as spool:
                    for chunk in sheet.xml_chunks():
                        spool.write(chunk)
                    spool.seek(0)
                    with dst.open(info.filename, "w", force_zip64=True) as stream:
                        stream.write(_with_dimension(head, sheet.dimension()))
                        shutil.copyfileobj(spool, stream, CHUNK)
                        stream.write(b"</sheetData>" + tail)

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
        cells = [_ColumnCells(self, k) for k in range(self.bulk_width)]
        for columns in self.bulk_chunks or []:
            cells += [_ColumnCells(self, k) for k in range(len(cells), len(columns))]
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


class _ColumnCells:
    """The cell templates of one bulk column (ROW stands for the row number)."""

    def __init__(self, sheet: SafeSheet, index: int):
        from openpyxl.utils import get_column_letter

        self.sheet = sheet
        self.prefix = f'<c r="{get_column_letter(index + 1)}{ROW}'
        self.memo: dict[Any, str] = {None: "", "": ""}

    def templates(self, values: Sequence[Any]) -> list[str]:
        out = list(map(self.memo.get, values))
        if None not in out:
            return out
        missing = [i for i, t in enumerate(out) if t is None]
        new = [values[i] for i in missing]
        made = self.texts(new) if set(map(type, new)) <= {str} else list(map(self.make, new))
        for i, xml in zip(missing, made, strict=True):
            out[i] = xml
        return out

    def texts(self, texts: list[str]) -> list[str]:
        """Inline-string cells for many texts at once (text that is new to this column)."""
        safe = [t.translate(_ESCAPE) for t in self.sheet.book.cells.column(texts)]
        head, tail = self.prefix + '" t="inlineStr"><is><t', "</t></is></c>"
        made = [f'{head}{_PRESERVE if t != t.strip() else ""}>{t}{tail}' for t in safe]
        if len(self.memo) < MEMO_LIMIT:
            self.memo.update((t, xml) for t, xml in zip(texts, made, strict=True)
                             if t.isprintable())     # nothing removed from it: safe to reuse
        return made

    def make(self, value: Any) -> str:
        kind = type(value)
        if kind is str:
            return self.texts([value])[0]
        if kind in self.sheet._styles:
            from openpyxl.utils.datetime import to_excel

            xml = f'" s="{self.sheet._styles[kind]}" t="n"><v>{to_excel(value)}</v></c>'
        elif kind is int or (kind is float and math.isfinite(value)):
            xml = f'" t="n"><v>{value!r}</v></c>'
        else:
            return self.texts([str(value)])[0]
        xml = self.prefix + xml
        if len(self.memo) < MEMO_LIMIT:
            self.memo[value] = xml
        return xml


def _with_dimension(head: bytes, ref: str) -> bytes:
    """The sheet XML before ``<sheetData>`` with its ``<dimension>`` set to ``ref``."""
    element = f'<dimension ref="{ref}"/>'.encode()
    if b"<dimension" in head:
        return re.sub(rb"<dimension[^>]*/>", element, head, count=1)
    found = _SHEET_PR.search(head) or _WORKSHEET.search(head)
    if found is None:
        raise ValueError("no <worksheet> element")
    return head[:found.end()] + element + head[found.end():]


def sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the path of its XML part inside the archive."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    out = {}
    for sheet in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets[sheet.get(f"{{{_NS['r']}}}id")]
        path = target[1:] if target.startswith("/") else posixpath.join("xl", target)
        out[sheet.get("name")] = posixpath.normpath(path)
    return out
