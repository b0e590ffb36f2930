"""Agreement on PostgreSQL reads the next audits ahead on connections of their own
(store/aligned_ahead.py; docs/performance.md, "Agreement read ahead on PostgreSQL"): every
audit is read in the snapshot of the first connection, so a change committed by another session
after the reading began is not seen, in any audit, however many audits there are; and the
figures do not depend on the order the server gives the answer groups in."""

from __future__ import annotations

import time
from contextlib import closing

import numpy as np
import pytest

from tests.unit.helpers import run_cli, write_csv, write_set

ONE_QUESTION = """\
id: one
title: One question
version: 1
questions:
  - id: "1"
    text: Were repeats checked?
    type: yes_no
"""


def _setup(capsys, db: str, tmp_path, audits: int) -> None:
    qs = write_set(tmp_path, ONE_QUESTION)
    for k in range(audits):
        assert run_cli(capsys, "--db", db, "audit", "create", f"A{k}", "--set", str(qs))[0] == 0
        rows = [[f"R{i}", "Y" if (i + k) % 3 else "N"] for i in range(12)]
        path = write_csv(tmp_path / f"a{k}.csv", ["ref", "1"], rows)
        assert run_cli(capsys, "--db", db, "answers", "import", f"A{k}", str(path))[0] == 0


def _answers(laid) -> list[dict[int, str]]:
    """Per audit: record id -> its answer, from what the reader handed on."""
    out = []
    for ids, _seqs, groups in laid:
        got: dict[int, str] = {}
        for _qid, _state, value, rids in groups:
            for rid in np.asarray(rids).tolist():
                got[rid] = value
        assert sorted(got) == sorted(np.asarray(ids).tolist())
        out.append(got)
    return out


@pytest.mark.parametrize("audits", [2, 3, 5])
def test_every_audit_is_read_in_one_snapshot(capsys, tmp_path, pg_url, audits) -> None:
    from reviewer.store import aligned, aligned_ahead
    from reviewer.store.audits import list_audits
    from reviewer.store.db import Database

    _setup(capsys, pg_url, tmp_path, audits)
    db = Database(pg_url)
    try:
        ids = {a.name: a.id for a in list_audits(db)}
        wanted = [(ids[f"A{k}"], ["1"]) for k in range(audits)]
        with aligned.reading(db):
            base = [row for rows in aligned.base_records(db, ids["A0"]) for row in rows]
            # another session changes an answer of every audit after the reading began
            changed = write_csv(tmp_path / "changed.csv", ["ref", "1"], [["R0", "N"],
                                                                       ["R1", "N"]])
            for k in range(audits):
                assert run_cli(capsys, "--db", pg_url, "answers", "import", f"A{k}",
                               str(changed))[0] == 0
            laid = aligned_ahead.audits(db, ids["A0"], wanted)
            assert not hasattr(laid, "gi_frame")        # read ahead, not one by one
            with closing(laid):
                seen = _answers(laid)
        with aligned.reading(db), closing(aligned_ahead.audits(db, ids["A0"], wanted)) as laid:
            after = _answers(laid)
    finally:
        db.close()
    assert len(base) == 12 and len(seen) == audits == len(after)
    for k in range(audits):
        first = sum(1 for i in range(12) if (i + k) % 3 == 0)       # "N" as first imported
        now = sum(1 for i in range(2, 12) if (i + k) % 3 == 0) + 2   # R0 and R1 made "N"
        assert list(seen[k].values()).count("N") == first != now
        assert list(after[k].values()).count("N") == now


def test_closing_before_reading_ends_the_connections(capsys, tmp_path, pg_url) -> None:
    from reviewer.store import aligned, aligned_ahead
    from reviewer.store.audits import list_audits
    from reviewer.store.db import Database

    _setup(capsys, pg_url, tmp_path, 3)
    db = Database(pg_url)
    try:
        ids = [a.id for a in list_audits(db)]

        def sessions() -> int:        # (the statistics are read afresh in the transaction)
            db.execute("SELECT pg_stat_clear_snapshot()")
            return int(db.scalar("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = "
                                 "current_database()"))

        before = sessions()
        with aligned.reading(db):
            laid = aligned_ahead.audits(db, ids[0], [(i, ["1"]) for i in ids])
            assert sessions() == before + 2
            laid.close()                                  # never iterated
            # a closed connection's server process ends a moment after the client lets go
            # (asynchronously): its row leaves pg_stat_activity then, so wait a little for it
            deadline = time.monotonic() + 5
            while sessions() != before and time.monotonic() < deadline:
                time.sleep(0.05)
            assert sessions() == before
    finally:
        db.close()


def test_inside_another_transaction_the_audits_are_read_on_its_connection(capsys, tmp_path,
                                                                         pg_url) -> None:
    """A transaction that wrote sees its own writes; other connections would not: there the
    audits are read one after the other on its connection."""
    from reviewer.store import aligned, aligned_ahead
    from reviewer.store.audits import list_audits
    from reviewer.store.db import Database

    class Undone(Exception):
        pass

    _setup(capsys, pg_url, tmp_path, 2)
    db = Database(pg_url)
    try:
        ids = [a.id for a in list_audits(db)]
        with pytest.raises(Undone), db.transaction():
            db.execute("UPDATE answer SET value = 'N' WHERE audit_id = ?", (ids[1],))
            with aligned.reading(db), closing(aligned_ahead.audits(
                    db, ids[0], [(i, ["1"]) for i in ids])) as laid:
                assert hasattr(laid, "gi_frame")            # one by one, on this connection
                seen = _answers(laid)
            assert set(seen[1].values()) == {"N"}
            raise Undone                                    # rolled back
    finally:
        db.close()
