"""Schema migrations: a database written by the first release (``tests/fixtures/schema-v1.db``)
upgrades to the current schema keeping every answer (every fixture against a new database:
``test_migration_fixtures.py``); a file that cannot be read is never taken for an empty one."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer import SCHEMA_VERSION
from reviewer.store.db import Database, DatabaseError
from reviewer.store.field_slots import Slots

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "schema-v1.db"


def content(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute(sql).fetchall(), key=repr)
    finally:
        conn.close()


@pytest.fixture()
def old(tmp_path) -> Path:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    return path


ANSWERS = "SELECT record_id, question_id, audit_id, state, value, note, reviewer, answered_at " \
          "FROM answer"


def test_the_fixture_is_schema_1():
    assert content(FIXTURE, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert content(FIXTURE, "SELECT COUNT(*) FROM answer")[0][0] > 200


def test_upgrade_keeps_every_answer_and_a_backup(old):
    answers = content(old, ANSWERS)
    records = content(old, "SELECT id, audit_id, seq, ref, fields, complete FROM record")
    incidents = content(old, "SELECT * FROM incident")
    audits = content(old, "SELECT id, name, question_set_id, description, created_at, archived, "
                          "sample FROM audit")
    db = Database(str(old))
    fields = [(i, Slots(db, audit).decode(text)) for i, audit, text in
              db.all("SELECT id, audit_id, fields FROM record ORDER BY id")]
    db.close()
    assert content(old, ANSWERS) == answers
    # the fields by name as they were (by slot since schema 13: store.field_slots)
    assert sorted((r[0], json.loads(r[4])) for r in records) == fields
    assert sorted(r[:4] + r[5:] for r in content(old, "SELECT id, audit_id, seq, ref, fields, "
                                                      "complete FROM record")) == \
        sorted(r[:4] + r[5:] for r in records)
    assert content(old, "SELECT * FROM incident") == incidents
    assert content(old, "SELECT id, name, question_set_id, description, created_at, archived, "
                        "sample FROM audit") == audits
    # The schema and every row against a new database: test_migration_fixtures.py.
    assert content(old, "SELECT value FROM meta WHERE key = 'schema_version'") == \
        [(str(SCHEMA_VERSION),)]
    # A copy of the file as it was is kept beside it, owner-only.
    backup = old.with_name("old.db.schema1.bak")
    assert content(backup, ANSWERS) == answers
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_upgraded_history_begins_with_one_event_per_audit(old, capsys):
    from tests.unit.helpers import run_cli

    Database(str(old)).close()
    code, out, _ = run_cli(capsys, "--db", str(old), "history", "ASB v1", "--format", "json")
    assert code == 0
    import json

    events = json.loads(out)["events"]
    assert [e["action"] for e in events] == ["upgrade"]
    assert "history begins" in events[0]["detail"]


def test_an_upgraded_database_works(old, tmp_path, capsys):
    from tests.unit.helpers import run_cli

    code, out, err = run_cli(capsys, "--db", str(old), "tally", "ASB v1", "--format", "json")
    assert code == 0, err
    code, _, err = run_cli(capsys, "--db", str(old), "answers", "export", "ASB v1",
                           str(tmp_path / "out.csv"))
    assert code == 0, err
    code, out, _ = run_cli(capsys, "--db", str(old), "history", "ASB v1")
    assert "export answers out.csv" in out


def test_two_processes_upgrading_at_once_upgrade_once(old):
    code = ("import sys; from reviewer.store.db import Database; "
            "Database(sys.argv[1]).close()")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(old)], stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    for p in procs:
        _, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    assert content(old, "SELECT COUNT(*) FROM event WHERE action = 'upgrade'") == [(2,)]


def test_a_newer_schema_is_refused(old):
    conn = sqlite3.connect(old)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="newer version of reviewer"):
        Database(str(old))


def test_a_corrupt_file_is_never_taken_for_a_new_database(tmp_path):
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="cannot"):
        Database(str(path))
    assert path.read_bytes() == before


def test_another_programs_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseError, match="not made by reviewer"):
        Database(str(path))
    assert content(path, "SELECT name FROM sqlite_master") == [("customers",)]


def test_a_locked_database_is_never_taken_for_a_new_one(tmp_path, monkeypatch):
    """A rollback-journal file locked by another program: opening it fails with one line,
    and no table is created."""
    monkeypatch.setenv("REVIEWER_LOCK_TIMEOUT", "0.2")
    path = tmp_path / "locked.db"
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("CREATE TABLE other (x)")
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError) as caught:
            Database(str(path))
        assert len(caught.value.problems) == 1 and "locked" in caught.value.problems[0]
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert content(path, "SELECT name FROM sqlite_master") == [("other",)]
