"""The records a run of packs of events names (``event_bundle_record``), written at once: the
rows :func:`store.bundle.insert` leaves to be named later (docs/performance.md, "The packs'
records named at once")."""

from __future__ import annotations

import json

from reviewer.store.db import Database


def name_records(db: Database, audit_key: int, named: list[tuple[int, int]]) -> None:
    """The records packs name, (record, the pack's row seq) each, in one statement and in the
    key's order whatever the file's: each page of the key written once, not once a pack
    (docs/performance.md, "A re-import in another order", "The packs' records named at
    once")."""
    if not named:
        return
    named = sorted(named)          # the caller's list left as given
    if db.dialect != "sqlite":        # one statement, not a round trip per record
        db.execute("INSERT INTO event_bundle_record (audit_id, record_id, seq) "
                   "SELECT ?, unnest(?::integer[]), unnest(?::integer[])",
                   (audit_key, [r for r, _ in named], [s for _, s in named]))
        return
    # SQLite: the pairs as one JSON array of numbers, each record and seq in one (an
    # executemany binds each row in Python, waiting for Python's lock while a thread hashes
    # the next pack: docs/performance.md); pairs where they would not fit
    if named[-1][0] < 1 << 31 and max(s for _, s in named) < 1 << 32:
        db.execute("INSERT INTO event_bundle_record (audit_id, record_id, seq) "
                   "SELECT ?, value >> 32, value & 4294967295 FROM json_each(?)",
                   (audit_key, "[" + ",".join(str(r << 32 | s) for r, s in named) + "]"))
        return
    db.execute("INSERT INTO event_bundle_record (audit_id, record_id, seq) "
               "SELECT ?, value ->> 0, value ->> 1 FROM json_each(?)",
               (audit_key, json.dumps(named)))
