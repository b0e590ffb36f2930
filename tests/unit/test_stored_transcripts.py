"""Machine transcripts stored in the database (docs/contracts.md §12, docs/listening.md "Stored
transcripts"): ``transcribe`` stores them in the ``transcript`` table through an operation and
links them as ``db:ID``; ``reviewer search`` in another process finds them, on SQLite and on
PostgreSQL; the history says who stored them; disposal removes them and this machine's cache.
The engine only makes the lines, so these tests store lines through the operation directly
(CI does not install the [asr] extra)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer.files.transcripts import Segment, Transcript, segments_json, stored_transcript
from reviewer.ops import team
from reviewer.ops.core import Refused
from reviewer.ops.listening import cache_group, clear_transcript_cache, search_audit
from reviewer.ops.transcribe import store_machine_transcripts
from reviewer.paths import cache_dir
from reviewer.store import transcripts
from reviewer.store.db import Database
from tests.actions import create_audit, import_answers, ws
from tests.conftest import ASB_SET

PERSON = {"segments": [{"start": 0, "end": 2, "text": "A person wrote that the caller was "
                                                        "safe"}]}
LINES = Transcript([Segment(0.5, 2.0, "Police, what is your emergency?"),
                    Segment(2.5, 4.0, "Is anybody hurt?")], machine=True)


def reviewer(target: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, REVIEWER_DB=target)
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "r.db")
    return request.getfixturevalue("pg_url")


def calls(db: Database, folder: Path):
    """Three records: C1 and C2 without transcripts, C3 with a person's."""
    (folder / "C3.json").write_text(json.dumps(PERSON), encoding="utf-8")
    (folder / "t.csv").write_text("ref,transcript\nC1,\nC2,\nC3,C3.json\n", encoding="utf-8")
    audit = create_audit(db, "Calls", ASB_SET)
    import_answers(db, audit, folder / "t.csv")
    rids = dict(db.all("SELECT ref, id FROM record WHERE audit_id = ?", (audit.id,)))
    return audit, rids


def field(db: Database, ref: str) -> str:
    from tests.unit.helpers import stored_fields

    return stored_fields(db, ref)["transcript"]


def test_a_stored_machine_transcript_is_found_by_search_from_another_process(target,
                                                                             tmp_path):
    db = Database(target)
    try:
        audit, rids = calls(db, tmp_path)
        done = store_machine_transcripts(ws(db, "asr-desk"), audit.id, "pocketsphinx",
                                         [(rids["C1"], LINES), (rids["C3"], LINES)])
        assert done.value == 1 and done.changes.records       # C3 is a person's: left alone
        assert field(db, "C1").startswith("db:") and field(db, "C3").endswith("C3.json")
        row = transcripts.get(db, int(field(db, "C1")[3:]))
        assert row is not None and row.machine and row.engine == "pocketsphinx"
        assert row.created_by == "asr-desk" and row.record_id == rids["C1"]
    finally:
        db.close()
    assert not list(tmp_path.glob("**/C1.json"))                  # no file: in the database

    found = reviewer(target, "search", "Calls", "anybody hurt", "--format", "json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout) == {"hits": [{"ref": "C1", "start": 2.5, "end": 4.0,
                                                  "text": "Is anybody hurt?", "speaker": ""}]}
    assert "hits from machine transcripts (speech recognition, words may be wrong): C1" \
        in found.stderr
    text = reviewer(target, "search", "Calls", "caller")
    assert text.stdout == "C3  00:00  A person wrote that the caller was safe\n"
    assert "machine" not in text.stderr                          # a person's hit is not marked

    history = json.loads(reviewer(target, "history", "Calls", "--format", "json").stdout)
    stored = [e for e in history["events"] if e["action"] == "transcribe"]
    assert [(e["ref"], e["reviewer"]) for e in stored] == [("C1", "asr-desk"), (None, "asr-desk")]
    assert "pocketsphinx: machine transcript db:" in stored[0]["detail"]


def test_transcribing_again_replaces_the_machine_transcript(db, tmp_path):
    audit, rids = calls(db, tmp_path)
    store_machine_transcripts(ws(db), audit.id, "pocketsphinx", [(rids["C1"], LINES)])
    again = Transcript([Segment(1.0, 2.0, "Which road are you on?")], machine=True)
    store_machine_transcripts(ws(db), audit.id, "pocketsphinx", [(rids["C1"], again)])
    assert transcripts.count(db, audit.id) == 1
    assert [h.text for h in search_audit(ws(db), audit.id, "road").hits] == \
        ["Which road are you on?"]
    assert search_audit(ws(db), audit.id, "hurt").hits == []


def test_a_signed_off_audit_refuses_and_stores_nothing(db, tmp_path):
    audit, rids = calls(db, tmp_path)
    team.sign_off(ws(db), audit.id)
    with pytest.raises(Refused):
        store_machine_transcripts(ws(db), audit.id, "pocketsphinx", [(rids["C1"], LINES)])
    assert transcripts.count(db, audit.id) == 0 and field(db, "C1") == ""


def test_answers_export_and_import_keep_the_link(tmp_path):
    target = str(tmp_path / "r.db")
    db = Database(target)
    try:
        audit, rids = calls(db, tmp_path)
        store_machine_transcripts(ws(db), audit.id, "pocketsphinx", [(rids["C1"], LINES)])
        link = field(db, "C1")
    finally:
        db.close()
    out = tmp_path / "out" / "answers.csv"
    out.parent.mkdir()
    done = reviewer(target, "answers", "export", "Calls", str(out))
    assert done.returncode == 0, done.stderr
    rows = out.read_text(encoding="utf-8").splitlines()
    head = rows[0].split(",")
    c1 = next(r for r in rows if r.startswith("C1,")).split(",")
    assert c1[head.index("transcript")] == link                # not taken for a path
    again = reviewer(target, "answers", "import", "Calls", str(out))
    assert again.returncode == 0, again.stderr
    db = Database(target)
    try:
        assert field(db, "C1") == link
    finally:
        db.close()
    assert reviewer(target, "search", "Calls", "emergency").stdout == \
        "C1  00:00  Police, what is your emergency?\n"


def test_a_link_to_no_stored_transcript_is_one_line_and_the_rest_are_searched(tmp_path):
    target = str(tmp_path / "r.db")
    (tmp_path / "C2.json").write_text(json.dumps(PERSON), encoding="utf-8")
    (tmp_path / "t.csv").write_text("ref,transcript\nC1,db:99\nC2,C2.json\n", encoding="utf-8")
    assert reviewer(target, "audit", "create", "Calls", "--set", str(ASB_SET)).returncode == 0
    assert reviewer(target, "answers", "import", "Calls", str(tmp_path / "t.csv")
                    ).returncode == 0
    found = reviewer(target, "search", "Calls", "safe")
    assert found.returncode == 0 and found.stdout.startswith("C2  00:00")
    assert "C1: db:99: no transcript of this record is stored in the database" in found.stderr
    assert "Traceback" not in found.stderr


def test_disposal_removes_machine_transcripts_and_this_machines_cache(db, tmp_path,
                                                                      monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))     # this test's own cache
    audit, rids = calls(db, tmp_path)
    store_machine_transcripts(ws(db), audit.id, "pocketsphinx", [(rids["C1"], LINES)])
    other = create_audit(db, "Other", ASB_SET)
    (tmp_path / "o.csv").write_text("ref\nX1\n", encoding="utf-8")
    import_answers(db, other, tmp_path / "o.csv")
    x1 = db.scalar("SELECT id FROM record WHERE audit_id = ?", (other.id,))
    store_machine_transcripts(ws(db), other.id, "pocketsphinx", [(x1, LINES)])
    # search fills this machine's cache (lines and folded text) of both audits' transcripts
    for a in (audit.id, other.id):
        assert search_audit(ws(db), a, "hurt").hits
    group = cache_dir() / cache_group(ws(db), audit.id)
    assert len(list(group.glob("*.json"))) == 1                 # C1's, stored
    assert b"anybody" in next(group.glob("*.json")).read_bytes()
    person = [p for p in (cache_dir() / "transcripts").glob("*.json")
              if b"person wrote" in p.read_bytes()]
    assert len(person) == 1                                     # C3's, a file

    with db.transaction():
        assert transcripts.delete_machine(db, audit.id) == 1
    assert transcripts.count(db, audit.id) == 0 and field(db, "C1") == ""
    assert clear_transcript_cache(ws(db), audit.id) == 2
    assert not group.exists() and not person[0].exists()
    assert transcripts.count(db, other.id) == 1                 # another audit's are kept
    assert (cache_dir() / cache_group(ws(db), other.id)).exists()
    assert [h.ref for h in search_audit(ws(db), audit.id, "hurt").hits] == []
    assert [h.ref for h in search_audit(ws(db), other.id, "hurt").hits] == ["X1"]
    assert field(db, "C3").endswith("C3.json")                  # a person's link is kept


_line = st.tuples(st.floats(0, 36_000, allow_nan=False), st.floats(0, 600, allow_nan=False),
                  st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).map(
                      lambda t: " ".join(t.split())).filter(bool),
                  st.sampled_from(["", "Caller", "Handler", "Ça"]))


@given(st.lists(_line, min_size=1, max_size=20), st.booleans())
def test_stored_lines_read_back_as_they_were_stored(lines, machine):
    t = Transcript(sorted((Segment(a, a + d, text, who) for a, d, text, who in lines),
                          key=lambda s: (s.start, s.end)), machine)
    back = stored_transcript("db:1", segments_json(t), machine)
    assert back.machine == machine
    assert [(s.start, s.end, s.text, s.speaker) for s in back.segments] == \
        [(s.start, s.end, s.text, s.speaker) for s in t.segments]
