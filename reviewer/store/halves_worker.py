"""The helper process's side of ``store.halves``: for each job read from its standard input (a
line of JSON), fill a table of its own file with its half of a working table's rows, read from
the importing connection's scratch database (committed), and answer on its standard output with
a line: ``ok`` and the job's number, or ``error:`` and what went wrong. A job of ``kind``
``packs`` makes the second half of an import's packs of events ready instead
(``store.halves_packs``). It ends when its input does. It imports nothing but the standard
library's ``sqlite3`` and ``json`` until such a job, so that it starts quickly; run as
``python -m reviewer.store.halves_worker`` (the packaged program: ``--halves-worker``)."""

from __future__ import annotations

import json
import sqlite3
import sys


def fill(scratch: str, part: str, table: str, columns: str, select: str,
         params: list | None = None, database: str | None = None) -> None:
    """Make ``table`` (``columns``) in the file ``part`` and fill it with the rows of
    ``select`` (``params``), whose tables are the scratch database's (the file ``scratch``),
    and the database's (the file ``database``, only read), if given."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        # a table named alone is the scratch database's (or the database's): attached first
        conn.execute("ATTACH ? AS scratch", (scratch,))
        if database:
            conn.execute("ATTACH ? AS db", (database,))
        conn.execute("ATTACH ? AS part", (part,))
        conn.execute("PRAGMA part.synchronous=OFF")      # written whole, read once
        conn.execute(f"DROP TABLE IF EXISTS part.{table}")
        conn.execute(f"CREATE TABLE part.{table} ({columns})")
        conn.execute(f"INSERT INTO part.{table} {select}", params or [])
    finally:
        conn.close()


def serve() -> None:
    """Answer the jobs on standard input until it ends: ``ok ID``, or ``error: ...`` (ASCII:
    whatever the terminal's encoding)."""
    for line in sys.stdin:
        try:
            job = json.loads(line)
            if job.get("kind") == "packs":      # docs/performance.md: imports this one's own
                from reviewer.store.halves_packs import make

                make(job["scratch"], job["out"], job["sql"], job["params"], job["bounds"],
                     job["who"])
            else:
                fill(job["scratch"], job["part"], job["table"], job["columns"], job["select"],
                     job.get("params"), job.get("database"))
            answer = f"ok {job.get('id', '')}".strip()
        except Exception as exc:  # noqa: BLE001 - told to the importer, which does it itself
            answer = "error: " + " ".join(str(exc).split())
        sys.stdout.write(answer.encode("ascii", "backslashreplace").decode("ascii") + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
