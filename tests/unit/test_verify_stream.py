"""``reviewer verify`` and an import's rows in flat memory (docs/performance.md, docs/evidence.md):
the rows packed a range at a time are the very bytes the whole list packed at once gives, they
unpack a piece at a time to the same rows for any text, the chain is read in batches and the
replay done by the database still finds every tampered cell — the first one, with the same
message — on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import re
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.store import chain, import_rows, staging, verify
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers
from tests.unit.helpers import write_csv, write_set

NAME = "Small"
HEADER = ["ref", "1", "2", "5", "area"]
ROWS = [[f"R{n}", "YN"[n % 2], "n/a" if n % 3 else "Y", "" if n % 4 else "fine ✓", "North"]
        for n in range(1, 41)]

row = st.tuples(st.integers(0, 2**31), st.text(max_size=4), st.text(max_size=8))


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(row, max_size=60), sep=st.sampled_from([",", ", ", ", \n "]),
       cuts=st.lists(st.integers(0, 2000), max_size=6))
def test_rows_pack_in_pieces_and_unpack_a_piece_at_a_time(rows, sep, cuts):
    text = "[" + sep.join(json.dumps(list(r), ensure_ascii=False, separators=(",", ":"))
                          for r in rows) + "]"
    whole = chain.pack_rows(text)
    bounds = sorted({0, len(text), *(c for c in cuts if c < len(text))})
    assert chain.pack_parts(text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)) == whole
    assert list(chain.iter_rows(whole)) == chain.unpack_rows(whole) == [list(r) for r in rows]


def test_rows_unpack_across_many_pieces(monkeypatch):
    monkeypatch.setattr(chain, "_CHUNK", 7)
    rows = [[n, f"q{n % 10}", "é" * (n % 5)] for n in range(3000)]
    blob = chain.pack_rows(json.dumps(rows, ensure_ascii=False))
    assert list(chain.iter_rows(blob)) == rows
    with pytest.raises(ValueError):
        list(chain.iter_rows(chain.pack_rows(json.dumps(rows)[:-1])))


def _whole(db: Database, audit_id: int, seq: int | None) -> bytes:
    """An import's rows as the whole list was packed before (one aggregate); ``seq`` None:
    every given answer."""
    label = "CASE state WHEN 1 THEN COALESCE(value, '') ELSE 'n/a' END"
    given = "event_seq = ?" if seq is not None else "CAST(? AS INTEGER) IS NULL"
    if db.dialect == "sqlite":      # a record's answers in one row: [record, q, a, q, a ...]
        sql = ("SELECT '[' || COALESCE((" + import_rows.record_rows(
            f"FROM (SELECT * FROM answer WHERE audit_id = ? AND {given} AND state IN (1, 2) "
            "ORDER BY record_id, question_id)", "record_id", "question_id", label, "record_id")
            + "), '') || ']'")
    else:
        sql = (f"SELECT COALESCE(json_agg(json_build_array(record_id, question_id, {label}) "
               "ORDER BY record_id, question_id), '[]'::json)::text FROM answer "
               f"WHERE audit_id = ? AND {given} AND state IN (1, 2)")
    return chain.pack_rows(db.scalar(sql, (audit_id, seq)))


@pytest.fixture(params=["sqlite", "postgresql"])
def imported(request, tmp_path, monkeypatch):
    monkeypatch.setattr(import_rows, "GIVEN_RANGE", 3)
    monkeypatch.setattr(staging, "NEW_RANGE", 5)
    monkeypatch.setattr(verify, "BATCH", 2)
    target = (str(tmp_path / "v.db") if request.param == "sqlite"
              else request.getfixturevalue("pg_url"))
    db = Database(target)
    audit = create_audit(db, NAME, write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / "a.csv", HEADER, ROWS))
    yield db, audit.id
    db.close()


def test_an_imports_rows_are_the_bytes_of_the_whole_list(imported):
    db, audit_id = imported
    seq, rows = db.one("SELECT seq, rows FROM event WHERE audit_id = ? AND rows IS NOT NULL",
                       (audit_id,))
    done = verify.verify_chain(db, audit_id)
    assert done.events == db.scalar("SELECT COUNT(*) FROM event WHERE audit_id = ?",
                                    (audit_id,))
    verify.replay_answers(db, audit_id)
    assert sum((len(r) - 1) // 2 for r in chain.unpack_rows(rows)) > 40     # answers listed
    # the new records' answers, made before the lock a run at a time, as one aggregate lists them
    assert bytes(rows) == _whole(db, audit_id, None)
    # every given answer as the import's (on PostgreSQL new records' answers carry none)
    db.execute("UPDATE answer SET event_seq = ? WHERE audit_id = ?", (seq, audit_id))
    whole = _whole(db, audit_id, seq)
    assert import_rows.given_rows(db, audit_id, seq) == whole
    text = zlib.decompress(whole).decode()
    new = json.dumps([[0, "x", "y"], [1, "z", "n/a"]], separators=(",", ":"))
    assert import_rows.given_rows(db, audit_id, seq, lambda: iter([new[1:-1]])) == chain.pack_rows(
        new[:-1] + "," + text[1:])
    assert import_rows.given_rows(db, audit_id, seq, lambda: iter([])) == whole


def _broken(db: Database, audit_id: int) -> str:
    with pytest.raises(verify.ChainBroken) as caught:
        verify.replay_answers(db, audit_id)
    return str(caught.value)


def test_the_first_tampered_cell_is_reported(imported):
    db, audit_id = imported
    seq = db.scalar("SELECT seq FROM event WHERE audit_id = ? AND rows IS NOT NULL",
                    (audit_id,))
    rid = {ref: i for ref, i in db.all("SELECT ref, id FROM record WHERE audit_id = ?",
                                        (audit_id,))}
    db.execute("UPDATE answer SET value = 'Z' WHERE record_id = ? AND question_id = '1'",
               (rid["R9"],))
    db.execute("UPDATE answer SET value = 'X' WHERE record_id = ? AND question_id = '2'",
               (rid["R30"],))
    assert _broken(db, audit_id) == (f"broken at event {seq}: changed (answer R9 question 1 "
                                     "is 'Z' in the database but 'N' in the history)")
    db.execute("UPDATE answer SET value = 'N' WHERE record_id = ? AND question_id = '1'",
               (rid["R9"],))
    assert re.fullmatch(rf"broken at event {seq}: changed \(answer R30 question 2 is 'X' in "
                        r"the database but 'Y' in the history\)", _broken(db, audit_id))
    db.execute("UPDATE answer SET value = 'Y' WHERE record_id = ? AND question_id = '2'",
               (rid["R30"],))
    db.execute("DELETE FROM answer WHERE record_id = ? AND question_id = '5'", (rid["R4"],))
    assert _broken(db, audit_id) == (f"broken at event {seq}: changed (answer R4 question 5 "
                                     "is blank in the database but 'fine ✓' in the history)")
    _put(db, audit_id, rid["R4"], "fine ✓")
    verify.replay_answers(db, audit_id)
    db.execute("DELETE FROM answer WHERE record_id = ? AND question_id = '5'", (rid["R1"],))
    _put(db, audit_id, rid["R1"], "sneaked")
    assert _broken(db, audit_id).endswith("(answer R1 question 5 is 'sneaked' in the "
                                          "database but blank in the history)")


def _put(db: Database, audit_id: int, rid: int, value: str) -> None:
    db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
               "reviewer, answered_at, event_seq) VALUES (?, '5', ?, 1, ?, '', 'x', '2026', 0)",
               (rid, audit_id, value))


TEXT = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")   # storable
CELL = st.tuples(st.integers(1, 50), st.text(TEXT, min_size=1, max_size=6),
                 st.one_of(st.text(TEXT, max_size=8),
                           st.sampled_from(["n/a", "1", "0.5", "true", "null"])))


@settings(max_examples=100, deadline=None)
@given(cells=st.lists(CELL, max_size=40, unique_by=lambda c: (c[0], c[1])))
def test_a_records_answers_listed_in_one_row_read_back_as_the_same_cells(cells):
    """SQLite lists an import's answers a record at a time, ``[record, question, answer,
    question, answer ...]`` (docs/evidence.md, "An import's rows"): any question id and any
    answer text read back by ``verify`` as the very cells listed."""
    import sqlite3

    from reviewer.store import replay

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (rid INTEGER, qid TEXT, label TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", cells)
    listed = conn.execute(import_rows.record_rows("FROM t", "rid", "qid", "label",
                                                  "rid")).fetchone()[0]
    rows = json.loads(f"[{listed or ''}]")
    assert len(rows) == len({rid for rid, _, _ in cells})       # each record once
    read = [(rid, qid, label) for row in rows for rid, qid, label, _ in replay._cells(row, 7)]
    assert sorted(read) == sorted(cells)


def test_a_row_of_the_wrong_shape_is_refused():
    from reviewer.store import replay

    assert list(replay._cells([3, "q", "Y"], 1)) == [(3, "q", "Y", 1)]     # one answer
    assert list(replay._cells([3, "q", "Y", "r", "n/a"], 1)) == [(3, "q", "Y", 1),
                                                                (3, "r", "n/a", 1)]
    for bad in ([3], [3, "q"], [3, "q", "Y", "r"]):
        with pytest.raises(ValueError):
            list(replay._cells(bad, 1))


def test_an_imports_rows_that_cannot_be_read_break_the_chain_at_its_event(imported, monkeypatch):
    """A rows list of the wrong shape (a row with a question and no answer, as a blob edited
    behind the program's back would read) is the chain broken at that import's event, with a
    reason, never a traceback."""
    db, audit_id = imported
    seq = db.scalar("SELECT seq FROM event WHERE audit_id = ? AND rows IS NOT NULL",
                    (audit_id,))
    monkeypatch.setattr(chain, "iter_rows", lambda blob: iter([[1, "1", "Y"], [1, "2"]]))
    with pytest.raises(verify.ChainBroken) as caught:
        verify.replay_answers(db, audit_id)
    assert caught.value.seq == seq and "rows cannot be read" in str(caught.value)
