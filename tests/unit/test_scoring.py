"""Scoring one record at a time (reviewer.ops.scoring) and browsing records
(reviewer.store.records)."""

from __future__ import annotations

import pytest

from reviewer.errors import ReviewerError
from reviewer.ops import scoring
from reviewer.questions.logic import ANSWERED, NA, NOT_ASKED, UNANSWERED
from reviewer.store import records
from reviewer.store.audits import get_audit, question_set
from reviewer.store.db import Database
from tests import actions
from tests.actions import create_audit, import_answers
from tests.unit.helpers import SMALL_HEADER, write_csv, write_set

NAME = "Small"


@pytest.fixture()
def setup(db, tmp_path):
    """An audit of the small set with five records, all unanswered (fields only)."""
    audit = create_audit(db, NAME, write_set(tmp_path))
    rows = [[f"R{i}"] + [""] * (len(SMALL_HEADER) - 2) + [area]
            for i, area in enumerate(["North", "South", "North", "East", "West"], start=1)]
    import_answers(db, audit, write_csv(tmp_path / "in.csv", SMALL_HEADER, rows), "importer")
    audit = get_audit(db, NAME)
    qs = question_set(db, audit)
    ids = {ref: rid for rid, ref in db.all("SELECT id, ref FROM record")}
    return audit, qs, ids


def answer_all(db, qs, rid, answers: dict[str, str], who="rev") -> scoring.RecordView:
    view = None
    for qid, value in answers.items():
        view = actions.score(db, qs, rid, qid, value, who)
    return view


FULL = {"1": "Y", "2": "Y", "2a": "Y", "2b": "Age", "3": "Response", "3a": "N", "4": "Late"}


def test_score_saves_at_once(db, setup):
    audit, qs, ids = setup
    view = actions.score(db, qs, ids["R1"], "1", "yes", "alice")
    assert view.states["1"] == (ANSWERED, "Y")
    assert view.answered_by("1") == "alice"
    other = Database(db.target)      # a second connection on the same file sees it at once
    try:
        row = other.one("SELECT state, value, reviewer FROM answer WHERE record_id = ? "
                        "AND question_id = '1'", (ids["R1"],))
        assert row == (ANSWERED, "Y", "alice")
        assert scoring.load_record(other, qs, ids["R1"]).states["1"] == (ANSWERED, "Y")
    finally:
        other.close()


def test_answers_are_parsed_like_cells(db, setup):
    _, qs, ids = setup
    view = answer_all(db, qs, ids["R1"], {"3": " cid ", "4": "late; WRONG TYPE", "5": " hi "})
    assert view.states["3"] == (ANSWERED, "CID")
    assert view.states["4"] == (ANSWERED, "Wrong type;Late")
    assert view.states["5"] == (ANSWERED, "hi")
    with pytest.raises(ReviewerError):
        actions.score(db, qs, ids["R1"], "1", "Maybe", "rev")
    with pytest.raises(ReviewerError):
        actions.score(db, qs, ids["R1"], "99", "Y", "rev")


def test_a_parent_shows_and_hides_follow_ups(db, setup):
    _, qs, ids = setup
    rid = ids["R1"]
    view = scoring.load_record(db, qs, rid)
    assert view.states["2a"] == (UNANSWERED, None)            # pending, not n/a
    view = actions.score(db, qs, rid, "2", "N", "rev")
    assert view.states["2a"][0] == NOT_ASKED and view.states["2b"][0] == NOT_ASKED
    view = actions.score(db, qs, rid, "2", "Y", "rev")
    assert view.states["2a"] == (UNANSWERED, None)            # asked now
    assert view.states["2b"] == (UNANSWERED, None)            # pending on 2a
    view = actions.score(db, qs, rid, "2a", "Y", "rev")
    view = actions.score(db, qs, rid, "2b", "Disability", "rev")
    assert view.states["2b"] == (ANSWERED, "Disability")
    # Changing the parent stops the follow-ups: they become not asked, their answers cleared.
    view = actions.score(db, qs, rid, "2", "N", "rev")
    assert view.states["2a"] == (NOT_ASKED, None) and view.states["2b"] == (NOT_ASKED, None)
    stored = dict(db.all("SELECT question_id, value FROM answer WHERE record_id = ?", (rid,)))
    assert stored.get("2a") is None and stored.get("2b") is None
    # Asking again does not bring the old answers back.
    view = actions.score(db, qs, rid, "2", "Y", "rev")
    assert view.states["2a"] == (UNANSWERED, None) and view.states["2b"] == (UNANSWERED, None)


def test_a_list_condition(db, setup):
    _, qs, ids = setup
    view = actions.score(db, qs, ids["R1"], "3", "None", "rev")
    assert view.states["3a"][0] == NOT_ASKED
    view = actions.score(db, qs, ids["R1"], "3", "CID", "rev")
    assert view.states["3a"] == (UNANSWERED, None)


def test_answering_a_question_not_asked_is_refused(db, setup):
    _, qs, ids = setup
    actions.score(db, qs, ids["R1"], "2", "N", "rev")
    before = db.all("SELECT * FROM answer ORDER BY record_id, question_id")
    with pytest.raises(ReviewerError) as info:
        actions.score(db, qs, ids["R1"], "2a", "Y", "rev")
    assert "not asked" in str(info.value)
    assert db.all("SELECT * FROM answer ORDER BY record_id, question_id") == before
    # n/a for a question that is not asked is what it already is: accepted.
    view = actions.score(db, qs, ids["R1"], "2a", "n/a", "rev")
    assert view.states["2a"][0] == NOT_ASKED


def test_na_refused_where_na_is_false(db, setup):
    _, qs, ids = setup
    with pytest.raises(ReviewerError) as info:
        actions.score(db, qs, ids["R1"], "3", "n/a", "rev")
    assert "n/a" in str(info.value)
    assert actions.score(db, qs, ids["R1"], "1", "N/A", "rev").states["1"] == (NA, None)


def test_set_note(db, setup):
    _, qs, ids = setup
    view = actions.set_note(db, qs, ids["R2"], "1", "  could not hear  ")
    assert view.note("1") == "could not hear"
    assert view.states["1"] == (UNANSWERED, None)             # a note is not an answer
    view = actions.score(db, qs, ids["R2"], "1", "Y", "rev")
    assert view.note("1") == "could not hear"                 # answering keeps the note
    view = actions.set_note(db, qs, ids["R2"], "1", "")
    assert view.note("1") == "" and view.states["1"] == (ANSWERED, "Y")
    with pytest.raises(ReviewerError):
        actions.set_note(db, qs, ids["R2"], "nope", "x")


def test_undo_last_restores_the_previous_answer(db, setup):
    audit, qs, ids = setup
    rid = ids["R1"]
    answer_all(db, qs, rid, {"1": "Y"}, who="alice")
    actions.score(db, qs, rid, "1", "N", "bob")
    assert actions.undo_last(db, qs, audit.id, "bob") == (rid, "1")
    view = scoring.load_record(db, qs, rid)
    assert view.states["1"] == (ANSWERED, "Y") and view.answered_by("1") == "alice"
    assert actions.undo_last(db, qs, audit.id, "bob") is None      # never someone else's
    assert actions.undo_last(db, qs, audit.id, "alice") == (rid, "1")
    assert scoring.load_record(db, qs, rid).states["1"] == (UNANSWERED, None)
    assert actions.undo_last(db, qs, audit.id, "alice") is None


def test_undo_never_overwrites_a_later_change_by_someone_else(db, setup):
    audit, qs, ids = setup
    rid = ids["R1"]
    actions.score(db, qs, rid, "1", "Y", "alice")
    actions.score(db, qs, rid, "1", "N", "bob")
    done = scoring.undo_last(actions.ws(db, "alice"), audit.id, qs)
    assert done.value is None and "changed since (by bob)" in done.message
    assert scoring.load_record(db, qs, rid).states["1"] == (ANSWERED, "N")
    history = [(e.action, e.reviewer, e.before, e.after) for e in
               actions.ws(db).history(audit.id, "R1")]
    assert history == [("answer", "alice", None, "Y"), ("answer", "bob", "Y", "N")]


def test_undo_brings_back_cleared_follow_ups(db, setup):
    audit, qs, ids = setup
    rid = ids["R1"]
    answer_all(db, qs, rid, {"2": "Y", "2a": "Y", "2b": "Other"})
    actions.set_note(db, qs, rid, "2b", "stated by caller")
    actions.score(db, qs, rid, "2", "N", "rev")
    assert scoring.load_record(db, qs, rid).states["2b"] == (NOT_ASKED, None)
    assert actions.undo_last(db, qs, audit.id, "rev") == (rid, "2")
    view = scoring.load_record(db, qs, rid)
    assert view.states["2"] == (ANSWERED, "Y")
    assert view.states["2a"] == (ANSWERED, "Y")
    assert view.states["2b"] == (ANSWERED, "Other")
    assert view.note("2b") == "stated by caller"


def test_undo_is_per_audit(db, setup, tmp_path):
    audit, qs, ids = setup
    other = create_audit(db, "Other", tmp_path / "set.yaml")
    actions.score(db, qs, ids["R1"], "1", "Y", "rev")
    assert actions.undo_last(db, qs, other.id) is None
    assert scoring.load_record(db, qs, ids["R1"]).states["1"] == (ANSWERED, "Y")


def complete(db, rid) -> bool:
    return bool(db.scalar("SELECT complete FROM record WHERE id = ?", (rid,)))


def test_the_complete_flag_is_kept_up_to_date(db, setup):
    audit, qs, ids = setup
    rid = ids["R1"]
    answer_all(db, qs, rid, {"1": "Y", "2": "N", "3": "None"})
    assert not complete(db, rid)
    view = actions.score(db, qs, rid, "4", "Late", "rev")     # text question 5 is not needed
    assert view.complete(qs) and complete(db, rid)
    actions.score(db, qs, rid, "2", "Y", "rev")               # 2a is asked now: incomplete
    assert not complete(db, rid)
    actions.score(db, qs, rid, "2", "N", "rev")
    assert complete(db, rid)
    actions.score(db, qs, rid, "1", "", "rev")                # clearing an answer
    assert not complete(db, rid)
    actions.undo_last(db, qs, audit.id, "rev")
    assert complete(db, rid)
    assert get_audit(db, NAME).complete == 1


# -- records -----------------------------------------------------------------------------------
def test_count_and_page(db, setup):
    audit, qs, ids = setup
    assert records.count(db, audit.id) == 5
    page = records.page(db, audit.id, 1, 2)
    assert [r.ref for r in page] == ["R2", "R3"]
    assert page[0].fields == {"area": "South"} and page[0].complete is False
    assert [r.ref for r in records.page(db, audit.id, 4, 10)] == ["R5"]
    assert records.page(db, audit.id, 10, 10) == []
    assert records.count(db, audit.id, search="r") == 5       # LIKE is case-insensitive
    assert [r.ref for r in records.page(db, audit.id, 0, 10, search="4")] == ["R4"]


def test_incomplete_only_and_position(db, setup):
    audit, qs, ids = setup
    answer_all(db, qs, ids["R2"], {"1": "Y", "2": "N", "3": "None", "4": "n/a"})
    assert complete(db, ids["R2"])
    assert records.count(db, audit.id, incomplete_only=True) == 4
    refs = [r.ref for r in records.page(db, audit.id, 0, 10, incomplete_only=True)]
    assert refs == ["R1", "R3", "R4", "R5"]
    assert records.position(db, audit.id, ids["R3"]) == 2
    assert records.position(db, audit.id, ids["R3"], incomplete_only=True) == 1
    assert records.position(db, audit.id, ids["R2"], incomplete_only=True) is None
    assert records.position(db, audit.id, ids["R3"], search="R4") is None
    assert records.position(db, audit.id, 10_000) is None


def test_find_ref(db, setup):
    audit, _, ids = setup
    assert records.find_ref(db, audit.id, "R3") == ids["R3"]
    assert records.find_ref(db, audit.id, " r3 ") == ids["R3"]
    assert records.find_ref(db, audit.id, "R33") is None


def test_next_incomplete(db, setup):
    audit, qs, ids = setup
    for ref in ("R3", "R4"):
        answer_all(db, qs, ids[ref], {"1": "Y", "2": "N", "3": "None", "4": "n/a"})
    seq = {ref: db.scalar("SELECT seq FROM record WHERE id = ?", (rid,))
           for ref, rid in ids.items()}
    assert records.next_incomplete(db, audit.id) == ids["R1"]
    assert records.next_incomplete(db, audit.id, seq["R2"]) == ids["R5"]
    assert records.next_incomplete(db, audit.id, seq["R5"]) == ids["R1"]   # wraps round
    for ref in ("R1", "R2", "R5"):
        answer_all(db, qs, ids[ref], {"1": "Y", "2": "N", "3": "None", "4": "n/a"})
    assert records.next_incomplete(db, audit.id) is None


def test_undo_after_an_import_never_stores_an_answer_to_a_question_not_asked(db, setup,
                                                                               tmp_path):
    audit, qs, ids = setup
    rid = ids["R1"]
    answer_all(db, qs, rid, {"2": "Y", "2a": "Y"})
    actions.score(db, qs, rid, "2a", "N", "rev")             # undo would put back 2a = Y
    path = write_csv(tmp_path / "change.csv", ["ref", "2"], [["R1", "N"]])
    import_answers(db, audit, path, "importer")              # 2a is not asked any more
    assert actions.undo_last(db, qs, audit.id, "rev") is None    # changed since: not undone
    rows = dict(db.all("SELECT question_id, state FROM answer WHERE record_id = ?", (rid,)))
    assert rows["2a"] == NOT_ASKED
    from reviewer.figures import tally

    t = tally(db, get_audit(db, NAME)).by_id()["2a"]
    assert (t.yes, t.no) == (0, 0)
