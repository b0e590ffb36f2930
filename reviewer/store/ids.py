"""New row ids, in one place. Records and incidents get explicit ids (so a bulk insert can
number its rows in SQL); call inside a write transaction, where no other writer can take the
same ids (``Database.transaction`` holds the write lock).

On PostgreSQL an import writes its new records before it takes the write lock
(docs/performance.md, "Imports and scorers"): it reserves their ids with
:func:`reserve_records`, advancing the table's sequence past them (a sequence is not rolled
back and is seen by every session at once), and :func:`next_id` starts past the sequence too."""

from __future__ import annotations

from reviewer.store.db import Database
from reviewer.store.transactions import WRITE_LOCK

TABLES = ("record", "incident")


def next_id(db: Database, table: str) -> int:
    """The first free id of ``table``; the ids after it are free too."""
    if table not in TABLES:
        raise ValueError(table)
    assert db.in_transaction, "new ids are taken inside a write transaction"
    first = int(db.scalar(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"))
    if db.dialect == "postgresql" and table == "record":
        first = max(first, _sequence_next(db))
    return first


def _sequence_next(db: Database) -> int:
    """The first record id the sequence has not handed out (PostgreSQL)."""
    last, called = db.one(f"SELECT last_value, is_called FROM {_SEQUENCE}")
    return int(last) + 1 if called else int(last)


_SEQUENCE = "record_id_seq"        # record.id's sequence (SERIAL, schema step 1)


def reserve_records(db: Database, audit_id: int, count: int) -> tuple[int, int]:
    """PostgreSQL, an import before it takes the write lock (it holds the imports' own lock):
    ``count`` record ids no one else will take — the first, and the audit's next review order.
    Only imports call ``nextval`` (which every reviewer may), one at a time: the sequence is
    first moved past the ids the import will take; then, holding the write lock for a moment
    only (a session lock, let go at once: no writer adding records of another audit, a sample
    or a calibration, is half-way), the import takes the ids after every record there is, and
    moves the sequence past the few records added meanwhile. Such writers start past the
    sequence (:func:`next_id`)."""
    _advance(db, int(db.scalar("SELECT COALESCE(MAX(id), 0) FROM record")) + count)
    db.execute(f"SELECT pg_advisory_lock({WRITE_LOCK})")
    try:
        first = int(db.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM record"))
        _advance(db, first + count - 1)
    except BaseException:
        db.conn.rollback()          # a session lock outlives the transaction: let it go
        db.execute(f"SELECT pg_advisory_unlock({WRITE_LOCK})")
        raise
    db.execute(f"SELECT pg_advisory_unlock({WRITE_LOCK})")
    return first, next_seq(db, "record", audit_id)


def _advance(db: Database, upto: int) -> None:
    """Move the record sequence on until it has handed out ``upto`` (nothing if it has)."""
    db.scalar(f"SELECT MAX(nextval('{_SEQUENCE}')) FROM generate_series(1, GREATEST(0, ? - "
              f"(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "
              f"FROM {_SEQUENCE})))", (upto,))


def next_seq(db: Database, table: str, audit_id: int) -> int:
    """The next review order (``seq``) in an audit's records or incidents."""
    if table not in TABLES:
        raise ValueError(table)
    return int(db.scalar(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table} WHERE audit_id = ?",
                         (audit_id,)))
