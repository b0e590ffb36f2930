"""Reading audits and the question sets they keep; audit names, cleaned one way everywhere.

Changes to audits are operations (``reviewer.ops.audits``); this module only reads, plus
``store_question_set``, which an operation calls inside its transaction.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any, NamedTuple

from reviewer.errors import NotFound, ReviewerError
from reviewer.questions.model import QuestionSet
from reviewer.store.db import Database
from reviewer.text import control_characters

MAX_NAME = 200


class AuditInfo(NamedTuple):
    """An audit as read. A NamedTuple, not a dataclass: `reviewer tally` need not import
    ``dataclasses`` (docs/performance.md, "Start-up without dataclasses on the tally's path")."""

    id: int
    name: str
    question_set_id: int
    set_key: str
    set_version: int
    set_title: str
    description: str
    created_at: str
    archived: bool
    sample: dict[str, Any]              # as stored when the sample was drawn ({} if not)
    records: int = 0
    complete: int = 0
    signed_off_by: str | None = None
    signed_off_at: str | None = None
    calibrates: int | None = None       # the main audit this one double-scores
    desk: bool = False                  # from a SQLite desk file: names not verified

    @property
    def signed_off(self) -> bool:
        return bool(self.signed_off_by)

    @property
    def signed_off_text(self) -> str:
        """"signed off by WHO on DATE" ("" when not signed off): the one wording of a sign-off,
        which every message and output uses (``outputs.tally_format.sign_off_line``)."""
        if not self.signed_off_by:
            return ""
        return f"signed off by {self.signed_off_by} on {(self.signed_off_at or '')[:10]}"


_AUDIT_SQL = """
SELECT a.id, a.name, a.question_set_id, q.key, q.version, q.title, a.description, a.created_at,
       a.archived, a.sample, COALESCE(c.records, 0) + COALESCE(p.records, 0),
       COALESCE(c.complete, 0) + COALESCE(p.complete, 0),
       a.signed_off_by, a.signed_off_at, a.calibrates
FROM audit a JOIN question_set q ON q.id = a.question_set_id
LEFT JOIN audit_count c ON c.audit_id = a.id
LEFT JOIN (SELECT audit_id, SUM(records) AS records, SUM(complete) AS complete
           FROM audit_count_part GROUP BY audit_id) p ON p.audit_id = a.id
"""


AUDIT_BY_ID = _AUDIT_SQL + " WHERE a.id = ?"     # also read with the lock (store.prefetch)


def _info(row: tuple, db: Database) -> AuditInfo:
    return AuditInfo(*row[:8], archived=bool(row[8]), sample=json.loads(row[9] or "{}"),
                     records=row[10], complete=row[11], signed_off_by=row[12],
                     signed_off_at=row[13], calibrates=row[14], desk=db.dialect == "sqlite")


def clean_name(text: str) -> str:
    """An audit name as stored and looked up: NFC, trimmed; never empty, never holding control
    characters (a tab, a newline, an escape ...), at most 200 characters."""
    name = unicodedata.normalize("NFC", str(text)).strip()
    if not name:
        raise ReviewerError("an audit needs a name")
    bad = control_characters(name)          # the rule reviewer names share (reviewer.text)
    if bad:
        shown = ", ".join(bad)
        raise ReviewerError(f"an audit name cannot hold control characters ({shown})")
    if len(name) > MAX_NAME:
        raise ReviewerError(f"an audit name can be at most {MAX_NAME} characters "
                            f"(this one has {len(name)})")
    return name


def get_audit(db: Database, name: str) -> AuditInfo:
    wanted = unicodedata.normalize("NFC", str(name)).strip()
    row = db.one(_AUDIT_SQL + " WHERE a.name = ?", (wanted,))
    if row is None:
        known = [r[0] for r in db.all("SELECT name FROM audit ORDER BY name")]
        hint = f" (audits: {', '.join(known)})" if known else " (there are no audits yet)"
        raise NotFound(f"no audit named '{wanted}'{hint}")
    return _info(row, db)


def get_audit_by_id(db: Database, audit_id: int) -> AuditInfo:
    return audit_from_row(db, audit_id, db.one(AUDIT_BY_ID, (audit_id,)))


def audit_from_row(db: Database, audit_id: int, row: tuple | None) -> AuditInfo:
    if row is None:
        raise NotFound(f"no audit with id {audit_id}")
    return _info(row, db)


def list_audits(db: Database, include_archived: bool = False) -> list[AuditInfo]:
    where = "" if include_archived else " WHERE a.archived = FALSE"
    return [_info(r, db) for r in db.all(_AUDIT_SQL + where + " ORDER BY a.created_at, a.id")]


def calibrations_of(db: Database, audit: AuditInfo) -> list[AuditInfo]:
    """The calibration audits (blind double-scorings) of ``audit``, oldest first."""
    return [_info(r, db) for r in db.all(_AUDIT_SQL + " WHERE a.calibrates = ? "
                                     "ORDER BY a.created_at, a.id", (audit.id,))]


def question_set(db: Database, audit: AuditInfo) -> QuestionSet:
    definition = db.scalar("SELECT definition FROM question_set WHERE id = ?",
                           (audit.question_set_id,))
    return QuestionSet.from_json(definition)


def store_question_set(db: Database, qs: QuestionSet, source: str = "",
                       source_name: str = "") -> int:
    """The stored id of this exact question set, storing it if new (call inside a write
    transaction). The same id+version with the same content is reused; with different content
    it is an error that asks the author to bump ``version``."""
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
    db.execute("INSERT INTO question_set (key, version, title, content_hash, definition, "
               "source, source_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (qs.id, qs.version, qs.title, digest, qs.to_json(), source, source_name))
    return int(db.scalar("SELECT id FROM question_set WHERE key = ? AND version = ?",
                         (qs.id, qs.version)))


# -- writes (by the operations in ``reviewer.ops``) ----------------------------------------------
def audit_named(db: Database, name: str, other_than: int | None = None) -> int | None:
    """The id of the audit called ``name`` (other than ``other_than``), if any."""
    if other_than is None:
        return db.scalar("SELECT id FROM audit WHERE name = ?", (name,))
    return db.scalar("SELECT id FROM audit WHERE name = ? AND id <> ?", (name, other_than))


def insert_audit(db: Database, name: str, set_id: int, description: str, created_at: str,
                 calibrates: int | None) -> int:
    db.execute("INSERT INTO audit (name, question_set_id, description, created_at, "
               "archived, sample, calibrates) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (name, set_id, description, created_at, False, "{}", calibrates))
    return int(db.scalar("SELECT id FROM audit WHERE name = ?", (name,)))


def set_name(db: Database, audit_id: int, name: str) -> None:
    db.execute("UPDATE audit SET name = ? WHERE id = ?", (name, audit_id))


def set_archived(db: Database, audit_id: int, archived: bool) -> None:
    db.execute("UPDATE audit SET archived = ? WHERE id = ?", (archived, audit_id))


def set_signed_off(db: Database, audit_id: int, by: str | None, at: str | None) -> None:
    """Sign the audit off (``by``, ``at``), or reopen it (None, None)."""
    db.execute("UPDATE audit SET signed_off_by = ?, signed_off_at = ? WHERE id = ?",
               (by, at, audit_id))


def set_sample(db: Database, audit_id: int, description: dict[str, Any]) -> None:
    """Store how the audit's records were drawn and weighted (call inside a write
    transaction)."""
    db.execute("UPDATE audit SET sample = ? WHERE id = ?",
               (json.dumps(description, sort_keys=True), audit_id))


def question_set_source(db: Database, set_id: int) -> tuple | None:
    """(source, source_name) of a stored question set."""
    return db.one("SELECT source, source_name FROM question_set WHERE id = ?", (set_id,))
