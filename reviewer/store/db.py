"""Opening a database: an engine/connection built from a path or URL, never at import.

The core talks to the database through one DB-API connection (``Database.conn``) with ``?``
placeholders: the stdlib ``sqlite3`` module for SQLite files (fast start, fast bulk writes), or
SQLAlchemy's raw connection for a server URL (``postgresql+psycopg://``). The schema lives in
``schema.py`` (SQLModel) and is created or migrated on first open, recorded in
``meta.schema_version``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reviewer.errors import ReviewerError


class DatabaseError(ReviewerError):
    """A database that cannot be opened or written, with a user-facing message."""


WRITE_LOCK = 0x72657669    # PostgreSQL advisory lock key taken by every write transaction


def is_url(target: str) -> bool:
    return "://" in target


def display_target(target: str) -> str:
    """The path or URL for messages, a URL's password masked."""
    return re.sub(r"(://[^:/@]*:)[^/]*@", r"\1***@", target)


def sqlite_path(target: str) -> str | None:
    """The file path for a SQLite target (plain path or sqlite:/// URL), else None."""
    if not is_url(target):
        return target
    if target.startswith("sqlite:///"):
        return target[len("sqlite:///"):] or ":memory:"
    if target.startswith("sqlite://"):
        return ":memory:"
    return None


def make_engine(target: str):
    """A SQLAlchemy engine for a path or URL, with WAL and a busy timeout on SQLite."""
    from sqlalchemy import event
    from sqlmodel import create_engine

    path = sqlite_path(target)
    url = f"sqlite:///{path}" if path is not None and not is_url(target) else target
    engine = create_engine(url)
    if path is not None:
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=5000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
    return engine


class Database:
    def __init__(self, target: str):
        self.target = target
        self._engine = None
        path = sqlite_path(target)
        self.dialect = "sqlite" if path is not None else "postgresql"
        try:
            if path is not None:
                if path != ":memory:":
                    Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
                self.conn = sqlite3.connect(str(Path(path).expanduser()) if path != ":memory:"
                                            else path, isolation_level=None,
                                            check_same_thread=False)
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA busy_timeout=5000")
                self.conn.execute("PRAGMA foreign_keys=ON")
            else:
                self._engine = make_engine(target)
                self.conn = self._engine.raw_connection()
                # Reads commit at once, so none holds a transaction open on the shared server;
                # transaction() begins one explicitly.
                self.conn.rollback()
                self.conn.driver_connection.autocommit = True
        except Exception as exc:  # noqa: BLE001 - reported to the user
            reason = " ".join(str(exc).split())      # one line (psycopg adds a hint line)
            raise DatabaseError(f"cannot open database {display_target(target)}: {reason}") \
                from None
        self._in_tx = False
        self._ensure_schema()

    # -- statements ---------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql if self.dialect == "sqlite" else sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        cur = self.conn.cursor()
        cur.execute(self._sql(sql), tuple(params))
        return cur

    def executemany(self, sql: str, rows: Any) -> None:
        cur = self.conn.cursor()
        cur.executemany(self._sql(sql), rows)

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return row[0] if row else None

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction: everything inside commits together or not at all."""
        if self._in_tx:
            yield self
            return
        self._in_tx = True
        try:
            if self.dialect == "sqlite":
                self.conn.execute("BEGIN IMMEDIATE")
            else:  # one writer at a time, as BEGIN IMMEDIATE on SQLite (ids are MAX(id) + 1)
                self.execute("BEGIN")
                self.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK,))
            yield self
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise
        finally:
            self._in_tx = False

    def json_field(self, column: str) -> str:
        """SQL for one key of a JSON text column; the key is the single ``?`` parameter."""
        if self.dialect == "sqlite":
            return f"json_extract({column}, '$.\"' || ? || '\"')"
        return f"(({column})::json ->> ?)"

    def close(self) -> None:
        self.conn.close()
        if self._engine is not None:
            self._engine.dispose()

    # -- schema -------------------------------------------------------------------------------
    def schema_version(self) -> int:
        try:
            value = self.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        except Exception:  # noqa: BLE001 - no meta table yet
            if self.dialect != "sqlite":
                self.conn.rollback()
            return 0
        return int(value) if value is not None else 0

    def _ensure_schema(self) -> None:
        from reviewer import SCHEMA_VERSION


        current = self.schema_version()
        if current == SCHEMA_VERSION:
            return
        if current > SCHEMA_VERSION:
            raise DatabaseError(f"{display_target(self.target)} was written by a newer version "
                                f"of reviewer (schema {current}, this one knows {SCHEMA_VERSION})")
        from reviewer.store import schema


        if current == 0:
            with self.transaction():
                if self._engine is not None:
                    schema.create_all(self._engine)
                else:
                    for statement in schema.ddl("sqlite"):
                        self.execute(statement)
                self.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                             (str(SCHEMA_VERSION),))
            return
        with self.transaction():
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in schema.MIGRATIONS.get(version, []):
                    self.execute(statement)
            self.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                         (str(SCHEMA_VERSION),))
