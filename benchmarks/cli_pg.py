"""The PostgreSQL side of benchmarks/bench_cli.py (``--engine postgresql`` or ``both``).

A throwaway cluster as the tests start one (tests/unit/pg.py: trust auth on 127.0.0.1, fsync
off), one database per step's run: where SQLite copies a file, ``CREATE DATABASE ... TEMPLATE``
copies a database (untimed, with no session open on it). Sizes come from the server: the goal
is judged on the project's tables (``pg_total_relation_size``: heap, TOAST and indexes), and the
whole database (``pg_database_size``, the system catalogs included) is printed beside it. The
peak memory printed is each ``reviewer`` client process's own: the server's is not counted.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

TABLES = ("SELECT COALESCE(SUM(pg_total_relation_size(oid)), 0)::bigint, "
          "COALESCE(SUM(pg_total_relation_size(oid)) FILTER (WHERE relname LIKE 'event%'), 0)"
          "::bigint FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace")
LARGEST = ("SELECT relname, CASE WHEN relkind = 'i' THEN pg_relation_size(oid) "
           "ELSE pg_table_size(oid) END FROM pg_class WHERE relkind IN ('r', 'i') "
           "AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC LIMIT 6")


class PostgresDatabases:
    """Databases of one throwaway cluster, named as bench_cli's steps name them."""

    floor_label, floor_note = "pg only", "(PostgreSQL alone writing the rows: part of import)"
    stored = "tables (pg_total_relation_size)"

    def __init__(self, port: int) -> None:
        self.port = port
        self.database_mb: dict[str, float] = {}
        self.history_mb: dict[str, float] = {}

    @classmethod
    @contextmanager
    def cluster(cls) -> Iterator[PostgresDatabases | None]:
        """A running cluster with an empty database ``pristine``; None (said) when the server
        binaries or psycopg are missing."""
        from tests.unit.pg import _bin_dir, cluster

        bindir = _bin_dir()
        try:
            import psycopg  # noqa: F401
        except ImportError:
            bindir = None
        if bindir is None:
            print("postgresql: skipped (no server binaries under /usr/lib/postgresql, "
                  "or no psycopg)")
            yield None
            return
        stack = ExitStack()
        try:
            port = stack.enter_context(cluster(bindir))
        except LookupError as exc:                  # root, and no user postgres to run it
            print(f"postgresql: skipped ({exc})")
            yield None
            return
        with stack:
            eng = cls(port)
            eng.create("pristine")
            yield eng

    def _admin(self, name: str = "postgres"):
        from tests.unit.pg import _admin

        return _admin(self.port, name)

    def create(self, name: str, template: str = "") -> None:
        """A new database, a copy of ``template`` if given (retried while autovacuum or a
        closing session still holds the template)."""
        import psycopg

        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        for attempt in range(60):
            try:
                with self._admin() as conn:
                    conn.execute(sql)
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 59:
                    raise
                time.sleep(0.5)

    def target(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def copy(self, source: str, name: str) -> None:
        self.create(name, source)

    def size(self, name: str) -> float:
        """MB of the project's tables (indexes and TOAST included); the whole database's and
        the history tables' (``event``, ``event_bundle_record``, ...) kept."""
        with self._admin(name) as conn:
            whole = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            tables, history = conn.execute(TABLES).fetchone()
        self.database_mb[name] = whole / 1e6
        self.history_mb[name] = history / 1e6
        return tables / 1e6

    def breakdown(self, name: str) -> str:
        with self._admin(name) as conn:
            rows = conn.execute(LARGEST).fetchall()
        return ", ".join(f"{relname} {size / 1e6:.1f}" for relname, size in rows)

    def floor(self, imported: str, name: str) -> float:
        """Seconds for PostgreSQL to insert ``imported``'s records and answers into a fresh
        copy of the empty audit's database in one transaction, from temporary tables."""
        self.create(name, "pristine")
        with self._admin(imported) as src, self._admin(name) as dst:
            for table, order in (("record", "id"), ("answer", "record_id, question_id")):
                dst.execute(f"CREATE TEMP TABLE tmp_{table} (LIKE {table})")
                with src.cursor().copy(f"COPY (SELECT * FROM {table} ORDER BY {order}) "
                                       "TO STDOUT (FORMAT BINARY)") as out, \
                        dst.cursor().copy(f"COPY tmp_{table} FROM STDIN (FORMAT BINARY)") as into:
                    for block in out:
                        into.write(block)
            start = time.perf_counter()
            with dst.transaction():
                dst.execute("INSERT INTO record SELECT * FROM tmp_record")
                dst.execute("INSERT INTO answer SELECT * FROM tmp_answer")
            return time.perf_counter() - start

    def notes(self, csv_size: int) -> list[str]:
        self.size("pristine")
        empty, first, changed = (self.database_mb[n] for n in ("pristine", "import_0",
                                                               "changed_0"))
        history = self.history_mb["import_0"], self.history_mb["changed_0"]
        added = (history[1] - history[0]) * 1e6 / csv_size
        return [f"  the whole database (pg_database_size, catalogs included): {empty:.1f} MB "
                f"with the empty audit, {first:.1f} MB after the import (adds "
                f"{(first - empty) * 1e6 / csv_size:.2f}x the CSV), {changed:.1f} MB after the "
                f"changed re-import (adds {(changed - first) * 1e6 / csv_size:.2f}x)",
                f"  of which the history (event tables): {history[0]:.1f} MB after the import, "
                f"{history[1]:.1f} MB after the changed re-import (adds {added:.2f}x the CSV; "
                "the rest is the answers' and records' old row versions, MVCC)",
                "  peak MB: each reviewer client process's own; the server's memory is not "
                "counted"]
