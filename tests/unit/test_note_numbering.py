"""A re-import with note columns on SQLite (``store.merge.changes``): each changed cell's
events are numbered in the one pass that writes the change table, a cell with an answer's and
a note's event followed by a copy of itself that takes the second number (no running sum, no
sort). The events come in file order, then asking order, the answer's before the note's, with
consecutive seqs; the answers the import gives to blank cells, with or without a note event
of their own, are listed in its event; and the stored answers replay from the history."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.store import chain, history, import_rows, merge
from reviewer.store.db import Database
from reviewer.store.verify import replay_answers, verify_chain
from tests.actions import create_audit, import_answers
from tests.unit.helpers import write_csv, write_set

SET = """id: gs
title: G
version: 1
sections:
  - id: a
    title: A
questions:
  - id: q1
    section: a
    text: One?
    type: yes_no
  - id: q2
    section: a
    text: Two?
    type: yes_no
"""
HEADER = ["ref", "q1", "q2", "note:q1"]
FIRST = [["R1", "", "Y", "old note"],     # a blank with a note
         ["R2", "N", "Y", ""],
         ["R3", "", "", ""],
         ["R4", "N", "", "n1"],
         ["R5", "Y", "N", "a"]]
SECOND = [["R1", "Y", "N", "new note"],   # given, with a note event; q2 answer event
          ["R2", "Y", "Y", "x"],          # an answer event (a first note has none)
          ["R3", "Y", "", ""],            # given, no event of its own
          ["R4", "Y", "", "n2"],          # an answer's event and a note's
          ["R5", "Y", "N", "b"]]          # a note's event alone
EXPECTED = [("note", "R1", "q1", "old note", "new note"), ("answer", "R1", "q2", "Y", "N"),
            ("answer", "R2", "q1", "N", "Y"),
            ("answer", "R4", "q1", "N", "Y"), ("note", "R4", "q1", "n1", "n2"),
            ("note", "R5", "q1", "a", "b")]


def _merged(folder: Path, monkeypatch: pytest.MonkeyPatch, under_lock: bool
            ) -> tuple[list[tuple], list[list], Database, int]:
    db = Database(str(folder / "n.db"))
    audit = create_audit(db, "N", write_set(folder, SET))
    import_answers(db, audit, write_csv(folder / "1.csv", HEADER, FIRST))
    if under_lock:
        monkeypatch.setattr("reviewer.store.merge_check.unchanged", lambda db: False)
    import_answers(db, audit, write_csv(folder / "2.csv", HEADER, SECOND))
    found = history.events(db, audit.id)
    last = max(e.seq for e in found if e.action == "import")
    blob = db.scalar("SELECT rows FROM event WHERE audit_id = ? AND seq = ?", (audit.id, last))
    return ([(e.seq, e.action, e.ref, e.question, e.before, e.after)
             for e in found if e.seq > last], list(chain.iter_rows(blob)), db, last)


@pytest.mark.parametrize("under_lock", [False, True])
def test_events_in_order_numbered_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       under_lock: bool) -> None:
    events, given, db, last = _merged(tmp_path, monkeypatch, under_lock)
    assert [e[0] for e in events] == list(range(last + 1, last + 1 + len(EXPECTED)))
    assert [(a, r, q, b, f) for _, a, r, q, b, f in events] == EXPECTED
    ids = dict(db.all("SELECT ref, id FROM record"))
    # R1's q1 has a note event of its own (a positive key), R3's none (a negative one)
    assert sorted(given) == sorted([[ids["R1"], "q1", "Y"], [ids["R3"], "q1", "Y"]])
    replay_answers(db, 1)
    verify_chain(db, 1)
    assert not db.all("SELECT * FROM sqlite_temp_master WHERE name = ?", (merge.TWICE,))
    db.close()


def test_given_read_only_to_the_last_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    """The given answers are read a range of keys at a time, never past the last key the
    change table needs read (the positive keys only hold them with a note column)."""
    monkeypatch.setattr(import_rows, "GIVEN_RANGE", 1)
    events, given, db, _ = _merged(tmp_path, monkeypatch, False)
    assert len(given) == 2 and len(events) == len(EXPECTED)
    replay_answers(db, 1)
    db.close()


@pytest.mark.parametrize("under_lock", [False, True])
def test_a_note_added_to_a_kept_answer_keeps_its_reviewer_and_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, under_lock: bool) -> None:
    """A re-import by someone else that gives the same answers with a first note: each answer
    is kept, still its first reviewer's at their import's time (read, for an answer stored
    compact, from its pack's event), now with the note."""
    db = Database(str(tmp_path / "k.db"))
    audit = create_audit(db, "K", write_set(tmp_path, SET))
    rows = [[f"R{n}", "Y" if n % 2 else "N", "Y", ""] for n in range(6)]
    import_answers(db, audit, write_csv(tmp_path / "1.csv", HEADER, rows), "alice")
    first = db.all("SELECT r.ref, a.question_id, a.reviewer, a.answered_at "
                   "FROM answer a JOIN record r ON r.id = a.record_id ORDER BY 1, 2")
    assert {row[2] for row in first} == {"alice"}
    if under_lock:
        monkeypatch.setattr("reviewer.store.merge_check.unchanged", lambda db: False)
    noted = [[ref, q1, q2, f"note {ref}"] for ref, q1, q2, _ in rows]
    import_answers(db, audit, write_csv(tmp_path / "2.csv", HEADER, noted), "bob")
    after = db.all("SELECT r.ref, a.question_id, a.reviewer, a.answered_at "
                   "FROM answer a JOIN record r ON r.id = a.record_id ORDER BY 1, 2")
    assert after == first
    assert db.scalar("SELECT COUNT(*) FROM answer WHERE note LIKE 'note R%'") == len(rows)
    replay_answers(db, 1)
    db.close()
