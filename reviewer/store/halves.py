"""SQLite: an import's working table filled in two halves at once, the second by a helper
process (docs/performance.md, "Two halves at once").

SQLite runs a statement on one processor; an import's merge is a few statements each working
out every cell of the file (``store.merge_rows``), so on a machine with two processors or more
the other ones waited. Here the importing connection commits its working tables so far
(``Transactions.commit_working``: a staging transaction writes nothing else) and a helper
process, started once for the import (:func:`start`), reads them from the scratch database's
file (``store.scratch``) and fills its half, the rows from the middle key on, into a file of
its own beside it (``store.halves_worker``), while this connection fills the first half into a
temporary table; the two are then copied into the working table in key order. A helper
process, not a thread: SQLite's memory accounting is one lock for the whole process, and two
connections of one process working at once took longer than one alone.

The same helper makes the second half of an updating import's packs of events ready
(:func:`ask_packs`, ``store.halves_packs``; docs/performance.md, "The packs of events made ready
in two halves").

Of the database itself the helper reads only events (with notes, a kept answer's reviewer and
time), which no writer changes: the merge reads the matched records as its snapshot kept them
(``store.merge_check``). Should the helper fail, this connection fills
the second half too; with fewer than :data:`MIN_ROWS` rows, no scratch file, one processor,
or ``REVIEWER_IMPORT_HELPER=0``, the table is filled in one statement as before."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from reviewer.store.db import Database
from reviewer.store.scratch import PART
from reviewer.store.staging import STAGE

MIN_ROWS = 20_000       # fewer matched rows: one statement (a helper takes ~0.2 s to start)
PROCESSORS = os.cpu_count() or 1      # with one, no helper


def start(db: Database, rows: int) -> None:
    """Start the import's helper process (``python -m reviewer.store.halves_worker``, or the
    packaged program with ``--halves-worker``) if its merge of ``rows`` matched rows is to be
    made in halves; it runs until :func:`stop`."""
    if (db.helper is not None or rows < MIN_ROWS or db.scratch_file is None
            or db.network_drive or PROCESSORS < 2 or not _runnable()):
        return
    from reviewer.settings import import_helper

    if not import_helper():             # REVIEWER_IMPORT_HELPER=0 (docs/settings.md)
        return
    import subprocess

    command = ([sys.executable, "--halves-worker"] if getattr(sys, "frozen", False)
               else [sys.executable, "-m", "reviewer.store.halves_worker"])
    try:
        db.helper = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1)
        db.helper.pending = False         # a job sent, its answer not read
    except OSError:       # no helper: the statements run here, as before
        db.helper = None


def _runnable() -> bool:
    """Whether this program can run the helper: the packaged program, or a Python interpreter
    (not a program embedding one, which would not answer)."""
    name = os.path.basename(sys.executable).lower()
    return getattr(sys, "frozen", False) or name.startswith(("python", "pypy"))


def stop(db: Database, kill: bool = False) -> None:
    """End the import's helper process, if any (the import's end, before its scratch
    database's); ``kill``: at once (a helper at work on a job, or not answering as it
    should, is not waited for)."""
    helper, db.helper = db.helper, None
    if helper is None:
        return
    if kill or helper.pending:
        helper.kill()
    try:
        helper.stdin.close()              # its input ended: it ends
        helper.wait(timeout=10)
    except Exception:  # noqa: BLE001 - stuck or gone: ended here
        helper.kill()
        helper.wait()


def _ask(helper: Any, job: dict[str, Any]) -> None:
    """Send the helper its job, numbered."""
    helper.pending = True
    helper.jobs = getattr(helper, "jobs", 0) + 1
    helper.stdin.write(json.dumps({**job, "id": helper.jobs}) + "\n")
    helper.stdin.flush()


def _answer(helper: Any) -> None:
    """Wait for the helper's answer to its last job: raises if it failed, or if the line read
    is not that job's answer."""
    line = helper.stdout.readline().strip()
    helper.pending = False
    if line != f"ok {helper.jobs}":
        raise RuntimeError(line or "the helper process ended")


def fill(db: Database, table: str, columns: str, select: Callable[[str], str], key: str,
         params: Sequence[Any] = (), database: bool = False) -> None:
    """``INSERT INTO table`` the rows of ``select(condition)`` (a SELECT, with ``params``, whose
    rows come from the working tables, ``condition`` added to its WHERE: SQL on ``key``, the
    staged row's number), in two halves at once where a helper is there. ``columns``:
    ``table``'s column definitions, for the helper's half; ``database``: whether ``select``
    reads the database's own tables too (only what no writer changes: the helper's read is
    newer than this connection's)."""
    helper: Any = db.helper
    mid = _middle(db) if helper is not None else None
    if mid is None or not db.commit_working():
        db.execute(f"INSERT INTO {table} {select('1')}", params)
        return
    part = os.path.join(os.path.dirname(str(db.scratch_file)), "part.db")
    try:
        _ask(helper, {"scratch": str(db.scratch_file), "part": part, "table": table,
                      "columns": columns, "select": select(f"{key} >= {mid}"),
                      "params": list(params),
                      "database": db.sqlite_file if database else None})
    except OSError:       # the helper has gone: all here
        stop(db, kill=True)
        db.execute(f"INSERT INTO {table} {select('1')}", params)
        return
    first = f"{table}_first"
    db.execute(f"DROP TABLE IF EXISTS temp.{first}")
    db.execute(f"CREATE TEMP TABLE {first} ({columns})")
    db.execute(f"INSERT INTO temp.{first} {select(f'{key} < {mid}')}", params)
    try:
        _answer(helper)
    except (OSError, RuntimeError):     # the helper failed: its half made here, and none after
        stop(db, kill=True)
        db.execute(f"INSERT INTO temp.{first} {select(f'{key} >= {mid}')}", params)
        parts = [f"temp.{first}"]
    else:
        if not any(row[1] == PART for row in db.all("PRAGMA database_list")):
            db.execute(f"ATTACH ? AS {PART}", (part,))
        # its tables as the helper left them: a statement compiled against the schema this
        # connection read before (the helper's last job) fails, where one that reads the file
        # first has the schema read again
        db.scalar(f"SELECT COUNT(*) FROM {PART}.sqlite_master")
        parts = [f"temp.{first}", f"{PART}.{table}"]
    for half in parts:
        db.execute(f"INSERT INTO {table} SELECT * FROM {half}")
    db.execute(f"DROP TABLE temp.{first}")


def ask_packs(db: Database, sql: str, params: Sequence[Any], bounds: Sequence[Sequence[int]],
              who: Sequence[Any]) -> str | None:
    """Have the helper, if there is one, list and make ready the packs of events ``bounds``
    gives (``store.halves_packs.make``) from the working tables committed now; the file it
    writes them into, to be read once :func:`packs_done` says it did, or None: no helper."""
    helper: Any = db.helper
    if helper is None or not bounds or not db.commit_working():
        return None
    out = os.path.join(os.path.dirname(str(db.scratch_file)), "packs.db")
    try:
        _ask(helper, {"kind": "packs", "scratch": str(db.scratch_file), "out": out, "sql": sql,
                      "params": list(params), "bounds": [list(b) for b in bounds],
                      "who": list(who)})
    except OSError:       # the helper has gone
        stop(db, kill=True)
        return None
    return out


def packs_done(db: Database) -> bool:
    """Whether the helper made the packs :func:`ask_packs` asked for; if not, it is stopped
    (and not used again: the packs are to be made here)."""
    try:
        _answer(db.helper)
    except (OSError, RuntimeError, AttributeError):
        stop(db, kill=True)
        return False
    return True


def _middle(db: Database) -> int | None:
    """The key of the middle matched staged row (the helper's half starts there)."""
    rows = int(db.scalar(f"SELECT COUNT(*) FROM {STAGE} WHERE rid IS NOT NULL"))
    if rows < MIN_ROWS:
        return None
    return int(db.scalar(f"SELECT k FROM {STAGE} WHERE rid IS NOT NULL ORDER BY k "
                         "LIMIT 1 OFFSET ?", (rows // 2,)))
