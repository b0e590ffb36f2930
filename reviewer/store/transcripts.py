"""The SQL of the ``transcript`` table: transcripts stored in the database (docs/listening.md,
"Stored transcripts"). ``reviewer transcribe`` stores its machine transcripts here, so everyone
on a shared database sees them and disposal can remove them; a record's ``transcript`` field
links one as ``db:ID`` (:func:`link`; ``reviewer.files.transcripts.stored_id`` reads it).

For disposal (docs/listening.md, "Removing transcripts"): :func:`delete_machine` removes an
audit's machine transcripts and unlinks them from its records, inside the caller's write
transaction. (The parsed-transcript cache on this machine is cleared by
``reviewer.ops.listening.clear_transcript_cache``.)
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.store import records
from reviewer.store.db import Database

FIELD = "transcript"            # the record field that links a transcript (docs/listening.md)


@dataclass(frozen=True)
class Stored:
    id: int
    audit_id: int
    record_id: int
    segments: str               # JSON: [{"start", "end", "text", "speaker"}, ...]
    machine: bool
    engine: str
    created_at: str
    created_by: str


_COLUMNS = "id, audit_id, record_id, segments, machine, engine, created_at, created_by"


def link(transcript_id: int) -> str:
    """What a record's ``transcript`` field holds to link a stored transcript: ``db:ID``."""
    return f"db:{transcript_id}"


def _stored(row: tuple) -> Stored:
    return Stored(int(row[0]), int(row[1]), int(row[2]), row[3], bool(row[4]), row[5], row[6],
                  row[7])


def get(db: Database, transcript_id: int) -> Stored | None:
    row = db.one(f"SELECT {_COLUMNS} FROM transcript WHERE id = ?", (transcript_id,))
    return _stored(row) if row else None


def for_audit(db: Database, audit_id: int) -> dict[int, Stored]:
    """The audit's stored transcripts by id (one query, for search)."""
    return {int(r[0]): _stored(r) for r in db.all(
        f"SELECT {_COLUMNS} FROM transcript WHERE audit_id = ?", (audit_id,))}


def add(db: Database, audit_id: int, record_id: int, segments: str, machine: bool, engine: str,
        at: str, by: str) -> int:
    """Store a transcript (inside a write transaction: the new id is MAX + 1); its id."""
    assert db.in_transaction, "a transcript is stored inside a write transaction"
    new_id = int(db.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM transcript"))
    db.execute(f"INSERT INTO transcript ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (new_id, audit_id, record_id, segments, machine, engine, at, by))
    return new_id


def delete_record_machine(db: Database, record_id: int) -> int:
    """Remove one record's machine transcripts (before storing a new one); how many."""
    cur = db.execute("DELETE FROM transcript WHERE record_id = ? AND machine = ?",
                     (record_id, True))
    return max(cur.rowcount, 0)


def delete_machine(db: Database, audit_id: int) -> int:
    """Remove every machine transcript of the audit (for disposal), and blank the
    ``transcript`` field of the records that linked one; how many were removed. Call it inside
    the disposing operation's write transaction."""
    ids = {int(r[0]) for r in db.all("SELECT id FROM transcript WHERE audit_id = ? AND "
                                     "machine = ?", (audit_id, True))}
    if not ids:
        return 0
    links, updates = {link(i) for i in ids}, []
    for rid, _, fields in records.id_fields(db, audit_id):
        if str(fields.get(FIELD) or "").strip() in links:
            fields[FIELD] = ""
            updates.append((fields, rid))
    records.set_fields(db, audit_id, updates)
    db.execute("DELETE FROM transcript WHERE audit_id = ? AND machine = ?", (audit_id, True))
    return len(ids)


def count(db: Database, audit_id: int) -> int:
    return int(db.scalar("SELECT COUNT(*) FROM transcript WHERE audit_id = ?", (audit_id,)))
