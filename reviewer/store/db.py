"""Opening a database and taking turns to write it: a connection built from a path or URL.

The core talks to the database through one DB-API connection (``Database.conn``) with ``?``
placeholders: the stdlib ``sqlite3`` module for SQLite files (fast start, fast bulk writes), or
SQLAlchemy's raw connection for a server URL (``postgresql+psycopg://``).

Writers take turns. :meth:`Database.transaction` takes the write lock *before* anything in it is
read (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on PostgreSQL). A writer that finds another
at work waits, telling ``on_wait`` how long it has waited, up to ``lock_timeout`` seconds
(``REVIEWER_LOCK_TIMEOUT``, default 60); then it gives up with :class:`LockTimeout`, having
written nothing. Reads never hold a transaction open on the server. On PostgreSQL every
statement's waits are bounded too: the session's ``lock_timeout`` is the same setting and its
``statement_timeout`` that, at least 10 s (docs/settings.md), so a table locked by another
session ends in :class:`LockTimeout`, never a wait for ever.

A SQLite file and its WAL/journal are created readable by their owner only (mode 0600) and a
folder made for it gets mode 0700: the records hold victims' personal data. The schema is
created or upgraded on open by ``store.migrations``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reviewer.errors import (  # noqa: F401 - DatabaseError: re-exported
    DatabaseError,
    ReviewerError,
    one_line,
)
from reviewer.store.writer_lock import WriterQueue
from reviewer.urls import (  # noqa: F401 - display_target, is_url, redact: used from here
    display_target,
    is_url,
    redact,
    remember_secret,
    userinfo,
)

WRITE_LOCK = 0x72657669    # PostgreSQL advisory lock key taken by every write transaction
IMPORT_LOCK = 0x72657670   # PostgreSQL: taken first by an import, which takes WRITE_LOCK last
POLL = 0.1                 # seconds each attempt at SQLite's write lock waits
STATEMENT_FLOOR_MS = 10_000  # PostgreSQL's statement_timeout is lock_timeout, at least this
PG_QUEUE_MS = 1000         # milliseconds a PostgreSQL writer queues for the lock per attempt


class LockTimeout(DatabaseError):
    """Another writer held the database for longer than this one was willing to wait."""


def check_url(target: str) -> None:
    """Refuse a server URL whose user name or password holds an unencoded ``@``: SQLAlchemy
    would take part of the password for the host name (and look it up on the network); and one
    of a kind other than PostgreSQL (SQLite's are never URLs here: ``sqlite_path``)."""
    scheme, rest = target.split("://", 1)
    dialect = scheme.lower().split("+", 1)[0]
    if dialect != "postgresql":
        spelled = ("write postgresql:// instead of postgres://" if dialect == "postgres" else
                   f"'{scheme}' databases are not supported")
        raise DatabaseError(f"cannot open database {display_target(target)}: {spelled} "
                            "(reviewer works with a SQLite file or a PostgreSQL URL, "
                            "postgresql+psycopg://USER@HOST:PORT/DATABASE)")
    found = userinfo(rest)
    if found is not None and "@" in found[0]:
        raise DatabaseError(f"cannot open database {display_target(target)}: the user name or "
                            "password holds an '@'; write it as %40 (and ':' as %3A, '/' as %2F)")


def sqlite_path(target: str) -> str | None:
    """The file path for a SQLite target (plain path or sqlite:/// URL), else None."""
    if not is_url(target):
        return target
    if target.startswith("sqlite:///"):
        return target[len("sqlite:///"):] or ":memory:"
    if target.startswith("sqlite://"):
        return ":memory:"
    return None


def lock_timeout_setting() -> float:
    """``REVIEWER_LOCK_TIMEOUT``, checked (docs/settings.md): a bad value is a UsageError."""
    from reviewer.settings import lock_timeout

    return lock_timeout()


def allow_network_setting() -> bool:
    """``REVIEWER_ALLOW_NETWORK_DRIVE``, checked (docs/settings.md)."""
    from reviewer.settings import allow_network_drive

    return allow_network_drive()


def _open_sqlite(path: str, allow_network: bool = False) -> tuple[sqlite3.Connection, bool]:
    """The connection, and whether the file is on a network drive (opened then without WAL,
    with an exclusive lock: one person at a time; docs/evidence.md)."""
    network = None
    if path != ":memory:":
        from reviewer.store.netfs import network_reason, refuse

        network = network_reason(path)
        if network and not allow_network:
            raise refuse(path, network)
    if path != ":memory:":
        from reviewer.private import FILE_MODE, private_dir

        file = Path(path).expanduser()
        private_dir(file.parent)
        if not file.exists():          # created owner-only; SQLite gives its WAL the same mode
            os.close(os.open(file, os.O_CREAT | os.O_WRONLY, FILE_MODE))
        path = str(file)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout={int(lock_timeout_setting() * 1000)}")
    if network:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("PRAGMA journal_mode=DELETE")
    else:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA cache_size=-65536")       # 64 MB: big imports build their indexes
    conn.execute("PRAGMA temp_store=FILE")         # staged imports never fill the memory
    return conn, bool(network)


class Database:
    def __init__(self, target: str, lock_timeout: float | None = None, migrate: bool = True,
                 allow_network: bool | None = None):
        self.target = target
        self.network_drive = False
        self._engine = None
        self.lock_timeout = lock_timeout_setting() if lock_timeout is None else lock_timeout
        self.on_wait: Callable[[float], None] | None = None
        path = self.sqlite_file = sqlite_path(target)     # None for a server URL
        self.dialect = "sqlite" if path is not None else "postgresql"
        remember_secret(target)
        try:
            if path is not None:
                self.conn, self.network_drive = _open_sqlite(
                    path, allow_network_setting() if allow_network is None else allow_network)
            else:
                from sqlalchemy import create_engine

                check_url(target)
                self._engine = create_engine(target)
                self.conn = self._engine.raw_connection()
                # Reads commit at once, so none holds a transaction open on the shared server;
                # transaction() begins one explicitly.
                self.conn.rollback()
                self.conn.driver_connection.autocommit = True
                self._bound_waits()
        except ReviewerError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported to the user
            raise DatabaseError(f"cannot open database {display_target(target)}: "
                                f"{one_line(exc)}") from None
        self._in_tx = False
        self.late = False              # PostgreSQL: the next transaction takes WRITE_LOCK late
        self._late_pending = False     # ... and has not taken it yet (lock_writers)
        self._queue = WriterQueue.for_file(path) if path is not None else None
        self.written: dict[str, set[int | None]] = {}   # what this transaction's writes reported
        if migrate:
            from reviewer.store.migrations import ensure_schema

            try:
                ensure_schema(self)
            except BaseException:
                self.close()
                raise

    # -- statements ---------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql if self.dialect == "sqlite" else sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        cur = self.conn.cursor()
        try:
            cur.execute(self._sql(sql), tuple(params))
        except Exception as exc:
            waited = self._waited_too_long(exc)
            if waited is None:
                raise
            raise waited from None
        return cur

    def executemany(self, sql: str, rows: Any) -> None:
        cur = self.conn.cursor()
        try:
            cur.executemany(self._sql(sql), rows)
        except Exception as exc:
            waited = self._waited_too_long(exc)
            if waited is None:
                raise
            raise waited from None

    # -- bounded waits on PostgreSQL (docs/settings.md, REVIEWER_LOCK_TIMEOUT) ------------------
    @property
    def _lock_ms(self) -> int:
        return max(1, int(self.lock_timeout * 1000))              # 0 would mean "for ever"

    def _bound_waits(self) -> None:
        """No statement waits for a lock longer than ``lock_timeout`` (a maintenance ``LOCK
        TABLE``, a long transaction elsewhere), nor runs longer than that (at least 10 s)."""
        statement_ms = max(STATEMENT_FLOOR_MS, self._lock_ms)
        self.execute(f"SET lock_timeout = {self._lock_ms}")
        self.execute(f"SET statement_timeout = {statement_ms}")

    def _waited_too_long(self, exc: Exception) -> LockTimeout | None:
        """A LockTimeout for PostgreSQL's lock_timeout (55P03) or statement_timeout (57014), or
        SQLite's busy timeout running out ("database is locked")."""
        state = getattr(exc, "sqlstate", None)
        if isinstance(exc, sqlite3.OperationalError) and str(exc) in (
                "database is locked", "database is busy"):
            state = "55P03"
        if state == "55P03":
            return LockTimeout(
                f"another session kept part of the database locked for more than "
                f"{self.lock_timeout:g} s; gave up waiting and wrote nothing (try again, or "
                "wait longer with REVIEWER_LOCK_TIMEOUT=SECONDS)")
        if state == "57014":
            return LockTimeout(
                f"the database took more than {max(STATEMENT_FLOOR_MS, self._lock_ms) / 1000:g}"
                " s to answer; gave up waiting and wrote nothing (try again, or wait longer "
                "with REVIEWER_LOCK_TIMEOUT=SECONDS)")
        return None

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return row[0] if row else None

    # -- writing ------------------------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self._in_tx

    def wrote(self, what: str, key: int | None = None) -> None:
        """Called by the store's writes: ``what`` changed (e.g. ``answers`` of record ``key``).
        Kept for the current write transaction, from which its operation's ``Changes`` are
        derived (docs/architecture.md)."""
        self.written.setdefault(what, set()).add(key)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
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
        if not self._pg_queue(patience, IMPORT_LOCK if self.late else WRITE_LOCK, "BEGIN",
                              self.conn.rollback):
            return False
        self._late_pending = self.late
        return True

    def _pg_queue(self, patience: float, key: int, begin: str, undo: Callable[[], object]) -> bool:
        """``begin`` (a transaction, or a savepoint in one), then queue in the server for the
        advisory lock ``key`` for up to a second (``patience`` at most); on failure ``undo``."""
        queue_ms = max(1, min(PG_QUEUE_MS, int(patience * 1000)))     # 0 would mean "forever"
        try:
            self.conn.cursor().execute(
                f"{begin}; SET LOCAL lock_timeout = '{queue_ms}ms'; "
                f"SELECT pg_advisory_xact_lock({key}); "
                f"SET LOCAL lock_timeout = {self._lock_ms}")
        except Exception as exc:
            undo()
            if getattr(exc, "sqlstate", None) == "55P03":
                return False            # lock_not_available: still queued out
            raise
        except BaseException:
            undo()
            raise
        return True

    @contextmanager
    def staging(self) -> Iterator[Database]:
        """A transaction for this connection's temporary tables only: it takes no write lock
        (SQLite's temp database and PostgreSQL's temp tables are private to the connection),
        so work can be staged while other programs write."""
        yield from self._held(lambda: self.execute("BEGIN"))

    def _held(self, begin: Callable[[], object]) -> Iterator[Database]:
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
            yield self
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise
        finally:
            self._in_tx = self._late_pending = self.late = False
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

    # -- helpers ------------------------------------------------------------------------------
    def group_concat(self, column: str) -> str:
        """SQL joining a group's values with ``,``."""
        if self.dialect == "sqlite":
            return f"GROUP_CONCAT({column})"
        return f"STRING_AGG(CAST({column} AS TEXT), ',')"

    def json_field(self, column: str) -> str:
        """SQL for one key of a JSON text column; the key is the single ``?`` parameter."""
        if self.dialect == "sqlite":
            return f"json_extract({column}, '$.\"' || ? || '\"')"
        return f"(({column})::json ->> ?)"

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            if self._engine is not None:
                self._engine.dispose()


def _timed_out(waited: float) -> LockTimeout:
    shown = f"{waited:.0f}" if waited >= 10 else f"{waited:.1f}"     # 0.3 s, not "0 s"
    return LockTimeout(f"another writer kept the database busy for {shown} s; gave up "
                       "waiting and wrote nothing (try again, or wait longer with "
                       "REVIEWER_LOCK_TIMEOUT=SECONDS)")
