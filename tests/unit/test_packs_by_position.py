"""SQLite's answers packed by position (schema 12, docs/performance.md, "Answers packed by
position"): a pack is a JSON array by slot, each audit's questions given a slot each in
``pack_slot`` (its set's in their order); whatever the number of questions (one ``json_array``
call or several, slots with a bit in a patch's mask or past them), an import and a changed
re-import leave exactly the file's answers, and an answer to a question outside the set takes
the next slot."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from reviewer.store import pack_writes, packs
from reviewer.store.db import Database
from reviewer.store.verify import replay_answers
from tests.actions import create_audit, import_answers, score
from tests.actions import ws as workspace
from tests.unit.helpers import write_csv, write_set


def _set(folder: Path, n: int) -> Path:
    lines = ["id: many", "title: Many", "version: 1", "sections:", "  - id: a",
             "    title: A", "questions:"]
    for k in range(n):
        lines += [f'  - id: "q {k}.\\"x\\""', "    section: a", f"    text: Question {k}?",
                  "    type: yes_no"]
    return write_set(folder, "\n".join(lines) + "\n")


def _rows(n: int, records: int, seed: int) -> list[list[str]]:
    rnd = random.Random(seed)
    return [[f"R{i}", *(rnd.choice(["Y", "N", "n/a", ""]) for _ in range(n)), rnd.choice("AB")]
            for i in range(records)]


SIZES = [3, pack_writes.MASKED + 8, pack_writes.ARGS + 30]    # one call, past the mask, chunked


def _imports(folder: Path, n: int, under_lock: bool, monkeypatch: pytest.MonkeyPatch
             ) -> list[tuple]:
    """Three imports of random files into a new database, their merges made before the write
    lock or (``under_lock``) under it; the answers with the events that gave them."""
    folder.mkdir()
    db = Database(str(folder / "p.db"))
    audit = create_audit(db, "A", _set(folder, n))
    header = ["ref", *(f'q {k}."x"' for k in range(n)), "team"]
    with monkeypatch.context() as patched:
        if under_lock:
            patched.setattr("reviewer.store.merge_check.unchanged", lambda db: False)
        for seed in (1, 2, 3):
            import_answers(db, audit, write_csv(folder / f"{seed}.csv", header,
                                                _rows(n, 40, seed)))
    rows = db.all("SELECT r.ref, a.question_id, a.state, a.value, a.reviewer, a.event_seq "
                  "FROM answer a JOIN record r ON r.id = a.record_id ORDER BY 1, 2")
    db.close()
    return rows


@pytest.mark.parametrize("n", SIZES)
def test_entries_counted_from_a_packs_base_name_the_same_events(tmp_path, monkeypatch, n):
    """The third import's merge, made before the lock, writes out the entries the second
    counted from their packs' base (held), in slots past the mask too: every answer names the
    event it names when every merge is made under the lock."""
    before = _imports(tmp_path / "before", n, False, monkeypatch)
    assert before == _imports(tmp_path / "under", n, True, monkeypatch)


@pytest.mark.parametrize("n", SIZES)
def test_a_set_of_any_size_keeps_exactly_the_files_answers(tmp_path, n):
    db = Database(str(tmp_path / "p.db"))
    audit = create_audit(db, "A", _set(tmp_path, n))
    qids = [f'q {k}."x"' for k in range(n)]
    header = ["ref", *qids, "team"]
    # the third file's merge sets the second's entries, counted from their packs' base, again
    for name, seed in (("first.csv", 1), ("changed.csv", 2), ("again.csv", 3)):
        rows = _rows(n, 40, seed)
        import_answers(db, audit, write_csv(tmp_path / name, header, rows))
        expected = sorted((r[0], q, *((1, c) if c in ("Y", "N") else (2, None)))
                          for r in rows for q, c in zip(qids, r[1:-1], strict=True) if c)
        got = db.all("SELECT r.ref, a.question_id, a.state, a.value FROM answer a "
                     "JOIN record r ON r.id = a.record_id")
        assert sorted(got) == expected, name
        counted = sorted(db.all("SELECT question_id, state, value, COUNT(*) FROM answer "
                                "GROUP BY 1, 2, 3"), key=repr)
        assert sorted(packs.tally(db, audit.id), key=repr) == counted
        replay_answers(db, audit.id)      # each answer names the event the history gives it
    assert packs.slots(db, audit.id) == qids          # the set's questions, in order
    for (pack,) in db.all("SELECT pack FROM answer_pack"):
        assert isinstance(json.loads(pack), list) and len(json.loads(pack)) <= n
    db.close()


def test_an_answer_outside_the_set_takes_the_next_slot_and_an_empty_pack_goes(tmp_path):
    db = Database(str(tmp_path / "p.db"))
    audit = create_audit(db, "A", _set(tmp_path, 3))
    import_answers(db, audit, write_csv(tmp_path / "a.csv", ["ref", 'q 0."x"', "team"],
                                        [["R1", "Y", "A"]]))
    rid = int(db.scalar("SELECT id FROM record"))
    with db.transaction():
        db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
                   "reviewer, answered_at) VALUES (?, 'gone', ?, 1, 'N', '', 'x', 't')",
                   (rid, audit.id))
    assert packs.slots(db, audit.id)[3] == "gone"
    pack = json.loads(db.scalar("SELECT pack FROM answer_pack WHERE record_id = ?", (rid,)))
    assert pack[0] == "Y" and pack[1:3] == [None, None] and pack[3][:2] == [1, "N"]
    qs = workspace(db).question_set(audit)
    score(db, qs, rid, 'q 2."x"', "N", reviewer="sam")           # a slot within the pack
    assert db.all("SELECT question_id, value FROM answer WHERE record_id = ? "
                  "ORDER BY question_id", (rid,)) == [
        ('gone', 'N'), ('q 0."x"', 'Y'), ('q 2."x"', 'N')]
    with db.transaction():
        db.execute("DELETE FROM answer WHERE record_id = ?", (rid,))
    assert db.scalar("SELECT COUNT(*) FROM answer_pack") == 0
    db.close()


def test_stored_fields_that_are_not_json_are_a_located_error(tmp_path):
    """A record whose stored fields were changed outside the program into text that is not
    JSON stops a re-import with one line naming it, and nothing is written."""
    from reviewer.errors import DatabaseError

    db = Database(str(tmp_path / "p.db"))
    audit = create_audit(db, "A", _set(tmp_path, 3))
    header = ["ref", *(f'q {k}."x"' for k in range(3)), "team"]
    import_answers(db, audit, write_csv(tmp_path / "a.csv", header, _rows(3, 30, 1)))
    with db.transaction():
        db.execute("UPDATE record SET fields = '{bad' WHERE ref = 'R7'")
    rid = int(db.scalar("SELECT id FROM record WHERE ref = 'R7'"))
    events = db.scalar("SELECT COUNT(*) FROM event")
    with pytest.raises(DatabaseError) as caught:
        import_answers(db, audit, write_csv(tmp_path / "b.csv", header, _rows(3, 30, 2)))
    assert str(caught.value).startswith(f"record id {rid}: its stored fields are not valid")
    assert "\n" not in str(caught.value)
    assert db.scalar("SELECT COUNT(*) FROM event") == events
    db.close()
