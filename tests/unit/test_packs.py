"""SQLite's answers packed per record (schema 10, docs/performance.md, "Answers packed per
record"): whatever mix of compact entries (an import's) and full ones (a scorer's, a note) a
record's pack holds, the counts and rows read from the packs are those of the ``answer`` view's
rows, and the view's rows are what was written through it."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.store import pack_writes, packs
from reviewer.store.db import Database

QIDS = ["1", "2", "2a", "q-10", 'a"b.c[0]']       # any text is a question id
VALUES = ["Y", "N", "Other", "", "1", "a;b"]
entry = st.one_of(st.sampled_from(VALUES), st.sampled_from([2, 3]),
                  st.lists(st.sampled_from([*VALUES, 2]), min_size=1, max_size=1),  # short
                  st.tuples(st.sampled_from([0, 1, 2, 3]), st.sampled_from([None, *VALUES]),
                            st.sampled_from(["", "a note"])))
record = st.dictionaries(st.sampled_from(QIDS), entry, max_size=len(QIDS))


def _db(tmp_path) -> Database:
    from reviewer.ops import audits
    from reviewer.workspace import Workspace

    ws = Workspace.open(str(tmp_path / "p.db"), "importer")
    for name in ("a", "b"):                    # audits 1 and 2
        audits.create_audit(ws, name, "hmic-asb-call-listening-2012")
    ws.close()
    db = Database(str(tmp_path / "p.db"))
    db.execute("INSERT INTO event (audit_id, seq, at, reviewer, action, detail) "
               "VALUES (1, 1000, '2026-01-01T00:00:00Z', 'importer', 'import', '')")
    return db


def _slot(db: Database, qid: str, audit: int = 1) -> int:
    """The slot of question ``qid`` in audit ``audit``'s packs, the next one given it if it
    has none (as the view's insert trigger gives one)."""
    db.execute("INSERT OR IGNORE INTO pack_slot (audit_id, slot, question_id) SELECT ?, "
               "COALESCE(MAX(slot) + 1, 0), ? FROM pack_slot WHERE audit_id = ?",
               (audit, qid, audit))
    return int(db.scalar("SELECT slot FROM pack_slot WHERE audit_id = ? AND question_id = ?",
                         (audit, qid)))


def _store(db: Database, records: list[dict]) -> None:
    """Each record's compact entries as an import writes them, its full ones through the
    view, as a scorer's answer is written; a record of the other audit beside each."""
    for audit in (1, 2):                 # field g at slot 0 (store.field_slots)
        db.execute("INSERT OR IGNORE INTO field_slot (audit_id, slot, name) VALUES (?, 0, 'g')",
                   (audit,))
    for rid, answers in enumerate(records, start=1):
        for audit in (1, 2):
            db.execute("INSERT INTO record (id, audit_id, seq, ref, fields, complete) "
                       "VALUES (?, ?, ?, ?, ?, 0)", (rid * 2 + audit, audit, rid,
                                                     f"R{rid}", json.dumps([rid % 3])))
        rid = rid * 2 + 1
        compact = {_slot(db, q): [e[0], 1000] if isinstance(e, list) else e
                   for q, e in answers.items() if not isinstance(e, tuple)}
        if compact:             # by slot (schema 12), a question outside the set given one
            pack = [compact.get(k) for k in range(max(compact) + 1)]
            db.execute("INSERT INTO answer_pack (record_id, audit_id, event_seq, pack) "
                       "VALUES (?, 1, 1000, ?)", (rid, json.dumps(pack)))
        for q, e in answers.items():
            if isinstance(e, tuple):
                db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, "
                           "note, reviewer, answered_at) VALUES (?, ?, 1, ?, ?, ?, 'x', 't')",
                           (rid, q, *e))
        db.execute("INSERT INTO answer (record_id, question_id, audit_id, state, value, note, "
                   "reviewer, answered_at) VALUES (?, '1', 2, 1, 'Y', '', 'y', 't')", (rid + 1,))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(record, max_size=12))
def test_counts_from_the_packs_are_the_views(tmp_path_factory, records):
    db = _db(tmp_path_factory.mktemp("packs"))
    try:
        _store(db, records)
        view = db.all("SELECT question_id, state, value, COUNT(*) FROM answer "
                      "WHERE audit_id = 1 GROUP BY question_id, state, value")
        assert sorted(packs.tally(db, 1), key=repr) == sorted(view, key=repr)
        by = db.all("SELECT json_extract(r.fields, '$[0]'), a.question_id, a.state, a.value, "
                    "COUNT(*) FROM answer a JOIN record r ON r.id = a.record_id "
                    "WHERE a.audit_id = 1 GROUP BY 1, 2, 3, 4")
        records = db.all("SELECT json_extract(fields, '$[0]'), COUNT(*) FROM record "
                         "WHERE audit_id = 1 GROUP BY 1")
        for where in ("audit_id = ?", "+audit_id = ?"):
            got_records, got = packs.tally_by(db, 1, "g", where)
            assert sorted(got, key=repr) == sorted(by, key=repr)
            assert sorted(got_records, key=repr) == sorted(records, key=repr)
        listed = db.all("SELECT question_id, state, value, group_concat(record_id) FROM "
                        "(SELECT * FROM answer WHERE audit_id = 1 ORDER BY record_id) "
                        "GROUP BY question_id, state, value")
        dates = db.all("SELECT reviewer, MIN(NULLIF(answered_at, '')), MAX(answered_at) "
                       "FROM answer WHERE audit_id = 1 GROUP BY reviewer")
        assert sorted(packs.answer_dates(db, 1), key=repr) == sorted(dates, key=repr)
        columns = "record_id, question_id, state, value, note, event_seq"
        assert sorted(db.all(pack_writes.unpacked(columns, "p.audit_id = 1")), key=repr) == sorted(
            db.all(f"SELECT {columns} FROM answer WHERE audit_id = 1"), key=repr)
        got = [(*g[:3], ",".join(map(str, g[3].tolist()))) for g in packs.groups(db, 1, QIDS)]
        assert sorted(got, key=repr) == sorted(listed, key=repr)
        assert len(got) == len({g[:3] for g in got})        # one group per answer
    finally:
        db.close()


def test_the_view_gives_back_what_was_written_through_it(tmp_path):
    db = _db(tmp_path)
    try:
        _store(db, [{"1": "Y", "2": 3, "3": ["N"], 'a"b.c': 2}])
        db.execute("UPDATE answer SET note = 'q' WHERE record_id = 3 AND question_id = ?",
                   ('a"b.c',))
        assert db.all("SELECT state, note FROM answer WHERE question_id = ?", ('a"b.c',)) == [
            (2, "q")]
        db.execute("DELETE FROM answer WHERE record_id = 3 AND question_id = ?", ('a"b.c',))
        assert db.all("SELECT state, value, note, reviewer, answered_at, event_seq FROM answer "
                      "WHERE record_id = 3 AND question_id = '3'") == [
            (1, "N", "", "importer", "2026-01-01T00:00:00Z", 1000)]     # a short entry
        db.execute("DELETE FROM answer WHERE record_id = 3 AND question_id = '3'")
        db.execute("UPDATE answer SET value = 'N', note = 'n\u00e9 \"q\"' WHERE record_id = 3 "
                   "AND question_id = '1'")
        db.execute("DELETE FROM answer WHERE record_id = 3 AND question_id = '2'")
        assert db.all("SELECT question_id, state, value, note, reviewer, answered_at, event_seq "
                      "FROM answer WHERE record_id = 3") == [
            ("1", 1, "N", 'n\u00e9 "q"', "importer", "2026-01-01T00:00:00Z", 1000)]
        db.execute("DELETE FROM answer WHERE record_id = 3")
        assert db.scalar("SELECT COUNT(*) FROM answer_pack WHERE record_id = 3") == 0
        counted = Counter(r[0] for r in db.all("SELECT audit_id FROM answer"))
        assert counted == Counter({2: 1})
    finally:
        db.close()


def test_a_pack_changed_outside_the_program_is_a_located_error(tmp_path):
    from reviewer.errors import DatabaseError

    db = _db(tmp_path)
    try:
        _store(db, [{"1": "Y"}, {"1": "N"}])
        db.execute("UPDATE answer_pack SET pack = '{\"1\":' WHERE record_id = 5")
        for read in (lambda: packs.tally(db, 1), lambda: packs.tally_by(db, 1, "g", "audit_id = ?"),
                     lambda: list(packs.groups(db, 1, QIDS))):
            try:
                read()
            except DatabaseError as exc:
                message = str(exc)
                assert message.startswith("record id 5: its stored answers")
                assert "\n" not in message
            else:
                raise AssertionError("a pack that is not JSON was read")
    finally:
        db.close()


@pytest.mark.parametrize("records", [1, 1100])           # events one row each, and packed
def test_a_reimport_changing_only_notes_keeps_each_answers_who_and_when(tmp_path, records):
    """docs/contracts.md §2: a note that changes alone keeps the answer's who and when,
    whichever way the answer is stored: an import's (compact), a re-import's change (short:
    its event, or the pack of events holding it) or a scorer's (full)."""
    from reviewer.files.answer_table import note_header
    from tests import actions
    from tests.unit.helpers import write_csv, write_set

    db = Database(str(tmp_path / "w.db"))
    audit = actions.create_audit(db, "A", write_set(tmp_path))
    qs = actions.ws(db).question_set(audit)
    refs = [f"R{i:05d}" for i in range(records)]

    def load(name: str, who: str, one: str, scored: str = "CID", notes: bool = False) -> None:
        header = ["ref", "1", "2", "3", *(note_header(q) for q in ("1", "2", "3") if notes)]
        rows = [[r, one, "N", scored if r == refs[0] else "CID",
                 *(["n1", "n2", "n3"] if notes else [])] for r in refs]
        actions.import_answers(db, audit, write_csv(tmp_path / name, header, rows), who)

    def rows() -> dict:
        return {(r, q): (s, v, n, w, t) for r, q, s, v, n, w, t in db.all(
            "SELECT record_id, question_id, state, value, note, reviewer, answered_at "
            "FROM answer WHERE question_id IN ('1', '2', '3')")}

    load("a.csv", "alice", "Y")
    load("b.csv", "bob", "N")                             # "1" changed: a short entry
    first = int(db.scalar("SELECT MIN(id) FROM record"))
    actions.score(db, qs, first, "3", "Response", reviewer="sam")      # a full entry
    stored = dict(zip(packs.slots(db, audit.id), json.loads(db.scalar(
        "SELECT pack FROM answer_pack WHERE record_id = ?", (first,))), strict=False))
    kinds = {q: type(v).__name__ for q, v in stored.items()}
    assert (kinds["1"], kinds["2"], kinds["3"]) == ("list", "str", "list")
    assert len(stored["1"]) == 2
    before = rows()
    assert {before[(first, q)][3] for q in ("1", "2", "3")} == {"bob", "alice", "sam"}
    load("c.csv", "carol", "N", "Response", notes=True)
    after = rows()
    assert after.keys() == before.keys()
    for key, (state, value, note, who, at) in after.items():
        assert note == {"1": "n1", "2": "n2", "3": "n3"}[key[1]]
        assert (state, value, who, at) == (*before[key][:2], *before[key][3:]), key
    db.close()
