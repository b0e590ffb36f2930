"""Retention, disposal and pseudonymised exports (docs/contracts.md §11, docs/evidence.md): personal
data removed, figures kept byte for byte, the chain still verified, no removed text left in the
file; pseudonyms keyed per database."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json

import pytest

from tests import actions
from tests.unit.helpers import SMALL_HEADER, SMALL_ROWS, cli_as, run_cli, write_csv, write_set

NAME = "Small"
NOTE = "caller gave her address: 12 Acacia Avenue"


@pytest.fixture()
def cli(capsys, db_path):
    return cli_as(capsys, db_path, "lead")


@pytest.fixture()
def audit(cli, db, tmp_path):
    cli("audit", "create", NAME, "--set", str(write_set(tmp_path)))
    rows = [[f"INC-SECRET-{r[0]}", *r[1:-1], f"Area{r[0]}"] for r in SMALL_ROWS]
    assert cli("answers", "import", NAME, str(write_csv(tmp_path / "a.csv", SMALL_HEADER,
                                                        rows)))[0] == 0
    made = actions.ws(db).audit(NAME)
    qs = actions.ws(db).question_set(made)
    rid = db.scalar("SELECT id FROM record WHERE ref = 'INC-SECRET-R2'")
    actions.score(db, qs, rid, "1", "Y")
    actions.set_note(db, qs, rid, "1", NOTE)
    return made


def secret(db) -> bytes:
    return db.scalar("SELECT value FROM meta WHERE key = 'pseudonym_secret'").encode()


def pseudonym(db, ref: str) -> str:
    return "P-" + hmac.new(secret(db), ref.encode(), hashlib.sha256).hexdigest()[:16]


def test_disposal_keeps_the_figures_and_the_chain_and_leaves_no_byte(cli, db, db_path, audit,
                                                                      tmp_path):
    code, _, err = cli("dispose", NAME, "--reason", "review")
    assert code == 1 and "not signed off" in err and err.count("\n") == 1
    assert cli("audit", "sign-off", NAME)[0] == 0
    code, _, err = cli("dispose", NAME, "--reason", "review")
    assert code == 1 and "not due for review until" in err
    _, tally_before, _ = cli("tally", NAME, "--format", "json")
    assert cli("results", NAME, "--out", str(tmp_path / "before.csv"))[0] == 0
    refs = [r[0] for r in db.all("SELECT ref FROM record ORDER BY seq")]
    code, _, err = cli("dispose", NAME, "--reason", "MoPI review", "--force")
    assert code == 0, err
    _, tally_after, _ = cli("tally", NAME, "--format", "json")
    assert cli("results", NAME, "--out", str(tmp_path / "after.csv"))[0] == 0
    assert tally_after == tally_before
    assert (tmp_path / "after.csv").read_bytes() == (tmp_path / "before.csv").read_bytes()
    code, out, err = cli("verify", NAME)
    assert code == 0, out + err
    assert [r[0] for r in db.all("SELECT ref FROM record ORDER BY seq")] == [
        pseudonym(db, r) for r in refs]
    assert db.scalar("SELECT COUNT(*) FROM record WHERE fields <> '[]'") == 0
    assert db.scalar("SELECT COUNT(*) FROM field_slot") == 0          # the names forgotten
    assert db.scalar("SELECT COUNT(*) FROM answer WHERE note <> ''") == 0
    _, out, _ = cli("history", NAME, "--format", "json")
    found = json.loads(out)["events"]
    assert found[-2]["action"] == "dispose" and found[-2]["detail"] == "MoPI review"
    notes = [e for e in found if e["action"] == "note"]
    assert notes and all(e["after"] is None and e["ref"].startswith("P-") for e in notes)
    db.close()
    data = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*")
                    if not p.name.endswith(".bak"))
    for text in ["INC-SECRET", "Acacia Avenue", "AreaR1", "AreaR3"]:
        assert text.encode() not in data, text
    code, _, err = cli("dispose", NAME, "--reason", "again", "--force")
    assert code == 1 and "disposed of already" in err and err.count("\n") == 1


def test_retention_dates_and_due(cli, audit):
    code, out, _ = cli("retention", "due", "--format", "json")
    assert code == 0 and json.loads(out) == {"due": []}
    assert cli("retention", "set", NAME, "--until", "2020-01-31")[0] == 0
    code, out, _ = cli("retention", "due", "--format", "json")
    assert [(d["audit"], d["review_date"]) for d in json.loads(out)["due"]] == [
        (NAME, "2020-01-31")]
    assert cli("retention", "set", NAME, "--until", "2020-02-30")[0] == 2
    assert cli("retention", "set", NAME, "--until", "soon")[0] == 2
    assert cli("audit", "sign-off", NAME)[0] == 0
    assert cli("dispose", NAME, "--reason", "due")[0] == 0        # past its date: no --force
    code, out, _ = cli("retention", "due", "--format", "json")
    assert json.loads(out) == {"due": []}


def read_table(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_pseudonymised_export_and_its_tally(cli, db, audit, tmp_path):
    out = tmp_path / "pseudo.csv"
    code, _, err = cli("answers", "export", NAME, str(out), "--pseudonymise",
                       "--purpose", "research")
    assert code == 0, err
    rows = read_table(out)
    assert [r["ref"] for r in rows] == [pseudonym(db, f"INC-SECRET-R{i}") for i in range(1, 5)]
    assert "area" not in rows[0] and not any(k.startswith("note") for k in rows[0])
    assert b"INC-SECRET" not in out.read_bytes() and b"Acacia" not in out.read_bytes()
    kept = tmp_path / "kept.csv"
    assert cli("answers", "export", NAME, str(kept), "--pseudonymise", "--keep", "area",
               "--keep", "note:1")[0] == 0
    assert [r["area"] for r in read_table(kept)] == ["AreaR1", "AreaR2", "AreaR3", "AreaR4"]
    assert NOTE in kept.read_text(encoding="utf-8-sig")
    code, _, err = cli("answers", "export", NAME, str(tmp_path / "x.csv"), "--pseudonymise",
                       "--keep", "nope")
    assert code == 1 and "nope" in err and not (tmp_path / "x.csv").exists()
    cli("audit", "create", "Copy", "--set", str(write_set(tmp_path)))
    assert cli("answers", "import", "Copy", str(out))[0] == 0
    original = json.loads(cli("tally", NAME, "--format", "json")[1])
    copy = json.loads(cli("tally", "Copy", "--format", "json")[1])
    assert copy["questions"] == original["questions"]


def test_pseudonyms_differ_between_databases(cli, capsys, audit, tmp_path):
    other = tmp_path / "other.db"
    run_cli(capsys, "--db", str(other), "audit", "create", NAME, "--set",
            str(write_set(tmp_path)))
    run_cli(capsys, "--db", str(other), "answers", "import", NAME, str(tmp_path / "a.csv"))
    for target, out in ((None, "one.csv"), (other, "two.csv")):
        argv = ["answers", "export", NAME, str(tmp_path / out), "--pseudonymise"]
        code = run_cli(capsys, "--db", str(other), *argv)[0] if target else cli(*argv)[0]
        assert code == 0
    one, two = read_table(tmp_path / "one.csv"), read_table(tmp_path / "two.csv")
    assert [r["ref"] for r in one] != [r["ref"] for r in two]


def test_a_missing_secret_file_is_one_line(cli, audit, tmp_path, monkeypatch):
    monkeypatch.setenv("REVIEWER_SECRET_FILE", str(tmp_path / "nowhere.key"))
    out = tmp_path / "p.csv"
    code, _, err = cli("answers", "export", NAME, str(out), "--pseudonymise")
    assert code == 1 and err.count("\n") == 1 and "nowhere.key" in err and not out.exists()
    key = tmp_path / "team.key"
    key.write_text("a shared secret of the team, 32+ chars")
    monkeypatch.setenv("REVIEWER_SECRET_FILE", str(key))
    assert cli("answers", "export", NAME, str(out), "--pseudonymise")[0] == 0
    expected = "P-" + hmac.new(key.read_bytes().strip(), b"INC-SECRET-R1",
                               hashlib.sha256).hexdigest()[:16]
    assert read_table(out)[0]["ref"] == expected


def test_disposal_removes_transcript_links_and_the_programs_own_copies(cli, db, audit,
                                                                        tmp_path, monkeypatch):
    """Transcript links go with the record fields; the program's machine transcripts of the
    audit (data folder) and what it cached from a transcript (its text) are deleted."""
    from reviewer.paths import cache_dir, data_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))   # this test's cache alone
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "INC-SECRET-R1.vtt").write_text(
        "WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nthe caller lives at Acacia Avenue\n",
        encoding="utf-8")
    assert cli("transcripts", "link", NAME, "--folder", str(folder))[0] == 0
    code, out, err = cli("search", NAME, "Acacia")
    assert code == 0 and "Acacia" in out, err
    cached = [p for p in (cache_dir() / "transcripts").glob("*.json")
              if b"acacia" in p.read_bytes().lower()]
    assert cached
    own = data_dir() / "transcripts" / str(audit.id)
    own.mkdir(parents=True)
    (own / "INC-SECRET-R2.json").write_text('{"machine": true}', encoding="utf-8")
    assert cli("audit", "sign-off", NAME)[0] == 0
    assert cli("dispose", NAME, "--reason", "review", "--force")[0] == 0
    assert not own.exists() and not any(p.exists() for p in cached)
    assert db.scalar("SELECT COUNT(*) FROM record WHERE fields LIKE '%transcript%'") == 0
    code, out, _ = cli("search", NAME, "Acacia")
    assert "Acacia" not in out


def test_disposal_leaves_no_stored_machine_transcript_text(cli, db, db_path, audit):
    """A machine transcript stored in the database (schema 4) and searched (so cached on this
    machine): disposal deletes its row and unlinks it, clears the cached copies, and no byte of
    its text stays in the database file (docs/listening.md, "Removing transcripts")."""
    from reviewer.files.transcripts import Segment, Transcript
    from reviewer.ops.transcribe import store_machine_transcripts
    from reviewer.paths import cache_dir

    rid = db.scalar("SELECT id FROM record WHERE ref = 'INC-SECRET-R1'")
    lines = Transcript([Segment(0.5, 2.0, "she lives at Quixotic Mews, flat nine")],
                       machine=True)
    store_machine_transcripts(actions.ws(db), audit.id, "pocketsphinx", [(rid, lines)])
    assert db.scalar("SELECT COUNT(*) FROM transcript WHERE audit_id = ?", (audit.id,)) == 1
    code, out, err = cli("search", NAME, "Quixotic")
    assert code == 0 and "Quixotic" in out, err
    cached = [p for p in (cache_dir() / "transcripts").rglob("*.json")
              if b"quixotic" in p.read_bytes().lower()]
    assert cached
    assert cli("audit", "sign-off", NAME)[0] == 0
    assert cli("dispose", NAME, "--reason", "review", "--force")[0] == 0
    assert db.scalar("SELECT COUNT(*) FROM transcript WHERE audit_id = ?", (audit.id,)) == 0
    assert db.scalar("SELECT COUNT(*) FROM record WHERE fields LIKE '%db:%'") == 0
    assert not any(p.exists() for p in cached)
    code, out, _ = cli("search", NAME, "Quixotic")
    assert "Quixotic" not in out
    db.close()
    data = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*")
                    if not p.name.endswith(".bak"))
    assert b"Quixotic" not in data
