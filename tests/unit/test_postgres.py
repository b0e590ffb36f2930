"""The whole core on PostgreSQL (docs/contracts.md §3: a team shares a ``postgresql+psycopg://``
database).

Runs on a throwaway cluster (``tests/unit/pg.py``: started once per session from Debian's
PostgreSQL binaries, a fresh database for every test). Skipped when the server binaries or
psycopg are missing (CI installs both: scripts/setup.sh, the ``test`` extra).
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ASB_SET, DEMO_CSV
from tests.unit.helpers import run_cli, write_csv
from tests.unit.pg import open_transactions, pg_snapshot

AUDIT = "BTP ASB 2012"


def reviewer(db: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
    return subprocess.run([sys.executable, "-m", "reviewer", "--db", db, *args],
                          capture_output=True, text=True, check=False, env=env)


def ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def load_demo(db: str, name: str = AUDIT) -> None:
    ok(reviewer(db, "audit", "create", name, "--set", str(ASB_SET)))
    ok(reviewer(db, "answers", "import", name, str(DEMO_CSV)))


def in_process(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> str:
    """stdout of ``reviewer --db DB ARGS`` run in this process (the SQLite side: faster)."""
    code, out, err = run_cli(capsys, "--db", db, *args)
    assert code == 0, err
    return out


# -- the command line -------------------------------------------------------------------------
def test_cli_tally_is_the_same_as_on_sqlite(pg_url, tmp_path, capsys):
    load_demo(pg_url)
    sqlite = str(tmp_path / "reviewer.db")
    in_process(capsys, sqlite, "audit", "create", AUDIT, "--set", str(ASB_SET))
    in_process(capsys, sqlite, "answers", "import", AUDIT, str(DEMO_CSV))
    for args in (("--format", "json"), ("--by", "area", "--format", "json"),
                 ("--format", "csv"), ("--by", "channel", "--format", "text")):
        on_pg = ok(reviewer(pg_url, "tally", AUDIT, *args))
        assert on_pg == in_process(capsys, sqlite, "tally", AUDIT, *args), args
        if args == ("--format", "json"):
            assert '"records": 100' in on_pg
    listed = ok(reviewer(pg_url, "audit", "list"))
    assert listed == in_process(capsys, sqlite, "audit", "list")
    assert "100/100 complete" in listed


def test_cli_unreachable_server_is_one_line():
    done = reviewer("postgresql+psycopg://postgres:s3cret@127.0.0.1:1/none", "audit", "list")
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "cannot open database postgresql+psycopg://postgres:***@127.0.0.1:1/none" \
        in done.stderr and "s3cret" not in done.stderr


def test_cli_export_round_trips(pg_url, tmp_path, capsys):
    load_demo(pg_url)
    first = tmp_path / "first.csv"
    ok(reviewer(pg_url, "answers", "export", AUDIT, str(first)))
    ok(reviewer(pg_url, "audit", "create", "Copy", "--set", str(ASB_SET)))
    ok(reviewer(pg_url, "answers", "import", "Copy", str(first)))
    second = tmp_path / "second.csv"
    ok(reviewer(pg_url, "answers", "export", "Copy", str(second)))
    assert first.read_bytes() == second.read_bytes()
    sqlite = str(tmp_path / "reviewer.db")
    in_process(capsys, sqlite, "audit", "create", AUDIT, "--set", str(ASB_SET))
    in_process(capsys, sqlite, "answers", "import", AUDIT, str(DEMO_CSV))
    in_process(capsys, sqlite, "answers", "export", AUDIT, str(tmp_path / "sqlite.csv"))
    assert first.read_bytes() == (tmp_path / "sqlite.csv").read_bytes()
    tallies = [ok(reviewer(pg_url, "tally", n, "--format", "json")).replace(n, "")
               for n in (AUDIT, "Copy")]
    assert tallies[0] == tallies[1]


def test_cli_bad_import_leaves_the_database_unchanged(pg_url, tmp_path):
    load_demo(pg_url)
    with DEMO_CSV.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    rows[0][header.index("1")] = "N"            # a good change ...
    rows[3][header.index("2")] = "maybe"        # ... and a bad cell: nothing may be written
    rows.append(["NEW-1"] + [""] * (len(header) - 1))
    bad = write_csv(tmp_path / "bad.csv", header, rows)
    before = pg_snapshot(pg_url)
    done = reviewer(pg_url, "answers", "import", AUDIT, str(bad))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{bad}:5:2:" in done.stderr
    assert pg_snapshot(pg_url) == before


# -- in-process: scoring, paging, sampling, the report -------------------------------------------
@pytest.fixture()
def pg_demo(pg_db):
    from reviewer.store.audits import get_audit
    from tests.actions import create_audit, import_answers

    import_answers(pg_db, create_audit(pg_db, AUDIT, ASB_SET), DEMO_CSV, "test-reviewer")
    return get_audit(pg_db, AUDIT)


def test_score_and_undo(pg_db, pg_demo):
    from reviewer.figures import tally
    from reviewer.ops.scoring import load_record
    from reviewer.questions.logic import ANSWERED, UNANSWERED
    from reviewer.store import records
    from reviewer.store.audits import get_audit, question_set
    from tests.actions import score, set_note, undo_last

    qs = question_set(pg_db, pg_demo)
    before = tally(pg_db, pg_demo).by_id()["1"]
    rid = records.find_ref(pg_db, pg_demo.id, "btp-12-0401-0046")
    assert rid is not None
    old = load_record(pg_db, qs, rid).states["1"]
    new = "N" if old == (ANSWERED, "Y") else "Y"
    view = score(pg_db, qs, rid, "1", new, "alice")
    assert view.states["1"] == (ANSWERED, new) and view.answered_by("1") == "alice"
    after = tally(pg_db, pg_demo).by_id()["1"]
    assert (after.yes - before.yes, after.no - before.no) == ((1, -1) if new == "Y" else (-1, 1))
    assert set_note(pg_db, qs, rid, "1", " checked ", "alice").note("1") == "checked"
    assert score(pg_db, qs, rid, "2", "", "alice").states["2"][0] == UNANSWERED
    assert get_audit(pg_db, AUDIT).complete == 99          # a blank answer: incomplete
    assert records.next_incomplete(pg_db, pg_demo.id) == rid
    assert undo_last(pg_db, qs, pg_demo.id, "alice") == (rid, "2")
    assert undo_last(pg_db, qs, pg_demo.id, "alice") == (rid, "1")     # the note
    assert undo_last(pg_db, qs, pg_demo.id, "alice") == (rid, "1")     # the answer
    assert undo_last(pg_db, qs, pg_demo.id, "alice") is None
    assert load_record(pg_db, qs, rid).states["1"] == old
    assert tally(pg_db, pg_demo).by_id()["1"].to_dict() == before.to_dict()
    assert get_audit(pg_db, AUDIT).complete == 100
    assert pg_snapshot(pg_db.target)["undo"] == []
    assert open_transactions(pg_db.target) == 0    # reads leave no transaction open


def test_writers_take_turns(pg_url, pg_db, pg_demo, tmp_path):
    """Two people importing at once: record ids are MAX(id) + 1, so writers are serialized."""
    from reviewer.store.audits import get_audit
    from tests.actions import create_audit, import_answers

    other = create_audit(pg_db, "Other", ASB_SET)
    with pg_db.transaction():
        pg_db.execute("UPDATE audit SET description = 'busy' WHERE id = ?", (pg_demo.id,))
        busy = subprocess.Popen([sys.executable, "-m", "reviewer", "--db", pg_url, "answers",
                                 "import", "Other", str(DEMO_CSV)], stderr=subprocess.PIPE,
                                text=True)
        with pytest.raises(subprocess.TimeoutExpired):
            busy.wait(timeout=3)           # waits for this write transaction to end
    assert busy.wait(timeout=60) == 0, busy.stderr and busy.stderr.read()
    assert get_audit(pg_db, "Other").records == 100
    assert get_audit(pg_db, AUDIT).description == "busy"
    import_answers(pg_db, other, DEMO_CSV, "someone")          # then updates in place
    assert pg_db.scalar("SELECT COUNT(DISTINCT id) FROM record") == 200


def test_record_paging(pg_db, pg_demo):
    from reviewer.store import records
    from reviewer.store.audits import question_set
    from tests.actions import score

    assert records.count(pg_db, pg_demo.id) == 100
    first = records.page(pg_db, pg_demo.id, 0, 30)
    rest = records.page(pg_db, pg_demo.id, 30, 100)
    assert len(first) == 30 and len(rest) == 70
    assert [r.seq for r in first + rest] == list(range(1, 101))
    assert all(r.complete for r in first) and first[0].fields["area"]
    assert records.position(pg_db, pg_demo.id, rest[5].id) == 35
    assert records.count(pg_db, pg_demo.id, incomplete_only=True) == 0
    assert records.next_incomplete(pg_db, pg_demo.id) is None
    qs = question_set(pg_db, pg_demo)
    score(pg_db, qs, rest[5].id, "1", "", "bob")
    assert [r.id for r in records.page(pg_db, pg_demo.id, 0, 10, incomplete_only=True)] \
        == [rest[5].id]
    assert records.position(pg_db, pg_demo.id, rest[5].id, incomplete_only=True) == 0
    assert records.position(pg_db, pg_demo.id, first[0].id, incomplete_only=True) is None
    ref = rest[5].ref
    found = records.page(pg_db, pg_demo.id, 0, 10, search=ref[-6:])
    assert ref in [r.ref for r in found]
    assert records.count(pg_db, pg_demo.id, search="btp-12") == 100    # ignoring case
    assert records.count(pg_db, pg_demo.id, search="no such ref") == 0
    assert records.find_ref(pg_db, pg_demo.id, ref.lower()) == rest[5].id
    assert open_transactions(pg_db.target) == 0


def write_incidents(path: Path, n: int = 240) -> Path:
    areas = ["North", "South", "East", "", "West"]
    return write_csv(path, ["Incident", "area", "date"],
                     [[f"INC-{i:05d}", areas[i % 7 % 5], f"2024-01-{i % 28 + 1:02d}"]
                      for i in range(n)])


def test_incidents_and_sample_as_on_sqlite(pg_db, tmp_path):
    from reviewer.store.audits import get_audit
    from reviewer.store.db import Database
    from reviewer.store.incidents import population_size
    from reviewer.store.records import count
    from tests.actions import create_audit, draw_sample, import_incident_list

    listed = write_incidents(tmp_path / "incidents.csv")
    results = []
    sqlite = Database(str(tmp_path / "reviewer.db"))
    try:
        for db in (pg_db, sqlite):
            audit = create_audit(db, "Sample", ASB_SET)
            assert import_incident_list(db, audit, listed, "incident") == 240
            assert import_incident_list(db, audit, listed, "Incident") == 240   # replaces
            assert population_size(db, audit.id) == 240
            stratified = draw_sample(db, audit, size=30, seed=7, stratify_by="area")
            simple = draw_sample(db, audit, percent=10, seed=3)
            assert count(db, audit.id) == 30 + simple.added
            results.append((stratified.refs, stratified.strata, simple.refs, simple.skipped,
                            get_audit(db, "Sample").records))
    finally:
        sqlite.close()
    assert results[0] == results[1]
    assert sum(results[0][1].values()) == 30 and results[0][1][""] > 0


def test_report_pdf(pg_db, pg_demo, tmp_path):
    from pypdf import PdfReader

    from tests.actions import build_report

    out = build_report(pg_db, pg_demo, tmp_path / "report.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert AUDIT in text and "test-reviewer" in text


@pytest.mark.parametrize("threshold, analyzed", [(50, True), (10_000, False)])
def test_a_large_import_refreshes_the_planners_statistics(pg_db, monkeypatch, threshold,
                                                            analyzed):
    """After an import of at least ``staging.ANALYZE_ROWS`` rows the record and answer tables
    are analyzed (so the first tally after it is planned for their size); a small one leaves
    that to autovacuum."""
    from reviewer.store import staging
    from tests.actions import create_audit, import_answers

    monkeypatch.setattr(staging, "ANALYZE_ROWS", threshold)
    import_answers(pg_db, create_audit(pg_db, AUDIT, ASB_SET), DEMO_CSV, "test-reviewer")
    done = dict(pg_db.all("SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                          "WHERE relname IN ('record', 'answer')"))
    assert done == {"record": analyzed, "answer": analyzed}
