"""``reviewer tally --by FIELD``: the groups' figures add up to the overall tally."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

COUNTED = ("yes", "no", "na", "unanswered", "total", "answered")


def run_json(capsys, db_path, *args: str) -> dict:
    from reviewer.cli.main import main

    assert main(["--db", str(db_path), "tally", "BTP ASB 2012", "--format", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("field", ["operator", "area", "channel", "audio", "date"])
def test_groups_add_up_to_the_overall_tally(capsys, db_path, demo_audit, field):
    doc = run_json(capsys, db_path, "--by", field)
    assert doc["by"] == field
    groups = doc["groups"]
    assert sum(g["records"] for g in groups) == doc["records"] == 100
    assert len({g["value"] for g in groups}) == len(groups)
    for i, overall in enumerate(doc["questions"]):
        parts = [g["questions"][i] for g in groups]
        assert all(p["id"] == overall["id"] for p in parts)
        for key in COUNTED:
            if key in overall:
                assert sum(p[key] for p in parts) == overall[key], (field, overall["id"], key)
        for choice, n in overall.get("counts", {}).items():
            assert sum(p["counts"][choice] for p in parts) == n, (field, overall["id"], choice)


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_an_unknown_field_is_one_line_naming_the_fields(db_path, demo_audit, fmt):
    """A typo in --by is refused (as ``feedback --by`` refuses it), not one "(blank)" group."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(db_path), "tally",
                           "BTP ASB 2012", "--by", "operater", "--format", fmt],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "'operater'" in lines[0] and "operator" in lines[0].replace("'operater'", "")
    assert "area" in lines[0] and "Traceback" not in done.stderr


def test_grouped_json_keeps_the_overall_shape(capsys, db_path, demo_audit):
    plain = run_json(capsys, db_path)
    grouped = run_json(capsys, db_path, "--by", "operator")
    assert {k: grouped[k] for k in plain} == plain


@pytest.mark.parametrize("field", ["operator", "date", "area"])
def test_both_ways_of_counting_groups_agree(db, demo_audit, monkeypatch, field):
    """Records' groups found in a list indexed by record id, or in a dict (ids spread among
    other audits'): the figures are the same, and the whole audit's tally from the groups is
    the plain tally."""
    from reviewer import figures as tally
    from reviewer.store import counts

    def grouped(limit: int):
        monkeypatch.setattr(counts, "SPREAD", limit)
        overall, groups = tally.tally_grouped(db, demo_audit, field)
        plain = tally.tally(db, demo_audit)
        assert overall.records == plain.records
        assert [q.to_dict() for q in overall.questions] == [q.to_dict() for q in plain.questions]
        return [(g, [q.to_dict() for q in t.questions], t.records) for g, t in groups]

    assert grouped(0) == grouped(4) == grouped(1000)


GROUP_SET = """id: grouped
title: Grouped
version: 1
questions:
  - {id: "1", text: First, type: yes_no}
  - {id: "2", text: Second, type: choice, choices: [a, b, c]}
"""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(st.integers(0, 40), st.sampled_from(["Y", "N", "n/a", ""]),
                               st.sampled_from(["a", "b", "c", "n/a", ""])), max_size=120),
       spread=st.sampled_from([0, 4]))
def test_every_group_equals_a_naive_count(rows, spread):
    """Any number of groups (found in a list or in a dict) and any answers: each group's
    figures are a naive count of its rows, and the whole is the plain tally."""
    import tempfile
    from collections import Counter
    from pathlib import Path

    from reviewer import figures as tally
    from reviewer.store import counts
    from reviewer.store.audits import get_audit
    from reviewer.store.db import Database
    from tests.actions import create_audit, import_answers
    from tests.unit.helpers import write_csv

    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(counts, "SPREAD", spread)
        folder = Path(tmp)
        (folder / "set.yaml").write_text(GROUP_SET, encoding="utf-8")
        table = [[f"R{i}", f"g{g}" if g else "", y, c] for i, (g, y, c) in enumerate(rows)]
        write_csv(folder / "a.csv", ["ref", "team", "1", "2"], table)
        db = Database(str(folder / "t.db"))
        try:
            audit = create_audit(db, "G", folder / "set.yaml")
            import_answers(db, audit, folder / "a.csv", "tester")
            audit = get_audit(db, "G")
            overall, groups = tally.tally_grouped(db, audit, "team")
            plain = tally.tally(db, audit)
        finally:
            db.close()
    assert [q.to_dict() for q in overall.questions] == [q.to_dict() for q in plain.questions]
    assert [g for g, _ in groups] == sorted({r[1] for r in table}, key=lambda v: (v == "", v))
    for value, t in groups:
        mine = [r for r in table if r[1] == value]
        q1, q2 = t.by_id()["1"], t.by_id()["2"]
        assert t.records == len(mine)
        yes_no = Counter(r[2] for r in mine)
        assert (q1.yes, q1.no, q1.na) == (yes_no["Y"], yes_no["N"], yes_no["n/a"])
        assert q2.counts == {c: sum(r[3] == c for r in mine) for c in "abc"}
        assert q2.na == sum(r[3] == "n/a" for r in mine)


@pytest.mark.parametrize("batch", [3, 7, 5000])
def test_audits_whose_records_interleave_count_only_their_own(tmp_path, monkeypatch, batch):
    """Two audits imported in turns (their record ids interleave, and one holds most of the
    records, read in id order; the other along its index): each audit's groups are what a
    plain ``GROUP BY`` over its own answers gives, read in batches of any size."""
    from reviewer.store import counts, packs

    monkeypatch.setattr(packs, "BATCH", batch)
    from reviewer.store.audits import get_audit
    from reviewer.store.db import Database
    from tests.actions import create_audit, import_answers
    from tests.unit.helpers import write_csv

    (tmp_path / "set.yaml").write_text(GROUP_SET, encoding="utf-8")
    db = Database(str(tmp_path / "t.db"))
    try:
        made = {name: create_audit(db, name, tmp_path / "set.yaml") for name in ("A", "B")}
        for turn, (name, n) in enumerate([("A", 7), ("B", 30), ("A", 5), ("B", 40)]):
            table = [[f"{name}{turn}-{i}", f"t{(i * 7 + turn) % 4}" if i % 5 else "",
                      "YN"[i % 2], "abc"[i % 3]] for i in range(n)]
            write_csv(tmp_path / "a.csv", ["ref", "team", "1", "2"], table)
            import_answers(db, made[name], tmp_path / "a.csv", "tester")
        for name in ("A", "B"):
            audit_id = get_audit(db, name).id
            mine = counts._by_sqlite(db, audit_id, "team")
            plain = counts._by_join(db, audit_id, "team")     # plain SQL: SQLite runs it too
            assert sorted(mine[0], key=repr) == sorted(plain[0], key=repr)
            assert sorted(mine[1], key=repr) == sorted(plain[1], key=repr)
            assert sum(n for _, n in mine[0]) == {"A": 12, "B": 70}[name]
    finally:
        db.close()


def test_fields_of_every_json_kind_are_grouped_as_sqlite_reads_them(tmp_path):
    """Numbers, true, an object, a list, null and a missing field: the groups are those of a
    plain ``GROUP BY`` over the field as SQLite reads it."""
    from reviewer.store import counts
    from reviewer.store.audits import get_audit
    from reviewer.store.db import Database
    from tests.actions import create_audit, import_answers
    from tests.unit.helpers import write_csv

    (tmp_path / "set.yaml").write_text(GROUP_SET, encoding="utf-8")
    # the file's one field, team, is slot 0 of the records' fields (store.field_slots)
    kinds = ['[7]', '[2.5]', '[true]', '[{"b": 1, "a": "é"}]', '[[1, "x"]]', '[null]', '[]',
             '["7"]']
    db = Database(str(tmp_path / "t.db"))
    try:
        audit = create_audit(db, "K", tmp_path / "set.yaml")
        table = [[f"R{i}", "x", "YN"[i % 2], "abc"[i % 3]] for i in range(3 * len(kinds))]
        write_csv(tmp_path / "a.csv", ["ref", "team", "1", "2"], table)
        import_answers(db, audit, tmp_path / "a.csv", "tester")
        audit_id = get_audit(db, "K").id
        ids = [r for (r,) in db.all("SELECT id FROM record WHERE audit_id = ? ORDER BY id",
                                    (audit_id,))]
        with db.transaction():
            for n, rid in enumerate(ids):
                db.execute("UPDATE record SET fields = ? WHERE id = ?",
                           (kinds[n % len(kinds)], rid))
        mine = counts._by_sqlite(db, audit_id, "team")
        plain = counts._by_join(db, audit_id, "team")
    finally:
        db.close()
    assert sorted(mine[0], key=repr) == sorted(plain[0], key=repr)
    assert sorted(mine[1], key=repr) == sorted(plain[1], key=repr)
    assert len(mine[0]) == 7            # a missing field and null are one group (None)
