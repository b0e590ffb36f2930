"""``Tx.append_packs`` in its pipeline (docs/performance.md, "The events made ready beside the
merge's SQL"): the packs listed on one thread are hashed onto the chain and written by another,
in turn; the history reads and verifies as if written one by one, and an error in either
thread writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer.ops import appending, core
from reviewer.store import bundle, history, verify
from reviewer.store.audits import get_audit
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers, ws
from tests.unit.helpers import write_csv, write_set

NAME = "Packs"


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(str(tmp_path / "r.db"))
    create_audit(database, NAME, write_set(tmp_path))
    rows = [[f"R{n}", "Y", "N", "", "None"] for n in range(1, 4)]
    import_answers(database, get_audit(database, NAME),
                   write_csv(tmp_path / "a.csv", ["ref", "1", "2", "2a", "3"], rows))
    yield database
    database.close()


def _items(n: int, start: int) -> list[list]:
    """Events numbered from ``start``, each made from its own seq."""
    return [["answer", f"R{1 + s % 3}", "1", "Y" if s % 2 else "N", "N" if s % 2 else "Y",
             "test"] for s in range(start, start + n)]


def _packs(db: Database, first: int, sizes: list[int], gap_at: int = -1,
           fail_at: int = -1) -> Iterator[tuple]:
    """Packs of ``sizes`` events from seq ``first``, as ``merge_events.packs`` lists them; the
    pack at ``gap_at`` out of turn, the listing failing at ``fail_at``."""
    seq = first
    for i, size in enumerate(sizes):
        if i == fail_at:
            raise OSError("the listing failed")
        items = _items(size, seq)
        text = bundle.EVENT.join(bundle.element(item) for item in items)
        yield (seq + (1 if i == gap_at else 0), text, [1, 2, 3])
        seq += size


def _append(db: Database, sizes: list[int], **bad: int) -> None:
    audit = get_audit(db, NAME)
    with core.write(ws(db), audit.id, late=True) as tx:
        tx.lock()
        first = tx.reserve(sum(sizes))
        tx.append_packs(_packs(db, first, sizes, **bad))


def _events(db: Database) -> list[tuple]:
    audit_id = get_audit(db, NAME).id
    verify.verify_chain(db, audit_id)
    return [(e.seq, e.action, e.ref, e.question, e.before, e.after)
            for e in history.iter_events(db, audit_id)]


@pytest.mark.parametrize("ahead", [1, 2, 5])
def test_packs_written_in_turn_read_as_their_events(db, monkeypatch, ahead):
    monkeypatch.setattr(appending, "AHEAD", ahead)
    before = _events(db)
    sizes = [3, 1, 4, 1, 5, 9, 2, 6]
    _append(db, sizes)
    after = _events(db)
    added = after[len(before):]
    start = before[-1][0] + 1
    assert [e[0] for e in added] == list(range(start, start + sum(sizes)))
    assert [list(e[1:]) for e in added] == [item[:5] for item in _items(sum(sizes), start)]
    assert db.scalar("SELECT COUNT(*) FROM event WHERE bundle IS NOT NULL") == len(sizes)


@pytest.mark.parametrize("bad", [{"gap_at": 0}, {"gap_at": 5}, {"fail_at": 0},
                                 {"fail_at": 4}])
def test_an_error_in_either_thread_writes_nothing(db, bad):
    before = _events(db)
    with pytest.raises((RuntimeError, OSError)):
        _append(db, [2, 2, 2, 2, 2, 2], **bad)
    assert _events(db) == before
    assert db.scalar("SELECT COUNT(*) FROM event_bundle_record") == 0


def test_an_operation_that_leaves_reserved_seqs_unwritten_fails_and_writes_nothing(db) -> None:
    """Reserved seqs must all be written by the operation's end (``Tx.check_written``): packs
    short of what was reserved leave a gap in the chain, so the operation fails whole."""
    audit = get_audit(db, NAME)
    head = history.chain_head(db, audit.id)
    with pytest.raises(RuntimeError, match="reserved and never written"):
        with core.write(ws(db), audit.id, late=True) as tx:
            tx.lock()
            first = tx.reserve(9)
            tx.append_packs(_packs(db, first, [3, 3]))        # six of the nine
    assert history.chain_head(db, audit.id) == head
    _append(db, [3, 3])                                       # as many as reserved: written
    assert history.chain_head(db, audit.id)[0] == head[0] + 6
