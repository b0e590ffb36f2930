"""An import a scorer makes on PostgreSQL (docs/performance.md, "An import a scorer makes"): a
small file of records the audit has is written as a scorer's answers are, its records' rows
locked just after the write lock, so it does not wait for a large import at work elsewhere in
the audit; should that import hold one of its records, it waits for that row without holding
the write lock (no deadlock). A file with a new ref still takes its turn after the import.

Real processes: ``reviewer`` on the command line against a real server, the large import's
locks held by a second connection."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from reviewer.store.transactions import IMPORT_LOCK, WRITE_LOCK
from tests.unit.races import QUESTIONS, ROOT, refs, write_answers
from tests.unit.test_import_row_locks import record_ids
from tests.unit.test_new_ref_races import answers, make_audit

ASKED = QUESTIONS[:4]


def libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def cli(url: str, *args: str, timeout: str = "4") -> subprocess.CompletedProcess:
    env = {**os.environ, "REVIEWER_LOCK_TIMEOUT": timeout}
    env.pop("REVIEWER_DB", None)
    return subprocess.run([sys.executable, "-m", "reviewer", "--db", url, *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture()
def audit(pg_url: str, tmp_path: Path) -> str:
    write_answers(tmp_path / "base.csv", refs("S", 30), ASKED, salt=1)
    make_audit(pg_url, tmp_path, "Scored", None, tmp_path / "base.csv")
    return "Scored"


def one_row(tmp_path: Path, ref: str, salt: int) -> tuple[Path, dict]:
    path = tmp_path / f"{ref}-{salt}.csv"
    return path, write_answers(path, [ref], ASKED, salt=salt)


def test_it_does_not_wait_for_an_import_at_work(pg_url, tmp_path, audit):
    path, cells = one_row(tmp_path, "S-000007", salt=2)
    with psycopg.connect(libpq(pg_url)) as other:    # an import at work: the imports' lock
        other.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
        done = cli(pg_url, "answers", "import", audit, str(path))
        assert done.returncode == 0, done.stderr
        assert "1 updated" in done.stderr
        other.rollback()
    stored = answers(pg_url, audit)
    assert all(stored[k] == v for k, v in cells.items())
    assert cli(pg_url, "verify", audit).returncode == 0


def test_a_file_with_a_new_ref_still_takes_its_turn(pg_url, tmp_path, audit):
    path, _ = one_row(tmp_path, "S-000099", salt=2)             # no such record yet
    with psycopg.connect(libpq(pg_url)) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
        done = cli(pg_url, "answers", "import", audit, str(path), timeout="1")
        other.rollback()
    assert done.returncode == 1 and "S-000099" not in answers_refs(pg_url, audit)
    again = cli(pg_url, "answers", "import", audit, str(path))
    assert again.returncode == 0, again.stderr
    assert "1 new records" in again.stderr


def answers_refs(url: str, audit: str) -> set[str]:
    return {ref for ref, _ in answers(url, audit)}


def write_lock_held(url: str, samples: int) -> int:
    """In how many of ``samples`` looks, 50 ms apart, some session held the write lock."""
    held = 0
    with psycopg.connect(libpq(url), autocommit=True) as look:
        for _ in range(samples):
            held += bool(look.execute(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = %s AND objid = %s", (WRITE_LOCK >> 32, WRITE_LOCK & 0xFFFFFFFF)
            ).fetchone())
            time.sleep(0.05)
    return held


def test_it_waits_for_a_held_record_without_the_write_lock(pg_url, tmp_path, audit):
    ref = "S-000011"
    rid = record_ids(pg_url, audit)[ref]
    path, cells = one_row(tmp_path, ref, salt=3)
    took: list[float] = []
    with psycopg.connect(libpq(pg_url)) as other:   # an import holding its records' rows
        other.execute("SELECT 1 FROM record WHERE id = %s FOR NO KEY UPDATE", (rid,))
        scorer = subprocess.Popen([sys.executable, "-m", "reviewer", "--db", pg_url, "answers",
                                   "import", audit, str(path)], cwd=ROOT, text=True,
                                  env={**os.environ, "REVIEWER_LOCK_TIMEOUT": "30"},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.0)                             # it is waiting for the row by now
        held = write_lock_held(pg_url, samples=40)   # ... and not holding the write lock
        assert scorer.poll() is None
        assert held < 10, f"the waiting scorer held the write lock in {held} of 40 looks"
        # the import's last step: the write lock, which the waiting scorer must not hold
        other.execute("SET lock_timeout = '5s'")
        start = time.monotonic()
        other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        took.append(time.monotonic() - start)
        other.commit()
    _, err = scorer.communicate(timeout=60)
    assert scorer.returncode == 0, err
    assert took and took[0] < 5.0
    stored = answers(pg_url, audit)
    assert all(stored[k] == v for k, v in cells.items())


def test_a_record_gone_under_the_lock_runs_as_any_import(pg_url, tmp_path, audit,
                                                         monkeypatch):
    from reviewer.ops.importer import import_answers
    from reviewer.store import staging
    from reviewer.workspace import Workspace

    ids = record_ids(pg_url, audit)
    path, cells = one_row(tmp_path, "S-000200", salt=4)    # a new ref, taken for a scorer's
    monkeypatch.setattr(staging, "scorer_sized", lambda *a: [ids["S-000003"]])
    ws = Workspace.open(pg_url, "importer")
    try:
        done = import_answers(ws, ws.audit(audit).id, path)
    finally:
        ws.close()
    assert done.value.new == 1 and done.value.updated == 0
    stored = answers(pg_url, audit)
    assert all(stored[k] == v for k, v in cells.items())
    assert cli(pg_url, "verify", audit).returncode == 0


def test_a_lock_taken_with_the_write_lock_names_every_record(pg_url, tmp_path, audit):
    """Two records at once: both rows are held by the scorer's import until it commits."""
    ids = record_ids(pg_url, audit)
    path = tmp_path / "two.csv"
    write_answers(path, ["S-000001", "S-000002"], ASKED, salt=5)
    gate = threading.Event()
    with psycopg.connect(libpq(pg_url)) as other:
        other.execute("SELECT 1 FROM record WHERE id = %s FOR NO KEY UPDATE", (ids["S-000002"],))

        def release() -> None:
            gate.wait(10)
            other.commit()
        threading.Thread(target=release).start()
        scorer = subprocess.Popen([sys.executable, "-m", "reviewer", "--db", pg_url, "answers",
                                   "import", audit, str(path)], cwd=ROOT, text=True,
                                  env={**os.environ, "REVIEWER_LOCK_TIMEOUT": "30"},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.5)
        assert scorer.poll() is None                  # one of its records is held: it waits
        gate.set()
        _, err = scorer.communicate(timeout=60)
    assert scorer.returncode == 0, err
