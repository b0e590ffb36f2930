"""An import's working tables (the staged file, the merge's tables: ``store.staging``,
``store.merge``) in a scratch database of their own on SQLite: an empty file that SQLite makes
private to the connection and deletes when it is detached, so that they all go at once when the
import is done, where dropping each table visits every page it used (docs/performance.md, "An
import's working tables"). Elsewhere (PostgreSQL, or no scratch database open) they are the
connection's temporary tables, as before."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from reviewer.store.db import Database

NAME = "scratch"


def table(db: Database, name: str) -> str:
    """What follows ``CREATE`` for working table ``name`` (its columns after it)."""
    return f"TABLE {NAME}.{name}" if db.scratch == NAME else f"TEMP TABLE {name}"


def index(db: Database, name: str) -> str:
    """What follows ``CREATE INDEX`` for an index of a working table (in the table's
    database: an index named without one would be looked for in ``main``; PostgreSQL puts
    it beside its table, named alone)."""
    if db.dialect != "sqlite":
        return name
    return f"{NAME}.{name}" if db.scratch == NAME else f"temp.{name}"


def master(db: Database) -> str:
    """The schema table listing the working tables (SQLite)."""
    return f"{NAME}.sqlite_master" if db.scratch == NAME else "sqlite_temp_master"


def exists(db: Database, name: str) -> bool:
    """Whether working table ``name`` is there (SQLite)."""
    return bool(db.scalar(f"SELECT 1 FROM {master(db)} WHERE name = ?", (name,)))


@contextmanager
def space(db: Database) -> Iterator[bool]:
    """Open the scratch database for the working tables made inside (SQLite, outside a
    transaction), and detach it after: whether it did (if not, the caller drops the tables).
    Its journal is a file beside it, as the temporary tables' is (a rollback undoes its
    writes; kept in memory it held every page an import's later transaction changed: 349 MB
    at a million records), never synced; one write transaction on the main file (WAL) and
    on it needs no journal of journals."""
    if db.dialect != "sqlite" or db.scratch == NAME or db.in_transaction:
        yield False
        return
    if any(row[1] == NAME for row in db.all("PRAGMA database_list")):
        _detach(db)                # one an earlier import could not detach
    try:
        db.conn.execute(f"ATTACH '' AS {NAME}")
    except sqlite3.Error:          # still attached: the tables are temporary ones this time
        yield False
        return
    db.conn.execute(f"PRAGMA {NAME}.journal_mode=DELETE")     # as the temporary tables'
    db.conn.execute(f"PRAGMA {NAME}.synchronous=OFF")
    db.scratch = NAME
    try:
        yield True
    finally:
        db.scratch = "temp"
        _detach(db)


def _detach(db: Database) -> None:
    """Detach the scratch database (its file deleted), once no statement reads it; if one
    still does (a cursor kept unread), it stays attached, unused, until the next import
    detaches it or the connection closes (its file is private to the connection)."""
    for _ in range(2):
        try:
            db.conn.execute(f"DETACH {NAME}")
            return
        except sqlite3.OperationalError:
            gc.collect()          # a cursor not read to its end still holds a statement
