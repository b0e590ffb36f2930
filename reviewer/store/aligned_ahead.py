"""Audits' answers for agreement read ahead (docs/performance.md, "Agreement read ahead on
PostgreSQL"): each audit's linked records and answer groups (``store.aligned``), in order. On
PostgreSQL, inside ``aligned.reading``, the first ``AHEAD`` audits are read at once, each on a
connection of its own that shares the first one's snapshot, in threads, while the caller reads
the base audit's records: the server groups two audits' answers on two processors, and the
program lays one while the next is grouped. SQLite, or no other connection to be had: read one
after the other on the one connection, as before."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import count
from typing import Any

from reviewer.errors import ReviewerError
from reviewer.store import aligned
from reviewer.store.db import Database

Laid = tuple[Any, Any, Iterator[tuple[str, int, Any, Any]]]
_names = count()
# PostgreSQL plans a cursor's query for its first rows unless told that all are read: the
# answer groups would come one at a time from an index scan, each fetch grouping its own
WHOLE = "SET LOCAL cursor_tuple_fraction = 1.0"
_SNAPSHOT = re.compile(r"[0-9A-F]+(-[0-9A-F]+)+")
AHEAD = 2            # audits read at once, each on a connection of its own


def audits(db: Database, base_id: int, wanted: Sequence[tuple[int, list[str]]]
           ) -> Iterator[Laid]:         # with close(): use it in contextlib.closing
    """(record ids, base seqs, answer groups) of each audit of ``wanted`` (its id and the
    question ids to read), as ``aligned.linked_records`` and ``aligned.answer_groups`` give
    them. On PostgreSQL the first audits are read as soon as this is called, beside what the
    caller reads on ``db`` meanwhile."""
    others: list[Database] = []
    try:
        while len(others) < min(AHEAD, len(wanted)) and (other := _second(db)) is not None:
            others.append(other)
    except BaseException:
        for other in others:
            other.close()
        raise
    if not others:
        return _one_by_one(db, base_id, wanted)
    return _Ahead(others, base_id, wanted)


def _one_by_one(db: Database, base_id: int, wanted: Sequence[tuple[int, list[str]]]
                ) -> Iterator[Laid]:
    for audit_id, qids in wanted:
        ids, seqs = aligned.linked_records(db, base_id, audit_id)
        yield ids, seqs, aligned.answer_groups(db, audit_id, qids)


def _second(db: Database) -> Database | None:
    """Another connection to the same server in ``db``'s snapshot (PostgreSQL, in the
    REPEATABLE READ transaction ``aligned.reading`` began), else None. Not inside another
    transaction (``working_only`` is False there), whose own writes no other connection
    sees."""
    if db.dialect == "sqlite" or not db._in_tx or not db.working_only:
        return None
    snapshot = str(db.scalar("SELECT pg_export_snapshot()"))
    if not _SNAPSHOT.fullmatch(snapshot):
        return None
    try:
        other = Database(db.target, lock_timeout=db.lock_timeout, migrate=False)
    except ReviewerError:                 # say, no connection slot left: one after the other
        return None
    try:
        other.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        other.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        other.execute(WHOLE)
        other._in_tx = True
    except Exception:
        other.close()
        raise
    return other


def _started(conn: Database, base_id: int, audit_id: int, qids: list[str]) -> tuple[str, str]:
    """Two cursors on ``conn``, each moved past its first row, so that the server has made
    both aggregates (the linked records' one row, the answer groups) and keeps them: nothing
    crosses to this process in the thread, whose memory would stay with it. SCROLL: the
    caller fetches the first rows again."""
    linked, groups = (f"reviewer_ahead_{next(_names)}" for _ in range(2))
    for name, (sql, params) in ((linked, aligned.linked_query(conn, base_id, audit_id)),
                                (groups, aligned.groups_query(conn, audit_id, qids))):
        if name == groups and not qids:
            return linked, ""
        conn.execute(f"DECLARE {name} SCROLL CURSOR FOR {sql}", params)
        conn.execute(f"MOVE FORWARD 1 IN {name}")
    return linked, groups


def _laid(conn: Database, linked: str, groups: str) -> Laid:
    row = conn.one(f"FETCH ABSOLUTE 1 FROM {linked}")
    conn.execute(f"CLOSE {linked}")
    ids, seqs = aligned.pairs(row[0] if row else None)
    return ids, seqs, _groups(conn, groups)


def _groups(conn: Database, name: str) -> Iterator[tuple[str, int, Any, Any]]:
    if not name:
        return
    try:
        row = conn.one(f"FETCH ABSOLUTE 1 FROM {name}")
        while row is not None:
            yield aligned.group(row)
            row = conn.one(f"FETCH NEXT FROM {name}")
    finally:
        conn.execute(f"CLOSE {name}")


class _Ahead:
    """Audit ``k`` is read on ``conns[k % m]`` in a thread of its own, the first ``m`` at
    once; audit ``k + m`` starts once the caller has done with audit ``k`` (its connection
    free again). ``close`` (also when never iterated) waits for the threads and ends the
    connections."""

    def __init__(self, conns: list[Database], base_id: int,
                 wanted: Sequence[tuple[int, list[str]]]) -> None:
        self.conns, self.base_id, self.wanted = conns, base_id, wanted
        self.pool = ThreadPoolExecutor(len(conns), thread_name_prefix="reviewer-read-ahead")
        self.pending: dict[int, Future[tuple[str, str]]] = {
            k: self._start(k) for k in range(min(len(conns), len(wanted)))}
        self.laid: Any = None
        self.k = 0

    def _start(self, k: int) -> Future[tuple[str, str]]:
        return self.pool.submit(_started, self.conns[k % len(self.conns)], self.base_id,
                                *self.wanted[k])

    def __iter__(self) -> Iterator[Laid]:
        return self

    def __next__(self) -> Laid:
        if self.k not in self.pending:
            raise StopIteration
        conn = self.conns[self.k % len(self.conns)]
        ids, seqs, groups = _laid(conn, *self.pending.pop(self.k).result())
        if self.laid is not None:
            self.laid.close()             # the one before: its connection is free again
            later = self.k - 1 + len(self.conns)
            if later < len(self.wanted):
                self.pending[later] = self._start(later)
        self.laid = groups
        self.k += 1
        return ids, seqs, groups

    def close(self) -> None:
        for pending in self.pending.values():
            pending.cancel()
        self.pending = {}
        self.pool.shutdown(wait=True)
        try:
            if self.laid is not None:
                self.laid.close()
        finally:
            for conn in self.conns:
                try:
                    conn.conn.rollback()
                finally:
                    conn.close()
