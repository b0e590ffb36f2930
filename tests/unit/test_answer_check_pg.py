"""A team database's answer check (docs/contracts.md §10; docs/evidence.md, "Rights"; schema step
9): a change to an answer by any login, by any route — raw SQL too — is refused at commit unless
the latest event of its audit was written by the same transaction; checked once per statement
and audit (``answer_touched``), not once per answer row. Tried as a reviewer login with psycopg,
as a hostile client would: every kind of write, several statements and audits, ``SET
CONSTRAINTS`` and savepoints; and a team set up at schema 8 gets the check when upgraded."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from reviewer import SCHEMA_VERSION
from tests.conftest import ASB_SET, DEMO_CSV
from tests.unit.answer_check_v8 import put_back_schema_8_check
from tests.unit.test_roles_pg import AUDIT, first_record, team, write_one  # noqa: F401

psycopg = pytest.importorskip("psycopg")
REFUSED = "needs its history event"


def event(audit: int, seq: str = "MAX(seq) + 1") -> str:
    """A reviewer's own event in ``audit``: by default the audit's latest."""
    return ("INSERT INTO event (audit_id, seq, at, reviewer, action, detail) "
            f"SELECT {audit}, {seq}, 'now', 'x', 'answer', 'raw' FROM event "
            f"WHERE audit_id = {audit}")


def attempt(t, *steps, who: str = "rev") -> str | None:
    """Run ``steps`` (statements, or functions given the connection) in one transaction as
    ``who`` and commit: None when committed, else the server's message."""
    conn = psycopg.connect(host="127.0.0.1", port=t["port"], user=t["names"][who],
                           dbname=t["dbname"])
    try:
        for step in steps:
            step(conn) if callable(step) else conn.execute(step)
        conn.commit()
        return None
    except psycopg.Error as exc:
        return str(exc)
    finally:
        conn.close()


@pytest.fixture()
def two(team):  # noqa: F811 - the fixture imported above
    """The team's audit and a second one (made by the lead), by id, and a record of each."""
    t = team
    cli, sql = t["cli"], t["sql"]
    assert cli("lead", "audit", "create", "Other", "--set", str(ASB_SET))[0] == 0
    assert cli("lead", "answers", "import", "Other", str(DEMO_CSV))[0] == 0
    ids = dict(sql("owner", "SELECT name, id FROM audit"))
    a, b = ids[AUDIT], ids["Other"]
    ra = sql("owner", f"SELECT MIN(record_id) FROM answer WHERE audit_id = {a}")[0][0]
    rb = sql("owner", f"SELECT MIN(record_id) FROM answer WHERE audit_id = {b}")[0][0]
    return t, a, b, ra, rb


def change(record: int) -> str:
    return f"UPDATE answer SET note = note || '!' WHERE record_id = {record}"


def test_every_raw_write_without_its_event_is_refused(two):
    t, a, b, ra, rb = two
    before = t["sql"]("owner", "SELECT * FROM answer ORDER BY record_id, question_id")
    writes = (
        change(ra),
        f"DELETE FROM answer WHERE record_id = {ra}",
        f"INSERT INTO answer (record_id, question_id, audit_id, state, value, note, reviewer, "
        f"answered_at) VALUES ({ra}, 'zz', {a}, 1, 'Y', '', 'x', 'now')",
        f"INSERT INTO answer SELECT * FROM answer WHERE record_id = {ra} ON CONFLICT "
        "(record_id, question_id) DO UPDATE SET value = 'N'",
        f"WITH gone AS (DELETE FROM answer WHERE record_id = {ra} RETURNING 1) "
        "SELECT COUNT(*) FROM gone",
        f"MERGE INTO answer t USING (SELECT {ra} AS r) s ON t.record_id = s.r "
        "WHEN MATCHED THEN UPDATE SET value = 'N'",
        f"UPDATE answer SET audit_id = {b} WHERE record_id = {ra}")
    for write in writes:
        assert REFUSED in (attempt(t, write) or ""), write
    # an event of the audit that is not its latest, or of another audit, is no event
    assert REFUSED in attempt(t, event(a, "MIN(seq) - 100"), change(ra))
    assert REFUSED in attempt(t, event(b), change(ra))
    # a move between audits needs the events of both
    assert REFUSED in attempt(t, event(b), f"UPDATE answer SET audit_id = {b} "
                                              f"WHERE record_id = {ra}")
    assert t["sql"]("owner", "SELECT * FROM answer ORDER BY record_id, question_id") == before


def test_copy_and_truncate_and_the_table_itself(two):
    t, a, _, ra, _ = two

    def copy_in(conn) -> None:
        with conn.cursor().copy("COPY answer (record_id, question_id, audit_id, state, note, "
                                "reviewer, answered_at) FROM STDIN") as copy:
            copy.write_row((ra, "zz", a, 0, "", "x", "now"))

    assert REFUSED in (attempt(t, copy_in) or "")
    for who in ("rev", "lead", "viewer"):
        for statement in ("TRUNCATE answer", "SELECT * FROM answer_touched",
                          f"INSERT INTO answer_touched VALUES (txid_current(), {a})",
                          "DELETE FROM answer_touched",
                          "ALTER TABLE answer DISABLE TRIGGER ALL",
                          "ALTER TABLE answer_touched DISABLE TRIGGER ALL"):
            got = attempt(t, statement, who=who) or ""
            assert "permission denied" in got or "must be owner" in got, (who, statement, got)


def test_with_its_event_a_change_is_kept_before_or_after_the_event(two):
    t, a, b, ra, rb = two
    assert attempt(t, event(a), change(ra)) is None
    assert attempt(t, change(ra), change(ra), event(a)) is None        # event last
    assert attempt(t, event(a), change(ra), event(b), change(rb), change(ra)) is None
    assert attempt(t, event(a), event(b), f"UPDATE answer SET audit_id = {b} "
                                             f"WHERE record_id = {ra}") is None
    assert t["sql"]("owner", f"SELECT COUNT(*) FROM answer WHERE record_id = {ra} AND "
                                f"right(note, 4) = '!!!!'")[0][0] > 0
    assert t["sql"]("owner", "SELECT COUNT(*) FROM answer_touched") == [(0,)]


def test_several_audits_in_one_transaction_each_need_their_event(two):
    t, a, b, ra, rb = two
    assert REFUSED in attempt(t, event(a), change(ra), change(rb))
    assert REFUSED in attempt(t, change(ra), change(rb), event(b))
    assert REFUSED in attempt(t, f"UPDATE answer SET note = note || '!' "
                                    f"WHERE record_id IN ({ra}, {rb})", event(a))


def test_set_constraints_and_savepoints_do_not_get_round_it(two):
    t, a, b, ra, rb = two
    immediate, deferred = "SET CONSTRAINTS ALL IMMEDIATE", "SET CONSTRAINTS ALL DEFERRED"
    cases = {
        "immediate at once": (immediate, change(ra), event(a)),
        "checked, then a change to another audit": (
            event(a), change(ra), immediate, deferred, change(rb)),
        "checked, then the same audit again after its event was rolled back": (
            change(ra), "SAVEPOINT s", event(a), immediate, "ROLLBACK TO SAVEPOINT s"),
        "named constraint deferred again": (
            "SET CONSTRAINTS answer_evented IMMEDIATE", "SET CONSTRAINTS answer_evented "
            "DEFERRED", change(ra)),
        "checked early, then another audit changed and the first's event written again": (
            event(a), change(ra), immediate, deferred, change(rb), event(a))}
    for name, statements in cases.items():
        assert REFUSED in (attempt(t, *statements) or ""), name
    # a forced check that fails inside a savepoint rolled back: the check runs again at commit
    assert REFUSED in (attempt(t, change(ra), "SAVEPOINT s", _refused_now,
                               "ROLLBACK TO SAVEPOINT s", deferred) or "")
    # allowed: checked early with its event, then changed again (its event still the latest)
    assert attempt(t, event(a), change(ra), immediate, deferred, change(ra)) is None


def _refused_now(conn) -> None:
    """Force the checks now, expecting a refusal (inside a savepoint the caller rolls back)."""
    with pytest.raises(psycopg.Error, match=REFUSED):
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")


def calls(t, function: str) -> int:
    """How many times ``function`` ran (track_functions = 'pl' on the team's database)."""
    from tests.unit.pg import _admin

    with _admin(t["port"], t["dbname"]) as conn:
        row = conn.execute("SELECT calls FROM pg_stat_user_functions WHERE funcname = %s",
                           (function,)).fetchone()
    return row[0] if row else 0


def test_an_import_as_a_reviewer_is_checked_once_per_statement_not_per_row(two, tmp_path):
    from tests.unit.pg import _admin

    t, a, _, _, _ = two
    with _admin(t["port"]) as conn:
        conn.execute(f'ALTER DATABASE "{t["dbname"]}" SET track_functions = \'pl\'')
    lines = DEMO_CSV.read_text(encoding="utf-8").splitlines()
    flip, header = {"Y": "N", "N": "Y"}, lines[0].split(",")
    free = {header.index(q) for q in ("1", "3", "4", "5", "6", "7", "8")}   # no condition on them
    changed = tmp_path / "changed.csv"
    changed.write_text("\n".join([lines[0]] + [",".join(
        flip.get(c, c) if k in free else c for k, c in enumerate(line.split(",")))
        for line in lines[1:]]) + "\n", encoding="utf-8")
    rows = t["sql"]("owner", f"SELECT COUNT(*) FROM answer WHERE audit_id = {a}")[0][0]
    url = f"postgresql+psycopg://{t['names']['rev']}@127.0.0.1:{t['port']}/{t['dbname']}"
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", url, "answers", "import",
                           AUDIT, str(changed)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr     # (its own server session: counted at its end)
    mine = t["sql"]("owner", f"SELECT COUNT(*) FROM answer WHERE audit_id = {a} AND "
                                f"login = '{t['names']['rev']}'")[0][0]
    assert mine > 50 and rows > 50                      # many answer rows changed ...
    for _ in range(50):
        if calls(t, "reviewer_answer_evented"):
            break
        time.sleep(0.1)
    checks = calls(t, "reviewer_answer_evented")
    noted = sum(calls(t, f"reviewer_answer_touched_{op}")
                for op in ("insert", "update", "delete"))
    print("answer rows written", mine, "statements noted", noted, "checks", checks)
    assert 1 <= checks <= noted and noted * 10 < mine, (checks, noted, mine)  # ... few checks
    _, ref = first_record(t["sql"])
    assert t["cli"]("rev", "answers", "import", AUDIT, str(write_one(ref)))[0] == 0


def test_a_team_set_up_at_schema_8_gets_the_check_when_upgraded(team):  # noqa: F811
    """A team database as schema 8 left it (the check a row trigger on ``answer``), opened by
    its owner with today's program: step 9 replaces the trigger, and the rule still holds."""
    t = team
    from reviewer.store.db import Database
    from tests.unit.pg import _admin

    with _admin(t["port"], t["dbname"]) as conn:
        put_back_schema_8_check(conn)
        for op in ("insert", "update", "delete"):
            conn.execute(f"DROP FUNCTION reviewer_answer_touched_{op}()")
        conn.execute("DROP TABLE answer_touched")
        conn.execute("DROP TABLE field_slot")                # and step 13's
        conn.execute("ALTER TABLE record DISABLE TRIGGER record_signed_off")
        conn.execute("UPDATE record SET fields = '{}'")
        conn.execute("ALTER TABLE record ENABLE TRIGGER record_signed_off")
        conn.execute("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    rid, ref = first_record(t["sql"])
    names = t["names"]
    Database(f"postgresql+psycopg://{names['owner']}@127.0.0.1:{t['port']}/"
             f"{t['dbname']}").close()
    triggers = {r[0] for r in t["sql"](
        "owner", "SELECT tgname FROM pg_trigger WHERE tgrelid = 'answer'::regclass")}
    assert "answer_evented" not in triggers
    assert {"answer_touched_insert", "answer_touched_update", "answer_touched_delete"} <= triggers
    assert t["sql"]("owner", "SELECT value FROM meta WHERE key = 'schema_version'") == [
        (str(SCHEMA_VERSION),)]
    assert REFUSED in attempt(t, change(rid))
    audit = t["sql"]("owner", f"SELECT id FROM audit WHERE name = '{AUDIT}'")[0][0]
    assert attempt(t, event(audit), change(rid)) is None
    assert "permission denied" in attempt(t, "SELECT * FROM answer_touched")
    assert t["cli"]("rev", "answers", "import", AUDIT, str(write_one(ref)))[0] == 0

