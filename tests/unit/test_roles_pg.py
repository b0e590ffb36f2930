"""Identity and roles enforced by PostgreSQL (docs/contracts.md §10; docs/evidence.md, "Rights"): a
real login per role on the throwaway server, every right tried both ways — through the program and
through raw SQL with psycopg, as a login with psql would."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.conftest import ASB_SET, DEMO_CSV
from tests.unit.helpers import run_cli

psycopg = pytest.importorskip("psycopg")
AUDIT = "ASB"


@pytest.fixture()
def team(pg_port, capsys):
    """A database owned by an owner login (CREATEROLE, not superuser), a lead granted by the
    owner, a reviewer and a viewer granted by the lead; one audit with the demo answers."""
    from tests.unit.pg import _admin

    tag = uuid.uuid4().hex[:8]
    names = {k: f"{k}_{tag}" for k in ("owner", "lead", "rev", "viewer", "other")}
    dbname = f"team_{tag}"
    with _admin(pg_port) as conn:
        conn.execute(f'CREATE ROLE "{names["owner"]}" LOGIN CREATEROLE')
        for k in ("lead", "rev", "viewer", "other"):
            conn.execute(f'CREATE ROLE "{names[k]}" LOGIN')
        conn.execute(f'CREATE DATABASE "{dbname}" OWNER "{names["owner"]}"')
    urls = {k: f"postgresql+psycopg://{v}@127.0.0.1:{pg_port}/{dbname}" for k, v in names.items()}

    def cli(who: str, *argv: str, name: str | None = None):
        extra = ("--reviewer", name) if name else ()
        return run_cli(capsys, "--db", urls[who], *extra, *argv)

    def sql(who: str, statement: str, params=()):
        with psycopg.connect(host="127.0.0.1", port=pg_port, user=names[who], dbname=dbname,
                             autocommit=True) as conn:
            cur = conn.execute(statement, params)
            return cur.fetchall() if cur.description else None

    assert cli("owner", "audit", "create", AUDIT, "--set", str(ASB_SET))[0] == 0
    assert cli("owner", "answers", "import", AUDIT, str(DEMO_CSV))[0] == 0
    code, _, err = cli("owner", "team", "grant", names["lead"], "--role", "lead",
                       "--name", "Insp. Lead")
    assert code == 0, err
    for who, role, shown in (("rev", "reviewer", "PC Rev"), ("viewer", "viewer", "Mr View")):
        code, _, err = cli("lead", "team", "grant", names[who], "--role", role, "--name", shown)
        assert code == 0, err
    yield {"cli": cli, "sql": sql, "names": names, "port": pg_port, "dbname": dbname}
    with _admin(pg_port) as conn:
        conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
        for group in ("viewer", "reviewer", "lead"):
            conn.execute(f'DROP ROLE IF EXISTS "reviewer_{dbname}_{group}"')
        for v in names.values():
            conn.execute(f'DROP ROLE IF EXISTS "{v}"')


def refused(done) -> bool:
    code, _, err = done
    return code == 1 and err.count("\n") == 1 and "Traceback" not in err


def denied(sql, who: str, statement: str, params=()) -> bool:
    try:
        sql(who, statement, params)
    except psycopg.Error:
        return True
    return False


def first_record(sql) -> tuple[int, str]:
    return sql("owner", f"SELECT r.id, r.ref FROM record r JOIN audit a ON a.id = r.audit_id "
                        f"WHERE a.name = '{AUDIT}' ORDER BY r.seq LIMIT 1")[0]


def test_team_list_and_display_names(team):
    cli, names = team["cli"], team["names"]
    code, out, _ = cli("viewer", "team", "list", "--format", "json")
    members = {m["login"]: m for m in json.loads(out)["members"]}
    assert members[names["lead"]]["role"] == "lead"
    assert members[names["lead"]]["granted_by"] == names["owner"]
    assert members[names["rev"]]["granted_by"] == names["lead"]
    assert members[names["rev"]]["display_name"] == "PC Rev"
    assert json.loads(out)["names_verified"] is True


def test_bad_grants_are_one_line(team):
    cli, names = team["cli"], team["names"]
    assert refused(cli("lead", "team", "grant", "nobody_at_all", "--role", "viewer"))
    assert refused(cli("lead", "team", "grant", names["lead"], "--role", "viewer"))   # self
    assert cli("lead", "team", "grant", names["other"], "--role", "king")[0] == 2
    assert refused(cli("rev", "team", "grant", names["other"], "--role", "lead"))
    assert refused(cli("viewer", "team", "revoke", names["rev"]))
    assert refused(cli("other", "tally", AUDIT))                 # no role: reads nothing


def test_who_is_the_server_login_whatever_is_sent(team):
    cli, sql, names = team["cli"], team["sql"], team["names"]
    assert refused(cli("rev", "audit", "list", name="Insp. Lead"))         # another person
    assert refused(cli("rev", "audit", "list", name=names["lead"]))
    code, out, _ = cli("rev", "audit", "list", name="Somebody Else")     # the lead's name wins
    assert code == 0
    rid, ref = first_record(sql)
    assert cli("rev", "answers", "import", AUDIT, "--reviewer", "PC Rev",
               str(write_one(ref)))[0] == 0
    code, out, _ = cli("viewer", "history", AUDIT, "--format", "json")
    last = json.loads(out)["events"][-1]
    assert (last["login"], last["reviewer"]) == (names["rev"], "PC Rev")
    # raw SQL: the login column is the server's, whatever the INSERT says
    sql("viewer", "INSERT INTO event (audit_id, seq, at, reviewer, action, ref, detail, login) "
                  "VALUES (1, 9999, 'now', 'x', 'view', %s, 'record', %s)",
        (ref, names["lead"]))
    assert sql("owner", "SELECT login FROM event WHERE seq = 9999") == [(names["viewer"],)]
    answered = sql("owner", "SELECT DISTINCT login FROM answer WHERE record_id = %s", (rid,))
    assert (names["rev"],) in answered


def write_one(ref: str):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "one.csv"
    path.write_text(f"ref,1\n{ref},N\n", encoding="utf-8")
    return path


def test_a_viewer_reads_and_logs_but_writes_nothing(team, tmp_path):
    cli, sql = team["cli"], team["sql"]
    rid, ref = first_record(sql)
    assert cli("viewer", "tally", AUDIT, "--format", "json")[0] == 0
    assert cli("viewer", "results", AUDIT, "--out", str(tmp_path / "r.csv"),
               "--purpose", "check")[0] == 0                             # an export is logged
    assert refused(cli("viewer", "answers", "import", AUDIT, str(write_one(ref))))
    assert refused(cli("viewer", "audit", "sign-off", AUDIT))
    assert sql("viewer", "SELECT COUNT(*) FROM answer")[0][0] > 0
    for statement in ("UPDATE answer SET value = 'N'", "DELETE FROM answer",
                      "UPDATE record SET fields = '{}'", "UPDATE audit SET name = 'x'",
                      "INSERT INTO event (audit_id, seq, at, reviewer, action, detail) "
                      "VALUES (1, 9990, 'now', 'x', 'answer', '')",
                      "DELETE FROM event", "UPDATE event SET detail = 'x'",
                      "INSERT INTO team_member VALUES ('x', 'lead', NULL, 'x', 'now')"):
        assert denied(sql, "viewer", statement), statement


def test_a_reviewer_scores_but_cannot_do_a_leads_work(team):
    cli, sql, names = team["cli"], team["sql"], team["names"]
    rid, ref = first_record(sql)
    assert cli("rev", "answers", "import", AUDIT, str(write_one(ref)))[0] == 0
    for argv in (("audit", "sign-off", AUDIT), ("audit", "reopen", AUDIT, "--reason", "x"),
                 ("assign", AUDIT, "--to", "a,b"), ("retention", "set", AUDIT, "--until",
                                                    "2020-01-01"),
                 ("dispose", AUDIT, "--reason", "x", "--force"),
                 ("audit", "policy", AUDIT, "--require-purpose", "on"),
                 ("team", "grant", names["other"], "--role", "viewer")):
        assert refused(cli("rev", *argv)), argv
    for statement in ("UPDATE audit SET signed_off_by = 'me', signed_off_at = 'now'",
                      "UPDATE record SET assigned_to = 'me'",
                      "INSERT INTO event (audit_id, seq, at, reviewer, action, detail) "
                      "VALUES (1, 9990, 'now', 'x', 'sign-off', '')",
                      "INSERT INTO audit_policy VALUES (1, true, NULL, NULL)",
                      "INSERT INTO plan (name, created_at) VALUES ('p', 'now')",
                      "DELETE FROM event", "UPDATE event SET detail = 'x'",
                      # an answer changed without its history event
                      f"UPDATE answer SET value = 'N' WHERE record_id = {rid}"):
        assert denied(sql, "rev", statement), statement


def test_a_signed_off_audit_is_read_only_for_everyone_but_disposal(team):
    cli, sql = team["cli"], team["sql"]
    rid, ref = first_record(sql)
    assert cli("lead", "audit", "sign-off", AUDIT)[0] == 0
    assert refused(cli("rev", "answers", "import", AUDIT, str(write_one(ref))))
    with psycopg.connect(host="127.0.0.1", port=team["port"], user=team["names"]["rev"],
                         dbname=team["dbname"]) as conn:
        with pytest.raises(psycopg.Error, match="signed off"):   # even with its own event
            conn.execute("INSERT INTO event (audit_id, seq, at, reviewer, action, ref, detail) "
                         "VALUES (1, 9991, 'now', 'x', 'answer', %s, 'raw')", (ref,))
            conn.execute(f"UPDATE answer SET value = 'N' WHERE record_id = {rid}")
    assert cli("lead", "dispose", AUDIT, "--reason", "end of retention", "--force")[0] == 0
    code, out, err = cli("viewer", "verify", AUDIT)
    assert code == 0, out + err


def test_a_lead_cannot_change_or_delete_history(team):
    cli, sql = team["cli"], team["sql"]
    for statement in ("UPDATE event SET detail = 'x' WHERE seq = 1",
                      "DELETE FROM event WHERE seq = 1",
                      "UPDATE event_seal SET ref = NULL", "DELETE FROM event_seal",
                      "ALTER TABLE event DISABLE TRIGGER ALL"):
        assert denied(sql, "lead", statement), statement
    version = sql("owner", "SELECT value FROM meta WHERE key = 'schema_version'")
    for statement in ("UPDATE meta SET value = '99' WHERE key = 'schema_version'",
                      "DELETE FROM meta WHERE key = 'pseudonym_secret'"):
        denied(sql, "lead", statement)                  # row-level security: no row matches
    assert sql("owner", "SELECT value FROM meta WHERE key = 'schema_version'") == version
    assert sql("owner", "SELECT COUNT(*) FROM meta WHERE key = 'pseudonym_secret'") == [(1,)]
    assert cli("lead", "retention", "default", "--years", "7")[0] == 0
    assert cli("viewer", "verify")[0] == 0


def test_only_a_lead_makes_renames_archives_and_assigns_audits(team):
    cli, sql = team["cli"], team["sql"]
    for who in ("viewer", "rev"):
        for argv in (("audit", "create", "New", "--set", str(ASB_SET)),
                     ("audit", "rename", AUDIT, "Renamed"), ("audit", "archive", AUDIT),
                     ("audit", "create", "Cal", "--calibrate", AUDIT, "--records", "2")):
            assert refused(cli(who, *argv)), (who, argv)
        for statement in ("INSERT INTO audit (name, question_set_id, description, created_at, "
                          "archived, sample) VALUES ('x', 1, '', 'now', false, '')",
                          "UPDATE audit SET archived = true", "DELETE FROM incident",
                          "INSERT INTO audit_policy VALUES (1, false, '2020-01-01', NULL)"):
            assert denied(sql, who, statement), (who, statement)
    assert cli("lead", "assign", AUDIT, "--to", "PC Rev,Mr View", "--seed", "1")[0] == 0
    assert cli("lead", "audit", "create", "Cal", "--calibrate", AUDIT, "--records", "2",
               "--seed", "1")[0] == 0
    assert cli("lead", "audit", "rename", "Cal", "Calibration")[0] == 0
    assert cli("lead", "audit", "archive", "Calibration")[0] == 0
    code, out, err = cli("viewer", "verify")
    assert code == 0, out + err


def test_a_viewers_views_are_logged_as_itself(team):
    from reviewer.ops.evidence import log_view
    from reviewer.workspace import Workspace

    sql, names = team["sql"], team["names"]
    _, ref = first_record(sql)
    url = (f"postgresql+psycopg://{names['viewer']}@127.0.0.1:{team['port']}/"
           f"{team['dbname']}")
    ws = Workspace.open(url, "anything")
    try:
        audit = ws.audit(AUDIT)
        assert log_view(ws, audit.id, ref).value is True
        assert log_view(ws, audit.id, ref).value is False         # within the hour
        found = ws.access_log(audit.id, ref)
        assert [(e.action, e.login, e.reviewer) for e in found] == [
            ("view", names["viewer"], "Mr View")]
    finally:
        ws.close()
    code, out, err = team["cli"]("viewer", "verify", AUDIT)
    assert code == 0, out + err


def test_machine_transcripts_by_role_and_gone_after_disposal(team):
    """The transcript table (schema 4) in the roles: a reviewer stores a machine transcript
    (``transcribe``), a viewer cannot write one, no one changes a signed-off audit's, and a
    lead's disposal removes them (docs/evidence.md, docs/listening.md "Removing transcripts")."""
    from reviewer.files.transcripts import Segment, Transcript
    from reviewer.ops.transcribe import store_machine_transcripts
    from reviewer.workspace import Workspace

    sql, names = team["sql"], team["names"]
    rid, _ = first_record(sql)
    url = (f"postgresql+psycopg://{names['rev']}@127.0.0.1:{team['port']}/{team['dbname']}")
    ws = Workspace.open(url, "PC Rev")
    try:
        lines = Transcript([Segment(0.5, 2.0, "she lives at Quixotic Mews")], machine=True)
        store_machine_transcripts(ws, ws.audit(AUDIT).id, "pocketsphinx", [(rid, lines)])
    finally:
        ws.close()
    assert sql("viewer", "SELECT COUNT(*) FROM transcript")[0][0] == 1
    assert denied(sql, "viewer", "DELETE FROM transcript")
    assert team["cli"]("lead", "audit", "sign-off", AUDIT)[0] == 0
    assert denied(sql, "rev", "DELETE FROM transcript")
    assert team["cli"]("lead", "dispose", AUDIT, "--reason", "end of retention",
                       "--force")[0] == 0
    assert sql("owner", "SELECT COUNT(*) FROM transcript")[0][0] == 0


def test_progress_counts_are_read_by_all_and_kept_only_by_their_triggers(team):
    """``audit_count`` and ``audit_count_part`` (schema steps 6, 7, docs/performance.md): every
    role reads them; a reviewer's import (its new records counted aside) and its change to a
    record keep them through the triggers; no role writes them by hand."""
    cli, sql = team["cli"], team["sql"]
    counted = ("SELECT SUM(records), SUM(complete) FROM (SELECT audit_id, records, complete "
               "FROM audit_count UNION ALL SELECT audit_id, records, complete "
               "FROM audit_count_part) c JOIN audit a ON a.id = c.audit_id "
               f"WHERE a.name = '{AUDIT}'")
    actual = ("SELECT COUNT(*), SUM(CASE WHEN complete THEN 1 ELSE 0 END) FROM record r "
              f"JOIN audit a ON a.id = r.audit_id WHERE a.name = '{AUDIT}'")
    rid, ref = first_record(sql)
    assert cli("rev", "answers", "import", AUDIT, str(write_one(ref)))[0] == 0
    # a new record, written before the write lock: its id from the sequence, counted aside
    code, _, err = cli("rev", "answers", "import", AUDIT, str(write_one("NEW-1")))
    assert code == 0 and "1 new records" in err, err
    assert sql("viewer", "SELECT COUNT(*) FROM audit_count_part")[0][0] >= 1
    # a change to a record by a reviewer's own login fires the triggers with its rights
    sql("rev", f"UPDATE record SET complete = NOT complete WHERE id = {rid}")
    for who in ("viewer", "rev", "lead"):
        assert sql(who, counted) == sql("owner", actual), who
        for statement in ("UPDATE audit_count SET records = 0", "DELETE FROM audit_count",
                          "INSERT INTO audit_count VALUES (999, 1, 1)",
                          "INSERT INTO audit_count_part VALUES (999, 1, 1, 1)",
                          "UPDATE audit_count_part SET records = 0"):
            assert denied(sql, who, statement), (who, statement)


def test_scoring_is_refused_in_the_rights_tables_words(team):
    """Scoring reads the login's role with the write lock (``store.prefetch``): a viewer, whose
    login the server does not let lock a record's row for writing, gets the rights table's own
    one-line refusal, nothing written; a reviewer's answer is saved."""
    from reviewer.errors import ReviewerError
    from reviewer.ops.scoring import load_record, score
    from reviewer.store.audits import get_audit, question_set
    from reviewer.store.db import Database
    from reviewer.workspace import Workspace

    names, port, dbname, sql = team["names"], team["port"], team["dbname"], team["sql"]
    rid, _ = first_record(sql)
    events = sql("owner", "SELECT COUNT(*) FROM event")

    def answer(who: str) -> str:
        db = Database(f"postgresql+psycopg://{names[who]}@127.0.0.1:{port}/{dbname}")
        try:
            ws = Workspace(db, names[who])
            audit = get_audit(db, AUDIT)
            qs = question_set(db, audit)
            old = load_record(db, qs, rid).states["1"][1]
            return score(ws, audit.id, qs, rid, "1", "N" if old == "Y" else "Y").message or "ok"
        except ReviewerError as exc:
            return str(exc)
        finally:
            db.close()

    assert answer("viewer") == (f"{names['viewer']} is a viewer: scoring needs a reviewer; "
                                "nothing was written")
    assert sql("owner", "SELECT COUNT(*) FROM event") == events
    assert answer("rev") == "ok"
    assert sql("owner", "SELECT COUNT(*) FROM event")[0][0] == events[0][0] + 1


def test_a_viewer_reads_agreement_ahead_on_connections_of_its_own(team):
    """Agreement reads the audits ahead on more connections, each as the same login in one
    snapshot (store/aligned_ahead.py): a viewer, who may only read, gets what the owner gets."""
    cli = team["cli"]
    assert cli("owner", "audit", "create", "Second", "--set", str(ASB_SET))[0] == 0
    assert cli("owner", "answers", "import", "Second", str(DEMO_CSV))[0] == 0
    code, as_viewer, err = cli("viewer", "agreement", AUDIT, "Second", "--format", "json")
    assert code == 0, err
    assert as_viewer == cli("owner", "agreement", AUDIT, "Second", "--format", "json")[1]
    assert json.loads(as_viewer)["records"] > 0
