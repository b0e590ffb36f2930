"""Answer-table export (docs/contracts.md §2): the same layout the importer reads, so files
round-trip.

The audit comes as columns (``store.columns.answer_columns``, which the results and feedback
workbooks share). Cells follow the rules of :mod:`reviewer.files.cells` (docs/contracts.md §5)
through :func:`reviewer.files.tables.write_table`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reviewer.answer_columns import AnswerColumns
from reviewer.files.answer_table import PATH_FIELDS, REF_COLUMN, note_header
from reviewer.files.tables import TABLE_SUFFIXES, write_columns
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
        columns.append([field_text(v) for v in values])
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


def export_answers(c: AnswerColumns, path: str | Path,
                   warn: Callable[[str], None] | None = None) -> int:
    """Write an audit's answer table (``store.columns.answer_columns``) to ``path`` (.csv or
    .xlsx, mode 0600); the number of records. ``warn`` receives a line when characters XLSX
    cannot hold were left out. Audio paths are written relative to the file where they can be
    (:func:`portable_audio`)."""
    check_answers_file(path)
    header, columns = _table(c)
    folder = Path(os.path.abspath(path)).parent
    for name in PATH_FIELDS:
        if name in header:
            col = header.index(name)
            columns[col] = [portable_audio(v, folder) for v in columns[col]]
    write_columns(path, header, columns, warn=warn)
    return len(c)
