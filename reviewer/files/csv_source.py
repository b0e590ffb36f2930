"""CSV files read as a stream of records, strictly.

- Encoding: UTF-8 with or without Excel's BOM, else cp1252 (checked over the whole file in
  1 MB chunks before the first record, so a stray byte far down cannot switch it half-way).
- Delimiter: the most frequent of ``,`` ``;`` and tab in the first line (none: ``,``).
- Quoting: the csv module in strict mode. A quote that is never closed, or text after a closing
  quote, stops the reading with ``FILE:ROW:COLUMN: message``: ROW is the spreadsheet row where the
  broken record starts (records, not lines: a quoted cell may hold line breaks), COLUMN the
  header text of the column the quote is in (``column N`` beyond the header).
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from reviewer.errors import ReviewerError

CHUNK = 1 << 20
LOCATE_LIMIT = 1 << 20         # characters of a broken record looked at to find its column
DELIMITERS = (",", ";", "\t")


def detect_encoding(path: Path, whole: bool = True) -> str:
    """``utf-8-sig`` when the file (or, with ``whole=False``, its first megabyte) is UTF-8,
    else ``cp1252``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        try:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
                if not whole:
                    return "utf-8-sig"
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def csv_records(path: Path, name: str, whole: bool = True) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every record, the header being row 1. ``whole=False`` decides
    the encoding from the first megabyte only (for a preview that reads a few rows)."""
    try:
        encoding = detect_encoding(path, whole)
        f = path.open(encoding=encoding, newline="",
                      errors="strict" if whole and encoding == "utf-8-sig" else "replace")
    except OSError as exc:
        raise ReviewerError(f"{name}: cannot read: {exc.strerror or exc}") from None
    return _records(f, path, name, encoding)


def _records(f, path: Path, name: str, encoding: str) -> Iterator[tuple[int, list[str]]]:
    with f:
        first = f.readline()
        f.seek(0)
        counts = {d: first.count(d) for d in DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
        reader = csv.reader(f, delimiter=delimiter, strict=True)
        number, line, header = 0, 0, []
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ReviewerError(_problem(path, name, encoding, delimiter, number + 1,
                                             line, header, str(exc))) from None
            number += 1
            line = reader.line_num
            if number == 1:
                header = cells
            yield number, cells


def _problem(path: Path, name: str, encoding: str, delimiter: str, number: int,
             lines_before: int, header: list[str], error: str) -> str:
    with path.open(encoding=encoding, newline="", errors="replace") as f:
        text, size = [], 0
        for line in islice(f, lines_before, None):
            text.append(line)
            size += len(line)
            if size > LOCATE_LIMIT:
                break
    col, kind = locate_quote("".join(text), delimiter)
    title = header[col].strip() if col < len(header) else ""
    where = f"{name}:{number}:{title or f'column {col + 1}'}"
    if kind == "unclosed":
        return (f'{where}: a quoted cell is not closed (the " that opens it has no closing "; '
                'write "" for a quote inside a quoted cell)')
    if kind == "after":
        return (f'{where}: text follows the " that closes a quoted cell (write "" for a quote '
                "inside a quoted cell)")
    if "field larger than field limit" in error:
        return f"{where}: a cell is longer than {csv.field_size_limit():,} characters"
    return f"{where}: cannot read this row as CSV ({error})"


def locate_quote(text: str, delimiter: str) -> tuple[int, str | None]:
    """(column index, problem) of the first quoting problem in a record's text: "unclosed"
    (a quoted cell never closed), "after" (text after a closing quote), or None."""
    col, i, n = 0, 0, len(text)
    while True:
        if i < n and text[i] == '"':
            j = i + 1
            while True:
                k = text.find('"', j)
                if k < 0:
                    return col, "unclosed"
                if text.startswith('"', k + 1):
                    j = k + 2
                    continue
                break
            i = k + 1
            if i < n and text[i] not in (delimiter, "\r", "\n"):
                return col, "after"
        else:
            ends = [p for p in (text.find(delimiter, i), text.find("\n", i),
                                text.find("\r", i)) if p >= 0]
            i = min(ends) if ends else n
        if i < n and text[i] == delimiter:
            col, i = col + 1, i + 1
            continue
        return col, None
