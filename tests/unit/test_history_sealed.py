"""The history cannot be rewritten by SQL (docs/safe-files.md, "History"): every verb that could
change or remove an event is refused — on SQLite UPDATE, DELETE, ``REPLACE INTO``, ``INSERT OR
REPLACE`` and ``INSERT … ON CONFLICT DO UPDATE``; on PostgreSQL UPDATE, DELETE, TRUNCATE and
``ON CONFLICT DO UPDATE``, and ALTER / DROP by a login that may write the tables but does not
own them. A database of schema 2 (``tests/fixtures/schema-v2.db``) gains the same triggers."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from reviewer.store.db import Database

FIXTURE_V2 = Path(__file__).resolve().parent.parent / "fixtures" / "schema-v2.db"
COLUMNS = "(audit_id, seq, at, reviewer, action, detail)"
FORGED = "(1, 1, '2000-01-01T00:00:00Z', 'mallory', 'forged', 'rewritten')"
SQLITE_VERBS = {
    "update": "UPDATE event SET detail = 'rewritten' WHERE audit_id = 1 AND seq = 1",
    "delete": "DELETE FROM event WHERE audit_id = 1 AND seq = 1",
    "replace into": f"REPLACE INTO event {COLUMNS} VALUES {FORGED}",
    "insert or replace": f"INSERT OR REPLACE INTO event {COLUMNS} VALUES {FORGED}",
    "upsert": f"INSERT INTO event {COLUMNS} VALUES {FORGED} ON CONFLICT (audit_id, seq) "
              "DO UPDATE SET detail = excluded.detail",
}


def _history(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM event ORDER BY audit_id, seq").fetchall()
    finally:
        conn.close()


@pytest.fixture(params=["new", "upgraded from schema 2"])
def sqlite_file(request, tmp_path, capsys) -> Path:
    path = tmp_path / "history.db"
    if request.param == "new":
        from tests.unit.helpers import run_cli

        assert run_cli(capsys, "--db", str(path), "demo")[0] == 0
    else:
        shutil.copy(FIXTURE_V2, path)
        Database(str(path)).close()                 # upgrades it
    assert _history(path)
    return path


@pytest.mark.parametrize("verb", SQLITE_VERBS)
def test_sqlite_refuses_every_rewrite(sqlite_file, verb):
    before = _history(sqlite_file)
    conn = sqlite3.connect(sqlite_file)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(SQLITE_VERBS[verb])
        conn.commit()
    finally:
        conn.close()
    assert _history(sqlite_file) == before


def test_sqlite_still_appends(sqlite_file):
    conn = sqlite3.connect(sqlite_file)
    try:
        conn.execute(f"INSERT INTO event {COLUMNS} VALUES (1, 99999, 'x', 'y', 'z', '')")
        conn.commit()
    finally:
        conn.close()
    assert (1, 99999) in [row[:2] for row in _history(sqlite_file)]


# -- PostgreSQL ---------------------------------------------------------------------------------
PG_VERBS = {
    "update": "UPDATE event SET detail = 'rewritten'",
    "delete": "DELETE FROM event",
    "truncate": "TRUNCATE event",
    "upsert": f"INSERT INTO event {COLUMNS} SELECT audit_id, seq, at, 'mallory', 'forged', 'x' "
              "FROM event ON CONFLICT (audit_id, seq) DO UPDATE SET detail = excluded.detail",
}
NOT_OWNER = {
    "alter": "ALTER TABLE event DISABLE TRIGGER ALL",
    "drop trigger": "DROP TRIGGER event_no_truncate ON event",
    "drop table": "DROP TABLE event CASCADE",
}


def _pg_history(url: str) -> list[tuple]:
    from tests.unit.pg import pg_snapshot

    return pg_snapshot(url)["event"]


@pytest.fixture()
def pg_history(pg_url, capsys):
    """A PostgreSQL database with history, and a login ``clerk`` that may read and write every
    table (SELECT, INSERT, UPDATE, DELETE, TRUNCATE) but owns none."""
    import psycopg

    from tests.unit.helpers import run_cli

    assert run_cli(capsys, "--db", pg_url, "demo")[0] == 0
    port, name = pg_url.rsplit(":", 1)[1].split("/")
    with psycopg.connect(host="127.0.0.1", port=int(port), user="postgres", dbname=name,
                         autocommit=True) as admin:
        admin.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                      "'clerk') THEN CREATE ROLE clerk LOGIN; END IF; END $$")
        admin.execute("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA "
                      "public TO clerk")
    clerk = psycopg.connect(host="127.0.0.1", port=int(port), user="clerk", dbname=name,
                            autocommit=True)
    yield pg_url, clerk
    clerk.close()
    with psycopg.connect(host="127.0.0.1", port=int(port), user="postgres", dbname=name,
                         autocommit=True) as admin:
        admin.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM clerk")


@pytest.mark.parametrize("verb", PG_VERBS)
def test_postgres_refuses_every_rewrite(pg_history, verb):
    import psycopg

    url, clerk = pg_history
    before = _pg_history(url)
    with pytest.raises(psycopg.Error, match="append-only"):
        clerk.execute(PG_VERBS[verb])
    assert _pg_history(url) == before


@pytest.mark.parametrize("verb", NOT_OWNER)
def test_postgres_refuses_alter_and_drop_by_a_non_owner(pg_history, verb):
    import psycopg

    url, clerk = pg_history
    before = _pg_history(url)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="owner"):
        clerk.execute(NOT_OWNER[verb])
    assert _pg_history(url) == before

