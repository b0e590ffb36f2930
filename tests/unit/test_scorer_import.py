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


def test_waiting_for_one_record_it_holds_none_of_the_others(pg_url, tmp_path, audit):
    """Two records, the second held by an import at work: the scorer's import waits for that
    row alone, so the first stays free for its scorer meanwhile; then both are written."""
    ids = record_ids(pg_url, audit)
    path = tmp_path / "two.csv"
    cells = write_answers(path, ["S-000001", "S-000002"], ASKED, salt=5)
    with psycopg.connect(libpq(pg_url)) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
        other.execute("SELECT 1 FROM record WHERE id = %s FOR NO KEY UPDATE", (ids["S-000002"],))
        scorer = subprocess.Popen([sys.executable, "-m", "reviewer", "--db", pg_url, "answers",
                                   "import", audit, str(path)], cwd=ROOT, text=True,
                                  env={**os.environ, "REVIEWER_LOCK_TIMEOUT": "30"},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(1.0)
        busy = 0
        with psycopg.connect(libpq(pg_url), autocommit=True) as look:
            for _ in range(20):           # the first record's scorer, locking its row
                try:
                    look.execute("SELECT 1 FROM record WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                                 (ids["S-000001"],))
                except psycopg.errors.LockNotAvailable:
                    busy += 1
                time.sleep(0.05)
        assert scorer.poll() is None                  # still waiting for the second
        assert busy < 5, f"the first record's row was held in {busy} of 20 looks"
        other.commit()
        _, err = scorer.communicate(timeout=60)
    assert scorer.returncode == 0, err
    stored = answers(pg_url, audit)
    assert all(stored[k] == v for k, v in cells.items())
    assert cli(pg_url, "verify", audit).returncode == 0


def test_a_file_of_more_cells_takes_its_turn(pg_url, tmp_path, audit, monkeypatch):
    """The rule is cells (rows x columns besides the ref), not rows: 25 rows of 4 answers are
    100 cells, a scorer's where that is the bound; 26 rows are not."""
    from reviewer.errors import DatabaseError
    from reviewer.ops.importer import import_answers
    from reviewer.store import staging
    from reviewer.workspace import Workspace

    monkeypatch.setattr(staging, "SCORER_CELLS", 100)
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    write_answers(small, refs("S", 25), ASKED, salt=7)
    write_answers(large, refs("S", 26), ASKED, salt=8)
    ws = Workspace.open(pg_url, "importer", lock_timeout=1.0)
    try:
        audit_id = ws.audit(audit).id
        with psycopg.connect(libpq(pg_url)) as other:
            other.execute("SELECT pg_advisory_xact_lock(%s)", (IMPORT_LOCK,))
            assert import_answers(ws, audit_id, small).value.updated == 25
            with pytest.raises(DatabaseError):
                import_answers(ws, audit_id, large)        # waited its turn, gave up
            other.rollback()
        assert import_answers(ws, audit_id, large).value.updated == 26
    finally:
        ws.close()


def test_given_answers_read_over_the_records_written_are_the_audits(target, tmp_path):
    """An import's given answers (its event's list, hashed into the chain) read over the range
    of the records it wrote (``staging.touched``) are those read over the whole audit: for a
    file of existing records filling blank cells (on PostgreSQL a scorer's), and for one with
    new records too (ids after the audit's last)."""
    from reviewer.store import import_rows
    from tests.unit.races import open_db

    rows = refs("G", 60)
    write_answers(tmp_path / "base.csv", rows[:20] + rows[40:], ASKED[:2], salt=1)
    make_audit(target, tmp_path, "Given", None, tmp_path / "base.csv")
    lists = []
    for name, part in (("fill", rows[5:15]), ("more", rows[10:50])):
        write_answers(tmp_path / f"{name}.csv", part, ASKED, salt=2)
        done = cli(target, "answers", "import", "Given", str(tmp_path / f"{name}.csv"))
        assert done.returncode == 0, done.stderr
        with open_db(target) as db:
            audit_id = db.scalar("SELECT id FROM audit WHERE name = 'Given'")
            seq = db.scalar("SELECT MAX(seq) FROM event WHERE audit_id = ? AND "
                            "action = 'import'", (audit_id,))
            written = [rid for (rid,) in db.all(
                "SELECT id FROM record WHERE audit_id = ? AND ref >= ? AND ref <= ?",
                (audit_id, part[0], part[-1]))]
            whole = import_rows.given_rows(db, audit_id, seq)
            assert import_rows.given_rows(db, audit_id, seq,
                                          within=(min(written), max(written))) == whole
            lists.append((whole, import_rows.given_rows(db, audit_id, seq, within=(0, -1))))
    whole, nothing = lists[0]
    assert whole != nothing           # the first file's given answers carry its seq
    assert cli(target, "verify", "Given").returncode == 0
