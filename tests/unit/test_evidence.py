"""Tamper evidence and the access log (docs/contracts.md §11, docs/evidence.md): the history's hash
chain, ``reviewer verify`` on a SQLite file edited behind the program's back, disclosures with their
purpose and recipient, the policy that requires a purpose, consultation (``view``) events."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import subprocess
import sys

import pytest
from pypdf import PdfReader

from reviewer.ops.evidence import log_view
from reviewer.store import chain
from tests import actions
from tests.unit.helpers import SMALL_HEADER, SMALL_ROWS, cli_as, run_cli, write_csv, write_set

NAME = "Small"
HEX64 = re.compile(r"[0-9a-f]{64}")


@pytest.fixture()
def cli(capsys, db_path):
    return cli_as(capsys, db_path, "alice")


@pytest.fixture()
def scored(cli, db, tmp_path):
    """An audit with an import, answers changed in the app, a note, and a sign-off."""
    cli("audit", "create", NAME, "--set", str(write_set(tmp_path)))
    assert cli("answers", "import", NAME, str(write_csv(tmp_path / "a.csv", SMALL_HEADER,
                                                        SMALL_ROWS)))[0] == 0
    audit = actions.ws(db).audit(NAME)
    qs = actions.ws(db).question_set(audit)
    rid = db.scalar("SELECT id FROM record WHERE ref = 'R2'")
    actions.score(db, qs, rid, "1", "Y")
    actions.set_note(db, qs, rid, "1", "caller gave her address: 12 Acacia Avenue")
    assert cli("audit", "sign-off", NAME)[0] == 0
    return audit


def events(cli) -> list[dict]:
    code, out, err = cli("history", NAME, "--format", "json")
    assert code == 0, err
    return json.loads(out)["events"]


def raw(db_path, *statements: str) -> None:
    """Edit the file behind the program's back (the owner of a SQLite file can)."""
    conn = sqlite3.connect(db_path)
    try:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def verify(cli, *extra: str) -> tuple[int, str, str]:
    return cli("verify", NAME, *extra)


def test_every_event_is_chained_and_verify_reports_the_head(cli, scored):
    found = events(cli)
    assert found[0]["prev"] is None
    assert all(HEX64.fullmatch(e["hash"]) for e in found)
    assert [e["prev"] for e in found[1:]] == [e["hash"] for e in found[:-1]]
    assert {e["login"] for e in found} == {chain_login()}
    assert {e["reviewer"] for e in found} == {"alice", "test-reviewer"}   # display names
    code, out, err = verify(cli)
    assert code == 0, err
    assert out == f"verified {len(found)} events; head {found[-1]['hash']}\n"


def chain_login() -> str:
    from reviewer.paths import os_user

    return os_user()


def test_the_hash_is_sha256_over_prev_and_salted_commitments(db, scored):
    """Recomputed independently: a text enters only as SHA-256(salt ‖ text)."""
    rows = db.all("SELECT seq, at, login, reviewer, action, ref, question, before, after, "
                  "detail, salt, prev, hash, rows FROM event WHERE audit_id = ? ORDER BY seq",
                  (scored.id,))
    prev = None
    for (seq, at, login, who, action, ref, question, before, after, detail, salt, stored_prev,
         stored, blob) in rows:
        salt = bytes(salt)
        assert len(salt) == 16 and stored_prev == prev

        def c(text, salt=salt):
            return None if text is None else hashlib.sha256(salt + text.encode()).hexdigest()

        doc = [1, scored.id, seq, at, login, who, action, question, c(ref), c(before),
               c(after), c(detail), hashlib.sha256(blob).hexdigest() if blob else None]
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
        assert hashlib.sha256((prev or b"\0" * 32) + body).digest() == stored
        prev = stored
    imports = [r for r in rows if r[4] == "import"]
    listed = chain.unpack_rows(imports[0][13])      # the import commits its rows
    assert sum((len(r) - 1) // 2 for r in listed) > 10      # [record, q, a, q, a ...]


def test_history_cannot_be_changed_through_sql(db_path, scored):
    for sql in ("UPDATE event SET detail = 'x' WHERE seq = 2",
                "DELETE FROM event WHERE seq = 2",
                "UPDATE event SET salt = NULL WHERE seq = 2"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw(db_path, sql)


def test_an_event_changed_behind_the_programs_back(cli, db_path, scored):
    raw(db_path, "DROP TRIGGER event_no_update",
        f"UPDATE event SET after = 'N' WHERE audit_id = {scored.id} AND seq = 3")
    code, out, err = verify(cli)
    assert code == 1 and out == "broken at event 3: changed\n"
    assert err.count("\n") == 1 and "broken at event 3: changed" in err


def test_an_event_deleted_behind_the_programs_back(cli, db_path, scored):
    raw(db_path, "DROP TRIGGER event_no_delete",
        f"DELETE FROM event WHERE audit_id = {scored.id} AND seq = 2")
    code, out, _ = verify(cli)
    assert code == 1 and out == "broken at event 2: missing\n"


def test_an_event_inserted_behind_the_programs_back(cli, db_path, scored):
    """A well-formed event slipped in after event 2 (its own hash right, linked to event 2, the
    later events renumbered to make room): the event after it still links to event 2, so the
    chain reports the slipped-in event as inserted."""
    conn = sqlite3.connect(db_path)
    at, login, who, prev = conn.execute(
        "SELECT at, login, reviewer, hash FROM event WHERE audit_id = ? AND seq = 2",
        (scored.id,)).fetchone()
    conn.close()
    salt = chain.new_salt()
    body = chain.canonical(scored.id, 3, at, login, who, "answer", "1",
                           chain.commitments(salt, "R1", None, "Y", ""), None)
    digest = chain.event_hash(bytes(prev), body)
    raw(db_path, "DROP TRIGGER event_no_update", "DROP TRIGGER event_no_overwrite",
        f"UPDATE event SET seq = seq + 100000 WHERE audit_id = {scored.id} AND seq >= 3",
        f"UPDATE event SET seq = seq - 99999 WHERE audit_id = {scored.id} AND seq > 100000",
        "INSERT INTO event (audit_id, seq, at, login, reviewer, action, ref, question, before, "
        f"after, detail, salt, prev, hash, rows) VALUES ({scored.id}, 3, '{at}', '{login}', "
        f"'{who}', 'answer', 'R1', '1', NULL, 'Y', '', X'{salt.hex()}', X'{bytes(prev).hex()}', "
        f"X'{digest.hex()}', NULL)")
    code, out, err = verify(cli)
    assert code == 1 and out == "broken at event 3: inserted\n", out + err
    assert err.count("\n") == 1


def test_the_last_event_deleted_is_caught_by_the_reports_head(cli, db_path, scored, tmp_path):
    assert cli("report", NAME, "--out", str(tmp_path / "r.pdf"))[0] == 0
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    found = events(cli)
    head = found[-2]["hash"]              # the report prints the head before its own event
    assert head in text.replace("\n", "")
    assert verify(cli, "--head", head)[0] == 0
    last = found[-1]["seq"]
    raw(db_path, "DROP TRIGGER event_no_delete",
        f"DELETE FROM event WHERE audit_id = {scored.id} AND seq >= {last - 1}")
    assert verify(cli)[0] == 0            # a shorter chain is still a chain ...
    code, out, _ = verify(cli, "--head", head)
    assert code == 1 and out == f"broken at event {last - 1}: missing\n"   # ... but not that one


def test_an_answer_updated_by_raw_sql_is_found(cli, db_path, db, scored):
    """The contract's example: ``update answer set value='Y'`` on a signed-off audit."""
    code, before, _ = cli("tally", NAME, "--format", "json")
    rid = db.scalar("SELECT id FROM record WHERE ref = 'R3'")
    raw(db_path, f"UPDATE answer SET value = 'N' WHERE record_id = {rid} AND question_id = '1'")
    assert cli("tally", NAME, "--format", "json")[1] != before     # the figures moved ...
    code, out, err = verify(cli)                                  # ... and verify says so
    assert code == 1 and re.fullmatch(r"broken at event \d+: changed\n", out)
    assert "R3 question 1" in err
    raw(db_path, f"UPDATE answer SET value = 'Y' WHERE record_id = {rid} AND question_id = '1'")
    rid2 = db.scalar("SELECT id FROM record WHERE ref = 'R2'")    # an app answer (Y) this time
    raw(db_path, f"DELETE FROM answer WHERE record_id = {rid2} AND question_id = '1'")
    assert verify(cli)[0] == 1


def test_verify_whole_database_and_usage(cli, scored, tmp_path):
    code, out, _ = cli("verify")
    assert code == 0 and re.fullmatch(r"verified \d+ events; head [0-9a-f]{64}\n", out)
    assert cli("verify", NAME, "--head", "abc")[0] == 2
    assert cli("verify", "Nope")[0] == 1


def test_disclosures_record_purpose_recipient_and_head(cli, scored, tmp_path):
    out = tmp_path / "res.csv"
    code, _, err = cli("results", NAME, "--out", str(out), "--purpose", "HMICFRS inspection",
                       "--recipient", "HMICFRS")
    assert code == 0, err
    found = events(cli)
    detail = json.loads(found[-1]["detail"])
    assert found[-1]["action"] == "export"
    assert detail["file"] == "res.csv" and detail["sha256"] == hashlib.sha256(
        out.read_bytes()).hexdigest()
    assert (detail["purpose"], detail["recipient"]) == ("HMICFRS inspection", "HMICFRS")
    assert detail["head"] == found[-2]["hash"]


@pytest.mark.parametrize("purpose", ["x" * 10_000, "inspection\x1b[2J", "line\nbreak", "a\tb"])
def test_a_bad_purpose_is_one_line_and_nothing_is_written(cli, scored, tmp_path, purpose):
    out = tmp_path / "res.csv"
    before = events(cli)
    code, stdout, err = cli("results", NAME, "--out", str(out), "--purpose", purpose)
    assert code == 1 and err.count("\n") == 1 and "purpose" in err
    assert "\x1b" not in err and "Traceback" not in err
    assert not out.exists() and events(cli) == before


def test_the_policy_refuses_outputs_without_a_purpose(cli, scored, tmp_path):
    code, _, err = cli("audit", "policy", NAME, "--require-purpose", "on")
    assert code == 0, err
    outputs = [("results", NAME, "--out", str(tmp_path / "out-r.csv")),
               ("report", NAME, "--out", str(tmp_path / "out-r.pdf")),
               ("answers", "export", NAME, str(tmp_path / "out-a.csv")),
               ("feedback", NAME, "--by", "area", "--out", str(tmp_path / "out-f.xlsx")),
               ("answers", "export", NAME, str(tmp_path / "out-p.csv"), "--pseudonymise")]
    before = events(cli)
    for argv in outputs:
        code, _, err = cli(*argv)
        assert code == 1 and err.count("\n") == 1 and "requires a purpose" in err, argv
    assert not list(tmp_path.glob("out-*")) and events(cli) == before
    assert cli(*outputs[0], "--purpose", "inspection")[0] == 0
    assert cli("audit", "policy", NAME, "--require-purpose", "off")[0] == 0
    assert cli(*outputs[2])[0] == 0
    policy = [e for e in events(cli) if e["action"] == "policy"]
    assert [(e["before"], e["after"]) for e in policy] == [("off", "on"), ("on", "off")]


def test_views_are_logged_once_an_hour_per_person_and_record(cli, db, scored):
    ws = actions.ws(db)
    assert log_view(ws, scored.id, "R1").value is True
    assert log_view(ws, scored.id, "R1").value is False          # within 60 minutes
    assert log_view(ws, scored.id, "R1", "audio").value is True  # playing is another kind
    assert log_view(ws, scored.id, "R2").value is True
    other = actions.ws(db, "bob")
    other.login = "bob"                                          # another login
    assert log_view(other, scored.id, "R1").value is True
    db.execute("UPDATE audit SET name = name")                   # (no-op: keeps db warm)
    code, out, _ = cli("access", NAME, "--format", "json")
    found = json.loads(out)["events"]
    views = [(e["ref"], e["detail"], e["login"]) for e in found if e["action"] == "view"]
    me = chain_login()
    assert views == [("R1", "record", me), ("R1", "audio", me), ("R2", "record", me),
                     ("R1", "record", "bob")]
    assert {e["action"] for e in found} == {"view"}
    code, out, _ = cli("access", NAME, "--ref", "R1", "--person", "bob", "--format", "json")
    assert [e["login"] for e in json.loads(out)["events"]] == ["bob"]
    assert cli("verify", NAME)[0] == 0


def test_access_lists_views_and_exports_only(cli, db, scored, tmp_path):
    cli("results", NAME, "--out", str(tmp_path / "r.csv"), "--purpose", "board")
    log_view(actions.ws(db), scored.id, "R4")
    code, out, err = cli("access", NAME)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "export results r.csv" in lines[0] and "purpose: board" in lines[0]
    assert "view R4" in lines[1]
    assert "desk file: names not verified" in err


def test_verify_runs_as_a_command(db_path, scored):
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(db_path), "verify",
                           NAME], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("verified ")


def test_an_upgraded_database_is_chained_and_verifies(capsys, tmp_path):
    """Events written before schema 5 are salted and hashed in order by the upgrade; the
    answers given before history was kept ride on the ``upgrade`` event."""
    import shutil
    from pathlib import Path

    old = tmp_path / "old.db"
    shutil.copy(Path(__file__).resolve().parent.parent / "fixtures" / "schema-v1.db", old)
    code, out, err = run_cli(capsys, "--db", str(old), "verify")
    assert code == 0 and out.startswith("verified "), err
    conn = sqlite3.connect(old)
    rid = conn.execute("SELECT record_id FROM answer WHERE state = 1 LIMIT 1").fetchone()[0]
    conn.execute(f"UPDATE answer SET value = 'Tampered' WHERE record_id = {rid} AND state = 1")
    conn.commit()
    conn.close()
    code, out, _ = run_cli(capsys, "--db", str(old), "verify")
    assert code == 1 and re.fullmatch(r"broken at event 1: changed\n", out)


def test_team_on_a_desk_file(cli):
    """On a SQLite file the OS user has every right; grants are events of the database's own
    chain, which ``verify`` covers; the names are said to be unverified."""
    code, _, err = cli("team", "grant", "bob", "--role", "reviewer", "--name", "PC Bob")
    assert code == 0, err
    assert cli("team", "grant", "bob", "--role", "boss")[0] == 2
    code, _, err = cli("team", "grant", chain_login(), "--role", "lead")
    assert code == 1 and "your own login" in err and err.count("\n") == 1
    code, out, _ = cli("team", "list", "--format", "json")
    doc = json.loads(out)
    assert doc["names_verified"] is False
    assert [(m["login"], m["role"], m["display_name"]) for m in doc["members"]] == [
        ("bob", "reviewer", "PC Bob")]
    assert cli("team", "revoke", "bob")[0] == 0
    assert cli("team", "revoke", "bob")[0] == 1
    code, out, _ = cli("verify")
    assert code == 0 and out.startswith("verified 2 events; head ")


def test_trend_files_are_disclosures_too(cli, capsys, tmp_path):
    """A trend's chart and PDF, like every file written from an audit, are ``export`` events in
    each audit charted, refused without a purpose where the policy requires one."""
    names = []
    for i in range(3):
        name = f"T{i}"
        cli("audit", "create", name, "--set", str(write_set(tmp_path)))
        cli("answers", "import", name, str(write_csv(tmp_path / f"t{i}.csv", SMALL_HEADER,
                                                      SMALL_ROWS)))
        names.append(name)
    assert cli("audit", "policy", "T1", "--require-purpose", "on")[0] == 0
    chart = tmp_path / "trend.png"
    code, _, err = cli("trend", *names, "--chart", str(chart))
    assert code == 1 and "requires a purpose" in err and not chart.exists()
    code, _, err = cli("trend", *names, "--chart", str(chart), "--out", str(tmp_path / "t.pdf"),
                       "--purpose", "board", "--recipient", "committee")
    assert code == 0, err
    for name in names:
        _, out, _ = cli("access", name, "--format", "json")
        found = [json.loads(e["detail"]) for e in json.loads(out)["events"]]
        assert [(d["kind"], d["purpose"]) for d in found] == [("trend chart", "board"),
                                                             ("trend report", "board")]
