"""Opening a database: a connection built from a path or URL, and its statements.

The core talks to the database through one DB-API connection (``Database.conn``) with ``?``
placeholders: the stdlib ``sqlite3`` module for SQLite files (fast start, fast bulk writes), or
psycopg's connection for a server URL (``postgresql+psycopg://``, as SQLAlchemy spells it).

Writers take turns (``store.transactions``, mixed into :class:`Database`): the write lock is
taken *before* anything in a transaction is read, and a writer waits at most ``lock_timeout``
seconds (``REVIEWER_LOCK_TIMEOUT``, default 60), then gives up with :class:`LockTimeout`, having
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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reviewer.errors import (  # noqa: F401 - DatabaseError: re-exported
    DatabaseError,
    ReviewerError,
    one_line,
)
from reviewer.store.pg_pipeline import Query
from reviewer.store.transactions import LockTimeout, Transactions
from reviewer.store.writer_lock import WriterQueue
from reviewer.urls import (  # noqa: F401 - display_target, is_url, redact: used from here
    display_target,
    is_url,
    redact,
    remember_secret,
    userinfo,
)

STATEMENT_FLOOR_MS = 10_000  # PostgreSQL's statement_timeout is lock_timeout, at least this


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


def libpq_url(target: str) -> str:
    """The server URL as the PostgreSQL client library takes it: SQLAlchemy's spelling
    (``postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE?OPTIONS``, docs/contracts.md §3)
    without the driver's name; the rest (percent-encoded names, ``host=`` for a socket folder,
    ``sslmode=`` and the other options) means the same to both."""
    scheme, rest = target.split("://", 1)
    return f"{scheme.split('+', 1)[0].lower()}://{rest}"


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


class Database(Transactions):
    """An open database: its statements here, its write transactions from ``Transactions``."""

    def __init__(self, target: str, lock_timeout: float | None = None, migrate: bool = True,
                 allow_network: bool | None = None):
        self.target = target
        self.network_drive = False
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
                import psycopg  # not SQLAlchemy's engine: 0.4 s of start-up saved per command

                check_url(target)
                # Reads commit at once, so none holds a transaction open on the shared server;
                # transaction() begins one explicitly.
                self.conn = psycopg.connect(libpq_url(target), autocommit=True)
                self._bound_waits()
        except ReviewerError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported to the user
            raise DatabaseError(f"cannot open database {display_target(target)}: "
                                f"{one_line(exc)}") from None
        self._in_tx = self.working_only = False
        self.scratch = "temp"          # SQLite: where an import's working tables are (scratch)
        self.scratch_file: str | None = None         # ... its file, if a scratch database
        self.helper: Any = None        # ... and its helper process (store.halves)
        self.snapshot_version: int | None = None     # ... the file's, as its merge read it
        self.late = False              # PostgreSQL: the next transaction takes WRITE_LOCK late
        self._late_pending = False     # ... and has not taken it yet (lock_writers)
        self._first = ""               # PostgreSQL: locked before the write lock (lock_first)
        self._row: list[int] | None = None   # ... the records locked just after it
        self._reads: list[Query] = []   # ... and the reads sent with the lock
        self.prefetched: list[list[tuple]] | None = None    # their rows
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

    def execute(self, sql: str, params: Sequence[Any] = (), fresh: bool = False) -> Any:
        """``fresh`` (PostgreSQL): planned for this run's parameters and the table as it now
        is, never from a plan the server keeps for the statement (psycopg prepares a statement
        run five times; its generic plan, made while a table was small, can scan a table that
        has grown: docs/performance.md, "A team of scorers at once")."""
        cur = self.conn.cursor()
        try:
            if fresh and self.dialect != "sqlite":
                cur.execute(self._sql(sql), tuple(params), prepare=False)
            else:
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

    def one(self, sql: str, params: Sequence[Any] = (), fresh: bool = False) -> tuple | None:
        return self.execute(sql, params, fresh).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = (), fresh: bool = False) -> Any:
        row = self.one(sql, params, fresh)
        return row[0] if row else None

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

    def json_item(self, column: str) -> str:
        """SQL for one item of a JSON array text column (as text; NULL where it is null or
        missing); its index is the single ``?`` parameter."""
        if self.dialect == "sqlite":
            return f"({column} ->> CAST(? AS INTEGER))"
        return f"(({column})::json ->> CAST(? AS INTEGER))"

    def close(self) -> None:
        try:
            self.conn.close()
        finally:
            if self._queue is not None:
                self._queue.close()

