"""Schema step 13, both engines: record fields by position (docs/performance.md, "Record fields
by position"). Frozen the day it was released, as every step (``store.migrations``)."""

from __future__ import annotations

import json

from reviewer.store.conn import Connection as Database

BATCH = 20_000       # records moved at a time


def to_13(db: Database) -> None:
    """``field_slot`` lists each audit's record field names once, a slot each, in order of
    first use (by the first record in review order that has each, then by its place in that
    record); ``record.fields`` becomes a JSON array whose item ``k`` is the value of the
    field in slot ``k`` (``null``: the record has none), trailing nulls left out."""
    rowid = " WITHOUT ROWID" if db.dialect == "sqlite" else ""
    db.execute("CREATE TABLE field_slot (audit_id INTEGER NOT NULL REFERENCES audit (id), "
               "slot INTEGER NOT NULL, name VARCHAR NOT NULL, PRIMARY KEY (audit_id, slot), "
               f"UNIQUE (audit_id, name)){rowid}")
    guarded = db.dialect != "sqlite" and db.scalar(
        "SELECT 1 FROM pg_trigger WHERE tgname = 'record_signed_off' "
        "AND tgrelid = 'record'::regclass")
    if guarded:      # a signed-off audit's records are read-only but to this step (the owner)
        db.execute("ALTER TABLE record DISABLE TRIGGER record_signed_off")
    for (audit_id,) in db.all("SELECT DISTINCT audit_id FROM record"):
        _move(db, int(audit_id))
    if guarded:
        db.execute("ALTER TABLE record ENABLE TRIGGER record_signed_off")
    if db.dialect != "sqlite":
        # whoever reads, adds or removes records may do so with the audit's names too, at
        # once, before the owner next runs ``team grant``; ``%I`` is format()'s
        db.conn.cursor().execute(
            "DO $$ DECLARE g text; p text; BEGIN FOR g, p IN SELECT DISTINCT grantee, "
            "privilege_type FROM information_schema.role_table_grants WHERE table_name = "
            "'record' AND table_schema = current_schema() AND privilege_type IN ('SELECT', "
            "'INSERT', 'DELETE') AND grantee <> current_user LOOP "
            "EXECUTE format('GRANT %s ON field_slot TO %I', p, g); END LOOP; END $$")


def _move(db: Database, audit_id: int) -> None:
    """One audit's records' fields, a batch at a time in review order."""
    index: dict[str, int] = {}
    after: tuple[int, int, int] | None = None
    while True:
        rows = db.all("SELECT id, seq, fields FROM record WHERE audit_id = ? "
                      + ("AND (seq > ? OR (seq = ? AND id > ?)) " if after else "")
                      + "ORDER BY seq, id LIMIT ?", (audit_id, *(after or ()), BATCH))
        if not rows:
            break
        updates = []
        for rid, _, text in rows:
            found = json.loads(text) if text else {}
            if not isinstance(found, dict):
                found = {}
            for name in found:
                index.setdefault(name, len(index))
            items: list = [None] * (max((index[n] for n in found), default=-1) + 1)
            for name, value in found.items():
                items[index[name]] = value
            updates.append((json.dumps(items, ensure_ascii=False, separators=(",", ":")), rid))
        db.executemany("UPDATE record SET fields = ? WHERE id = ?", updates)
        after = (rows[-1][1], rows[-1][1], rows[-1][0])
    db.executemany("INSERT INTO field_slot (audit_id, slot, name) VALUES (?, ?, ?)",
                   [(audit_id, slot, name) for name, slot in index.items()])
