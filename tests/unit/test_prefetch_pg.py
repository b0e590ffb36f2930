"""A one-record operation on PostgreSQL: its reads go with the write lock, its writes in one
pipeline with the commit (``store.prefetch``; docs/performance.md, "A team of scorers at once").

The statements are watched as psycopg sends them; the failure cases use a real trigger that
refuses a write, so the error comes back only when the pipeline is synced at the commit.
"""

from __future__ import annotations

import psycopg
import pytest

from tests.conftest import ASB_SET, DEMO_CSV
from tests.unit.pg import _url_admin, open_transactions, pg_snapshot

AUDIT = "BTP ASB 2012"


@pytest.fixture()
def demo(pg_db):
    from reviewer.store.audits import get_audit, question_set
    from tests.actions import create_audit, import_answers

    import_answers(pg_db, create_audit(pg_db, AUDIT, ASB_SET), DEMO_CSV, "test-reviewer")
    audit = get_audit(pg_db, AUDIT)
    rids = [r[0] for r in pg_db.all("SELECT id FROM record WHERE audit_id = ? ORDER BY id "
                                    "LIMIT 2", (audit.id,))]
    return audit, question_set(pg_db, audit), rids


def _other_answer(db, qs, record_id: int) -> str:
    """An answer to question 1 that changes the record's."""
    from reviewer.ops.scoring import load_record
    from reviewer.questions.logic import ANSWERED

    return "N" if load_record(db, qs, record_id).states["1"] == (ANSWERED, "Y") else "Y"


def _slow_pipelines(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client slowed while it fills a pipeline, as on a loaded machine: an error the
    server sends back then arrives before the last statement is queued."""
    import time

    real = psycopg.Cursor.execute

    def slow(self, query, params=None, **kw):
        if self.connection.pgconn.pipeline_status != psycopg.pq.PipelineStatus.OFF:
            time.sleep(0.05)
        return real(self, query, params, **kw)

    monkeypatch.setattr(psycopg.Cursor, "execute", slow)


def _watch(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """(statement, sent in pipeline mode) for every statement psycopg is asked to send, and
    ("SYNC", True) for every sync of a pipeline: the client then waits for the server, one
    round trip."""
    from psycopg import _pipeline_base

    sent: list[tuple[str, bool]] = []
    real = psycopg.Cursor.execute
    real_sync = _pipeline_base.BasePipeline._enqueue_sync

    def execute(self, query, params=None, **kw):
        piped = self.connection.pgconn.pipeline_status != psycopg.pq.PipelineStatus.OFF
        sent.append((str(query), piped))
        return real(self, query, params, **kw)

    def sync(self):
        sent.append(("SYNC", True))
        return real_sync(self)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    monkeypatch.setattr(_pipeline_base.BasePipeline, "_enqueue_sync", sync)
    return sent


def test_an_answer_reads_with_the_lock_and_writes_in_one_pipeline(pg_db, demo, monkeypatch):
    from reviewer.ops import scoring
    from reviewer.questions.logic import ANSWERED
    from tests.actions import score, set_note, undo_last, ws

    audit, qs, (rid, _) = demo
    old = score(pg_db, qs, rid, "1", "Y").states["1"]
    alice = ws(pg_db, "alice")
    sent = _watch(monkeypatch)
    view = scoring.score(alice, audit.id, qs, rid, "1", "N").value
    monkeypatch.undo()
    assert view.states["1"] == (ANSWERED, "N") and view.answered_by("1") == "alice"
    # every statement in a pipeline: the lock and the reads, then the writes and the commit
    assert sent and all(piped for _, piped in sent), sent
    syncs = [i for i, (sql, _) in enumerate(sent) if sql == "SYNC"]
    assert len(syncs) == 2 and syncs[1] == len(sent) - 1, sent       # two round trips
    first, second = [sql for sql, _ in sent[:syncs[0]]], [sql for sql, _ in sent[syncs[0] + 1:]]
    assert first[0] == "BEGIN" and "pg_advisory_xact_lock" in " ".join(first)
    for read in ("JOIN pg_roles", "FROM audit a", "FROM event WHERE audit_id",
                 "FROM record WHERE id", "FROM answer WHERE record_id"):
        assert any(read in sql for sql in first), read     # read in the lock's round trip
    assert not any(sql.lstrip().upper().startswith("SELECT") for sql in second), second
    assert any("INSERT INTO event" in sql for sql in second) and second[-2] == "COMMIT"
    # the pipelined changes are all there once committed, and undo goes the same way
    assert set_note(pg_db, qs, rid, "1", "checked", "alice").note("1") == "checked"
    assert undo_last(pg_db, qs, audit.id, "alice") == (rid, "1")
    assert undo_last(pg_db, qs, audit.id, "alice") == (rid, "1")
    from reviewer.ops.scoring import load_record
    assert load_record(pg_db, qs, rid).states["1"] == old
    assert open_transactions(pg_db.target) == 0


@pytest.mark.parametrize("slow", [False, True])
def test_a_write_refused_at_the_commit_is_reported_and_nothing_is_kept(pg_db, demo, caplog,
                                                                       monkeypatch, slow):
    """The undo entry's INSERT is refused by a trigger: the error comes back at the pipeline's
    sync (or, the client slowed, while the pipeline is still being filled); the answer, the
    history event and the undo entry are all rolled back, psycopg logs nothing more, and the
    next answer on the same connection is saved as usual."""
    from tests.actions import score

    if slow:
        _slow_pipelines(monkeypatch)
    audit, qs, (rid, other) = demo
    with _url_admin(pg_db.target) as admin:
        admin.execute("CREATE FUNCTION refuse_undo() RETURNS trigger LANGUAGE plpgsql AS $$ "
                      f"BEGIN IF NEW.record_id = {int(rid)} THEN "
                      "RAISE EXCEPTION 'undo refused for the test'; END IF; RETURN NEW; END $$")
        admin.execute("CREATE TRIGGER refuse_undo BEFORE INSERT ON undo FOR EACH ROW "
                      "EXECUTE FUNCTION refuse_undo()")
    before = pg_snapshot(pg_db.target)
    with pytest.raises(Exception, match="undo refused for the test"):
        score(pg_db, qs, rid, "1", _other_answer(pg_db, qs, rid), "alice")
    assert pg_snapshot(pg_db.target) == before          # nothing of it was kept
    assert open_transactions(pg_db.target) == 0
    assert not caplog.records        # one error, not a second one logged by psycopg
    view = score(pg_db, qs, other, "1", _other_answer(pg_db, qs, other), "alice")   # goes on
    assert view.answered_by("1") == "alice"
    assert pg_snapshot(pg_db.target)["event"] != before["event"]


def test_a_refusal_inside_the_pipeline_leaves_the_connection_usable(pg_db, demo):
    """A refusal raised by the operation itself once the reads are in (the record is not in
    the audit named): nothing written, no transaction left open."""
    from reviewer.errors import NotFound
    from reviewer.ops import scoring
    from tests.actions import create_audit, score, ws

    audit, qs, (rid, _) = demo
    other = create_audit(pg_db, "Other", ASB_SET)
    before = pg_snapshot(pg_db.target)
    with pytest.raises(NotFound, match="is not in audit 'Other'"):
        scoring.score(ws(pg_db, "alice"), other.id, qs, rid, "1", "N")
    assert pg_snapshot(pg_db.target) == before
    assert open_transactions(pg_db.target) == 0
    assert score(pg_db, qs, rid, "1", _other_answer(pg_db, qs, rid),
                 "alice").answered_by("1") == "alice"


def test_a_held_row_is_waited_for_and_nothing_else_is_said(pg_db, demo, caplog, monkeypatch):
    """Another session holds the record's row: the lock's pipeline fails at the row (NOWAIT),
    the answer lets the write lock go, waits for the row and is saved once it is free, and
    psycopg logs nothing on the way (a second error would reach the user's terminal). The
    client is slowed while it fills a pipeline, as on a loaded machine, so that the server's
    refusal comes back before the last statement is sent."""
    import threading

    from tests.actions import score

    audit, qs, (rid, _) = demo
    _slow_pipelines(monkeypatch)
    with _url_admin(pg_db.target) as other:
        other.execute("BEGIN")
        other.execute(f"SELECT 1 FROM record WHERE id = {int(rid)} FOR UPDATE")
        threading.Timer(0.5, other.execute, ("COMMIT",)).start()
        view = score(pg_db, qs, rid, "1", _other_answer(pg_db, qs, rid), "alice")
    assert view.answered_by("1") == "alice"
    assert not caplog.records
    assert open_transactions(pg_db.target) == 0
