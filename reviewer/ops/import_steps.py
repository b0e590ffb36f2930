"""The import's smaller steps (``ops.importer``): the file's digest, its event's detail, the
refs matched, a bad file's problems collected, the new records written."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from reviewer.files.answer_staging import Staged
from reviewer.files.answer_table import Problems
from reviewer.ops.core import Tx
from reviewer.ops.import_merge import ImportResult, Merge
from reviewer.questions.model import QuestionSet
from reviewer.store import staging
from reviewer.store.db import Database


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def detail(path: Path, digest: str, rows: int, new: int, updated: int) -> str:
    """The import's own event's detail."""
    return f"{path.name} sha256={digest} rows={rows} new={new} updated={updated}"


def match(db: Database, audit_id: int, problems: Problems, new_only: bool = False) -> None:
    """Match the staged refs to the audit's records as they are now (``new_only``: those no
    record matched before); the problems of new rows."""
    for number, found in staging.match(db, audit_id, new_only):
        for col, message in json.loads(found):
            problems.add(number, col, message)


def check(db: Database, audit_id: int, merged: Merge) -> ImportResult:
    """Match the staged refs to the audit's records as they are now; collect the problems of
    new rows and of the merged existing ones, and with a transaction write the merged
    changes."""
    match(db, audit_id, merged.problems)
    result = ImportResult()
    merged.run(result)
    return result


def insert_new(tx: Tx, qs: QuestionSet, st: Staged, seq: int | None,
               prepared: tuple[int, int] | None, slots: list[int]) -> tuple[int, int, int]:
    return staging.insert_new(tx.db, tx.audit.id, [q.id for q in qs.questions], set(st.involved),
                              set(st.note_questions), tx.reviewer, tx.now, seq, prepared, slots)
