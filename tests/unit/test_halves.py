"""An import's merge made in two halves at once (``store.halves``; docs/performance.md, "Two
halves at once"): a helper process that fails, or answers out of turn, is stopped, and its
half made by the importing connection, with the same result."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from reviewer.store import halves
from reviewer.store.audits import get_audit
from reviewer.store.db import Database
from reviewer.store.verify import replay_answers, verify_chain
from tests.actions import create_audit, import_answers
from tests.unit.helpers import write_csv, write_set

HEADER = ["ref", "1", "2", "2a", "3", "note:1"]


def _rows(answer: str) -> list[list[str]]:
    return [[f"R{n}", answer, "Y", "N", "CID", f"note {answer}" if n % 3 else ""]
            for n in range(40)]


def _stored(tmp_path: Path, name: str) -> tuple[list, list]:
    """Two imports, the second merged in halves: the stored answers and records."""
    db = Database(str(tmp_path / f"{name}.db"))
    audit = create_audit(db, "S", write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / "1.csv", HEADER, _rows("Y")))
    import_answers(db, get_audit(db, "S"), write_csv(tmp_path / "2.csv", HEADER, _rows("N")))
    verify_chain(db, audit.id)
    replay_answers(db, audit.id)
    try:
        return (db.all("SELECT record_id, question_id, state, value, note, reviewer, event_seq "
                       "FROM answer ORDER BY record_id, question_id"),
                db.all("SELECT id, fields, complete FROM record ORDER BY id"))
    finally:
        db.close()


def test_a_helper_that_fails_is_stopped_and_its_half_made_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(halves, "MIN_ROWS", 1)
    monkeypatch.setattr(halves, "PROCESSORS", 2)
    real_ask, real_stop = halves._ask, halves.stop
    seen: list[tuple[str, object]] = []

    def ask(helper, job) -> None:                 # a statement the helper cannot run
        seen.append(("job", job["table"]))
        real_ask(helper, {**job, "select": "SELECT x FROM nowhere"})

    def stop(db: Database, kill: bool = False) -> None:
        seen.append(("stop", kill))
        real_stop(db, kill)

    monkeypatch.setattr(halves, "stop", stop)
    whole = _stored(tmp_path, "whole")
    seen.clear()
    monkeypatch.setattr(halves, "_ask", ask)
    broken = _stored(tmp_path, "broken")
    assert broken == whole
    # one job sent, the helper killed after its failure; none started again for the patch
    first = seen.index(("job", "merge_rec"))
    assert seen[first:first + 2] == [("job", "merge_rec"), ("stop", True)]
    assert ("job", "merge_patch") not in seen
    assert {row[3] for row in broken[0] if row[1] == "1"} == {"N"}     # the second import's


def test_an_answer_out_of_turn_is_a_failure() -> None:
    helper = SimpleNamespace(stdout=io.StringIO("ok 1\n"), jobs=2, pending=True)
    with pytest.raises(RuntimeError, match="ok 1"):
        halves._answer(helper)
    done = SimpleNamespace(stdout=io.StringIO("ok 2\n"), jobs=2, pending=True)
    halves._answer(done)
    assert not done.pending
    with pytest.raises(RuntimeError, match="ended"):
        halves._answer(SimpleNamespace(stdout=io.StringIO(""), jobs=1, pending=True))
