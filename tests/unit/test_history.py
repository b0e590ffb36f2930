"""History (docs/contracts.md §6): every change to an audit, who and when, before and after,
append-only, printed by ``reviewer history``."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from reviewer.ops import scoring
from tests import actions
from tests.unit.helpers import SMALL_HEADER, SMALL_ROWS, run_cli, write_csv, write_set

NAME = "Small"


@pytest.fixture()
def cli(capsys, db_path):
    def call(*argv: str, who: str = "alice"):
        return run_cli(capsys, "--db", str(db_path), "--reviewer", who, *argv)
    return call


def events(cli, *extra: str) -> list[dict]:
    code, out, err = cli("history", NAME, "--format", "json", *extra)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["audit"] == NAME
    return doc["events"]


@pytest.fixture()
def imported(cli, tmp_path):
    cli("audit", "create", NAME, "--set", str(write_set(tmp_path)))
    path = write_csv(tmp_path / "answers.csv", SMALL_HEADER, SMALL_ROWS)
    code, _, err = cli("answers", "import", NAME, str(path))
    assert code == 0, err
    return path


def test_create_and_import_events(cli, imported):
    found = events(cli)
    assert [e["action"] for e in found] == ["create", "import"]
    assert [e["seq"] for e in found] == [1, 2]
    keys = {"seq", "at", "reviewer", "action", "ref", "question", "before", "after", "detail"}
    assert all(keys <= set(e) for e in found)
    imp = found[1]
    assert imp["reviewer"] == "alice" and imp["ref"] is None and imp["question"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", imp["at"])
    digest = re.search(r"sha256=([0-9a-f]+)", imp["detail"]).group(1)
    import hashlib

    assert digest == hashlib.sha256(imported.read_bytes()).hexdigest() and len(digest) == 64
    assert "answers.csv" in imp["detail"] and "rows=4 new=4 updated=0" in imp["detail"]


def test_a_reimport_records_each_replaced_or_cleared_answer(cli, imported, tmp_path):
    # R1: 2 Y -> N clears 2a (Y) and 2b (Age) by condition; 4 Late -> Too few; 1 unchanged.
    path = write_csv(tmp_path / "fix.csv", ["ref", "1", "2", "4", "note:1"],
                     [["R1", "Y", "N", "Too few", "checked twice"]])
    code, _, err = cli("answers", "import", NAME, str(path), who="bob")
    assert code == 0, err
    found = events(cli, "--ref", "R1")
    changes = [(e["action"], e["question"], e["before"], e["after"], e["reviewer"])
               for e in found]
    assert ("answer", "2", "Y", "N", "bob") in changes
    assert ("answer", "4", "Late", "Too few", "bob") in changes
    assert ("answer", "2a", "Y", None, "bob") in changes
    assert ("answer", "2b", "Age", None, "bob") in changes
    assert not any(c[1] == "1" and c[0] == "answer" for c in changes)   # unchanged
    by_q = {e["question"]: e for e in found}
    assert by_q["2a"]["detail"].startswith("condition") and "fix.csv" in by_q["2a"]["detail"]
    assert by_q["2"]["detail"] == "import fix.csv"
    assert all(e["ref"] == "R1" for e in found)
    # The first note on a blank note is covered by the import event (docs/contracts.md §6).
    assert not any(e["action"] == "note" for e in found)


def test_scoring_notes_and_undo_are_recorded(db, tmp_path):
    audit = actions.create_audit(db, NAME, write_set(tmp_path))
    actions.import_answers(db, audit, write_csv(tmp_path / "a.csv", ["ref"], [["R1"]]))
    qs = actions.ws(db).question_set(audit)
    rid = db.scalar("SELECT id FROM record WHERE ref = 'R1'")
    actions.score(db, qs, rid, "2", "Y", "alice")
    actions.score(db, qs, rid, "2a", "Y", "alice")
    actions.score(db, qs, rid, "2", "N", "bob")          # clears 2a by condition
    actions.set_note(db, qs, rid, "2", "caller unsure", "bob")
    actions.set_note(db, qs, rid, "2", "", "bob")
    assert actions.undo_last(db, qs, audit.id, "bob") == (rid, "2")   # the note comes back
    got = [(e.action, e.reviewer, e.question, e.before, e.after, e.detail)
           for e in actions.ws(db).history(audit.id, "R1")]
    assert got == [
        ("answer", "alice", "2", None, "Y", "app"),
        ("answer", "alice", "2a", None, "Y", "app"),
        ("answer", "bob", "2", "Y", "N", "app"),
        ("answer", "bob", "2a", "Y", None, "condition: question 2 answered N"),
        ("note", "bob", "2", None, "caller unsure", "app"),
        ("note", "bob", "2", "caller unsure", None, "app"),
        ("undo", "bob", "2", None, "caller unsure", "note"),
    ]
    # Each answer row keeps the event that gave it (a note does not change it).
    seq = db.scalar("SELECT event_seq FROM answer WHERE record_id = ? AND question_id = '2'",
                    (rid,))
    assert seq == next(e.seq for e in actions.ws(db).history(audit.id, "R1")
                       if e.question == "2" and e.after == "N")


def test_multi_choice_labels_are_joined_with_semicolons(db, tmp_path):
    audit = actions.create_audit(db, NAME, write_set(tmp_path))
    actions.import_answers(db, audit, write_csv(tmp_path / "a.csv", ["ref"], [["R1"]]))
    qs = actions.ws(db).question_set(audit)
    rid = db.scalar("SELECT id FROM record WHERE ref = 'R1'")
    actions.score(db, qs, rid, "4", "late; wrong type")
    actions.score(db, qs, rid, "4", "n/a")
    got = [(e.before, e.after) for e in actions.ws(db).history(audit.id, "R1")]
    assert got == [(None, "Wrong type;Late"), ("Wrong type;Late", "n/a")]


def test_files_written_are_recorded_as_disclosures(cli, imported, tmp_path):
    for argv in (("answers", "export", NAME, str(tmp_path / "out.xlsx")),
                 ("results", NAME, "--out", str(tmp_path / "res.csv")),
                 ("report", NAME, "--out", str(tmp_path / "rep.pdf")),
                 ("feedback", NAME, "--by", "area", "--out", str(tmp_path / "fb.xlsx"))):
        code, _, err = cli(*argv)
        assert code == 0, err
    found = [json.loads(e["detail"]) for e in events(cli) if e["action"] == "export"]
    # docs/contracts.md §11: the detail is a JSON object (file, sha256, purpose, recipient, head)
    assert [d["kind"].split()[0] for d in found] == ["answers", "results", "report", "feedback"]
    assert all(re.fullmatch(r"[0-9a-f]{64}", d["sha256"]) for d in found)
    assert [d["file"] for d in found] == ["out.xlsx", "res.csv", "rep.pdf", "fb.xlsx"]
    assert all(d["purpose"] is None and d["recipient"] is None for d in found)
    assert all(re.fullmatch(r"[0-9a-f]{64}", d["head"]) for d in found)


def test_rename_and_archive_are_recorded(cli, imported):
    assert cli("audit", "rename", NAME, "Renamed")[0] == 0
    assert cli("audit", "archive", "Renamed")[0] == 0
    code, out, _ = cli("history", "Renamed", "--format", "json")
    found = json.loads(out)["events"]
    assert [(e["action"], e["before"], e["after"]) for e in found[-2:]] == [
        ("rename", NAME, "Renamed"), ("archive", "false", "true")]


def test_history_text_and_ref_filter(cli, imported):
    code, out, _ = cli("history", NAME)
    lines = out.splitlines()
    assert len(lines) == 2 and "create" in lines[0] and "import" in lines[1]
    code, out, err = cli("history", NAME, "--ref", "NOPE")
    assert code == 0 and out == "" and "no events about 'NOPE'" in err


def test_history_is_append_only(db_path, imported):
    conn = sqlite3.connect(db_path)
    for sql in ("UPDATE event SET reviewer = 'mallory'", "DELETE FROM event"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)
    conn.close()


def test_undo_never_takes_back_an_import(db, tmp_path):
    audit = actions.create_audit(db, NAME, write_set(tmp_path))
    actions.import_answers(db, audit, write_csv(tmp_path / "a.csv", SMALL_HEADER, SMALL_ROWS))
    qs = actions.ws(db).question_set(audit)
    done = scoring.undo_last(actions.ws(db), audit.id, qs)
    assert done.value is None and "Nothing of yours" in done.message


def test_the_text_line_names_a_question_once():
    """A numbered question reads "q1:"; an id that already starts with a letter is shown as it
    is ("q1", not "qq1")."""
    from reviewer.store.history import HistoryEvent

    def line(question: str) -> str:
        return HistoryEvent(7, "2026-11-23T10:17:40Z", "bob", "answer", "INC-7", question,
                            "Y", "N", "app").text()

    assert " INC-7 q1: Y -> N (app)" in line("1")
    assert " INC-7 q1: Y -> N (app)" in line("q1")
    assert " INC-7 a2b: Y -> N (app)" in line("a2b")
