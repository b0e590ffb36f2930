"""Record fields stored by position (schema 13, ``store.field_slots``; docs/performance.md,
"Record fields by position"): each audit's field names are stored once, a slot each, and a
record's fields are a JSON array by slot. What the program shows is unchanged: a record's
fields by name, exports' columns in order of first use. Imports bringing other fields, in
another order, at once (real processes, SQLite and PostgreSQL), merge each record's fields
as one after the other would; disposal empties them and forgets the names; a calibration's
copies keep them; linking recordings adds a name."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.ops import calibrate, dispose
from reviewer.ops import team as team_ops
from reviewer.store.audits import get_audit
from reviewer.store.db import Database
from tests.actions import create_audit, export_answers, import_answers, link_recordings, ws
from tests.unit.helpers import stored_fields, write_csv, write_set
from tests.unit.races import QUESTIONS, Race, lock_order, open_db, refs, write_answers
from tests.unit.races import write_set as race_set
from tests.unit.test_new_ref_races import one_line
from tests.unit.test_roles_pg import AUDIT, team  # noqa: F401 - a fixture


def _names(db: Database, audit_id: int) -> list[tuple[int, str]]:
    return db.all("SELECT slot, name FROM field_slot WHERE audit_id = ? ORDER BY slot",
                  (audit_id,))


def _exported(db: Database, audit, path: Path) -> list[dict[str, str]]:
    export_answers(db, audit, path)
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_names_once_and_fields_by_name_through_reimports(tmp_path):
    db = Database(str(tmp_path / "f.db"))
    audit = create_audit(db, "A", write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / "a.csv", ["ref", "1", "date", "area"],
                                        [["R1", "Y", "2024-05-01", "North"],
                                         ["R2", "N", "2024-05-02", "South"]]))
    # another file: a field of the first, a new one, the columns in another order
    import_answers(db, audit, write_csv(tmp_path / "b.csv", ["ref", "operator", "area", "1"],
                                        [["R2", "OP-1", "East", "Y"], ["R3", "OP-2", "", "N"]]))
    assert _names(db, audit.id) == [(0, "date"), (1, "area"), (2, "operator")]
    stored = dict(db.all("SELECT ref, fields FROM record"))
    assert stored == {"R1": '["2024-05-01","North"]', "R2": '["2024-05-02","East","OP-1"]',
                      "R3": '[null,"","OP-2"]'}
    assert stored_fields(db, "R2") == {"date": "2024-05-02", "area": "East", "operator": "OP-1"}
    assert stored_fields(db, "R3") == {"area": "", "operator": "OP-2"}
    rows = _exported(db, get_audit(db, "A"), tmp_path / "out.csv")
    assert list(rows[0])[-3:] == ["date", "area", "operator"]
    assert [(r["ref"], r["date"], r["area"], r["operator"]) for r in rows] == [
        ("R1", "2024-05-01", "North", ""), ("R2", "2024-05-02", "East", "OP-1"),
        ("R3", "", "", "OP-2")]
    # the same file again changes nothing
    again = import_answers(db, audit, tmp_path / "b.csv")
    assert again.changed == 0
    assert dict(db.all("SELECT ref, fields FROM record")) == stored
    # a file laid out as the first: each field at its own place, R2 keeps its third
    import_answers(db, audit, write_csv(tmp_path / "c.csv", ["ref", "date", "area"],
                                        [["R1", "2024-06-01", "West"],
                                         ["R2", "2024-06-02", "West"]]))
    assert dict(db.all("SELECT ref, fields FROM record")) == {
        "R1": '["2024-06-01","West"]', "R2": '["2024-06-02","West","OP-1"]',
        "R3": '[null,"","OP-2"]'}
    db.close()


def test_disposal_empties_the_fields_and_forgets_the_names(tmp_path):
    db = Database(str(tmp_path / "f.db"))
    audit = create_audit(db, "A", write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / "a.csv", ["ref", "1", "caller", "area"],
                                        [["R1", "Y", "Ann Smith", "North"]]))
    w = ws(db)
    team_ops.sign_off(w, audit.id)
    dispose.dispose(w, audit.id, "end of retention", force=True)
    assert db.all("SELECT fields FROM record") == [("[]",)]
    assert _names(db, audit.id) == []
    db.close()


def test_a_calibration_and_linked_recordings_keep_the_fields_by_name(tmp_path):
    db = Database(str(tmp_path / "f.db"))
    audit = create_audit(db, "A", write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / "a.csv", ["ref", "1", "area", "operator"],
                                        [[f"R{i}", "Y", f"Area {i}", f"OP-{i}"]
                                         for i in range(6)]))
    made = calibrate.create_calibration(ws(db), "Cal", audit.id, records=3, seed=1).value.audit
    for (ref,) in db.all("SELECT ref FROM record WHERE audit_id = ?", (made.id,)):
        i = ref[1:]
        assert stored_fields(db, ref, made.id) == {"area": f"Area {i}", "operator": f"OP-{i}"}
    folder = tmp_path / "audio"
    folder.mkdir()
    (folder / "R2.wav").write_bytes(b"RIFF")
    link_recordings(db, audit, folder)
    assert _names(db, audit.id)[-1] == (2, "audio")
    assert stored_fields(db, "R2", audit.id) == {"area": "Area 2", "operator": "OP-2",
                                                 "audio": str((folder / "R2.wav").resolve())}
    assert stored_fields(db, "R3", audit.id) == {"area": "Area 3", "operator": "OP-3"}
    db.close()


NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1,
               max_size=6).map(str.strip).filter(
    lambda n: n and n.lower() not in {"ref", "1", "2", "2a", "2b", "3", "3a", "4", "5"}
    and not n.lower().startswith("note:"))
VALUE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                max_size=8).map(str.strip)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=st.lists(st.tuples(st.lists(NAME, min_size=1, max_size=4, unique_by=str.lower),
                                st.lists(st.lists(VALUE, min_size=4, max_size=4), min_size=1,
                                         max_size=4)), min_size=1, max_size=3))
def test_any_fields_read_back_by_name(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("any")
    db = Database(str(folder / "f.db"))
    audit = create_audit(db, "A", write_set(folder))
    expected: dict[str, dict[str, str]] = {}
    for n, (names, rows) in enumerate(files):
        table = [[f"R{i}", "Y", *row[:len(names)]] for i, row in enumerate(rows)]
        import_answers(db, audit, write_csv(folder / f"{n}.csv", ["ref", "1", *names], table))
        for row in table:
            expected.setdefault(row[0], {}).update(zip(names, row[2:], strict=True))
    assert {ref: stored_fields(db, ref) for ref in expected} == expected
    slots = _names(db, audit.id)
    assert [s for s, _ in slots] == list(range(len(slots)))
    assert len({n for _, n in slots}) == len(slots)
    db.close()



def test_imports_bringing_other_fields_at_once(target, tmp_path):
    """Three processes import files sharing refs, each with a field of its own and a shared
    one, their columns in other orders: each record ends with the fields the imports gave it,
    the later over the earlier, and each name has one slot."""
    with open_db(target) as db:
        create_audit(db, "Fields", race_set(tmp_path))
    race = Race(tmp_path / "race", target)
    race.dir.mkdir()
    shared, gave, importers = refs("S", 80), {}, []
    try:
        for i in range(3):
            rows = shared + refs(f"U{i}-", 10)
            extra = ({"area": f"A{i}", f"own{i}": f"v{i}"} if i % 2 else
                     {f"own{i}": f"v{i}", "area": f"A{i}"})
            path = tmp_path / f"f{i}.csv"
            write_answers(path, rows, QUESTIONS[:2], salt=i, extra=extra)
            racer = race.cli(f"importer-{i}", "answers", "import", "Fields", str(path))
            gave[racer.name] = (rows, extra)
            importers.append(racer)
        race.go()
        for racer in importers:
            one_line(racer)
    finally:
        race.kill()
    expected: dict[str, dict[str, str]] = {}
    for racer in lock_order(*importers):
        rows, extra = gave[racer.name]
        for ref in rows:
            expected.setdefault(ref, {}).update(extra)
    with open_db(target) as db:
        audit = get_audit(db, "Fields")
        assert {ref: stored_fields(db, ref, audit.id) for ref in expected} == expected
        slots = _names(db, audit.id)
        assert [s for s, _ in slots] == list(range(4))
        assert sorted(n for _, n in slots) == ["area", "own0", "own1", "own2"]
        texts = [json.loads(t) for (t,) in db.all("SELECT fields FROM record")]
        assert all(isinstance(t, list) and len(t) <= 4 for t in texts)


def test_a_team_database_upgrades_a_signed_off_audits_fields(team, tmp_path):  # noqa: F811
    """A team database as schema 12 left it (each record's fields a JSON object), its audit
    signed off, opened by its owner with today's program: step 13 moves the signed-off
    audit's fields too (their trigger set aside for the step alone), and a viewer reads them
    by name at once."""
    from tests.unit.pg import _admin

    t = team
    before = t["sql"]("owner", "SELECT ref, fields FROM record ORDER BY ref")
    assert t["cli"]("lead", "audit", "sign-off", AUDIT)[0] == 0
    with _admin(t["port"], t["dbname"]) as conn:      # back to schema 12's objects
        conn.execute("ALTER TABLE record DISABLE TRIGGER record_signed_off")
        conn.execute(
            "UPDATE record r SET fields = COALESCE((SELECT json_object_agg(f.name, "
            "r.fields::json -> f.slot ORDER BY f.slot)::text FROM field_slot f WHERE "
            "f.audit_id = r.audit_id AND json_typeof(r.fields::json -> f.slot) <> 'null'), "
            "'{}')")
        conn.execute("ALTER TABLE record ENABLE TRIGGER record_signed_off")
        conn.execute("DROP TABLE field_slot")
        conn.execute("UPDATE meta SET value = '12' WHERE key = 'schema_version'")
    names = t["names"]
    Database(f"postgresql+psycopg://{names['owner']}@127.0.0.1:{t['port']}/"
             f"{t['dbname']}").close()                 # upgraded
    assert t["sql"]("owner", "SELECT ref, fields FROM record ORDER BY ref") == before
    assert t["sql"]("viewer", "SELECT COUNT(*) FROM field_slot")[0][0] >= 5
    # each role's rights on the names, by raw SQL: all read, a reviewer adds (an import), a
    # lead also removes (disposal); no one else changes them
    add = "INSERT INTO field_slot VALUES ({}, {}, 'x{}')"
    audit_id = t["sql"]("owner", f"SELECT id FROM audit WHERE name = '{AUDIT}'")[0][0]
    assert "permission denied" in str(_refused(t, "viewer", add.format(audit_id, 97, 1)))
    assert _refused(t, "rev", add.format(audit_id, 98, 2)) is None
    for who in ("viewer", "rev"):
        for change in ("UPDATE field_slot SET name = 'y'", "DELETE FROM field_slot"):
            assert "permission denied" in str(_refused(t, who, change)), (who, change)
    assert _refused(t, "lead", "DELETE FROM field_slot WHERE slot = 98") is None
    out = tmp_path / "out.csv"
    code, _, err = t["cli"]("viewer", "answers", "export", AUDIT, str(out))
    assert code == 0, err
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0])[-5:] == ["date", "area", "operator", "channel", "audio"]
    assert rows[0]["area"] and rows[0]["date"].startswith("2012-")


def _refused(t, who: str, statement: str) -> Exception | None:
    try:
        t["sql"](who, statement)
    except Exception as exc:    # the server's refusal
        return exc
    return None


def test_names_added_after_they_were_read_are_read_again(tmp_path):
    """A reader that read the audit's names before another writer added one (PostgreSQL reads
    each statement afresh) reads them again when a record has more fields than it knows."""
    from reviewer.store.field_slots import Slots

    db = Database(str(tmp_path / "f.db"))
    audit = create_audit(db, "A", write_set(tmp_path))
    import_answers(db, audit, write_csv(tmp_path / "a.csv", ["ref", "1", "area"],
                                        [["R1", "Y", "North"]]))
    slots = Slots(db, audit.id)
    import_answers(db, audit, write_csv(tmp_path / "b.csv", ["ref", "area", "operator"],
                                        [["R1", "East", "OP-1"]]))
    text = db.scalar("SELECT fields FROM record WHERE ref = 'R1'")
    assert slots.decode_many([text]) == [{"area": "East", "operator": "OP-1"}]
    db.close()
