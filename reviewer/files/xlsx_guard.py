"""Bounds on an XLSX before and while openpyxl reads it (docs/answer-tables.md, "Limits").

An XLSX is a zip of XML parts, and a small file can unpack to gigabytes: one cell of 1 GiB
compresses to about 1 MB. openpyxl holds every shared string, every row and every cell's text
whole in memory, so the parts it reads are checked first by streaming them through zlib in
chunks (memory stays flat):

* the parts together unpack to at most :data:`MAX_UNPACKED` bytes, and each part that openpyxl
  reads whole (the shared strings, styles, the workbook part: all but the worksheets, which
  it streams) to at most :data:`MAX_PART`;
* no run of text without markup is longer than :data:`MAX_RUN` bytes (a cell of
  :data:`MAX_CELL` characters, Excel's own limit, written with the longest XML escapes), and
  no row is larger than :data:`MAX_ROW_BYTES` bytes.

Each refusal is one located line (``FILE:ROW:COLUMN: ...`` where the cell can be found). The
exact character limit of a cell is checked again on each value as it is read
(:func:`check_cell`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from reviewer.errors import ReviewerError

MAX_CELL = 32_767                   # characters in one cell: Excel's limit
MAX_RUN = MAX_CELL * 6 + 1024       # bytes of text between two tags (``&quot;`` is 6 bytes)
MAX_ROW_BYTES = 16 << 20            # bytes of one <row> element
MAX_UNPACKED = 1 << 30              # bytes of all parts together
MAX_PART = 64 << 20                 # bytes of a part read whole (xl/sharedStrings.xml ...)
CHUNK = 1 << 20
_RUN = re.compile(rb"[^<]{%d,}" % MAX_RUN)
_ROW = re.compile(rb"<row[\s>/]")
_ROW_NUMBER = re.compile(rb'<row[^>]*?\br="(\d+)"')
_CELL_REF = re.compile(rb'<c[^>]*?\br="([A-Z]{1,3})(\d+)"')
_SHARED = "xl/sharedStrings.xml"
_SHEETS = "xl/worksheets/"
_MB = 1 << 20


class Oversized(ReviewerError):
    """A part of the workbook is beyond the bounds; ``row`` and ``column`` (a letter) say
    where when known, ``string`` the index of an overlong shared string."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None,
                 string: int | None = None):
        super().__init__(message)
        self.row, self.column, self.string = row, column, string
        self.sheet: str | None = None


def check_cell(name: str, row: int, column: str, text: str) -> None:
    """Refuse a cell value longer than Excel's limit."""
    if len(text) > MAX_CELL:
        raise ReviewerError(f"{name}:{row}:{column}: the cell holds {len(text):,} characters, "
                            f"more than the {MAX_CELL:,} a spreadsheet cell can hold")


def check_parts(path: Path) -> str | None:
    """Check the unpacked sizes, then stream the first worksheet's part (returned, when it can
    be told) and the shared strings for overlong text and rows. Raises :class:`Oversized`,
    whose ``sheet`` is that part; a file that is not a zip is left for openpyxl to report."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED:
            raise Oversized(f"{path}: the workbook unpacks to {total // _MB:,} MB, more than "
                            f"the {MAX_UNPACKED // _MB:,} MB this program reads; save it as "
                            "CSV, or split it")
        for info in infos:
            if not info.filename.startswith(_SHEETS) and info.file_size > MAX_PART:
                raise Oversized(f"{path}: its part {info.filename} unpacks to "
                                f"{info.file_size // _MB:,} MB, more than the "
                                f"{MAX_PART // _MB} MB this program reads; save the file as "
                                "CSV, or split it")
        names = {i.filename for i in infos}
        sheet = _first_sheet(archive)           # (the workbook part's size is checked above)
        try:
            if sheet in names:
                _scan(archive, sheet, path, cells=True)
            if _SHARED in names:
                _scan(archive, _SHARED, path, cells=False)
        except Oversized as exc:
            exc.sheet = sheet
            raise
        return sheet


def _scan(archive: zipfile.ZipFile, part: str, path: Path, cells: bool) -> None:
    """Stream ``part`` looking for a text run over MAX_RUN bytes or a row over MAX_ROW_BYTES.
    ``cells``: a worksheet (locate by cell reference), else the shared strings (by index)."""
    run = 0                      # length of the run of non-'<' bytes reaching the chunk's end
    row_start = None             # offset of the last <row seen
    row_number = b""             # and its r="..." (when it has one)
    tail = b""                   # the end of the previous chunk, to locate a problem
    strings = 0                  # <si> elements before this chunk
    offset = 0
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            first = chunk.find(b"<")
            lead = len(chunk) if first < 0 else first
            found = _RUN.search(chunk)
            if run + lead >= MAX_RUN or found:
                at = 0 if run + lead >= MAX_RUN else found.start()
                _too_long(path, part, tail + chunk[:at], strings + chunk[:at].count(b"<si>"),
                          cells)
            last = chunk.rfind(b"<")
            run = run + len(chunk) if last < 0 else len(chunk) - last - 1
            if cells:
                for m in _ROW.finditer(chunk):
                    if row_start is not None and offset + m.start() - row_start > MAX_ROW_BYTES:
                        _row_too_big(path, row_number)
                    row_start = offset + m.start()
                    found_number = _ROW_NUMBER.match(chunk, m.start(), m.start() + 200)
                    row_number = found_number.group(1) if found_number else b""
                if row_start is not None and offset + len(chunk) - row_start > MAX_ROW_BYTES:
                    _row_too_big(path, row_number)
            else:
                strings += chunk.count(b"<si>")
            tail = (tail + chunk)[-4096:]
            offset += len(chunk)


def _too_long(path: Path, part: str, before: bytes, strings: int, cells: bool) -> None:
    what = (f"more than the {MAX_CELL:,} characters a spreadsheet cell can hold")
    if not cells:
        raise Oversized(f"{path}: a text in the workbook holds {what}", string=strings - 1)
    refs = _CELL_REF.findall(before[-4096:])
    if refs:
        column, row = refs[-1]
        raise Oversized(f"{path}:{int(row)}:column {column.decode()}: the cell holds {what}",
                        row=int(row), column=column.decode())
    raise Oversized(f"{path}: {part} holds a text of {what}")


def _row_too_big(path: Path, number: bytes) -> None:
    where = f"{path}:{int(number)}" if number else str(path)
    raise Oversized(f"{where}: the row is larger than {MAX_ROW_BYTES // _MB} MB of "
                    "spreadsheet data; save the file as CSV, or split the row")


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part of the first worksheet (as openpyxl picks it), or None if it cannot be told."""
    from reviewer.files.sheet_xml import sheet_paths

    try:
        parts = list(sheet_paths(archive).values())
    except Exception:  # noqa: BLE001 - a damaged workbook: openpyxl will say what is wrong
        return None
    return parts[0] if parts else None


def string_cell(path: Path, sheet_part: str, index: int) -> tuple[int, str] | None:
    """(row, column letter) of the first cell showing shared string ``index``. The worksheet
    has passed :func:`check_parts`, so streaming it row by row stays small."""
    from xml.etree.ElementTree import iterparse

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    with zipfile.ZipFile(path) as archive, archive.open(sheet_part) as stream:
        for _, element in iterparse(stream):
            if element.tag != ns + "row":
                continue
            for c in element.iter(ns + "c"):
                if c.get("t") == "s" and (c.findtext(ns + "v") or "").strip() == str(index):
                    found = re.match(r"([A-Z]+)(\d+)", c.get("r") or "")
                    return (int(found.group(2)), found.group(1)) if found else None
            element.clear()
    return None
