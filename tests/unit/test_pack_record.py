"""One record's pack read and written directly on SQLite (``store.pack_record``,
docs/performance.md, "One record's pack read and written directly"): the rows read are the
``answer`` view's, for every kind of entry an import, a changed re-import, a note, an answer
and an undo leave (and so are the questions noted, read from the packs); and a write leaves
the pack, and the rows the view gives, exactly as the view's triggers do one answer at a
time, for any start and any changes."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reviewer.errors import DatabaseError
from reviewer.questions.logic import ANSWERED, NA, NOT_ASKED, UNANSWERED
from reviewer.store import answers, pack_record, packs
from reviewer.store.audits import get_audit_by_id, question_set
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers, score, set_note, undo_last
from tests.unit.helpers import SMALL_HEADER, write_csv, write_set

VIEW_SQL = ("SELECT record_id, question_id, state, value, note, reviewer, answered_at "
            "FROM answer WHERE record_id = ?")
FULL_SQL = ("SELECT question_id, state, value, note, reviewer, answered_at, event_seq, login "
            "FROM answer WHERE record_id = ? ORDER BY question_id")


def _norm(rows: list[tuple]) -> list[tuple]:
    return sorted((r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6]) for r in rows)


def _same_as_view(db: Database, record_id: int) -> None:
    row, rows = pack_record.read(db, record_id)
    assert row == db.one(answers.record_sql("sqlite"), (record_id,))
    assert _norm(rows) == _norm(db.all(VIEW_SQL, (record_id,)))


def _file(seed: int, n: int) -> list[list[str]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        two = rnd.choice(["Y", "N", ""])
        out.append([f"R{i}", rnd.choice(["Y", "N", "n/a", ""]), two,
                    rnd.choice(["Y", "N"]) if two == "Y" else "", "",
                    rnd.choice(["Response", "CID", "None", ""]), "", "", "",
                    rnd.choice("AB"), rnd.choice(["", "a note", "another, \"quoted\""])])
    return out


def test_rows_read_are_the_views_for_every_kind_of_entry(tmp_path):
    db = Database(str(tmp_path / "r.db"))
    audit = create_audit(db, "A", write_set(tmp_path))
    header = [*SMALL_HEADER, "note:1"]
    for seed in (1, 2, 3):          # new records' compact entries, then a changed re-import's
        import_answers(db, audit, write_csv(tmp_path / f"{seed}.csv", header, _file(seed, 30)),
                       reviewer=f"importer{seed}")
    qs = question_set(db, get_audit_by_id(db, audit.id))
    ids = [r[0] for r in db.all("SELECT id FROM record WHERE audit_id = ? ORDER BY seq",
                                (audit.id,))]
    for rid in ids[:6]:              # full entries beside them, some taken back
        score(db, qs, rid, "2", "Y", reviewer="ann")
        score(db, qs, rid, "2a", "Y", reviewer="ann")
        set_note(db, qs, rid, "3", "ünïcode, \"quotes\"\nand a line", reviewer="bob")
    undo_last(db, qs, audit.id, reviewer="bob")
    kinds = {type(e).__name__ + (str(len(e)) if isinstance(e, list) else "")
             for (p,) in db.all("SELECT pack FROM answer_pack") for e in json.loads(p)}
    assert {"str", "int", "list2", "list7", "NoneType"} <= kinds, kinds
    assert db.scalar("SELECT COUNT(*) FROM answer_pack WHERE base_seq IS NOT NULL") > 0
    for rid in ids:
        _same_as_view(db, rid)
    assert pack_record.read(db, 10**9) == (None, [])
    # the questions noted, read from the packs holding a full entry, are the view's too
    for low, high in ((ids[0], ids[-1]), (ids[0], ids[3]), (ids[10], ids[-1])):
        assert packs.noted_questions(db, audit.id, low, high) == {q for (q,) in db.all(
            "SELECT DISTINCT question_id FROM answer WHERE record_id BETWEEN ? AND ? "
            "AND audit_id = ? AND note != ''", (low, high, audit.id))}
    assert {"1", "3"} <= packs.noted_questions(db, audit.id, ids[0], ids[-1])


def test_hand_made_entries_counted_from_a_base_and_past_the_slots(tmp_path):
    db = Database(str(tmp_path / "h.db"))
    audit = create_audit(db, "A", write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / "f.csv", SMALL_HEADER,
                                        [["R1", "Y", "N", "", "", "CID", "", "", "", "A"],
                                         ["R2", "N", "", "", "", "", "", "", "", "B"]]))
    rid = db.scalar("SELECT id FROM record WHERE ref = 'R1'")
    seq = db.scalar("SELECT MAX(seq) FROM event WHERE audit_id = ?", (audit.id,))
    pack = ["Y", 2, ["N", seq], [3, 0], [1, "CID", "n", "w", "t", 0, "x"],
            [2, None, "", "v", "u", seq, None], None, 3, "past", None, "far past"]
    db.execute("UPDATE answer_pack SET pack = ?, base_seq = ? WHERE record_id = ?",
               (json.dumps(pack), seq, rid))
    _same_as_view(db, rid)
    db.execute("UPDATE answer_pack SET base_seq = NULL WHERE record_id = ?", (rid,))
    _same_as_view(db, rid)
    # an entry no program writes (changed outside it): a located error, never a traceback
    for foreign in ([1, "Y", "n"], {"a": 1}, True, 1.5, []):
        db.execute("UPDATE answer_pack SET pack = ? WHERE record_id = ?",
                   (json.dumps(["Y", foreign]), rid))
        with pytest.raises(DatabaseError, match=f"record id {rid}: .*question 2 "):
            pack_record.read(db, rid)
    db.execute("UPDATE answer_pack SET pack = '{\"1\": 2}' WHERE record_id = ?", (rid,))
    with pytest.raises(DatabaseError, match=f"record id {rid}: .*not a JSON array"):
        pack_record.read(db, rid)
    # the questions noted (an export's first read) name a pack that is not JSON
    db.execute("UPDATE answer_pack SET pack = '[[1,\"Y\",' WHERE record_id = ?", (rid,))
    with pytest.raises(DatabaseError, match=f"record id {rid}: .*not valid JSON"):
        packs.noted_questions(db, audit.id, rid, rid + 1)


ROW = st.tuples(st.sampled_from([ANSWERED, NA, NOT_ASKED, UNANSWERED]),
                st.one_of(st.none(), st.sampled_from(["Y", "N", "é \"x\",\n"])),
                st.sampled_from(["", "a note"]), st.sampled_from(["", "ann"]),
                st.sampled_from(["", "2026-01-01T00:00:00Z"]))
ENTRY = st.one_of(st.none(), st.sampled_from(["Y", "N", 2, 3]),
                  st.tuples(st.sampled_from(["Y", 2]), st.integers(-3, 4)).map(list),
                  st.tuples(st.sampled_from([1, 2]), st.sampled_from(["Y", None]),
                            st.sampled_from(["", "n"]), st.just("w"), st.just("t"),
                            st.integers(-3, 4), st.sampled_from([None, "lg"])).map(list))


def test_a_write_leaves_what_the_views_triggers_leave(tmp_path):
    db = Database(str(tmp_path / "w.db"))
    audit = create_audit(db, "A", write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / "f.csv", SMALL_HEADER,
                                        [["R1", "Y", "", "", "", "", "", "", "", "A"]]))
    rid = db.scalar("SELECT id FROM record WHERE ref = 'R1'")
    qids = ["1", "2", "2a", "2b", "3", "3a", "4", "5", "extra", "more"]

    def state() -> tuple:
        pack = db.one("SELECT pack, event_seq, base_seq FROM answer_pack WHERE record_id = ?",
                      (rid,))
        slots = db.all("SELECT slot, question_id FROM pack_slot WHERE audit_id = ? "
                       "ORDER BY slot", (audit.id,))
        return (pack and (json.loads(pack[0]), pack[1], pack[2]), slots,
                db.all(FULL_SQL, (rid,)))

    @settings(max_examples=150, deadline=None)
    @given(start=st.lists(ENTRY, max_size=8), event=st.sampled_from([None, 1]),
           base=st.sampled_from([None, 1, 5]),
           changes=st.dictionaries(st.sampled_from(qids), st.tuples(ROW, st.sampled_from(
               [None, 7])), max_size=5))
    @example(start=["Y"], event=1, base=5,          # the only entry removed, then another given:
             changes={"1": ((UNANSWERED, None, "", "", ""), None),   # the pack made afresh
                      "2": ((ANSWERED, "Y", "", "ann", "t"), None)})
    def check(start, event, base, changes):
        results = []
        for direct in (False, True):
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM answer_pack WHERE record_id = ?", (rid,))
                if start:
                    db.execute("INSERT INTO answer_pack (record_id, audit_id, event_seq, "
                               "base_seq, pack) VALUES (?, ?, ?, ?, ?)",
                               (rid, audit.id, event, base, json.dumps(start)))
                view = answers.RecordView(rid, audit.id, 1, "R1", {})
                view.rows = answers.stored_rows(db, [rid])[rid]       # through the view
                items = [(q, row, seq) for q, (row, seq) in changes.items()
                         if view.rows.get(q, answers.EMPTY_ROW) != row]
                if direct:
                    answers.put_rows(db, view, items)
                else:
                    for q, row, seq in items:
                        answers.put(db, view, q, row, seq)
                results.append(state())
            finally:
                db.execute("ROLLBACK")
        assert results[0] == results[1]

    check()
