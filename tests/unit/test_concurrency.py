"""Concurrent use loses nothing (docs/contracts.md §2, §3, §6), on SQLite and on PostgreSQL.

Every racer is a real process of its own (``tests/unit/races.py`` starts them,
``tests/unit/race_worker.py`` is what they run): ``reviewer`` command lines run as
``python -m reviewer`` runs them, scorers calling ``reviewer.ops.scoring.score`` in a loop, a
process holding the write lock. Racers wait at a barrier after their imports and start their
work together; each logs when it asked for, took and let go of the write lock, and every test
first asserts that its racers really were at work at the same time, then that nothing was lost.

Where a lost update would need one writer to act between another's reading and writing, the
window is held open on purpose: an import pauses after staging its file, before it asks for the
lock, until the test lets it go on (other imports have staged theirs, or scorers have answered
more), so the dangerous interleaving happens on every run, not by luck. Figures (overlaps,
waits) are printed for ``pytest -s`` and never asserted on beyond their order.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer.ops.importer import MERGE_TRIES
from reviewer.store.db import sqlite_path
from reviewer.store.verify import replay_answers, verify_chain
from tests.unit.helpers import tally_json
from tests.unit.races import (
    QUESTIONS,
    WAITING,
    Race,
    Racer,
    lock_order,
    naive_tally,
    open_db,
    overlap,
    refs,
    replay,
    snapshot,
    stored,
    write_answers,
    write_set,
)

AUDIT = "Race"
# Records the racers share, refs new to the audit in the first race, records in each of two
# large imports: big enough for imports to take a while (PostgreSQL's are slower, so smaller).
SIZES = {"sqlite": (2000, 500, 20_000), "postgresql": (1000, 200, 10_000)}



def sizes(target: str) -> tuple[int, int, int]:
    return SIZES["sqlite" if sqlite_path(target) is not None else "postgresql"]


@pytest.fixture()
def race(target: str, tmp_path: Path):
    (tmp_path / "race").mkdir()
    race = Race(tmp_path / "race", target)
    yield race
    race.kill()


def make_audit(target: str, tmp_path: Path, rows: list[str],
               questions: list[str] | None = None) -> dict:
    """The audit, with ``rows`` as records that have answers to ``questions`` only (none by
    default); returns those answers."""
    from tests.actions import create_audit, import_answers

    base = tmp_path / "base.csv"
    cells = write_answers(base, rows, questions or [], salt=0, extra={"area": "North"})
    with open_db(target) as db:
        audit = create_audit(db, AUDIT, write_set(tmp_path))
        if rows:
            import_answers(db, audit, base)
    return cells


def history(target: str) -> list:
    from reviewer.store.history import events

    with open_db(target) as db:
        return events(db, db.scalar("SELECT id FROM audit WHERE name = ?", (AUDIT,)))


def summary(racer: Racer) -> str:
    lines = [x for x in racer.err.splitlines() if WAITING not in x]
    assert len(lines) == 1, racer.err
    return lines[0]


def report(what: str, value: float, unit: str = "s") -> None:
    """A figure, shown with ``pytest -s``; never asserted on."""
    print(f"{what}: {value:.2f} {unit}" if unit == "s" else f"{what}: {value:g} {unit}")


def both_staged_then_write(race: Race, *importers: Racer) -> None:
    """Start the imports together; once each has read and staged its file (and read nothing of
    the database's answers), let them all ask for the write lock at once."""
    race.go()
    for r in importers:
        race.wait(race.paused(r.name).exists, f"{r.name} to stage its file")
    race.resume()
    for r in importers:
        r.ok()
    first, *rest = lock_order(*importers)
    assert all(r.at("paused") < first.at("locked") for r in rest)
    for r in rest:
        report(f"{r.name} waited for the lock", r.at("locked") - r.at("request"))


# -- 1. imports of different questions into the same records both land -------------------------
def test_imports_of_different_questions_both_land(target, race, tmp_path):
    n, new, _ = sizes(target)
    old = refs("R", n)
    make_audit(target, tmp_path, old)
    rows = old + refs("N", new)
    first = write_answers(tmp_path / "first.csv", rows, QUESTIONS[1:7], salt=1)
    second = write_answers(tmp_path / "second.csv", rows[::-1], QUESTIONS[7:13], salt=2)
    a = race.cli("importer-1", "answers", "import", AUDIT, str(tmp_path / "first.csv"),
                 pause=True)
    b = race.cli("importer-2", "answers", "import", AUDIT, str(tmp_path / "second.csv"),
                 pause=True)
    both_staged_then_write(race, a, b)
    earlier, later = lock_order(a, b)
    report("two imports overlapped", overlap(a, b))

    merged = {**first, **second}
    with open_db(target) as db:
        assert {k: v for k, (v, _) in stored(db, AUDIT).items()} == merged
        assert db.scalar("SELECT COUNT(*) FROM record") == n + new
        counted = {q["id"]: (q["yes"], q["no"]) for q in tally_json(db, AUDIT)["questions"]}
    assert counted == naive_tally(merged)
    assert "new records" in summary(a) and "new records" in summary(b)
    imports = [e for e in history(target) if e.action == "import"][1:]    # after the base
    assert sorted(e.detail.split()[0] for e in imports) == ["first.csv", "second.csv"]
    assert [e.reviewer for e in imports] == [earlier.name, later.name]
    assert imports[0].detail.endswith(f"new={new} updated={n}")
    assert imports[1].detail.endswith(f"new=0 updated={n + new}")
    assert not [e for e in history(target) if e.action == "answer"]   # nothing was replaced


# -- 2. the same refs from two processes become updates ----------------------------------------
def test_the_same_new_refs_from_two_processes_become_updates(target, race, tmp_path):
    make_audit(target, tmp_path, [])
    n = sizes(target)[0]
    rows = refs("R", n)
    files = {"importer-1": write_answers(tmp_path / "one.csv", rows, QUESTIONS[:5], salt=3),
             "importer-2": write_answers(tmp_path / "two.csv", rows, QUESTIONS[:5], salt=4)}
    a = race.cli("importer-1", "answers", "import", AUDIT, str(tmp_path / "one.csv"),
                 pause=True)
    b = race.cli("importer-2", "answers", "import", AUDIT, str(tmp_path / "two.csv"),
                 pause=True)
    both_staged_then_write(race, a, b)
    for r in (a, b):
        assert "IntegrityError" not in r.err and "database error" not in r.err
    earlier, later = lock_order(a, b)
    report("two imports of the same refs overlapped", overlap(a, b))
    assert f"{n} new records, 0 updated" in summary(earlier)
    assert f"0 new records, {n} updated" in summary(later)

    before, after = files[earlier.name], files[later.name]
    with open_db(target) as db:
        assert db.scalar("SELECT COUNT(*) FROM record") == n
        assert {k: v for k, (v, _) in stored(db, AUDIT).items()} == after
    replaced = {k for k in after if before[k] != after[k]}
    events = [e for e in history(target) if e.action == "answer"]
    assert {(e.ref, e.question) for e in events} == replaced and len(events) == len(replaced)
    assert all(e.reviewer == later.name and (e.before, e.after) == (before[e.ref, e.question],
               after[e.ref, e.question]) for e in events)


def scorers_in_the_window(race: Race, stop: Path, csv: Path, passes: int, at_least: int,
                          records_of: Callable[[int], list]) -> tuple[list[Racer], Racer]:
    """Two scorers (alice, bob) answer ``a`` on their records (``records_of(0)``, ``(1)``)
    until ``stop`` exists, while an import of ``csv`` waits, its file staged and its merge
    made, before the lock, until each has answered ``at_least`` more; then the import writes
    while they go on. Every racer ended well."""
    scorers = [race.worker("score", name, AUDIT, question="a", stop=str(stop), after_stop=3,
                           passes=passes, records=records_of(i))
               for i, name in enumerate(("alice", "bob"))]
    importer = race.cli("importer", "answers", "import", AUDIT, str(csv), pause=True)
    race.go()
    race.wait(race.paused("importer").exists, "the import to stage its file")
    staged = time.time()
    race.wait(lambda: all(len([e for e in s.events("scored") if e["t"] > staged]) >= at_least
                           for s in scorers), "scores while the import waited for the lock")
    race.resume()
    importer.ok()
    stop.touch()
    for s in scorers:
        s.ok()
        assert not s.err and not s.events("exhausted")
    return scorers, importer


# -- 3. an import during scoring keeps every answer given --------------------------------------
def test_an_import_during_scoring_keeps_every_answer(target, race, tmp_path):
    # Two scorers answer a, one by one; the import fills b .. m; n .. z were answered before.
    rows = refs("R", sizes(target)[0])
    earlier = make_audit(target, tmp_path, rows, QUESTIONS[13:])
    imported = write_answers(tmp_path / "rest.csv", rows, QUESTIONS[1:13], salt=5)
    with open_db(target) as db:
        ids = dict(db.all("SELECT ref, id FROM record"))
    order = rows[:]
    random.Random(7).shuffle(order)
    stop = tmp_path / "stop"
    # Each scorer goes over its half of the records again and again, flipping its answers on
    # each pass, until it is told to stop: every answer it gives changes the stored one.
    scorers, importer = scorers_in_the_window(
        race, stop, tmp_path / "rest.csv", 20, 10,
        lambda i: [[ids[r], "Y" if k % 3 else "N"] for k, r in enumerate(order[i::2])])
    # SQLite: the merge made before the lock read records the scorers then changed: made again
    # before the lock while they go on (written as made once they left it alone), the last
    # time under it, a record at a time, and taken there
    made = [e["before_lock"] for e in importer.events("merge")]
    if sqlite_path(target) is None:
        assert made == []
    else:
        assert made[0] is False and not any(made[:-1]) and len(made) <= MERGE_TRIES + 1
        assert made[-1]

    start, locked, released = (importer.at(k) for k in ("start", "locked", "released"))
    scored = [(s.name, e) for s in scorers for e in s.events("scored")]
    window = sum(start < e["t"] < locked for _, e in scored)
    assert window >= 20                                          # before it took the lock
    assert sum(e["t"] > released for _, e in scored) >= 6       # and after it wrote
    report("import at work alongside the scorers", released - start)
    report("answers scored while the import was at work, before it wrote", window, "answers")
    report("the import waited for the lock", locked - importer.at("request"))
    # How long a scorer waited behind the import (docs/performance.md): the longest gap between
    # two of one scorer's answers that overlaps the import's hold of the lock.
    gaps = [b["t"] - a["t"] for s in scorers
            for a, b in itertools.pairwise(s.events("scored"))
            if a["t"] < released and b["t"] > locked]
    report("the longest a scorer waited while the import wrote", max(gaps, default=0.0))

    id_ref = {v: k for k, v in ids.items()}
    given: dict[str, list[tuple[str, str]]] = {}     # ref -> the answers to a, in order
    for who, e in scored:
        given.setdefault(id_ref[e["rid"]], []).append((e["answer"], who))
    with open_db(target) as db:
        found = stored(db, AUDIT)
        complete = dict(db.all("SELECT ref, complete FROM record"))
    assert {k: v for k, v in found.items() if k[1] == "a"} == {
        (ref, "a"): answers[-1] for ref, answers in given.items()}
    assert {k: v for k, (v, _) in found.items() if k[1] != "a"} == {**earlier, **imported}
    assert {r for r, c in complete.items() if c} == set(given)
    events: dict[str, list[tuple[str, str]]] = {}
    for e in history(target):
        if e.action == "answer":
            assert e.question == "a"
            events.setdefault(e.ref, []).append((e.after, e.reviewer))
    assert events == given


# -- 3b. scorers on other records: the merge made before the lock is written as made ----------
def test_scorers_on_other_records_leave_the_merge_made_before_the_lock(target, race,
                                                                       tmp_path):
    # The import changes b .. m of the first half of the records; two scorers answer a on the
    # other half, before the import takes the lock (while it is paused) and while it writes.
    rows = refs("R", sizes(target)[0])
    mine, theirs = rows[: len(rows) // 2], rows[len(rows) // 2:]
    earlier = make_audit(target, tmp_path, rows, QUESTIONS[1:13])
    changed = write_answers(tmp_path / "changed.csv", mine, QUESTIONS[1:13], salt=9)
    with open_db(target) as db:
        ids = dict(db.all("SELECT ref, id FROM record"))
    stop = tmp_path / "stop"
    scorers, importer = scorers_in_the_window(
        race, stop, tmp_path / "changed.csv", 40, 5,
        lambda i: [[ids[r], "Y"] for r in theirs[i::2]])
    sqlite = sqlite_path(target) is not None
    assert [e["before_lock"] for e in importer.events("merge")] == ([True] if sqlite else [])
    locked, released = importer.at("locked"), importer.at("released")
    gaps = [b["t"] - a["t"] for s in scorers
            for a, b in itertools.pairwise(s.events("scored"))
            if a["t"] < released and b["t"] > locked]
    report("the longest a scorer waited while the import wrote", max(gaps, default=0.0))

    last: dict[str, tuple[str, str]] = {}
    for s in scorers:
        for e in s.events("scored"):
            last[e["rid"]] = (e["answer"], s.name)
    id_ref = {v: k for k, v in ids.items()}
    with open_db(target) as db:
        found = stored(db, AUDIT)
        audit_id = db.scalar("SELECT id FROM audit WHERE name = ?", (AUDIT,))
        verify_chain(db, audit_id)
        replay_answers(db, audit_id)
    assert {k: v for k, v in found.items() if k[1] == "a"} == {
        (id_ref[rid], "a"): answer for rid, answer in last.items()}
    assert {k: v for k, (v, _) in found.items() if k[1] != "a"} == {**earlier, **changed}
    replaced = {k for k in changed if earlier[k] != changed[k]}
    events = [e for e in history(target) if e.action == "answer" and e.question != "a"]
    assert {(e.ref, e.question) for e in events} == replaced and len(events) == len(replaced)
    imported = next(e for e in history(target) if e.action == "import" and e.reviewer ==
                    "importer")
    scored_first = [e for e in history(target) if e.question == "a" and e.seq < imported.seq]
    assert len(scored_first) >= 10           # answered in the window: the seqs moved past them
    assert all(e.seq > imported.seq and e.reviewer == "importer" for e in events)


# -- 4. a writer that must wait waits; one that gives up writes nothing ------------------------
def hold_lock(race: Race, tmp_path: Path) -> tuple[Racer, Path]:
    locked, release = tmp_path / "locked", tmp_path / "release"
    holder = race.worker("hold", "holder", AUDIT, gated=False, locked=str(locked),
                         release=str(release), max=60)
    race.wait(locked.exists, "the holder to take the write lock")
    return holder, release


def test_a_writer_waits_its_turn_and_one_that_gives_up_writes_nothing(target, race, tmp_path):
    rows = refs("R", 200)
    make_audit(target, tmp_path, rows)
    cells = write_answers(tmp_path / "answers.csv", rows, QUESTIONS[:3], salt=6)
    holder, release = hold_lock(race, tmp_path)
    before = snapshot(target)
    # With little patience (0.5 s): writers give up, with one line and nothing written; readers
    # never wait for the lock.
    impatient = {"env": {"REVIEWER_LOCK_TIMEOUT": "0.5"}, "gated": False}
    writers = [race.cli("importer", "answers", "import", AUDIT, str(tmp_path / "answers.csv"),
                        **impatient),
               race.cli("creator", "audit", "create", "Another", "--set",
                        str(write_set(tmp_path)), **impatient)]
    readers = [race.cli("historian", "history", AUDIT, "--format", "json", **impatient),
               race.cli("counter", "tally", AUDIT, "--format", "json", **impatient)]
    for w in writers:
        w.finish()
        assert w.code == 1 and w.out == "" and "Traceback" not in w.err
        assert len(w.err.splitlines()) == 1 and "another writer" in w.err, w.err
        assert w.at("request") and not w.events("locked")
    for r in readers:
        r.ok()
        assert f'"audit": "{AUDIT}"' in r.out and not r.events("request")
    assert not holder.events("released")      # all of that while the lock was held
    assert snapshot(target) == before
    # With the default patience: the writer waits, says so once, and goes on when it can.
    patient = race.cli("patient", "answers", "import", AUDIT, str(tmp_path / "answers.csv"),
                       gated=False)
    race.wait(lambda: bool(patient.events("request")), "the import to ask for the lock")
    time.sleep(max(0.0, patient.at("request") + 1.5 - time.time()))
    assert not holder.events("released")
    release.touch()
    holder.ok()
    patient.ok()
    waited = patient.at("locked") - patient.at("request")
    assert waited >= 1.5
    report("the import waited for the lock", waited)
    assert patient.err.count(WAITING) == 1 and len(patient.err.splitlines()) == 2
    assert "200 updated" in summary(patient)
    with open_db(target) as db:
        assert {k: v for k, (v, _) in stored(db, AUDIT).items()} == cells


# -- 5. two large imports at once both succeed -------------------------------------------------
def test_two_large_imports_at_once_both_succeed(target, race, tmp_path):
    make_audit(target, tmp_path, [])
    big = sizes(target)[2]
    cells = {}
    racers = []
    for i in (1, 2):
        path = tmp_path / f"big{i}.csv"
        cells.update(write_answers(path, refs(f"B{i}", big), QUESTIONS[:3], salt=i,
                                   extra={"area": f"Area {i}"}))
        racers.append(race.cli(f"importer-{i}", "answers", "import", AUDIT, str(path)))
    race.go()
    for r in racers:
        r.ok()
        assert "database is locked" not in r.err and "database error" not in r.err
        assert f"{big} new records, 0 updated" in summary(r)
    earlier, later = lock_order(*racers)
    assert later.at("start") < earlier.at("released")
    report("two large imports overlapped", overlap(*racers))
    report("the later large import waited for the lock", later.at("locked") - later.at("request"))
    with open_db(target) as db:
        assert {k: v for k, (v, _) in stored(db, AUDIT).items()} == cells
        seqs = [s for (s,) in db.all("SELECT seq FROM record ORDER BY seq")]
        counted = {q["id"]: (q["yes"], q["no"]) for q in tally_json(db, AUDIT)["questions"]}
    assert seqs == list(range(1, 2 * big + 1))
    assert counted == naive_tally(cells)


# -- 6. undo is per reviewer, across processes -------------------------------------------------
def test_undo_never_takes_back_another_reviewers_answer(target, race, tmp_path):
    rows = refs("R", 4)
    make_audit(target, tmp_path, rows)
    with open_db(target) as db:
        ids = dict(db.all("SELECT ref, id FROM record"))
    # alice only ever answers Y and bob only N, so a cell's value says whose answer it is.
    racers = []
    for name, answer, seed in (("alice", "Y", 1), ("bob", "N", 2)):
        pick = random.Random(seed)
        ops = [["undo"] if pick.random() < 0.4 else ["score", ids[pick.choice(rows)], "a", answer]
               for _ in range(40)]
        racers.append(race.worker("ops", name, AUDIT, ops=ops, think=0.04))
    race.go()
    for r in racers:
        r.ok()
    assert overlap(*racers) > 0
    logs = {r.name: r.events() for r in racers}
    assert any(e["event"] == "undo" and e["undone"] for log in logs.values() for e in log)
    events = [e for e in history(target) if e.action in ("answer", "undo")]
    switches = sum(a.reviewer != b.reviewer for a, b in zip(events, events[1:], strict=False))
    assert switches >= 1
    report("turns between alice and bob in the history", switches, "turns")
    report("undos done", sum(e.action == "undo" for e in events), "undos")
    with open_db(target) as db:
        assert replay(events, logs) == stored(db, AUDIT)


def test_undo_after_another_reviewer_gave_the_same_answer(target, race, tmp_path):
    make_audit(target, tmp_path, ["R-000000"])
    with open_db(target) as db:
        rid = db.scalar("SELECT id FROM record")
    alice_did, bob_did = str(tmp_path / "alice-did"), str(tmp_path / "bob-did")
    race.worker("ops", "alice", AUDIT, ops=[["score", rid, "a", "Y"], ["touch", alice_did],
                                           ["wait", bob_did], ["undo"]])
    race.worker("ops", "bob", AUDIT, ops=[["wait", alice_did], ["score", rid, "a", "N"],
                                         ["score", rid, "a", "Y"], ["touch", bob_did]])
    race.go()
    for r in race.finish():
        r.ok()
    with open_db(target) as db:
        assert stored(db, AUDIT) == {("R-000000", "a"): ("Y", "bob")}
