"""Reads for agreement (docs/contracts.md §8, §13), never every answer as a row of its own: a
base audit's records in review order (in batches), which of another audit's records share a
base record's ref, and an audit's answers grouped by answer (docs/performance.md, "Streaming
outputs"). Ids are handed on as int64 arrays; from PostgreSQL they cross as one string each."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import count
from typing import Any

from reviewer.store import field_slots, packs
from reviewer.store.db import Database
from reviewer.store.field_slots import Slots

BATCH = 20_000
READ_CACHE_KB = 8_192
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
    conn = db.conn
    # WITH HOLD: the connection reads in autocommit (store/db.py), outside a transaction.
    with conn.cursor(name=f"reviewer_stream_{next(_names)}", withhold=True) as cur:
        cur.itersize = size
        cur.execute(db._sql(sql), params)
        while rows := cur.fetchmany(size):
            yield rows


@contextmanager
def reading(db: Database) -> Iterator[Database]:
    """Reads of many rows in one snapshot (a read transaction; on PostgreSQL REPEATABLE READ),
    with SQLite's page cache held to READ_CACHE_KB while they run: they read each page once,
    and the 64 MB kept for imports would only add to the process's memory
    (docs/performance.md)."""
    with db.staging(snapshot=True):
        if db.dialect != "sqlite":
            yield db
            return
        size = db.scalar("PRAGMA cache_size")
        db.execute(f"PRAGMA cache_size=-{READ_CACHE_KB}")
        try:
            yield db
        finally:
            db.execute(f"PRAGMA cache_size={int(size)}")


def base_records(db: Database, audit_id: int) -> Iterator[list[tuple[int, str]]]:
    """(seq, ref) of the audit's records in review order."""
    return batches(db, "SELECT seq, ref FROM record WHERE audit_id = ? ORDER BY seq",
                   (audit_id,))


def _numbers(text: str | None) -> Any:
    """Integers joined with ``,`` (as the database aggregates them) as an int64 array, parsed
    in C: what the readers of ids get from this module, on either engine."""
    import numpy as np

    return np.fromstring(text, np.int64, sep=",") if text else np.zeros(0, np.int64)


def _ids(db: Database, column: str, order: str | None) -> str:
    """SQL joining a group's integers (or texts) with ``,``: on PostgreSQL in ``order``, or
    in any order when None, which spares it a sort of every group."""
    if db.dialect == "sqlite":
        return f"GROUP_CONCAT({column})"
    return f"STRING_AGG(CAST({column} AS TEXT), ','{f' ORDER BY {order}' if order else ''})"


def linked_records(db: Database, base_id: int, audit_id: int) -> tuple[Any, Any]:
    """The audit's record ids and the seq of the base audit's record with the same ref, as two
    int64 arrays in one order, read as one row, not a row per record: SQLite aggregates both
    in one pass; PostgreSQL joins each pair into one string (one aggregate, so no order to
    keep between two, and no sort: ``linked_query``, ``pairs``)."""
    seq, join, params = _linked(base_id, audit_id)
    if db.dialect == "sqlite":
        row = db.one(f"SELECT GROUP_CONCAT(r.id), GROUP_CONCAT({seq}) FROM record r {join} "
                     "WHERE r.audit_id = ?", params)
        return (_numbers(row[0]), _numbers(row[1])) if row else (_numbers(""), _numbers(""))
    return pairs(db.scalar(*linked_query(db, base_id, audit_id)))


def _linked(base_id: int, audit_id: int) -> tuple[str, str, tuple[int, ...]]:
    if base_id == audit_id:
        return "r.seq", "", (audit_id,)
    return "b.seq", "JOIN record b ON b.audit_id = ? AND b.ref = r.ref", (base_id, audit_id)


def linked_query(db: Database, base_id: int, audit_id: int) -> tuple[str, tuple[int, ...]]:
    """PostgreSQL: the query of ``linked_records``, one row of one string (``pairs``)."""
    seq, join, params = _linked(base_id, audit_id)
    return (f"SELECT {_ids(db, f'r.id || {chr(39)},{chr(39)} || {seq}', None)} FROM record r "
            f"{join} WHERE r.audit_id = ?", params)


def pairs(text: str | None) -> tuple[Any, Any]:
    """``linked_query``'s string as the two arrays of ``linked_records``."""
    both = _numbers(text)
    return both[0::2].copy(), both[1::2].copy()


def answer_groups(db: Database, audit_id: int, question_ids: Sequence[str]
                  ) -> Iterator[tuple[str, int, Any, Any]]:
    """(question id, state, value, the record ids that gave it) for each distinct answer to
    the questions named, the ids an int64 array. PostgreSQL groups the answers, so a million
    answers cross as a few strings (the ids joined with ``,``, in no particular order: the
    readers place each id by search), one group at a time; SQLite reads them from the packs
    (``store.packs.groups``), in id order."""
    if not question_ids:
        return
    if db.dialect == "sqlite":          # from the packs (store.packs)
        yield from packs.groups(db, audit_id, question_ids)
        return
    for rows in batches(db, *groups_query(db, audit_id, question_ids), size=1):
        for row in rows:
            yield group(row)


def groups_query(db: Database, audit_id: int, question_ids: Sequence[str]
                 ) -> tuple[str, tuple[Any, ...]]:
    """PostgreSQL: the query of ``answer_groups``, a row per group (``group``)."""
    marks = ", ".join("?" * len(question_ids))
    return (f"SELECT question_id, state, value, {_ids(db, 'record_id', None)} "
            f"FROM answer WHERE audit_id = ? AND question_id IN ({marks}) "
            "GROUP BY question_id, state, value", (audit_id, *question_ids))


def group(row: Sequence[Any]) -> tuple[str, int, Any, Any]:
    """A row of ``groups_query`` as ``answer_groups`` gives it."""
    qid, state, value, text = row
    return qid, state, value, _numbers(text)


def record_ids(db: Database, audit_id: int) -> Any:
    """The audit's record ids, in any order, as an int64 array (read as one row, not a row per
    record)."""
    return _numbers(db.scalar(f"SELECT {_ids(db, 'id', None)} FROM record WHERE audit_id = ?",
                              (audit_id,)))


def record_rows(db: Database, audit_id: int, size: int
                ) -> Iterator[list[tuple[int, str, dict[str, Any]]]]:
    """(id, ref, fields) of the audit's records in review order, ``size`` at a time (each
    batch's fields parsed in one call)."""
    slots = Slots(db, audit_id)
    for rows in batches(db, "SELECT id, ref, fields FROM record WHERE audit_id = ? "
                            "ORDER BY seq", (audit_id,), size):
        fields = slots.decode_many(r[2] for r in rows)
        yield [(r[0], r[1], f) for r, f in zip(rows, fields, strict=True)]


def field_order(db: Database, audit_id: int) -> list[str]:
    """The names of the audit's record fields in order of first use (their slots: schema 13,
    ``store.field_slots``), those some record has."""
    return field_slots.used(db, audit_id)


def noted_questions(db: Database, audit_id: int, low: int, high: int) -> set[str]:
    """The questions of the audit with at least one note. No index holds notes: the answers
    of record ids ``low`` to ``high`` (the audit's) are read in the table's own order (on
    SQLite the packs holding a full entry, ``packs.noted_questions``)."""
    if db.dialect == "sqlite":
        return packs.noted_questions(db, audit_id, low, high)
    return {q for (q,) in db.all("SELECT DISTINCT question_id FROM answer WHERE record_id "
                                 "BETWEEN ? AND ? AND audit_id = ? AND note != ''",
                                 (low, high, audit_id))}


def notes_of(db: Database, record_ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(record id, question id, note) of the notes on these records."""
    if not record_ids:
        return []
    marks = ", ".join("?" * len(record_ids))
    return db.all(f"SELECT record_id, question_id, note FROM answer WHERE record_id IN ({marks}) "
                  "AND note != ''", tuple(record_ids))
