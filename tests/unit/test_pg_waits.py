"""Bounded waits on PostgreSQL (docs/settings.md): ``lock_timeout`` and ``statement_timeout``
follow REVIEWER_LOCK_TIMEOUT, so a table locked by another session (maintenance ``LOCK TABLE``)
ends a read or a write with one line and exit 1 within the timeout and a few seconds; and an
export whose disclosure cannot be recorded leaves the earlier file as it was."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reviewer.store.transactions import WRITE_LOCK
from tests.conftest import ASB_SET, DEMO_CSV
from tests.unit.helpers import run_cli
from tests.unit.test_outputs_never_destroy import COMMANDS, SETUP, argv, suffix

TIMEOUT = 3
SLACK = 7            # seconds beyond the timeout allowed for starting Python and connecting


def reviewer(url: str, *args: str, timeout: float = TIMEOUT) -> tuple[int, str, float]:
    env = {**os.environ, "REVIEWER_LOCK_TIMEOUT": str(timeout)}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", url, *args],
                          capture_output=True, text=True, env=env, timeout=120)
    return done.returncode, done.stderr, time.monotonic() - start


@pytest.fixture()
def audit_url(pg_url, capsys):
    for args in (("audit", "create", "A", "--set", str(ASB_SET)),
                 ("answers", "import", "A", str(DEMO_CSV))):
        code, _, err = run_cli(capsys, "--db", pg_url, *args)
        assert code == 0, err
    return pg_url


def _connect(url: str):
    import psycopg

    port, name = url.rsplit(":", 1)[1].split("/")
    return psycopg.connect(host="127.0.0.1", port=int(port), user="postgres", dbname=name,
                           autocommit=True)


@pytest.fixture()
def locked(audit_url):
    """Another session holding ``answer`` in ACCESS EXCLUSIVE mode (as maintenance would)."""
    with _connect(audit_url) as other:
        other.execute("BEGIN")
        other.execute("LOCK TABLE answer IN ACCESS EXCLUSIVE MODE")
        yield audit_url
        other.execute("ROLLBACK")


@pytest.mark.parametrize("command", [("tally", "A"), ("tally", "A", "--format", "json"),
                                     ("answers", "import", "A", str(DEMO_CSV))])
def test_a_locked_table_ends_the_wait_with_one_line(locked, command):
    code, err, took = reviewer(locked, *command)
    assert code == 1, err
    assert len(err.strip().splitlines()) <= 2 and "Traceback" not in err, err
    assert "gave up waiting" in err.strip().splitlines()[-1]
    assert took < TIMEOUT + SLACK, took


def test_the_session_timeouts_follow_the_setting(pg_url, monkeypatch):
    from reviewer.store.db import Database

    monkeypatch.setenv("REVIEWER_LOCK_TIMEOUT", "4.5")
    db = Database(pg_url)
    try:
        assert db.scalar("SHOW lock_timeout") == "4500ms"
        assert db.scalar("SHOW statement_timeout") == "10s"
        with db.transaction():
            assert db.scalar("SHOW lock_timeout") == "4500ms"
    finally:
        db.close()


@pytest.fixture()
def audits_url(pg_url, capsys):
    """The audits and plan every command that writes a file needs."""
    for args in SETUP:
        code, _, err = run_cli(capsys, "--db", pg_url, *args)
        assert code == 0, err
    return pg_url


@pytest.mark.parametrize("command", COMMANDS)
def test_a_timed_out_export_leaves_the_old_file(audits_url, command, tmp_path, capsys,
                                                monkeypatch):
    """Every command that writes a file, on PostgreSQL: another writer holds the write lock."""
    out = tmp_path / f"earlier{suffix(command)}"
    out.write_bytes(b"earlier\n")
    monkeypatch.setenv("REVIEWER_LOCK_TIMEOUT", "1")
    with _connect(audits_url) as other:
        other.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))      # another writer
        code, _, err = run_cli(capsys, "--db", audits_url, *argv(command, out))
        other.execute("SELECT pg_advisory_unlock(%s)", (WRITE_LOCK,))
    assert code == 1 and "wrote nothing" in err.strip().splitlines()[-1], err
    assert out.read_bytes() == b"earlier\n"
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == [out.name]
    code, _, err = run_cli(capsys, "--db", audits_url, *argv(command, out))
    assert code == 0, err
    assert out.read_bytes() != b"earlier\n"
