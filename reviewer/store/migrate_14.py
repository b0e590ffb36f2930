"""Schema step 14, SQLite only: the packs' audit index dropped (docs/performance.md, "Packs
without their audit index"). Frozen the day it was released, as every step
(``store.migrations``)."""

from __future__ import annotations

from reviewer.store.conn import Connection as Database


def to_14(db: Database) -> None:
    """``ix_answer_pack_audit_id`` goes: an audit's packs are read in record id order (the
    table's own key) or scanned with their ``audit_id`` tested, and the index took 10 bytes a
    record. PostgreSQL has no packs."""
    if db.dialect != "sqlite":
        return
    db.execute("DROP INDEX IF EXISTS ix_answer_pack_audit_id")
