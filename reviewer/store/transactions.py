"""Taking turns to write: the write transaction of ``store.db.Database`` (mixed into it).

Writers take turns. :meth:`Transactions.transaction` takes the write lock *before* anything in
it is read (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL). A writer that finds
another at work waits, telling ``on_wait`` how long it has waited, up to ``lock_timeout``
seconds (``REVIEWER_LOCK_TIMEOUT``, default 60); then it gives up with :class:`LockTimeout`,
having written nothing. On SQLite writers first queue behind each other, first come first
served (``store.writer_lock``); on PostgreSQL they queue in the server. An import on PostgreSQL
may begin ``late``: holding only ``IMPORT_LOCK`` until :meth:`Transactions.lock_writers`
(docs/performance.md, "Imports and scorers").
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Self

from reviewer.errors import DatabaseError
from reviewer.store import row_locks
from reviewer.store.pg_pipeline import Query, first_error, send_with_lock
from reviewer.store.writer_lock import WriterQueue

WRITE_LOCK = 0x72657669    # PostgreSQL advisory lock key taken by every write transaction
IMPORT_LOCK = 0x72657670   # PostgreSQL: taken first by an import, which takes WRITE_LOCK last
POLL = 0.1                 # seconds each attempt at SQLite's write lock waits
PG_QUEUE_MS = 1000         # milliseconds a PostgreSQL writer queues for the lock per attempt


class _RowBusy(Exception):
    """The record an operation changes is held by an import (``Transactions.lock_first``)."""


class LockTimeout(DatabaseError):
    """Another writer held the database for longer than this one was willing to wait."""


class Transactions:
    """The write transaction and the staging one; the class it is mixed into (``Database``)
    provides the connection, its dialect and ``execute``."""

    conn: Any
    dialect: str
    lock_timeout: float
    on_wait: Callable[[float], None] | None
    late: bool                     # PostgreSQL: the next transaction takes WRITE_LOCK late
    written: dict[str, set[int | None]]
    execute: Callable[..., Any]
    _sql: Callable[[str], str]
    _in_tx: bool
    working_only: bool             # in a staging transaction (commit_working)
    _late_pending: bool            # ... and has not taken it yet (lock_writers)
    _first: str                    # PostgreSQL: what the next transaction locks before it
    _row: list[int] | None         # ... and the records it locks after it (lock_first)
    _reads: list[Query]             # ... and the reads sent with the lock (lock_first)
    prefetched: list[list[tuple]] | None     # their rows, once the transaction has begun
    _queue: WriterQueue | None

    @property
    def _lock_ms(self) -> int:
        return max(1, int(self.lock_timeout * 1000))              # 0 would mean "for ever"

    @property
    def in_transaction(self) -> bool:
        return self._in_tx

    def wrote(self, what: str, key: int | None = None) -> None:
        """Called by the store's writes: ``what`` changed (e.g. ``answers`` of record ``key``).
        Kept for the current write transaction, from which its operation's ``Changes`` are
        derived (docs/architecture.md)."""
        self.written.setdefault(what, set()).add(key)

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        """One write transaction, the write lock taken first: everything inside commits
        together or not at all."""
        yield from self._held(self._begin)

    def _begin(self) -> None:
        start = time.monotonic()
        # SQLite: queue behind the writer at work first, sleeping until it is done (writer_lock)
        if self._queue is not None and not self._queue.acquire(self.lock_timeout, self.on_wait):
            raise _timed_out(time.monotonic() - start)
        try:
            while True:
                if self._try_begin(max(0.0, self.lock_timeout - (time.monotonic() - start))):
                    return
                waited = time.monotonic() - start
                if waited >= self.lock_timeout:
                    raise _timed_out(waited)
                if self.on_wait is not None:
                    self.on_wait(waited)
        except BaseException:
            self._release_queue()
            raise

    def lock_first(self, record: int | Sequence[int] | None = None, imports: bool = False,
                   reads: list[Query] | None = None) -> None:
        """PostgreSQL, for the next write transaction, which may meet an import's rows (an
        import locks the records it updates before it takes the write lock, docs/performance.md,
        "Imports and scorers"): with ``record`` (an operation on one record: scoring, a note,
        an undo), lock its row just after the write lock without waiting, and should an import
        hold it, let the write lock go, wait for the row alone and begin again; with
        ``imports`` (an operation that may write any record of an audit), wait for the import
        at work before the write lock. So no one waits for an import's row while holding the
        write lock the import waits for. ``record`` a list: those records' rows, in id order
        (an import a scorer makes: ``ops.importer``). SQLite has one writer: nothing to do.
        Without arguments: neither.

        ``reads`` (PostgreSQL; (statement, parameters, planned afresh) from ``store.prefetch``):
        sent with the lock in the same round trip, their rows then in :attr:`prefetched`; the
        transaction's writes then go in one pipeline with its commit (docs/performance.md,
        "One-record operations in two round trips (PostgreSQL)")."""
        self._first, self._row, self._reads, self.prefetched = "", None, [], None
        if self.dialect == "sqlite":
            return
        self._reads = list(reads or [])
        if record is not None:
            self._row = [record] if isinstance(record, int) else list(record)
        elif imports:
            self._first = f"SELECT pg_advisory_xact_lock({IMPORT_LOCK}); "

    @property
    def writers_locked(self) -> bool:
        """Whether the current transaction holds the write lock (False only in the first part of
        a late-locked import on PostgreSQL, before :meth:`lock_writers`)."""
        return not self._late_pending

    def lock_writers(self) -> None:
        """In a transaction begun with ``late`` (PostgreSQL): take the write lock now, waiting
        as :meth:`transaction` does; what was written before it stays invisible to others until
        the commit (docs/performance.md, "Imports and scorers"). Elsewhere: nothing to do."""
        if not self._late_pending:
            return
        start = time.monotonic()
        while not self._pg_queue(max(0.0, self.lock_timeout - (time.monotonic() - start)),
                                 WRITE_LOCK, "SAVEPOINT reviewer_writers",
                                 lambda: self.execute("ROLLBACK TO SAVEPOINT reviewer_writers")):
            waited = time.monotonic() - start
            if waited >= self.lock_timeout:
                raise _timed_out(waited)
            if self.on_wait is not None:
                self.on_wait(waited)
        self.execute("RELEASE SAVEPOINT reviewer_writers")
        self._late_pending = False

    def _release_queue(self) -> None:
        if self._queue is not None:
            self._queue.release()

    def _try_begin(self, patience: float) -> bool:
        """One attempt at the write lock, waiting at most ``patience`` seconds (and never much
        longer than a second, so the wait can be reported)."""
        if self.dialect == "sqlite":
            self.conn.execute(f"PRAGMA busy_timeout={int(min(POLL, patience) * 1000)}")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    return False
                raise
            finally:
                self.conn.execute(f"PRAGMA busy_timeout={int(self.lock_timeout * 1000)}")
            return True
        # Queue in the server for up to a second at a time (writers get the lock in the order
        # they asked), then come back to report the wait and try again.
        # One round trip (no parameters: the four statements go as one simple query): a blocking
        # wait in the server, not polling (docs/performance.md).
        row = None if self.late else self._row
        then = "" if row is None else row_locks.NOWAIT.format(row_locks.where(row))
        try:
            if not self._pg_queue(patience, IMPORT_LOCK if self.late else WRITE_LOCK, "BEGIN",
                                  self.conn.rollback, "" if self.late else self._first, then,
                                  [] if self.late else self._reads):
                return False
        except _RowBusy:     # an import holds a record: wait for it alone, not the lock
            held = row_locks.busy(self.conn, row or [])
            self._pg_queue(patience, 0, "BEGIN", self.conn.rollback,
                           row_locks.WAIT.format(row_locks.where([held])))
            self.conn.rollback()
            return False
        self._late_pending = self.late
        return True

    def _pg_queue(self, patience: float, key: int, begin: str, undo: Callable[[], object],
                  first: str = "", then: str = "", reads: list[Query] | None = None) -> bool:
        """``begin`` (a transaction, or a savepoint in one), then queue in the server for
        ``first``'s locks (see :meth:`lock_first`) and the advisory lock ``key`` (none: 0) for
        up to a second (``patience`` at most), then ``then`` (a row locked without waiting:
        :class:`_RowBusy` if it is held), then ``reads``, whose rows go to :attr:`prefetched`;
        on failure ``undo``. One round trip: one simple query, or with ``reads`` a pipeline
        (their statements prepared as any other, but the ``fresh`` ones)."""
        queue_ms = max(1, min(PG_QUEUE_MS, int(patience * 1000)))     # 0 would mean "forever"
        lock = f"SELECT pg_advisory_xact_lock({key}); " if key else ""
        sql = (f"{begin}; SET LOCAL lock_timeout = '{queue_ms}ms'; {first}{lock}{then}"
               f"SET LOCAL lock_timeout = {self._lock_ms}")
        try:
            if reads:
                self.prefetched = send_with_lock(self.conn, sql.split("; "),
                                                 [(self._sql(q), p, f) for q, p, f in reads])
            else:
                self.conn.cursor().execute(sql)
        except Exception as exc:
            undo()
            if getattr(exc, "sqlstate", None) == "55P03":
                if then and "on row" in str(exc):
                    raise _RowBusy from None
                return False            # lock_not_available: still queued out
            raise
        except BaseException:
            undo()
            raise
        return True

    @contextmanager
    def staging(self, snapshot: bool = False) -> Iterator[Self]:
        """A transaction for this connection's temporary tables only: it takes no write lock
        (SQLite's temp database and PostgreSQL's temp tables are private to the connection),
        so work can be staged while other programs write. ``snapshot``: on PostgreSQL its reads
        see one snapshot (REPEATABLE READ), as SQLite's transaction does."""
        outer = self._in_tx
        self.working_only = self.working_only or not outer
        begin = ("BEGIN ISOLATION LEVEL REPEATABLE READ"
                 if snapshot and self.dialect != "sqlite" else "BEGIN")
        try:
            yield from self._held(lambda: self.execute(begin))
        finally:
            if not outer:
                self.working_only = False

    def commit_working(self) -> bool:
        """SQLite, in a staging transaction (which writes only the working tables): commit what
        it wrote so far, so that a helper process can read it (``store.halves``), and go on in
        a new one; whether it did. What it reads of the database may be newer after: an
        import's merge checks under the lock that what it read is as it was
        (``store.merge_check``)."""
        if self.dialect != "sqlite" or not self.working_only:
            return False
        self.conn.execute("COMMIT")
        self.conn.execute("BEGIN")
        return True

    def _held(self, begin: Callable[[], object]) -> Iterator[Self]:
        """The body of a transaction: nested ones join the outer one; otherwise ``begin``,
        then commit, or roll back on any error."""
        if self._in_tx:
            yield self
            return
        begin()
        self._in_tx = True
        bulk = self.late and self.dialect == "sqlite"   # an import: see _checkpoint
        self.written = {}
        try:
            if bulk:
                self.conn.execute("PRAGMA wal_autocheckpoint=0")
            if self.prefetched is not None:     # PostgreSQL, a one-record operation's writes:
                with first_error() as first, self.conn.pipeline():    # sent together, one
                    try:                        # round trip with the commit (the pipeline's
                        yield self              # sync as it ends)
                        self.conn.cursor().execute("COMMIT")
                    except BaseException as exc:        # raised once the pipeline has ended
                        first.error = exc
            else:
                yield self
                self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise
        finally:
            self._in_tx = self._late_pending = self.late = False
            self.prefetched = None
            self._release_queue()
            if bulk:
                self._checkpoint()

    def _checkpoint(self) -> None:
        """After an import on SQLite, with the writers' queue let go: copy the WAL back into
        the file (what SQLite's automatic checkpoint would have done inside the commit, the
        queue still held), without blocking other writers (``PASSIVE``)."""
        try:
            self.conn.execute("PRAGMA wal_autocheckpoint=1000")
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass                    # the next commits' automatic checkpoints will do it


def _timed_out(waited: float) -> LockTimeout:
    shown = f"{waited:.0f}" if waited >= 10 else f"{waited:.1f}"     # 0.3 s, not "0 s"
    return LockTimeout(f"another writer kept the database busy for {shown} s; gave up "
                       "waiting and wrote nothing (try again, or wait longer with "
                       "REVIEWER_LOCK_TIMEOUT=SECONDS)")
