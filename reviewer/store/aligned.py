"""Reads for agreement (docs/contracts.md §8, §13) in batches, never every answer at once: a
base audit's records in review order, which of another audit's records share a base record's
ref, and an audit's answers as a stream (docs/performance.md, "Streaming outputs")."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any

from reviewer.store.counts import answers_filter
from reviewer.store.db import Database

BATCH = 20_000
_names = count()


def batches(db: Database, sql: str, params: tuple[Any, ...] = (),
            size: int = BATCH) -> Iterator[list[tuple]]:
    """The rows of ``sql`` in lists of at most ``size``: SQLite steps its cursor; PostgreSQL
    reads through a server-side cursor, so neither side holds the whole result."""
    if db.dialect == "sqlite":
        cur = db.execute(sql, params)
        try:
            while rows := cur.fetchmany(size):
                yield rows
        finally:
            cur.close()
        return
    conn = db.conn.driver_connection
    # WITH HOLD: the connection reads in autocommit (store/db.py), outside a transaction.
    with conn.cursor(name=f"reviewer_stream_{next(_names)}", withhold=True) as cur:
        cur.itersize = size
        cur.execute(db._sql(sql), params)
        while rows := cur.fetchmany(size):
            yield rows


def base_records(db: Database, audit_id: int) -> Iterator[list[tuple[int, str]]]:
    """(seq, ref) of the audit's records in review order."""
    return batches(db, "SELECT seq, ref FROM record WHERE audit_id = ? ORDER BY seq",
                   (audit_id,))


def linked_records(db: Database, base_id: int, audit_id: int) -> Iterator[list[tuple[int, int]]]:
    """(record id in ``audit_id``, seq of the base audit's record with the same ref)."""
    if base_id == audit_id:
        return batches(db, "SELECT id, seq FROM record WHERE audit_id = ?", (audit_id,))
    return batches(db, "SELECT r.id, b.seq FROM record r JOIN record b ON b.audit_id = ? "
                       "AND b.ref = r.ref WHERE r.audit_id = ?", (base_id, audit_id))


def answer_cells(db: Database, audit_id: int) -> Iterator[list[tuple[int, str, int, Any]]]:
    """(record id, question id, state, value) of every answer of the audit, in no order."""
    return batches(db, "SELECT record_id, question_id, state, value FROM answer WHERE "
                       f"{answers_filter(db, audit_id)}", (audit_id,))
