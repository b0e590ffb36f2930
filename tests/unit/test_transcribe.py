"""``reviewer transcribe`` (docs/contracts.md §12): without the [asr] extra, one line saying how to
get it;
with it (PocketSphinx), machine transcripts stored in the database, linked and marked as such,
with sockets blocked."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from benchmarks.callgen import make_call
from tests.actions import create_audit, import_answers, ws
from tests.conftest import ASB_SET
from tests.unit.helpers import stored_fields

BLOCKED = ("import sys; sys.modules['pocketsphinx'] = None; from reviewer.cli.main import main; "
           "sys.exit(main(sys.argv[1:]))")


def test_without_the_extra_one_line_says_how_to_get_it(tmp_path):
    env = dict(os.environ, REVIEWER_DB=str(tmp_path / "r.db"))
    done = subprocess.run([sys.executable, "-c", BLOCKED, "transcribe", "Any audit"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 1
    assert done.stderr == ("reviewer: transcribe needs the speech-recognition extra: "
                           "pip install 'reviewer[asr]'\n")
    assert not (tmp_path / "r.db").exists()          # nothing opened, nothing written


def test_an_unknown_engine_is_one_line(tmp_path):
    env = dict(os.environ, REVIEWER_DB=str(tmp_path / "r.db"))
    done = subprocess.run([sys.executable, "-m", "reviewer", "transcribe", "A", "--engine",
                           "cloud"], capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    assert done.returncode == 1 and "no speech-recognition engine 'cloud'" in done.stderr


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")
def test_machine_transcripts_are_made_offline_linked_and_marked(db, tmp_path, monkeypatch):
    pytest.importorskip("pocketsphinx")
    from reviewer.ops.listening import record_transcript, search_audit
    from reviewer.ops.transcribe import transcribe_audit

    make_call(tmp_path / "C1.wav", [("pause", 0.5), ("say", "Police, what is your emergency?"),
                                    ("pause", 2.0), ("say", "Is anybody hurt?")])
    human = tmp_path / "C2.json"
    human.write_text(json.dumps({"segments": [{"start": 0, "end": 1, "text": "hello"}]}))
    make_call(tmp_path / "C2.wav", [("say", "Hello.")])
    (tmp_path / "t.csv").write_text("ref,audio,transcript\nC1,C1.wav,\nC2,C2.wav,C2.json\n"
                                    "C3,,\n")
    audit = create_audit(db, "Calls", ASB_SET)
    import_answers(db, audit, tmp_path / "t.csv")

    def no_network(*_a, **_k):
        raise AssertionError("a network connection was opened")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    done = transcribe_audit(ws(db), audit.id, None, "pocketsphinx")
    assert done.value == [] and "1 recording(s) transcribed" in done.message
    fields = stored_fields(db, "C1")
    assert fields["transcript"].startswith("db:")             # stored in the database
    rid = db.scalar("SELECT id FROM record WHERE ref = 'C1'")
    made = record_transcript(ws(db), rid, fields)[0]
    assert made.machine and made.segments
    person = stored_fields(db, "C2")
    assert person["transcript"] == str(human.resolve())      # a person's transcript is kept
    word = made.segments[0].text.split()[0]
    hits = search_audit(ws(db), audit.id, word).hits
    assert hits and all(h.machine for h in hits if h.ref == "C1")
    assert "machine" not in hits[0].to_dict()
