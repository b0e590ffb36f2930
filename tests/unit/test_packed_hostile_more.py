"""Packed history events (docs/evidence.md, "Packed events") after disposal, after an upgrade
from schema 7, under PostgreSQL's roles (docs/contracts.md §10) and with imports and scorers
at once — the ``reviewer`` command run as a subprocess on real databases, and real concurrent
processes."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

from tests.unit import packed_cli as pc
from tests.unit.helpers import write_set
from tests.unit.test_packed_history import target  # noqa: F401 - two databases per engine
from tests.unit.test_roles_pg import team  # noqa: F401 - logins of each role on PostgreSQL

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _zlib_streams(data: bytes) -> list[bytes]:
    """Every zlib stream found anywhere in ``data``, decompressed."""
    found = []
    for m in re.finditer(rb"\x78[\x01\x5e\x9c\xda]", data):
        d = zlib.decompressobj()
        try:
            out = d.decompress(data[m.start():m.start() + 4_000_000])
        except zlib.error:
            continue
        if len(out) > 8:
            found.append(out)
    return found


def _forms(text: str) -> list[bytes]:
    """The bytes a text could be stored as: itself, and JSON-escaped."""
    return [text.encode(), json.dumps(text)[1:-1].encode(),
            json.dumps(text, ensure_ascii=False)[1:-1].encode()]


def test_disposal_after_a_packed_reimport(target, tmp_path):  # noqa: F811
    db, n = target[1], 30
    pc.audit_with_packs(db, tmp_path, n, pc.SMALL)
    tally = pc.rv(db, "tally", pc.AUDIT, "--format", "json").stdout
    pc.rv(db, "results", pc.AUDIT, "--out", str(tmp_path / "before.csv"))     # an export event
    before = pc.history(db)
    pc.rv(db, "dispose", pc.AUDIT, "--reason", "end of retention", "--force")
    after = pc.history(db)
    assert len(after) == len(before) + 1 and after[-1]["action"] == "dispose"
    pc.linked(after)
    pc.verified(db, len(after))
    assert pc.rv(db, "tally", pc.AUDIT, "--format", "json").stdout == tally
    pc.rv(db, "results", pc.AUDIT, "--out", str(tmp_path / "after.csv"))
    assert (tmp_path / "after.csv").read_bytes() == (tmp_path / "before.csv").read_bytes()
    pseudonyms = {}
    for was, now in zip(before, after, strict=False):
        assert (was["seq"], was["action"], was["question"], was["detail"], was["prev"],
                was["hash"]) == (now["seq"], now["action"], now["question"], now["detail"],
                                 now["prev"], now["hash"])
        if was["action"] in ("answer", "note"):
            assert now["ref"].startswith("P-") and pseudonyms.setdefault(
                was["ref"], now["ref"]) == now["ref"]
            assert (now["before"], now["after"]) == ((None, None) if now["action"] == "note"
                                                     else (was["before"], was["after"]))
    assert len(set(pseudonyms.values())) == n
    some = sorted(pseudonyms.values())[:3]
    for p in some:
        assert [e["seq"] for e in pc.history(db, "--ref", p)] == [
            e["seq"] for e in after if e["ref"] == p]
    if db.startswith("postgresql"):
        return
    texts = set(pseudonyms) | {t for e in before if e["action"] == "note"
                               for t in (e["before"], e["after"]) if t}
    texts |= {t for row in pc.first_rows(n) for t in row[9:] if t}
    assert len(texts) > n * 2
    data = Path(db).read_bytes()
    blobs = [data, *_zlib_streams(data)]
    assert len(blobs) > 3                     # the packs (and the import's rows) were read
    left = [t for t in texts if any(f in b for f in _forms(t) for b in blobs)]
    assert left == []


def _flipped(src: Path, dst: Path, questions: set[str]) -> Path:
    with src.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    swap = {"Y": "N", "N": "Y"}
    for row in rows[1:]:
        for i, name in enumerate(header):
            if name in questions:
                row[i] = swap.get(row[i], row[i])
            elif name == "note:1":
                row[i] = f"changed\x1e{row[0]}\n\"note\""
    with dst.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return dst


def test_a_packed_reimport_after_an_upgrade_from_schema_7(tmp_path):
    db = str(tmp_path / "v7.db")
    shutil.copy(FIXTURES / "schema-v7.db", db)
    name = "ASB v5"
    pc.rv(db, "audit", "reopen", name, "--reason", "re-scored")          # upgraded to 8 here
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM event_bundle_record").fetchone() == (0,)
    out = tmp_path / "out.csv"
    pc.rv(db, "answers", "export", name, str(out), "--purpose", "re-score", "--recipient", "me")
    questions = {str(i) for i in range(1, 18)} - {"2", "12", "14"}     # no conditions
    pc.rv(db, "answers", "import", name, str(_flipped(out, tmp_path / "in.csv", questions)),
          consts=pc.SMALL)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM event e JOIN audit a ON a.id = e.audit_id "
                            "WHERE a.name = ? AND e.bundle IS NOT NULL", (name,)).fetchone()[0] > 3
    events = json.loads(pc.rv(db, "history", name, "--format", "json").stdout)["events"]
    pc.linked(events)
    done = pc.rv(db, "verify")
    assert done.stdout.startswith("verified "), done.stdout
    ref = next(e["ref"] for e in reversed(events) if e["action"] == "note")
    mine = json.loads(pc.rv(db, "history", name, "--ref", ref, "--format", "json").stdout)
    assert [e["seq"] for e in mine["events"]] == [e["seq"] for e in events if e["ref"] == ref]
    assert any(e["action"] == "note" and e["after"] == f"changed\x1e{ref}\n\"note\""
               for e in mine["events"])


def test_the_packs_of_schema_v8_db_read_verify_and_dispose(tmp_path):
    """``schema-v8.db``'s packs read, verify, take a packed re-import after them and are sealed
    by a disposal."""
    db = str(tmp_path / "v8.db")
    shutil.copy(FIXTURES / "schema-v8.db", db)
    assert pc.rv(db, "verify").stdout.startswith("verified ")
    for name in ("Packed v8", "Packed disposed v8"):
        events = json.loads(pc.rv(db, "history", name, "--format", "json").stdout)["events"]
        pc.linked(events)
        assert sum(e["action"] == "answer" for e in events) > 12
        ref = [e["ref"] for e in events if e["action"] == "answer"][-1]
        mine = json.loads(pc.rv(db, "history", name, "--ref", ref, "--format", "json").stdout)
        assert mine["events"] == [e for e in events if e["ref"] == ref]
    name = "Packed v8"
    out = tmp_path / "out.csv"
    pc.rv(db, "answers", "export", name, str(out))
    questions = {str(i) for i in range(1, 18)} - {"2", "12", "14"}
    pc.rv(db, "answers", "import", name, str(_flipped(out, tmp_path / "in.csv", questions)),
          consts=pc.SMALL)
    tally = pc.rv(db, "tally", name, "--format", "json").stdout
    pc.rv(db, "dispose", name, "--reason", "test", "--force")
    assert pc.rv(db, "tally", name, "--format", "json").stdout == tally
    events = json.loads(pc.rv(db, "history", name, "--format", "json").stdout)["events"]
    pc.linked(events)
    assert all(e["ref"].startswith("P-") for e in events if e["action"] in ("answer", "note"))
    assert pc.rv(db, "verify").stdout.startswith("verified ")


# -- imports and scorers at once -------------------------------------------------------------
SCORER = """
import sys
from reviewer.ops import scoring
from reviewer.workspace import Workspace
ws = Workspace.open(sys.argv[1], "scorer")
audit = ws.audit(sys.argv[2])
qs = ws.question_set(audit)
ids = [int(r[0]) for r in ws.db.all(
    "SELECT id FROM record WHERE audit_id = ? ORDER BY id", (audit.id,))][int(sys.argv[3]):]
for round in range(int(sys.argv[4])):
    for rid in ids:
        scoring.score(ws, audit.id, qs, rid, "1", "N" if round % 2 == 0 else "Y")
        if round == 0:
            print("scoring", flush=True)      # the imports start now
ws.db.close()
"""

ROUNDS = 12       # even: the scorer's last answer is Y


def test_two_packed_imports_and_a_scorer_at_once(target, tmp_path):  # noqa: F811
    """Two re-imports of the same records (one the answers to questions 1-4, the other question
    5 and the notes) packed, while a scorer answers other records over and over: every
    change kept, every event linked, verify passes."""
    db, n, scored = target[1], 300, 15
    pc.rv(db, "audit", "create", pc.AUDIT, "--set", str(write_set(tmp_path)))
    pc.rv(db, "answers", "import", pc.AUDIT,
          str(pc.write(tmp_path / "first.csv", pc.first_rows(n + scored))))
    second = pc.second_rows(n)
    a = pc.write(tmp_path / "a.csv", [r[:8] for r in second], pc.HEADER[:8])
    b = pc.write(tmp_path / "b.csv", [[r[0], *r[8:]] for r in second],
                 [pc.HEADER[0], *pc.HEADER[8:]])
    scorer = subprocess.Popen([sys.executable, "-c", SCORER, db, pc.AUDIT, str(n), str(ROUNDS)],
                              cwd=pc.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    assert scorer.stdout.readline() == "scoring\n"
    runs = [subprocess.Popen([sys.executable, "-c", pc.RUN, *map(str, pc.SMALL), "--db", db,
                              "answers", "import", pc.AUDIT, str(path)], cwd=pc.ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for path in (a, b)]
    for run in [*runs, scorer]:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    events = pc.history(db)
    pc.linked(events)
    pc.verified(db, len(events))
    assert sum(e["action"] == "import" for e in events) == 3
    assert sum(e["action"] == "answer" and e["reviewer"] == "scorer" for e in events) == \
        ROUNDS * scored
    for i, row in enumerate(second[:8]):
        mine = pc.history(db, "--ref", row[0])
        got = {(e["action"], e["question"]): e["after"] for e in mine}
        assert got[("answer", "1")] == "N" and got[("answer", "5")] == row[8]
        assert got[("answer", "2a")] == (None if i % 2 else "N")
        if row[9]:
            assert got[("note", "1")] == row[9]
    for row in pc.first_rows(n + scored)[n:n + 3]:
        assert pc.history(db, "--ref", row[0])[-1]["after"] == "Y"


# -- PostgreSQL's roles ------------------------------------------------------------------------
def test_a_reviewer_login_packs_an_import_and_cannot_change_packs(team, tmp_path):  # noqa: F811
    """A reviewer-role login's packed re-import is written (it may append to the list of the
    records packs name); neither it nor a lead can change or delete that list or the events."""
    from tests.unit.test_reimport_property import packed
    from tests.unit.test_roles_pg import AUDIT, denied

    cli, sql, names = team["cli"], team["sql"], team["names"]
    out = tmp_path / "out.csv"
    code, _, err = cli("lead", "answers", "export", AUDIT, str(out), "--purpose", "re-score",
                       "--recipient", "me")
    assert code == 0, err
    changed = _flipped(out, tmp_path / "in.csv", {str(i) for i in range(1, 18)} - {"2", "12", "14"})
    with packed(True, batch=50):
        code, _, err = cli("rev", "answers", "import", AUDIT, str(changed))
    assert code == 0, err
    packs = sql("owner", "SELECT seq, login FROM event WHERE bundle IS NOT NULL ORDER BY seq")
    assert len(packs) > 3 and {login for _, login in packs} == {names["rev"]}
    assert sql("owner", "SELECT COUNT(*) FROM event_bundle_record")[0][0] >= 100
    code, done, err = cli("viewer", "verify", AUDIT)
    assert code == 0 and done.startswith("verified "), err
    code, shown, _ = cli("viewer", "history", AUDIT, "--format", "json")
    events = json.loads(shown)["events"]
    pc.linked(events)
    assert sum(e["action"] == "answer" and e["login"] == names["rev"] for e in events) > 300
    seq = packs[0][0]
    for who in ("rev", "lead", "viewer"):
        for statement in ("UPDATE event_bundle_record SET seq = seq + 1",
                          "DELETE FROM event_bundle_record",
                          f"UPDATE event SET bundle = NULL WHERE seq = {seq}",
                          f"DELETE FROM event WHERE seq = {seq}"):
            assert denied(sql, who, statement), (who, statement)
    assert denied(sql, "viewer", "INSERT INTO event_bundle_record VALUES (1, 1, 1)")
    assert cli("viewer", "verify", AUDIT)[0] == 0
