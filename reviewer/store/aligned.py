"""Reads for agreement (docs/contracts.md §8, §13), never every answer as a row of its own: a
base audit's records in review order (in batches), which of another audit's records share a
base record's ref, and an audit's answers grouped by answer, each group's records as one string
of ids (docs/performance.md, "Streaming outputs")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import count
from typing import Any

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


def _ids(db: Database, column: str, order: str) -> str:
    """SQL joining a group's integers with ``,`` (in ``order`` on PostgreSQL, so that two of
    them in one query list their rows alike; SQLite aggregates rows in one pass)."""
    if db.dialect == "sqlite":
        return f"GROUP_CONCAT({column})"
    return f"STRING_AGG(CAST({column} AS TEXT), ',' ORDER BY {order})"


def linked_records(db: Database, base_id: int, audit_id: int) -> tuple[str, str]:
    """The audit's record ids and the seq of the base audit's record with the same ref, each
    as integers joined with ``,`` in one order (one row, not a row per record)."""
    if base_id == audit_id:
        row = db.one(f"SELECT {_ids(db, 'id', 'id')}, {_ids(db, 'seq', 'id')} FROM record "
                     "WHERE audit_id = ?", (audit_id,))
    else:
        row = db.one(f"SELECT {_ids(db, 'r.id', 'r.id')}, {_ids(db, 'b.seq', 'r.id')} "
                     "FROM record r JOIN record b ON b.audit_id = ? AND b.ref = r.ref "
                     "WHERE r.audit_id = ?", (base_id, audit_id))
    return (row[0] or "", row[1] or "") if row else ("", "")


def answer_groups(db: Database, audit_id: int, question_ids: Sequence[str]
                  ) -> Iterator[tuple[str, int, Any, str]]:
    """(question id, state, value, the record ids that gave it joined with ``,``) for each
    distinct answer to the questions named: the database groups the answers (from the tally
    index on SQLite), so a million answers cross as a few strings, one group at a time."""
    if not question_ids:
        return
    marks = ", ".join("?" * len(question_ids))
    sql = (f"SELECT question_id, state, value, {_ids(db, 'record_id', 'record_id')} "
           f"FROM answer WHERE audit_id = ? AND question_id IN ({marks}) "
           "GROUP BY question_id, state, value")
    for rows in batches(db, sql, (audit_id, *question_ids), size=1):
        yield from rows
