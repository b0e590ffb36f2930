"""Nobody waits behind an import (docs/performance.md, "Imports and scorers"), on PostgreSQL: a
``reviewer answers import`` of many new records runs as a process of its own; while it writes
them, a scorer in this process completes a record of the same audit, and its answer is stored
before the import commits. The import then lands whole, and every count and the history chain
agree with both."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from reviewer.ops import audits, calibrate, importer, scoring, team
from reviewer.store import staging
from reviewer.store.audits import AuditInfo, get_audit_by_id, question_set
from reviewer.store.transactions import IMPORT_LOCK, WRITE_LOCK
from reviewer.store.verify import replay_answers, verify_chain
from reviewer.workspace import Workspace
from tests.unit.helpers import write_csv
from tests.unit.pg import _url_admin

QUESTIONS = [f"q{i}" for i in range(1, 11)]
SET_YAML = "id: wait\ntitle: Wait\nversion: 1\nsections:\n  - id: a\n    title: A\nquestions:\n" \
    + "".join(f"  - id: \"{q}\"\n    section: a\n    text: Question {q}?\n    type: yes_no\n"
              for q in QUESTIONS)
NEW = 40_000          # new records: long enough an import that a wait for it would show
AUDIT = "Wait"


def new_audit(target: str, tmp_path: Path) -> tuple[Workspace, AuditInfo, Path]:
    """alice's workspace, and the audit AUDIT of ten yes/no questions, made in it."""
    set_file = tmp_path / "set.yaml"
    set_file.write_text(SET_YAML, encoding="utf-8")
    ws = Workspace.open(target, "alice")
    return ws, audits.create_audit(ws, AUDIT, set_file).value, set_file


def holds_advisory_lock(url: str, name: str) -> bool:
    """Whether the session ``name`` (the importing process) holds one of the writers' advisory
    locks (an import takes IMPORT_LOCK first; before it could, WRITE_LOCK): it is inside its
    import's transaction."""
    keys = (WRITE_LOCK, IMPORT_LOCK)
    with _url_admin(url) as conn:
        rows = conn.execute(
            "SELECT (l.classid::bigint << 32) | l.objid::bigint FROM pg_locks l JOIN "
            "pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
            "AND a.application_name = %s", (name,)).fetchall()
    return any(key in keys for (key,) in rows)


def test_a_scorer_completes_a_record_while_an_import_writes(pg_url, tmp_path):
    ws, audit, set_file = new_audit(pg_url, tmp_path)
    importer.import_answers(ws, audit.id, write_csv(
        tmp_path / "first.csv", ["ref", *QUESTIONS[:9]], [["R1", *"YNYNYNYNY"]]))
    rid = ws.db.scalar("SELECT id FROM record WHERE ref = 'R1'")
    qs = question_set(ws.db, get_audit_by_id(ws.db, audit.id))
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as f:
        f.write("ref," + ",".join(QUESTIONS) + "\n")
        for n in range(NEW):
            f.write(f"N{n}," + ",".join("YN"[(n + k) % 2] for k in range(10)) + "\n")

    env = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
    env["PGAPPNAME"] = "importer"
    proc = subprocess.Popen([sys.executable, "-m", "reviewer", "--db", pg_url, "--reviewer",
                             "bob", "answers", "import", AUDIT, str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        while not holds_advisory_lock(pg_url, "importer"):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the import never began its transaction"
            time.sleep(0.02)
        # The import is inside its transaction: the last answer completes R1 (and changes the
        # audit's count of complete records, which the import's new records change too).
        t0 = time.monotonic()
        scoring.score(ws, audit.id, qs, rid, "q10", "N")
        waited = time.monotonic() - t0
        still_importing = proc.poll() is None
        seen = get_audit_by_id(ws.db, audit.id)
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    print(f"the scorer's answer took {waited:.3f} s while the import ran")
    # Stored before the import committed: not one of its records was to be seen yet.
    assert still_importing and (seen.records, seen.complete) == (1, 1), (waited, seen)
    assert f"{NEW} new records, 0 updated" in out + err
    after = get_audit_by_id(ws.db, audit.id)
    assert (after.records, after.complete) == (NEW + 1, NEW + 1)
    assert ws.db.scalar("SELECT COUNT(*) FROM answer WHERE audit_id = ?", (audit.id,)) == \
        10 * (NEW + 1)
    assert ws.db.scalar("SELECT complete FROM record WHERE id = ?", (rid,))
    verify_chain(ws.db, audit.id)            # the chain holds the scorer's and the import's
    replay_answers(ws.db, audit.id)          # ... and every stored answer is in it
    ws.close()


def test_an_import_refused_at_its_end_leaves_nothing(pg_url, tmp_path):
    """The import's records are written before the write lock, and rolled back with it when the
    audit turns out to be signed off by then."""
    ws, audit, set_file = new_audit(pg_url, tmp_path)
    rows = [[f"N{n}", *"YNYNYNYNYN"] for n in range(50)]
    path = write_csv(tmp_path / "new.csv", ["ref", *QUESTIONS], rows)
    signed = []

    def sign_off_meanwhile() -> None:    # another lead signs off while the import writes
        other = Workspace.open(pg_url, "lead")
        try:
            team.sign_off(other, audit.id)
        finally:
            other.close()
        signed.append(True)

    real = ws.db.lock_writers

    def late_lock() -> None:
        if not signed:
            sign_off_meanwhile()
        real()

    ws.db.lock_writers = late_lock      # type: ignore[method-assign]
    try:
        importer.import_answers(ws, audit.id, path)
    except Exception as exc:  # noqa: BLE001 - the refusal is what is checked
        refused = str(exc)
    else:
        refused = ""
    assert "signed off" in refused and "nothing was written" in refused
    assert ws.db.scalar("SELECT COUNT(*) FROM record") == 0
    assert ws.db.scalar("SELECT COUNT(*) FROM answer") == 0
    assert get_audit_by_id(ws.db, audit.id).records == 0
    ws.close()



def test_new_and_existing_records_in_one_import_are_in_the_chain(target, tmp_path,
                                                                 monkeypatch):
    """The import event lists the answers it gave, whether to new records (on PostgreSQL
    written before the write lock, a statement per few rows here, on SQLite prepared before
    it) or to blank cells of existing ones; a second writer adding records between the
    preparing and the lock is caught."""
    monkeypatch.setattr(staging, "CHUNK", 7)
    ws, audit, set_file = new_audit(target, tmp_path)
    importer.import_answers(ws, audit.id, write_csv(
        tmp_path / "first.csv", ["ref", "q1"], [[f"R{n}", "Y"] for n in range(20)]))
    other = audits.create_audit(ws, "Other", set_file).value
    real = staging.prepare_new

    def prepare_then_another_writer(*args):   # records of another audit take the next ids
        prepared = real(*args)
        staging.prepare_new = real               # type: ignore[assignment]
        second = Workspace.open(target, "bob")
        try:
            importer.import_answers(second, other.id, write_csv(
                tmp_path / "other.csv", ["ref", "q1"], [["X1", "N"], ["X2", "Y"]]))
        finally:
            second.close()
        return prepared

    rows = [[f"R{n}", "N" if n % 2 else "Y", "Y"] for n in range(10, 30)]
    path = write_csv(tmp_path / "second.csv", ["ref", "q1", "q2"], rows)
    for prepare in (prepare_then_another_writer, real):
        staging.prepare_new = prepare            # type: ignore[assignment]
        try:
            done = importer.import_answers(ws, audit.id, path).value
        finally:
            staging.prepare_new = real           # type: ignore[assignment]
        verify_chain(ws.db, audit.id)
        replay_answers(ws.db, audit.id)
        path = write_csv(tmp_path / "third.csv", ["ref", "q3"],
                         [[f"R{n}", "Y"] for n in range(25, 40)])
    assert (done.new, done.updated) == (10, 5)
    info = get_audit_by_id(ws.db, audit.id)
    assert info.records == 40 and get_audit_by_id(ws.db, other.id).records == 2
    assert ws.db.scalar("SELECT COUNT(*) FROM record WHERE audit_id = ?", (audit.id,)) == 40
    assert ws.db.scalar("SELECT COUNT(*) FROM answer WHERE audit_id = ?", (audit.id,)) == \
        20 + 10 + 20 + 5 + 10       # R0-19 q1; R10-19 q2, R20-29 q1 q2; R25-29 q3, R30-39 q3
    if ws.db.dialect == "sqlite":    # the import's checkpoint, after the lock, is put back
        assert ws.db.scalar("PRAGMA wal_autocheckpoint") == 1000
        assert ws.db.one("PRAGMA wal_checkpoint(PASSIVE)")[0] == 0
    ws.close()


def test_records_added_while_an_import_writes_take_other_ids(pg_url, tmp_path):
    """On PostgreSQL a calibration made between an import's reserving its record ids and its
    commit (it holds the write lock meanwhile, the import does not) numbers its records past
    them: both land."""
    ws, audit, set_file = new_audit(pg_url, tmp_path)
    importer.import_answers(ws, audit.id, write_csv(
        tmp_path / "first.csv", ["ref", "q1"], [[f"R{n}", "Y"] for n in range(10)]))
    real = staging.reserve_records

    def reserve_then_calibrate(*args):
        reserved = real(*args)
        other = Workspace.open(pg_url, "lead")
        try:
            calibrate.create_calibration(other, "Calib", audit.id, records=4, seed=1)
        finally:
            other.close()
        return reserved

    staging.reserve_records = reserve_then_calibrate     # type: ignore[assignment]
    try:
        done = importer.import_answers(ws, audit.id, write_csv(
            tmp_path / "second.csv", ["ref", "q1"], [[f"N{n}", "N"] for n in range(30)])).value
    finally:
        staging.reserve_records = real                   # type: ignore[assignment]
    assert done.new == 30
    counts = dict(ws.db.all("SELECT a.name, COUNT(*) FROM record r JOIN audit a "
                            "ON a.id = r.audit_id GROUP BY a.name"))
    assert counts == {AUDIT: 40, "Calib": 4}
    assert get_audit_by_id(ws.db, audit.id).records == 40
    ws.close()
