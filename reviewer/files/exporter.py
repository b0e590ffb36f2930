"""Answer-table export (SPEC §2): the same layout the importer reads, so files round-trip."""

from __future__ import annotations

import json
import os
from pathlib import Path

from reviewer.files.tables import write_table
from reviewer.questions.logic import NOT_ASKED, format_value
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.db import Database


def answer_rows(db: Database, audit: AuditInfo) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the audit's answer table, records in review order."""
    qs = question_set(db, audit)
    records = db.all("SELECT id, ref, fields FROM record WHERE audit_id = ? ORDER BY seq",
                     (audit.id,))
    answers: dict[int, dict[str, tuple]] = {}
    noted: set[str] = set()
    for rid, qid, state, value, note in db.all(
            "SELECT record_id, question_id, state, value, note FROM answer WHERE audit_id = ?",
            (audit.id,)):
        answers.setdefault(rid, {})[qid] = (state, value, note)
        if note:
            noted.add(qid)
    field_names: dict[str, None] = {}
    parsed = []
    for rid, ref, fields in records:
        f = json.loads(fields or "{}")
        field_names.update(dict.fromkeys(f))
        parsed.append((rid, ref, f))
    header = ["ref"]
    for q in qs.questions:
        header.append(q.id)
        if q.id in noted:
            header.append(f"note:{q.id}")
    header.extend(field_names)
    rows = []
    for rid, ref, f in parsed:
        row = [ref]
        ans = answers.get(rid, {})
        for q in qs.questions:
            state, value, note = ans.get(q.id, (0, None, ""))
            row.append("" if state == NOT_ASKED else format_value(state, value))
            if q.id in noted:
                row.append(note)
        row.extend(str(f.get(name, "")) for name in field_names)
        rows.append(row)
    return header, rows


AUDIO_FIELD = "audio"   # the field the importer resolves against the imported file's folder


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


def export_answers(db: Database, audit: AuditInfo, path: str | Path) -> int:
    header, rows = answer_rows(db, audit)
    if AUDIO_FIELD in header:
        col = header.index(AUDIO_FIELD)
        folder = Path(os.path.abspath(path)).parent
        for row in rows:
            row[col] = portable_audio(row[col], folder)
    write_table(path, header, rows)
    return len(rows)
