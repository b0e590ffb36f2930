"""New row ids, in one place. Records and incidents get explicit ids (so a bulk insert can
number its rows in SQL); call inside a write transaction, where no other writer can take the
same ids (``Database.transaction`` holds the write lock)."""

from __future__ import annotations

from reviewer.store.db import Database

TABLES = ("record", "incident")


def next_id(db: Database, table: str) -> int:
    """The first free id of ``table``; the ids after it are free too."""
    if table not in TABLES:
        raise ValueError(table)
    assert db.in_transaction, "new ids are taken inside a write transaction"
    return int(db.scalar(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))


def next_seq(db: Database, table: str, audit_id: int) -> int:
    """The next review order (``seq``) in an audit's records or incidents."""
    if table not in TABLES:
        raise ValueError(table)
    return int(db.scalar(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table} WHERE audit_id = ?",
                         (audit_id,)))
