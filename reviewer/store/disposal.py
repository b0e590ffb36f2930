"""The SQL of disposal (docs/evidence.md, "Retention and disposal"): an audit's personal data
removed, its figures and its hash chain kept. Called only by ``ops.dispose`` inside its
transaction, after the ``dispose`` event is written (the history's trigger allows blanking an
event's texts only then, and only once their commitments are sealed)."""

from __future__ import annotations

from collections.abc import Callable

from reviewer.store import chain, field_slots
from reviewer.store.counts import audit_answers
from reviewer.store.db import Database

NOTE_EVENTS = ("note",)


def seal_events(db: Database, audit_id: int, pseudonym: Callable[[str], str]) -> int:
    """Seal the commitments of every event that names a record or holds a note, then replace
    its ref by the pseudonym, blank its note texts and delete its salt. The number sealed."""
    rows = db.all("SELECT seq, action, ref, before, after, detail, salt FROM event "
                  "WHERE audit_id = ? AND salt IS NOT NULL AND bundle IS NULL AND "
                  "action <> 'dispose' AND "
                  "(ref IS NOT NULL OR action = 'note' OR (action = 'undo' AND detail = 'note'))"
                  " ORDER BY seq", (audit_id,))
    seals, updates = [], []
    for seq, action, ref, before, after, detail, salt in rows:
        c = chain.commitments(bytes(salt), ref, before, after, detail)
        seals.append((audit_id, seq, *(bytes.fromhex(x) if x else None for x in c)))
        note = action in NOTE_EVENTS or (action == "undo" and detail == "note")
        updates.append((pseudonym(ref) if ref is not None else None,
                        None if note else before, None if note else after, audit_id, seq))
    db.executemany('INSERT INTO event_seal (audit_id, seq, ref, "before", "after", detail) '
                   "VALUES (?, ?, ?, ?, ?, ?)", seals)
    db.executemany('UPDATE event SET ref = ?, "before" = ?, "after" = ?, salt = NULL '
                   "WHERE audit_id = ? AND seq = ?", updates)
    return len(updates) + _seal_packs(db, audit_id, pseudonym)


def _seal_packs(db: Database, audit_id: int, pseudonym: Callable[[str], str]) -> int:
    """The same for packs of events (``store.bundle``): each pack's commitments sealed as one
    row, its refs replaced and note texts blanked in place. The number of events sealed."""
    from reviewer.store import bundle

    sealed = 0
    for (seq,) in db.all("SELECT seq FROM event WHERE audit_id = ? AND bundle IS NOT NULL "
                         "AND salt IS NOT NULL ORDER BY seq", (audit_id,)):
        blob, salt = db.one("SELECT bundle, salt FROM event WHERE audit_id = ? AND seq = ?",
                            (audit_id, seq))
        first, items = bundle.unpack(blob)
        commit = bundle.Commits(bytes(salt))
        seals = [commit.of(item) for item in items]
        kept = [[action, pseudonym(ref) if ref is not None else None, question,
                 None if action in NOTE_EVENTS else before,
                 None if action in NOTE_EVENTS else after, detail]
                for action, ref, question, before, after, detail in items]
        db.execute("INSERT INTO event_seal (audit_id, seq, bundle) VALUES (?, ?, ?)",
                   (audit_id, seq, bundle.pack_seals(seals)))
        db.execute("UPDATE event SET bundle = ?, salt = NULL WHERE audit_id = ? AND seq = ?",
                   (bundle.pack(first, kept), audit_id, seq))
        sealed += len(items)
    return sealed


def remove_personal_data(db: Database, audit_id: int, pseudonym: Callable[[str], str]) -> int:
    """Record fields (recording and transcript links among them), notes, undo entries and the
    incident list removed; refs replaced by pseudonyms. The number of records."""
    records = db.all("SELECT id, ref FROM record WHERE audit_id = ?", (audit_id,))
    db.executemany(f"UPDATE record SET ref = ?, fields = '{field_slots.EMPTY}' WHERE id = ?",
                   [(pseudonym(ref), rid) for rid, ref in records])
    field_slots.drop(db, audit_id)
    mine = audit_answers(db, audit_id)
    db.execute(f"DELETE FROM answer WHERE {mine} AND state = 0", (audit_id,))
    db.execute(f"UPDATE answer SET note = '' WHERE {mine} AND note <> ''", (audit_id,))
    db.execute("DELETE FROM undo WHERE audit_id = ?", (audit_id,))
    db.execute("DELETE FROM incident WHERE audit_id = ?", (audit_id,))
    return len(records)


def scrub_file(db: Database) -> None:
    """Leave no byte of deleted text in a SQLite file: rebuild it and empty its WAL."""
    if db.dialect != "sqlite":
        return
    db.execute("VACUUM")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def secure_delete(db: Database, on: bool) -> None:
    if db.dialect == "sqlite":
        db.execute(f"PRAGMA secure_delete = {'ON' if on else 'OFF'}")
