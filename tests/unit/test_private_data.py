"""Personal data stays private (docs/contracts.md §5): owner-only database files and folders, no
password ever printed, audit names cleaned one way everywhere."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from reviewer.errors import ReviewerError
from reviewer.store.audits import clean_name
from reviewer.store.db import Database, display_target, redact
from tests.conftest import ASB_SET
from tests.unit.helpers import run_cli


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_database_and_its_wal_are_owner_only(tmp_path):
    old = os.umask(0o022)           # even where the user's umask would share them
    try:
        path = tmp_path / "folder" / "deeper" / "r.db"
        db = Database(str(path))
        db.execute("CREATE TEMP TABLE t (x)")     # keep the connection busy: WAL exists
        with db.transaction():
            db.execute("INSERT INTO meta (key, value) VALUES ('probe', 'x')")
        files = [p for p in path.parent.iterdir() if p.name.startswith("r.db")]
        assert {p.name for p in files} >= {"r.db", "r.db-wal"}
        assert all(mode(p) == 0o600 for p in files), [(p.name, oct(mode(p))) for p in files]
        assert mode(tmp_path / "folder") == 0o700 and mode(path.parent) == 0o700
        db.close()
    finally:
        os.umask(old)


def test_the_default_data_folder_is_created_owner_only(tmp_path):
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path)}
    env.pop("REVIEWER_DB", None)
    done = subprocess.run([sys.executable, "-m", "reviewer", "audit", "list"], env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "xdg" / "reviewer"
    assert mode(folder) == 0o700 and mode(folder / "reviewer.db") == 0o600


@pytest.mark.parametrize("text", [
    "postgresql+psycopg://alice:s3cret-pw@db.example:5432/reviews",
    "postgresql+psycopg://db.example/reviews?password=s3cret-pw&sslmode=require",
    "host=db.example password=s3cret-pw dbname=reviews",
    "postgresql+psycopg://alice:s3cret%2Dpw@db.example/reviews",
])
def test_passwords_are_masked(text):
    shown = redact(text)
    assert "s3cret" not in shown and "***" in shown


def test_no_password_is_printed_when_the_server_cannot_be_reached(capsys):
    url = "postgresql+psycopg://alice:hunter2-secret@127.0.0.1:1/reviews?connect_timeout=2"
    code, out, err = run_cli(capsys, "--db", url, "audit", "list")
    assert code == 1 and out == ""
    assert "hunter2" not in err and len(err.strip().splitlines()) == 1
    assert "alice:***@" in display_target(url)


@pytest.mark.parametrize("raw, clean", [("  Audit 1 ", "Audit 1"), ("Cafe\u0301", "Café")])
def test_audit_names_are_trimmed_and_normalised(raw, clean):
    assert clean_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "   ", "tab\there", "line\nbreak", "esc\x1b[31m",
                                 "x" * 201, "zero\u200bwidth"])
def test_bad_audit_names_are_refused(raw):
    with pytest.raises(ReviewerError):
        clean_name(raw)


def test_names_are_trimmed_the_same_way_everywhere(db_path, capsys):
    base = ("--db", str(db_path))
    assert run_cli(capsys, *base, "audit", "create", "  Spaced  ", "--set", str(ASB_SET))[0] == 0
    code, out, _ = run_cli(capsys, *base, "tally", " Spaced ", "--format", "json")
    assert code == 0 and '"audit": "Spaced"' in out
    code, _, err = run_cli(capsys, *base, "audit", "create", "Spaced", "--set", str(ASB_SET))
    assert code == 1 and "already exists" in err
    code, _, err = run_cli(capsys, *base, "audit", "rename", "Spaced", "bad\tname")
    assert code == 1 and "control characters" in err and len(err.splitlines()) == 1
