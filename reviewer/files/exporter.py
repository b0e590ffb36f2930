"""Answer-table export (docs/contracts.md §2): the same layout the importer reads, so files
round-trip.

The audit comes as batches of columns (``store.columns.answer_table``), written as they come
(docs/performance.md, "Streaming outputs"); the results and feedback workbooks read the whole
``answer_columns``. Cells follow the rules of :mod:`reviewer.files.cells` (docs/contracts.md
§5) through :func:`reviewer.files.tables.write_column_batches`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from reviewer.answer_columns import AnswerColumns, AnswerTable
from reviewer.files.answer_table import PATH_FIELDS, REF_COLUMN, note_header
from reviewer.files.tables import TABLE_SUFFIXES, write_column_batches
from reviewer.private import check_extension


def field_text(value: Any) -> str:
    return "" if value is None else str(value)


def answer_rows(c: AnswerColumns) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an answer table, records in review order."""
    header, columns = _table(c)
    return header, [list(row) for row in zip(*columns, strict=True)]


def _table(c: AnswerColumns) -> tuple[list[str], list[list[str]]]:
    header, columns = [REF_COLUMN], [c.refs]
    for q in c.qs.questions:
        header.append(q.id)
        columns.append(c.answers[q.id])
        if q.id in c.notes:
            header.append(note_header(q.id))
            columns.append(c.notes[q.id])
    for name, values in c.fields.items():
        header.append(name)
        columns.append([v if type(v) is str else field_text(v) for v in values])
    return header, columns



def portable_audio(stored: str, out_folder: Path) -> str:
    """A recording's path as written to a table in ``out_folder``: relative when the file is in
    that folder, below it, or beside it (at most one ``..``) on the same drive, so the table and
    its recordings can move to another machine together; else the stored absolute path."""
    if not stored or not os.path.isabs(stored):
        return stored
    try:
        rel = os.path.relpath(stored, out_folder)
    except ValueError:  # another drive (Windows)
        return stored
    if Path(rel).parts.count("..") > 1:
        return stored
    return Path(rel).as_posix()


def check_answers_file(path: str | Path) -> None:
    check_extension(path, TABLE_SUFFIXES, "an answer table")


def table_header(t: AnswerTable) -> list[str]:
    """The answer table's header: ref, each question (and its note column where any record
    has a note), then the record fields in order of first use (as :func:`_table` lays out
    every batch)."""
    header = [REF_COLUMN]
    for q in t.qs.questions:
        header.append(q.id)
        if q.id in t.noted:
            header.append(note_header(q.id))
    return header + t.fields


def export_answers(t: AnswerTable, path: str | Path,
                   warn: Callable[[str], None] | None = None) -> int:
    """Write an audit's answer table (``store.columns.answer_table``, a batch of records at a
    time) to ``path`` (.csv or .xlsx, mode 0600); the number of records. ``warn`` receives a
    line when characters XLSX cannot hold were left out. Audio paths are written relative to
    the file where they can be (:func:`portable_audio`)."""
    check_answers_file(path)
    return write_batches(path, table_header(t), t.chunks, warn)


def write_batches(path: str | Path, header: list[str], chunks: Iterator[AnswerColumns],
                  warn: Callable[[str], None] | None = None) -> int:
    """Write ``header`` and the rows of each batch; the number of records."""
    folder = Path(os.path.abspath(path)).parent
    paths = [(header.index(name)) for name in PATH_FIELDS if name in header]
    count = 0

    def batches() -> Iterator[list[list[str]]]:
        nonlocal count
        for c in chunks:
            columns = _table(c)[1]
            for col in paths:
                columns[col] = [portable_audio(v, folder) for v in columns[col]]
            count += len(c)
            yield columns
    write_column_batches(path, header, batches(), warn=warn)
    return count
