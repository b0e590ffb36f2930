"""An import's working tables (the staged file, the merge's tables: ``store.staging``,
``store.merge``) in a scratch database of their own on SQLite: an empty file in a folder of its
own that only its owner can open (mode 0700, in the system's temporary folder), deleted with the
folder when the import is done, so that the tables all go at once, where dropping each table
visits every page it used (docs/performance.md, "An import's working tables"). It is a named
file so that a helper process can read it (``store.halves``). A folder left by a program that
ended without removing it is removed by the next import (POSIX: its process is gone).
Elsewhere (PostgreSQL, or no scratch database open) they are the connection's temporary tables,
as before."""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from reviewer.store.db import Database

NAME = "scratch"
PART = "scratch_part"   # a helper process's file, attached beside it (store.halves)
PREFIX = "reviewer-scratch-"       # its folder's name: this, the process id, "-", random


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
    # imported here: `tally` and the like import this module, and need neither
    import shutil
    import tempfile

    _detach(db)                    # one an earlier import could not detach
    _sweep()
    folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-")     # mode 0700
    path = os.path.join(folder, "scratch.db")
    try:
        db.conn.execute(f"ATTACH ? AS {NAME}", (path,))
    except sqlite3.Error:          # still attached: the tables are temporary ones this time
        shutil.rmtree(folder, ignore_errors=True)
        yield False
        return
    db.conn.execute(f"PRAGMA {NAME}.journal_mode=DELETE")     # as the temporary tables'
    db.conn.execute(f"PRAGMA {NAME}.synchronous=OFF")
    db.scratch, db.scratch_file = NAME, path
    try:
        yield True
    finally:
        db.scratch, db.scratch_file = "temp", None
        _detach(db)
        shutil.rmtree(folder, ignore_errors=True)


def _sweep() -> None:
    """Remove the scratch folders of programs that ended without removing theirs (POSIX, where
    whether a process is there can be asked without touching it)."""
    import shutil
    import tempfile

    if os.name != "posix":
        return
    root = tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(root) if n.startswith(PREFIX)]
    except OSError:
        return
    for name in names:
        pid = name[len(PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:             # another user's: theirs to remove
        return True
    return True


def _detach(db: Database) -> None:
    """Detach the scratch database (its folder removed after), and the helper's file beside it
    (``store.halves``), once no statement reads them; if one still does (a cursor kept unread),
    it stays attached, unused, until the next import detaches it or the connection closes."""
    for name in (PART, NAME):
        if not any(row[1] == name for row in db.all("PRAGMA database_list")):
            continue
        for _ in range(2):
            try:
                db.conn.execute(f"DETACH {name}")
                break
            except sqlite3.OperationalError:
                gc.collect()      # a cursor not read to its end still holds a statement
