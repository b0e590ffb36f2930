"""``tally --by`` on PostgreSQL (docs/performance.md, "tally --by on PostgreSQL"): the groups the
server counts, with each record's group looked up in an array indexed by record id, are a naive
count of the same rows, and what the join of records and answers gives, for fields of every JSON
kind, several audits whose record ids interleave, and records without answers."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_tally_by import GROUP_SET

MISSING = object()          # a record without the field
NAMES = itertools.count()   # audits of every example share the test's database

FIELD = st.one_of(st.just(MISSING), st.none(), st.sampled_from(["a", "b", "é", "", "7", "x y"]),
                  st.integers(-3, 300), st.sampled_from([2.5, -0.5, 1e20]), st.booleans(),
                  st.lists(st.integers(0, 2), max_size=2),
                  st.dictionaries(st.sampled_from(["k", "é"]), st.integers(0, 1), max_size=2))
RECORD = st.tuples(FIELD, st.sampled_from(["Y", "N", "n/a", ""]),
                   st.sampled_from(["a", "b", "c", "n/a", ""]))


def fields_text(value: Any) -> str:
    """The record's fields as stored: team, the file's one field, at slot 0."""
    return "[]" if value is MISSING else json.dumps([value])


def as_server_reads(fields: str) -> str | None:
    """The field as ``fields::json ->> 0`` gives it: a string's text, JSON null or a missing
    item None, any other value its JSON text as written."""
    found = json.loads(fields)
    value = found[0] if found else None
    return value if value is None or isinstance(value, str) else json.dumps(value)


def naive(db, audit_id: int) -> tuple[Counter, Counter]:
    """(group -> records) and (group, question, state, value) -> answers, counted here from the
    rows read plainly."""
    group = {rid: as_server_reads(fields) for rid, fields in db.all(
        "SELECT id, fields FROM record WHERE audit_id = ?", (audit_id,))}
    answers = Counter((group[rid], qid, state, value) for rid, qid, state, value in db.all(
        "SELECT record_id, question_id, state, value FROM answer WHERE audit_id = ?",
        (audit_id,)))
    return Counter(group.values()), answers


def as_counters(found: tuple[list[tuple], list[tuple]]) -> tuple[Counter, Counter]:
    records, rows = found
    assert len({g for g, _ in records}) == len(records)
    assert len({tuple(r[:4]) for r in rows}) == len(rows)
    return Counter(dict(records)), Counter({tuple(r[:4]): r[4] for r in rows})


def load(db, folder: Path, turns: list[tuple[int, list[tuple]]]) -> dict[int, Any]:
    """Audits imported in turns (so their record ids interleave), then each record's fields
    set to its generated JSON; the audits by id."""
    from tests.actions import create_audit, import_answers
    from tests.unit.helpers import write_csv

    (folder / "set.yaml").write_text(GROUP_SET, encoding="utf-8")
    audits = [create_audit(db, f"A{next(NAMES)}", folder / "set.yaml")
              for _ in range(1 + max(n for n, _ in turns))]
    fields: dict[str, str] = {}
    for turn, (n, rows) in enumerate(turns):
        table = []
        for i, (value, yes_no, choice) in enumerate(rows):
            ref = f"T{turn}-{i}"
            fields[ref] = fields_text(value)
            table.append([ref, "x", yes_no, choice])
        if table:
            write_csv(folder / "a.csv", ["ref", "team", "1", "2"], table)
            import_answers(db, audits[n], folder / "a.csv", "tester")
    with db.transaction():
        for audit in audits:
            for rid, ref in db.all("SELECT id, ref FROM record WHERE audit_id = ?", (audit.id,)):
                db.execute("UPDATE record SET fields = ? WHERE id = ?", (fields[ref], rid))
    return {a.id: a for a in audits}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(turns=st.lists(st.tuples(st.integers(0, 2), st.lists(RECORD, max_size=30)),
                      min_size=1, max_size=5),
       spread=st.sampled_from([0, 4, 1000]))
def test_server_groups_are_a_naive_count(pg_db, tmp_path_factory, turns, spread):
    """Each audit's groups: the records of each value of the field and their answers counted
    by (question, state, value) are what a naive count of the same rows gives, by the array
    (ids close together) or by the join (``SPREAD`` 0: ids taken as spread out)."""
    from reviewer.store import counts

    audits = load(pg_db, tmp_path_factory.mktemp("pg"), turns)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(counts, "SPREAD", spread)
        for audit_id in audits:
            found = counts.grouped_rows(pg_db, audit_id, "team")
            assert as_counters(found) == naive(pg_db, audit_id)
            assert as_counters(found) == as_counters(counts._by_join(pg_db, audit_id, "team"))
    assert not pg_db.in_transaction


def test_contiguous_ids_do_not_join(pg_db, tmp_path, monkeypatch):
    """An audit whose record ids are close together is counted without the join; an audit
    whose ids are spread among another's is counted by it (and both are right)."""
    from reviewer.store import counts

    joined: list[int] = []
    real = counts._by_join
    monkeypatch.setattr(counts, "_by_join",
                        lambda db, audit_id, by: joined.append(audit_id) or real(db, audit_id, by))
    rows = [("a", "Y", "b"), (3, "N", ""), (None, "", "")]
    audits = load(pg_db, tmp_path, [(1, rows), (0, rows * 10), (1, rows)])
    first, second = audits
    for audit_id in (first, second):
        assert as_counters(counts.grouped_rows(pg_db, audit_id, "team")) \
            == naive(pg_db, audit_id)
    assert joined == [second]       # 6 records around the first's 30: ids span 6x theirs


def test_both_reads_see_one_moment(pg_db, pg_url, tmp_path, monkeypatch):
    """A record moved to another group, and its answer changed, between the read of the
    records and the count of the answers: the counts are those of the moment before."""
    from reviewer.store import counts
    from tests.unit.pg import _url_admin

    audits = load(pg_db, tmp_path, [(0, [("a", "Y", "a"), ("b", "N", "b")])])
    (audit_id,) = audits
    before = naive(pg_db, audit_id)
    read = pg_db.all

    def then_change(sql: str, params: Any = ()) -> list[tuple]:
        rows = read(sql, params)
        if "array_agg" in sql:
            with _url_admin(pg_url) as other:
                rid = other.execute("SELECT id FROM record WHERE audit_id = %s AND fields "
                                    "LIKE '%%\"a\"%%'", (audit_id,)).fetchone()[0]
                other.execute("UPDATE record SET fields = '[\"b\"]' WHERE id = %s",
                              (rid,))
                other.execute("UPDATE answer SET value = 'N' WHERE record_id = %s AND "
                              "question_id = '1'", (rid,))
        return rows

    monkeypatch.setattr(pg_db, "all", then_change)
    found = counts.grouped_rows(pg_db, audit_id, "team")
    monkeypatch.undo()
    assert as_counters(found) == before != naive(pg_db, audit_id)


def test_cli_by_a_field_matches_sqlite(pg_url, tmp_path, capsys):
    """``tally --by`` prints the same on both engines (for the kinds of field both read alike:
    SQLite reads ``true`` as 1, and lists and objects without their spaces)."""
    from reviewer.store.db import Database
    from tests.unit.helpers import run_cli

    rows = [(v, "YN"[i % 2], "abc"[i % 3]) for i, v in enumerate(
        [MISSING, None, "a", "", 7, "7", -3, "é"] * 3)]
    outputs = []
    for target in (pg_url, str(tmp_path / "t.db")):
        db = Database(target)
        try:
            audits = load(db, tmp_path, [(0, rows)])
            name = next(iter(audits.values())).name
        finally:
            db.close()
        code, out, err = run_cli(capsys, "--db", target, "tally", name, "--by", "team",
                                 "--format", "json")
        assert code == 0, err
        doc = json.loads(out)
        doc.pop("audit")
        outputs.append(doc)
    assert outputs[0] == outputs[1]


def test_inside_a_transaction_already_begun(pg_db, tmp_path):
    """Called inside a transaction that has already read (a report's snapshot), the count joins
    it rather than trying to set its isolation level, and the transaction goes on."""
    from reviewer.store import counts

    audits = load(pg_db, tmp_path, [(0, [("a", "Y", "a"), (None, "N", "")] * 3)])
    (audit_id,) = audits
    with pg_db.staging():
        pg_db.scalar("SELECT COUNT(*) FROM record")
        found = counts.grouped_rows(pg_db, audit_id, "team")
        assert pg_db.in_transaction
        assert pg_db.scalar("SELECT COUNT(*) FROM answer WHERE audit_id = ?", (audit_id,)) == 9
    assert as_counters(found) == naive(pg_db, audit_id)
