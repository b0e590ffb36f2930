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




@pytest.mark.parametrize("helper", ["works", "fails its packs", "none"])
def test_the_helper_makes_half_the_packs_ready_and_they_are_made_here_if_it_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, helper: str) -> None:
    """The second half of a re-import's packs of events is listed and made ready by the helper
    process (``store.halves_packs``; docs/performance.md, "The packs of events made ready in two
    halves") and read back by the thread that hashes them; where the helper fails that job it
    is stopped and this process lists and makes them ready itself. Either way (and with no
    helper at all) the same answers and records, and a history that verifies."""
    from reviewer.ops import import_packs
    from reviewer.store import bundle, halves_packs, merge

    monkeypatch.setattr(bundle, "PACK_MIN", 0)
    monkeypatch.setattr(merge, "EVENT_BATCH", 7)
    monkeypatch.setattr(import_packs, "MIN_PACKS", 2)
    monkeypatch.setattr(halves, "PROCESSORS", 2)
    whole = _stored(tmp_path, "alone")             # MIN_ROWS as it is: no helper for 40 rows
    monkeypatch.setattr(halves, "MIN_ROWS", 1 if helper != "none" else 10**9)
    real_ask, real_read = halves._ask, halves_packs.read
    jobs: list[str] = []
    read: list[int] = []

    def ask(db_helper, job) -> None:
        jobs.append(job.get("kind", job.get("table")))
        if job.get("kind") == "packs" and helper == "fails its packs":
            job = {**job, "sql": "SELECT x FROM nowhere"}
        real_ask(db_helper, job)

    def counted(path: str):
        for pack in real_read(path):
            read.append(pack[0])
            yield pack

    monkeypatch.setattr(halves, "_ask", ask)
    monkeypatch.setattr(halves_packs, "read", counted)
    assert _stored(tmp_path, helper.replace(" ", "-")) == whole
    if helper == "none":
        assert jobs == [] and read == []
        return
    assert jobs[:2] == ["merge_rec", "packs"]
    if helper == "works":
        assert len(read) >= 2 and read == sorted(read)
        assert "merge_patch" in jobs                 # the helper goes on with the patches
    else:
        assert read == [] and "merge_patch" not in jobs     # stopped, not used again


def test_packs_made_ready_by_the_helper_read_back_as_made_here(tmp_path: Path) -> None:
    """A pack the helper made ready, read back (its parts split out of joined strings), is
    what ``bundle.prepare`` makes of its text with the same salt."""
    import sqlite3

    from reviewer.store import bundle, halves_packs

    texts = ["a", "b c", "café", 'quo"te', "back\\slash", "\u2028x", "", None]
    items = [("note" if n % 5 == 0 else "answer", f"R{n % 4}", f"q{n % 3}",
              texts[n % len(texts)], texts[(n * 3 + 1) % len(texts)], "file.csv")
             for n in range(60)]
    scratch = str(tmp_path / "scratch.db")
    with sqlite3.connect(scratch) as conn:
        conn.execute("CREATE TABLE t (k INTEGER, e TEXT, rid INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)",
                         [(n, bundle.element(item), n % 4) for n, item in enumerate(items)])
    sql = ("SELECT group_concat(e, char(30)), group_concat(DISTINCT rid) FROM (SELECT e, rid "
           "FROM t WHERE ? = 1 AND k BETWEEN ? AND ? ORDER BY k)")
    out = str(tmp_path / "packs.db")
    halves_packs.make(scratch, out, sql, [1], [(5, 0, 29), (35, 30, 59)],
                      ["2026-01-01T00:00:00", "login", "rev"])
    got = list(halves_packs.read(out))
    assert [(first, sorted(rids)) for first, _, rids, _ in got] == [(5, [0, 1, 2, 3]),
                                                                  (35, [0, 1, 2, 3])]
    for (first, held, _, made), part in zip(got, (items[:30], items[30:]), strict=True):
        text = bundle.EVENT.join(bundle.element(item) for item in part)
        assert held.text() == text and held.first == first
        assert made == bundle.prepare("2026-01-01T00:00:00", "login", "rev", text, made.salt)


def test_packs_the_helper_left_out_fail_the_import_with_nothing_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper that says it made the packs ready but left one out (its file short) fails the
    import, with nothing of it written: no history event goes missing."""
    from reviewer.ops import import_packs
    from reviewer.store import bundle, halves_packs, merge

    monkeypatch.setattr(bundle, "PACK_MIN", 0)
    monkeypatch.setattr(merge, "EVENT_BATCH", 7)
    monkeypatch.setattr(import_packs, "MIN_PACKS", 2)
    monkeypatch.setattr(halves, "PROCESSORS", 2)
    monkeypatch.setattr(halves, "MIN_ROWS", 1)
    real_read = halves_packs.read
    monkeypatch.setattr(halves_packs, "read", lambda path: list(real_read(path))[:-1])
    db = Database(str(tmp_path / "short.db"))
    try:
        audit = create_audit(db, "S", write_set(tmp_path))
        import_answers(db, audit, write_csv(tmp_path / "1.csv", HEADER, _rows("Y")))
        before = (db.all("SELECT * FROM answer_pack ORDER BY record_id"),
                  db.all("SELECT seq, hash FROM event ORDER BY seq"))
        with pytest.raises(Exception, match="not those asked for"):
            import_answers(db, get_audit(db, "S"), write_csv(tmp_path / "2.csv", HEADER,
                                                             _rows("N")))
        assert (db.all("SELECT * FROM answer_pack ORDER BY record_id"),
                db.all("SELECT seq, hash FROM event ORDER BY seq")) == before
        verify_chain(db, audit.id)
    finally:
        db.close()


def test_a_pack_kept_in_a_file_reads_back_as_it_was_made_ready(tmp_path):
    """A pack made ready past what memory keeps, written to a file (``halves_packs.Spill``)
    and read back by its seq (``Stored.load``), is the same pack made ready: the same salt,
    parts, indexes, actions and count, so it hashes the same (texts with quotes, controls,
    emoji, and none)."""
    from reviewer.store import bundle, halves_packs

    items = [(["answer", "note"][n % 2], f'R"{n % 5}\x01', f"q{n % 3}",
              None if n % 4 == 0 else f"was {n % 7} 😀", f"now {n % 11}", None)
             for n in range(60)]
    made = bundle.prepare("2026-12-07T10:00:00Z", None, "Ann", bundle.EVENT.join(
        bundle.element(item) for item in items), b"s" * 16)
    spill = halves_packs.Spill(str(tmp_path / "spill.db"))
    try:
        stored = [spill.keep(seq, made) for seq in (5, 900)]
    finally:
        spill.close()
    assert stored == [halves_packs.Stored(str(tmp_path / "spill.db"), 5),
                      halves_packs.Stored(str(tmp_path / "spill.db"), 900)]
    back = stored[1].load()
    assert back == made
    assert bundle.chain_prepared(3, None, 900, back) == bundle.chain_prepared(3, None, 900, made)
    with pytest.raises(RuntimeError, match="not in"):
        halves_packs.Stored(str(tmp_path / "spill.db"), 6).load()


def test_a_pack_that_cannot_be_kept_in_a_file_is_left_to_be_made_ready_again(tmp_path):
    """Where the spill file cannot be written (here: its folder is not there; a full disk
    alike), ``Spill.keep`` gives None (the pack is made ready again should the lock hash it
    again), for that pack and those after it, and a file gone is a clear error."""
    from reviewer.store import bundle, halves_packs

    made = bundle.prepare("2026-12-07T10:00:00Z", None, "Ann", bundle.element(
        ("answer", "R1", "q1", "Y", "N", None)), b"s" * 16)
    spill = halves_packs.Spill(str(tmp_path / "gone" / "spill.db"))
    assert [spill.keep(seq, made) for seq in (1, 2)] == [None, None]
    assert spill.failed and spill.conn is None
    with pytest.raises(RuntimeError, match="is gone"):
        halves_packs.Stored(str(tmp_path / "gone" / "spill.db"), 1).load()
    assert not (tmp_path / "gone").exists()
