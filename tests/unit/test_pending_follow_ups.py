"""docs/contracts.md §1: while a parent is unanswered its follow-ups are unanswered too (not n/a),
an answer to such a follow-up is refused at import and when scoring, and clearing a parent clears
them."""

from __future__ import annotations

import pytest

from reviewer.errors import ReviewerError
from reviewer.figures import tally
from reviewer.ops import scoring
from reviewer.ops.importer import ImportProblems
from reviewer.store.audits import question_set
from tests import actions
from tests.actions import create_audit, import_answers
from tests.conftest import ASB_SET


def audit_with(db, tmp_path, body: str):
    path = tmp_path / "a.csv"
    path.write_text("ref,2,2a,2b\n" + body)
    audit = create_audit(db, "Pending", ASB_SET)
    return audit, path


def test_answer_to_a_follow_up_of_an_unanswered_parent_is_refused(db, tmp_path):
    audit, path = audit_with(db, tmp_path, "R1,,Y,\nR2,Y,Y,Age\n")
    with pytest.raises(ImportProblems) as err:
        import_answers(db, audit, path, "t")
    assert err.value.problems == [
        f"{path}:2:2a: question 2a is asked only when 2 is Y, but 2 is not answered, "
        "so 2a must be blank"]
    assert tally(db, audit).records == 0


def test_follow_ups_of_an_unanswered_parent_count_as_unanswered(db, tmp_path):
    audit, path = audit_with(db, tmp_path, "R1,,,\nR2,N,,\n")
    import_answers(db, audit, path, "t")
    t = tally(db, audit).by_id()
    assert (t["2a"].unanswered, t["2a"].na) == (1, 1)        # R1 pending, R2 not asked
    assert (t["2b"].unanswered, t["2b"].na) == (1, 1)


def test_clearing_a_parent_clears_its_follow_ups_and_scoring_refuses_them(db, tmp_path):
    audit, path = audit_with(db, tmp_path, "R1,Y,Y,Age\n")
    import_answers(db, audit, path, "t")
    qs = question_set(db, audit)
    rid = db.scalar("SELECT id FROM record WHERE ref = 'R1'")
    view = actions.score(db, qs, rid, "2", "", "t")
    assert view.states["2a"] == (0, None) and view.states["2b"] == (0, None)
    assert tally(db, audit).by_id()["2b"].unanswered == 1
    with pytest.raises(ReviewerError, match="answer question 2 first"):
        actions.score(db, qs, rid, "2a", "Y", "t")
    view = actions.undo_last(db, qs, audit.id, "t")
    assert scoring.load_record(db, qs, rid).states["2b"] == (1, "Age")
