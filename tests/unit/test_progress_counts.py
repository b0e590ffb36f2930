"""Progress counts kept as records change (docs/performance.md): after every kind of operation
that adds records or changes whether they are complete — an import, a re-import, answers, undo,
a sample, a calibration — ``audit_count`` equals a fresh count of the audit's records, on SQLite
and on PostgreSQL; and SQLite writers queue for the file with a blocking wait."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reviewer.ops import audits, calibrate, importer, sampling, scoring
from reviewer.store.audits import get_audit_by_id, list_audits, question_set
from reviewer.store.db import Database, LockTimeout
from reviewer.workspace import Workspace
from tests.unit.helpers import SMALL_HEADER, SMALL_ROWS, write_csv, write_set


def counted(db: Database) -> dict[int, tuple[int, int]]:
    """Each audit's (records, complete), counted afresh."""
    rows = db.all("SELECT a.id, COUNT(r.id), COALESCE(SUM(CASE WHEN r.complete THEN 1 ELSE 0 "
                  "END), 0) FROM audit a LEFT JOIN record r ON r.audit_id = a.id GROUP BY a.id")
    return {a: (int(n), int(k)) for a, n, k in rows}


def kept(db: Database) -> dict[int, tuple[int, int]]:
    return {a.id: (a.records, a.complete) for a in list_audits(db, include_archived=True)}


def test_the_counts_follow_every_operation(target, tmp_path):
    ws = Workspace.open(target, "alice")
    checks = 0

    def check() -> None:
        nonlocal checks
        assert kept(ws.db) == counted(ws.db)
        checks += 1

    set_file = write_set(tmp_path)
    audit = audits.create_audit(ws, "Counts", set_file).value
    check()
    csv = tmp_path / "a.csv"
    write_csv(csv, SMALL_HEADER, SMALL_ROWS)
    importer.import_answers(ws, audit.id, csv)
    check()
    assert get_audit_by_id(ws.db, audit.id).records == len(SMALL_ROWS)
    # a re-import that blanks an answer: records become incomplete
    blanked = [[*row[:1], "", *row[2:]] for row in SMALL_ROWS]
    write_csv(csv, SMALL_HEADER, blanked)
    importer.import_answers(ws, audit.id, csv)
    check()
    qs = question_set(ws.db, audit)
    first = ws.db.scalar("SELECT id FROM record WHERE audit_id = ? ORDER BY seq LIMIT 1",
                         (audit.id,))
    for value in ("Y", "N", ""):
        scoring.score(ws, audit.id, qs, first, "1", value or None)
        check()
    scoring.undo_last(ws, audit.id, qs)
    check()
    calibrate.create_calibration(ws, "Counts calib", audit.id, records=2, seed=1)
    check()
    other = audits.create_audit(ws, "Sampled", set_file).value
    incidents = tmp_path / "inc.csv"
    incidents.write_text("incident,area\n" + "".join(f"S-{i},{'N' if i % 2 else 'S'}\n"
                                                     for i in range(1, 31)), encoding="utf-8")
    sampling.import_incident_list(ws, other.id, incidents, "incident")
    sampling.draw_sample(ws, other.id, size=6, seed=2, stratify_by="area")
    check()
    assert kept(ws.db)[other.id][0] == 6
    ws.close()
    assert checks == 9


def test_sqlite_writers_queue_with_a_blocking_wait(tmp_path):
    """A second writer sleeps until the first lets go and then begins at once (no 0.1 s
    poll); with too little patience it gives up with LockTimeout, having written nothing."""
    path = str(tmp_path / "q.db")
    first, second = Database(path), Database(path, lock_timeout=5)
    assert Path(path + "-writer").stat().st_mode & 0o777 == 0o600
    released, began = [], []

    def wait_then_write() -> None:
        with second.transaction():
            began.append(time.monotonic())
            second.execute("INSERT INTO meta (key, value) VALUES ('second', 'x')")

    with first.transaction():
        first.execute("INSERT INTO meta (key, value) VALUES ('first', 'x')")
        waiter = threading.Thread(target=wait_then_write)
        waiter.start()
        time.sleep(0.3)
        assert not began                       # still waiting its turn
        released.append(time.monotonic())
    waiter.join(5)
    assert began and began[0] - released[0] < 0.05, began[0] - released[0]
    impatient = Database(path, lock_timeout=0.3)
    with first.transaction():
        start = time.monotonic()
        with pytest.raises(LockTimeout), impatient.transaction():
            impatient.execute("INSERT INTO meta (key, value) VALUES ('never', 'x')")
        assert time.monotonic() - start < 2
    assert first.scalar("SELECT COUNT(*) FROM meta WHERE key = 'never'") == 0
    with impatient.transaction():                # the queue was let go: the next one goes in
        impatient.execute("INSERT INTO meta (key, value) VALUES ('later', 'x')")
    for db in (first, second, impatient):
        db.close()
