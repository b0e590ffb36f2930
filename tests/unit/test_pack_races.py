"""Scorers racing on the same records (docs/performance.md, "One record's pack read and written
directly"): on SQLite an answer reads its record's whole pack and writes it back, so two scorers
answering other questions of one record at once would lose each other's answers were the pack
read before the write lock. Four real processes, each answering its own question on every
record of a shared list, pass after pass, flipping its answers: every record ends with each
scorer's last answer, with the history of every answer (both engines)."""

from __future__ import annotations

from reviewer.store.verify import replay_answers, verify_chain
from tests.actions import create_audit, import_answers
from tests.unit.races import QUESTIONS, Race, open_db, refs, stored, write_answers, write_set

AUDIT = "Race"
SCORERS = ("alice", "bob", "carol", "dan")



def test_scorers_on_other_questions_of_the_same_records_lose_nothing(target, tmp_path):
    rows = refs("R", 30)
    base = tmp_path / "base.csv"
    write_answers(base, rows, QUESTIONS[20:], salt=0, extra={"area": "North"})
    with open_db(target) as db:
        audit = create_audit(db, AUDIT, write_set(tmp_path))
        import_answers(db, audit, base)
        ids = dict(db.all("SELECT ref, id FROM record"))
    (tmp_path / "race").mkdir()
    race = Race(tmp_path / "race", target)
    try:
        passes = 3
        racers = [race.worker("score", name, AUDIT, question=QUESTIONS[i], passes=passes,
                              records=[[ids[r], "Y" if (k + i) % 2 else "N"]
                                       for k, r in enumerate(rows)])
                  for i, name in enumerate(SCORERS)]
        race.go()
        for r in racers:
            r.ok()
    finally:
        race.kill()
    flip = {"Y": "N", "N": "Y"}
    with open_db(target) as db:
        found = stored(db, AUDIT)
        audit_id = db.scalar("SELECT id FROM audit WHERE name = ?", (AUDIT,))
        verify_chain(db, audit_id)          # each raises on a broken chain or a lost answer
        replay_answers(db, audit_id)
    for i, name in enumerate(SCORERS):
        for k, r in enumerate(rows):
            first = "Y" if (k + i) % 2 else "N"
            last = first if (passes - 1) % 2 == 0 else flip[first]
            assert found[(r, QUESTIONS[i])] == (last, name), (r, QUESTIONS[i])
        assert len(racers[i].events("scored")) == passes * len(rows)
    for q in QUESTIONS[20:]:                      # the imported answers are all still there
        assert all((r, q) in found for r in rows)
