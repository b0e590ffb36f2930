"""Processes bringing the same NEW refs at the same moment (docs/performance.md, "Imports and
scorers"; docs/contracts.md §2, §3): imports of files sharing new refs, and a sample drawn while
an import brings the refs it draws, on SQLite and on PostgreSQL.

Whatever the interleaving, the outcome is the one of running them one after the other: no
database error, each ref one record, the later import merging into the record the earlier one
made (its answers the ones stored), a sample skipping a ref an import made and an import
updating a record a sample made, every import's event in the history, and ``verify`` passing.

Every racer is a real process (``tests/unit/races.py``). Started together at a barrier, the
racers are repeated a few rounds; on PostgreSQL, where an import writes its new records before
it takes the write lock, the two dangerous windows are also held open on purpose: a sample
commits the refs after the import matched them and before it writes them (``insert``), or asks
for them while the import's records are written and not yet committed (``lock``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.unit.races import (
    QUESTIONS,
    ROOT,
    WAITING,
    Race,
    Racer,
    lock_order,
    open_db,
    refs,
    stored,
    write_answers,
    write_set,
)

ROUNDS = 3            # barrier-started rounds of imports
IMPORTERS = 3         # racing in each
SHARED, OWN = 150, 20  # refs every racer of a round brings, refs only one brings
DELAYS = (0.0, 0.001, 0.003, 0.006)  # s between an import's asking for the lock and a sample



def is_pg(target: str) -> bool:
    return "://" in target


def make_audit(target: str, tmp_path: Path, name: str, population: list[str] | None = None,
               base: Path | None = None) -> None:
    """An empty audit of the 26 yes/no questions; with ``population``, an incident list of
    those refs; with ``base``, that answer table imported."""
    from tests.actions import create_audit, import_answers, import_incident_list

    with open_db(target) as db:
        audit = create_audit(db, name, write_set(tmp_path))
        if base is not None:
            import_answers(db, audit, base)
        if population:
            listed = tmp_path / f"{name}-incidents.csv"
            listed.write_text("incident,area\n" + "".join(f"{r},North\n" for r in population),
                              encoding="utf-8")
            import_incident_list(db, audit, listed, "incident")


def reviewer(target: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", "--db", target, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def imports_in_history(target: str, audit: str) -> list[dict]:
    """The audit's ``import`` events as ``history --format json`` gives them; ``verify``
    passes first."""
    checked = reviewer(target, "verify", audit)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    shown = reviewer(target, "history", audit, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    events = json.loads(shown.stdout)
    events = events["events"] if isinstance(events, dict) else events
    return [e for e in events if e["action"] == "import"]


def one_line(racer: Racer) -> str:
    """The racer's only line on stderr (besides the wait notices): never a database error."""
    racer.finish()
    lines = [x for x in racer.err.splitlines() if WAITING not in x]
    assert racer.code == 0 and len(lines) <= 1, f"{racer.name} exited {racer.code}: {racer.err}"
    assert "database error" not in racer.err and "Traceback" not in racer.err, racer.err
    return lines[0] if lines else ""


def answers(target: str, audit: str) -> dict[tuple[str, str], str]:
    with open_db(target) as db:
        return {k: v for k, (v, _) in stored(db, audit).items()}


def record_refs(target: str, audit: str) -> list[str]:
    with open_db(target) as db:
        return [r for (r,) in db.all("SELECT r.ref FROM record r JOIN audit a ON a.id = "
                                     "r.audit_id WHERE a.name = ? ORDER BY r.seq", (audit,))]


# -- N imports of files that share new refs -----------------------------------------------------
def test_imports_sharing_new_refs_at_once(target, tmp_path):
    for round_ in range(ROUNDS):
        audit = f"Race {round_}"
        make_audit(target, tmp_path, audit)
        race = Race(tmp_path / f"race-{round_}", target)
        race.dir.mkdir()
        shared = refs(f"S{round_}", SHARED)
        files, importers = {}, []
        try:
            for i in range(IMPORTERS):
                rows = shared + refs(f"U{round_}x{i}", OWN)
                name = f"importer-{i}"
                files[name] = write_answers(tmp_path / f"{audit}-{i}.csv", rows,
                                            QUESTIONS[:4], salt=10 * round_ + i)
                importers.append(race.cli(name, "answers", "import", audit,
                                          str(tmp_path / f"{audit}-{i}.csv")))
            race.go()
            lines = {r.name: one_line(r) for r in importers}
        finally:
            race.kill()
        order = lock_order(*importers)
        # the first to commit made the shared records; each later one updated them
        assert f"{SHARED + OWN} new records, 0 updated" in lines[order[0].name]
        for later in order[1:]:
            assert f"{OWN} new records, {SHARED} updated" in lines[later.name], lines
        expected: dict = {}
        for r in order:
            expected.update(files[r.name])
        assert answers(target, audit) == expected
        assert sorted(record_refs(target, audit)) == sorted(
            {ref for ref, _ in expected})
        events = imports_in_history(target, audit)
        assert [e["reviewer"] for e in events] == [r.name for r in order]


# -- a sample and an import of the same refs ----------------------------------------------------
def sample_and_import(target: str, tmp_path: Path, audit: str, hold: str | None,
                      delay: float = 0.0) -> None:
    """A sample of every incident and an import of the same refs, in one audit: the sample
    starts ``delay`` s after the import asks for the lock, its file staged; with ``hold``
    (PostgreSQL) the sample runs while the import is held at that point instead."""
    population = refs(f"P{audit[-1]}", SHARED)
    make_audit(target, tmp_path, audit, population)
    race = Race(tmp_path / f"race-{audit}", target)
    race.dir.mkdir()
    cells = write_answers(tmp_path / f"{audit}.csv", population, QUESTIONS[:4], salt=7)
    spec = ["answers", "import", audit, str(tmp_path / f"{audit}.csv")]
    try:
        if hold is None:
            importer = race.cli("importer", *spec)
            sampler = race.worker("sample", "lead", audit, size=SHARED, seed=1,
                                  after=[str(importer.log), delay])
            race.go()
        else:
            ready, go = race.dir / "held", race.dir / "go"
            importer = race.spawn("importer", {
                "kind": "cli", "hold": [hold, str(ready), str(go)],
                "args": ["--db", target, "--reviewer", "importer", *spec]}, gated=False)
            race.wait(ready.exists, f"the import to reach {hold}")
            sampler = race.worker("sample", "lead", audit, size=SHARED, seed=1, gated=False)
            race.wait(lambda: bool(sampler.events("request")), "the sample to ask for the lock")
            time.sleep(0.5)     # time to write its records and commit, if nothing stops it
            go.touch()
        line = one_line(importer)
        one_line(sampler)
    finally:
        race.kill()
    sampled = sampler.events("sampled")[0]
    if sampled["added"]:       # the sample first: the import updated its records
        assert (sampled["added"], sampled["skipped"]) == (SHARED, 0)
        assert f"0 new records, {SHARED} updated" in line
    else:                      # the import first: the sample found every ref there
        assert sampled["skipped"] == SHARED
        assert f"{SHARED} new records, 0 updated" in line
    assert answers(target, audit) == cells
    assert sorted(record_refs(target, audit)) == population
    assert [e["reviewer"] for e in imports_in_history(target, audit)] == ["importer"]


def test_a_sample_and_an_import_of_the_same_refs_at_once(target, tmp_path):
    for round_, delay in enumerate(DELAYS):
        sample_and_import(target, tmp_path, f"Sample {round_}", None, delay)


@pytest.mark.parametrize("hold", ["insert", "lock"])
def test_a_sample_inside_the_imports_window(pg_url, tmp_path, hold):
    sample_and_import(pg_url, tmp_path, "Held 1", hold)


def test_an_import_meeting_a_ref_added_meanwhile_runs_again(pg_url, tmp_path):
    """The import's own defence, whoever the other writer is: here a sample taking the write
    lock alone (as an earlier version of the program does) adds the refs after the import
    matched them as new and before it writes them. The import rolls back and runs again with the
    write lock held from the start: it updates those records and the ones it had already."""
    from tests.actions import WHO

    audit, population, existing = "Again", refs("P", SHARED), refs("E", OWN)
    base = write_answers(tmp_path / "base.csv", existing, QUESTIONS[4:6], salt=1)
    make_audit(pg_url, tmp_path, audit, population, tmp_path / "base.csv")
    cells = write_answers(tmp_path / "file.csv", existing + population, QUESTIONS[:4], salt=7)
    race = Race(tmp_path / "race", pg_url)
    race.dir.mkdir()
    go = race.dir / "go"
    try:
        importer = race.held_import("insert", audit, tmp_path / "file.csv")
        sampler = race.worker("sample", "lead", audit, size=SHARED, seed=1, gated=False,
                              write_lock_only=True)
        race.wait(lambda: bool(sampler.events("end")), "the sample to commit")
        go.touch()
        line = one_line(importer)
    finally:
        race.kill()
    assert sampler.events("sampled")[0]["added"] == SHARED
    assert f"0 new records, {SHARED + OWN} updated (0 stored answers" in line
    assert answers(pg_url, audit) == {**base, **cells}
    assert sorted(record_refs(pg_url, audit)) == sorted(existing + population)
    events = imports_in_history(pg_url, audit)
    assert [e["reviewer"] for e in events] == [WHO, "importer"]
    assert events[-1]["detail"].endswith(f"new=0 updated={SHARED + OWN}")



def test_only_a_records_ref_counts_as_taken(pg_db, tmp_path):
    """``store.staging.ref_taken`` names the record's (audit, ref) key alone: another unique
    key (an audit's name) or another error is no reason to run an import again."""
    from reviewer.store.staging import ref_taken
    from tests.actions import create_audit, import_answers

    audit = create_audit(pg_db, "Keys", write_set(tmp_path))
    write_answers(tmp_path / "one.csv", refs("R", 1), QUESTIONS[:1], salt=0)
    import_answers(pg_db, audit, tmp_path / "one.csv")
    found = []
    for sql in ("INSERT INTO record (id, audit_id, seq, ref, fields, complete) "
                "SELECT id + 100, audit_id, seq + 1, ref, fields, complete FROM record",
                "INSERT INTO audit SELECT * FROM audit", "SELECT 1 / 0"):
        with pytest.raises(Exception) as caught:
            with pg_db.transaction():
                pg_db.execute(sql)
        found.append(ref_taken(caught.value))
    assert found == [True, False, False]
