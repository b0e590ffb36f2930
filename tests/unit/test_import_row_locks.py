"""An import that updates records merges them before the write lock on PostgreSQL (docs/
performance.md, "Imports and scorers"): it holds the rows of the records it updates, not the
audit, so a scorer of any other record goes on while it merges, and a scorer of one of its
records waits for its commit, then changes the merged answer.

Real processes (``tests/unit/races.py``): the import is held just before it asks for the write
lock, its merge written and uncommitted. Whatever the timing, nothing is lost: the import's
answers where no scorer came after, the scorer's where one did, its event after the import's
with the merged answer as ``before``, ``verify`` passing, and no database error.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.unit.races import QUESTIONS, Race, refs, write_answers
from tests.unit.test_new_ref_races import answers, make_audit, one_line, reviewer

SCORED = 6          # records of the scorer away from the import, each answered once


def record_ids(target: str, audit: str) -> dict[str, int]:
    from tests.unit.races import open_db

    with open_db(target) as db:
        return {ref: int(rid) for rid, ref in db.all(
            "SELECT r.id, r.ref FROM record r JOIN audit a ON a.id = r.audit_id "
            "WHERE a.name = ?", (audit,))}


def history(target: str, audit: str) -> list[dict]:
    shown = reviewer(target, "history", audit, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)["events"]


@pytest.mark.parametrize("updated, questions", [(40, 4), (400, 8)], ids=["events", "packed"])
def test_scorers_and_an_updating_import(pg_url, tmp_path: Path, updated: int, questions: int):
    audit = f"Rows {updated}"
    mine, others = refs("E", updated), refs("F", SCORED)
    asked = QUESTIONS[:questions]
    base = write_answers(tmp_path / "base.csv", mine + others, asked, salt=1)
    make_audit(pg_url, tmp_path, audit, None, tmp_path / "base.csv")
    cells = write_answers(tmp_path / "update.csv", mine, asked, salt=2)
    changed = sum(base[k] != v for k, v in cells.items())
    assert (changed >= 1000) == (updated >= 400)         # packed (store.bundle.PACK_MIN) or not
    ids = record_ids(pg_url, audit)
    race = Race(tmp_path / "race", pg_url)
    race.dir.mkdir()
    go = race.dir / "go"
    target_ref = mine[updated // 2]
    now = answers(pg_url, audit)
    flip = {"Y": "N", "N": "Y"}
    try:
        importer = race.held_import("lock", audit, tmp_path / "update.csv")
        # a scorer away from the import's records is not held up by its merge
        away = race.worker("score", "away", audit, gated=False, question=asked[0],
                           records=[[ids[r], flip[now[(r, asked[0])]]] for r in others])
        race.wait(lambda: bool(away.events("end")), "the scorer away from the import")
        assert not importer.events("end") and importer.proc.poll() is None
        # a scorer of one of its records waits for the import's commit
        on = race.worker("score", "on", audit, gated=False, question=asked[0],
                         records=[[ids[target_ref], flip[cells[(target_ref, asked[0])]]]])
        race.wait(lambda: bool(on.events("start")),
                  "the scorer of an imported record to start")
        time.sleep(1.0)         # time to answer, if nothing held it
        assert not on.events("scored"), "a scorer changed a record the import holds"
        go.touch()
        line = one_line(importer)
        one_line(on)
        one_line(away)
    finally:
        race.kill()
    assert f"0 new records, {updated} updated ({changed} stored answers" in line
    expected = {**base, **cells}
    for r in others:
        expected[(r, asked[0])] = flip[now[(r, asked[0])]]
    expected[(target_ref, asked[0])] = flip[cells[(target_ref, asked[0])]]
    assert answers(pg_url, audit) == expected
    checked = reviewer(pg_url, "verify", audit)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    events = history(pg_url, audit)
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1))
    imported = [i for i, e in enumerate(events) if e["action"] == "import"][-1]
    by_import = [e for e in events[imported + 1:] if e["reviewer"] == "importer"]
    assert len(by_import) == changed
    last = events[-1]
    assert (last["reviewer"], last["ref"], last["question"]) == ("on", target_ref, asked[0])
    assert last["before"] == cells[(target_ref, asked[0])]
    away_events = [i for i, e in enumerate(events) if e["reviewer"] == "away"]
    assert len(away_events) == SCORED and max(away_events) < imported


def test_a_scorer_and_an_assignment_queued_for_the_write_lock(pg_url, tmp_path: Path):
    """A scorer never holds its record's row while it waits for the write lock: an operation
    that writes many records (here an assignment, queued first) takes the lock and writes that
    record while the scorer waits; neither is failed by "deadlock detected"."""
    audit = "Queued"
    rows = refs("Q", 30)
    write_answers(tmp_path / "base.csv", rows, QUESTIONS[:2], salt=1)
    make_audit(pg_url, tmp_path, audit, None, tmp_path / "base.csv")
    rid = record_ids(pg_url, audit)[rows[7]]
    from tests.unit.races import open_db

    with open_db(pg_url) as db:     # the server finds a deadlock long before a wait gives up
        name = db.scalar("SELECT current_database()")
        db.execute(f'ALTER DATABASE "{name}" SET deadlock_timeout = \'50ms\'')
    race = Race(tmp_path / "race", pg_url)
    race.dir.mkdir()
    locked, release = race.dir / "locked", race.dir / "release"
    try:
        race.spawn("holder", {"kind": "hold", "db": pg_url, "locked": str(locked),
                              "release": str(release)}, gated=False)
        race.wait(locked.exists, "the write lock to be held")
        assign = race.cli("lead", "assign", audit, "--to", "alice", gated=False)
        race.wait(lambda: bool(assign.events("request")), "the assignment to ask for the lock")
        time.sleep(0.3)         # queued in the server before the scorer
        scorer = race.worker("score", "scorer", audit, gated=False, question=QUESTIONS[2],
                             records=[[rid, "Y"]])
        race.wait(lambda: bool(scorer.events("start")), "the scorer to start")
        time.sleep(0.3)         # the scorer asks for the lock
        release.touch()
        for racer in (assign, scorer):
            racer.finish()
            assert racer.code == 0, f"{racer.name} exited {racer.code}: {racer.err}"
            assert "database error" not in racer.err and "Traceback" not in racer.err
    finally:
        race.kill()
    assert answers(pg_url, audit)[(rows[7], QUESTIONS[2])] == "Y"
    checked = reviewer(pg_url, "verify", audit)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_undo_of_a_record_the_import_holds(pg_url, tmp_path: Path):
    """A reviewer's undo of an answer on a record an import is merging waits for the import's
    commit, then finds the answer changed since (by the import) and leaves it: "Not undone"."""
    audit = "Undo"
    rows = refs("U", 20)
    asked = QUESTIONS[:3]
    base = write_answers(tmp_path / "base.csv", rows, asked, salt=1)
    make_audit(pg_url, tmp_path, audit, None, tmp_path / "base.csv")
    cells = write_answers(tmp_path / "update.csv", rows, asked, salt=3)
    ref = next(r for r in rows if base[(r, asked[0])] == cells[(r, asked[0])])
    rid = record_ids(pg_url, audit)[ref]
    flip = {"Y": "N", "N": "Y"}
    race = Race(tmp_path / "race", pg_url)
    race.dir.mkdir()
    ready, go, scored = race.dir / "held", race.dir / "go", race.dir / "scored"  # held_import
    try:
        # the reviewer answers first (the import changes it back), then undoes
        mine = race.worker("ops", "mine", audit, gated=False, ops=[
            ["score", rid, asked[0], flip[base[(ref, asked[0])]]], ["touch", str(scored)],
            ["wait", str(ready)], ["undo"]])
        race.wait(scored.exists, "the reviewer's answer")
        importer = race.held_import("lock", audit, tmp_path / "update.csv")
        time.sleep(1.0)         # time to undo, if nothing held it
        assert not mine.events("undo"), "an undo changed a record the import holds"
        go.touch()
        one_line(importer)
        one_line(mine)
    finally:
        race.kill()
    undo = mine.events("undo")[0]
    assert undo["undone"] is None and "Not undone" in undo["message"], undo
    assert answers(pg_url, audit) == {**base, **cells}
    checked = reviewer(pg_url, "verify", audit)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_packs_beyond_what_is_prepared_in_memory(pg_url, tmp_path: Path, monkeypatch):
    """Past ``PREPARE_MAX`` events the packs are made under the write lock, a pack at a time
    (memory stays flat); the history is the same: ``verify`` passes, each change its event."""
    from reviewer.ops import import_merge
    from reviewer.ops.importer import import_answers
    from reviewer.store import staging
    from reviewer.workspace import Workspace

    audit = "Lazy"
    rows, asked = refs("L", 400), QUESTIONS[:8]
    base = write_answers(tmp_path / "base.csv", rows, asked, salt=1)
    make_audit(pg_url, tmp_path, audit, None, tmp_path / "base.csv")
    cells = write_answers(tmp_path / "update.csv", rows, asked, salt=2)
    changed = sum(base[k] != v for k, v in cells.items())
    assert changed >= 1000
    monkeypatch.setattr(import_merge, "PREPARE_MAX", 10)
    monkeypatch.setattr(staging, "SCORER_CELLS", 0)      # merged before the lock, not as a
    ws = Workspace.open(pg_url, "importer")             # scorer's (however small the file)
    try:
        done = import_answers(ws, ws.audit(audit).id, tmp_path / "update.csv")
    finally:
        ws.close()
    assert done.value.changed == changed
    assert answers(pg_url, audit) == {**base, **cells}
    checked = reviewer(pg_url, "verify", audit)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    events = history(pg_url, audit)
    assert len([e for e in events if e["reviewer"] == "importer" and e["action"] == "answer"]
               ) == changed
