"""Audits and the question sets they keep: create, find, list, rename, archive."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reviewer.errors import NotFound, ReviewerError
from reviewer.questions.qset import QuestionSet, load_file
from reviewer.store.db import Database


def now_iso() -> str:
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


@dataclass
class AuditInfo:
    id: int
    name: str
    question_set_id: int
    set_key: str
    set_version: int
    set_title: str
    description: str
    created_at: str
    archived: bool
    sample: dict[str, Any] = field(default_factory=dict)
    records: int = 0
    complete: int = 0


_AUDIT_SQL = """
SELECT a.id, a.name, a.question_set_id, q.key, q.version, q.title, a.description, a.created_at,
       a.archived, a.sample,
       (SELECT COUNT(*) FROM record r WHERE r.audit_id = a.id),
       (SELECT COUNT(*) FROM record r WHERE r.audit_id = a.id AND r.complete = TRUE)
FROM audit a JOIN question_set q ON q.id = a.question_set_id
"""


def _info(row: tuple) -> AuditInfo:
    return AuditInfo(*row[:8], archived=bool(row[8]), sample=json.loads(row[9] or "{}"),
                     records=row[10], complete=row[11])


def store_question_set(db: Database, qs: QuestionSet, source: str = "",
                       source_name: str = "") -> int:
    """The stored id of this exact question set, storing it if new.

    The same id+version with the same content is reused; with different content it is an error
    that asks the author to bump ``version``."""
    digest = qs.content_hash()
    row = db.one("SELECT id, content_hash FROM question_set WHERE key = ? AND version = ?",
                 (qs.id, qs.version))
    if row is not None:
        if row[1] != digest:
            raise ReviewerError(
                f"{source_name or qs.id}: question set '{qs.id}' version {qs.version} is already "
                "stored with different questions; bump 'version' in the file to use the changed "
                "questions (audits keep the version they were created with)")
        return int(row[0])
    with db.transaction():
        db.execute("INSERT INTO question_set (key, version, title, content_hash, definition, "
                   "source, source_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (qs.id, qs.version, qs.title, digest, qs.to_json(), source, source_name))
        return int(db.scalar("SELECT id FROM question_set WHERE key = ? AND version = ?",
                             (qs.id, qs.version)))


def create_audit(db: Database, name: str, set_file: str | Path,
                 description: str = "") -> AuditInfo:
    name = name.strip()
    if not name:
        raise ReviewerError("an audit needs a name")
    qs = load_file(set_file)
    if db.scalar("SELECT id FROM audit WHERE name = ?", (name,)) is not None:
        raise ReviewerError(f"an audit named '{name}' already exists")
    source = Path(set_file).read_text(encoding="utf-8-sig")
    set_id = store_question_set(db, qs, source, str(set_file))
    with db.transaction():
        db.execute("INSERT INTO audit (name, question_set_id, description, created_at, archived, "
                   "sample) VALUES (?, ?, ?, ?, ?, ?)",
                   (name, set_id, description or qs.description, now_iso(), False, "{}"))
    return get_audit(db, name)


def get_audit(db: Database, name: str) -> AuditInfo:
    row = db.one(_AUDIT_SQL + " WHERE a.name = ?", (name,))
    if row is None:
        known = [r[0] for r in db.all("SELECT name FROM audit ORDER BY name")]
        hint = f" (audits: {', '.join(known)})" if known else " (there are no audits yet)"
        raise NotFound(f"no audit named '{name}'{hint}")
    return _info(row)


def get_audit_by_id(db: Database, audit_id: int) -> AuditInfo:
    row = db.one(_AUDIT_SQL + " WHERE a.id = ?", (audit_id,))
    if row is None:
        raise NotFound(f"no audit with id {audit_id}")
    return _info(row)


def list_audits(db: Database, include_archived: bool = False) -> list[AuditInfo]:
    where = "" if include_archived else " WHERE a.archived = FALSE"
    return [_info(r) for r in db.all(_AUDIT_SQL + where + " ORDER BY a.created_at, a.id")]


def rename_audit(db: Database, audit_id: int, new_name: str) -> None:
    new_name = new_name.strip()
    if not new_name:
        raise ReviewerError("an audit needs a name")
    clash = db.scalar("SELECT id FROM audit WHERE name = ? AND id <> ?", (new_name, audit_id))
    if clash is not None:
        raise ReviewerError(f"an audit named '{new_name}' already exists")
    with db.transaction():
        db.execute("UPDATE audit SET name = ? WHERE id = ?", (new_name, audit_id))


def archive_audit(db: Database, audit_id: int, archived: bool = True) -> None:
    with db.transaction():
        db.execute("UPDATE audit SET archived = ? WHERE id = ?", (archived, audit_id))


def set_sample(db: Database, audit_id: int, sample: dict[str, Any]) -> None:
    with db.transaction():
        db.execute("UPDATE audit SET sample = ? WHERE id = ?",
                   (json.dumps(sample, sort_keys=True), audit_id))


def question_set(db: Database, audit: AuditInfo) -> QuestionSet:
    definition = db.scalar("SELECT definition FROM question_set WHERE id = ?",
                           (audit.question_set_id,))
    return QuestionSet.from_json(definition)
