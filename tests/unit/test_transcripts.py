"""Transcripts (docs/contracts.md §12): WebVTT, SRT and JSON read with their libraries, linked like
recordings (a folder, or a ``transcript`` column), bad files as one line each; ``reviewer
search`` and Audacity label files for timed notes, run as the command a person types."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.analysis.transcript_search import Hit, fold, hit_line, search, words
from reviewer.errors import ReviewerError
from reviewer.files.transcripts import Segment, problems, read_transcript
from tests.conftest import ASB_SET

VTT = ("WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n<v Handler>Police, what is your emergency?\n\n"
       "00:00:02.100 --> 00:00:04.000\n<v Caller>Youths at the CAFÉ, throwing bottles\n")
SRT = ("1\n00:00:01,000 --> 00:00:02,500\nAre you safe? Any weapons?\n\n"
       "2\n01:00:05,000 --> 01:00:06,000\nno weapons\n")


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def silent_wav(path: Path, seconds: float) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * int(seconds * 8000))
    return path


def test_three_formats_read_with_speakers_and_times(tmp_path):
    vtt = read_transcript(write(tmp_path / "a.vtt", VTT))
    assert vtt.segments[0] == Segment(0.5, 2.0, "Police, what is your emergency?", "Handler")
    assert vtt.segments[1].speaker == "Caller" and not vtt.machine
    srt = read_transcript(write(tmp_path / "b.srt", SRT))
    assert [(s.start, s.end) for s in srt.segments] == [(1.0, 2.5), (3605.0, 3606.0)]
    js = read_transcript(write(tmp_path / "c.json", json.dumps(
        {"segments": [{"start": 3, "end": 4, "text": "b"}, {"start": 1, "end": 2,
                                                             "text": "a", "speaker": "x"}],
         "machine": True})))
    assert [s.text for s in js.segments] == ["a", "b"] and js.machine


@pytest.mark.parametrize("name,content,expected", [
    ("empty.vtt", "", "the transcript is empty"),
    ("binary.srt", b"\x00\x01\x02RIFF\x00", "binary file"),
    ("latin1.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\ncaf\xe9\n".encode("latin-1"),
     "not UTF-8 text"),
    ("nohead.vtt", "hello\n", "not a WebVTT file"),
    ("bad.json", "{\"segments\": [{\"start\": \"x\", \"end\": 2}]}", "segment 1"),
    ("notjson.json", "{nope", "not JSON"),
    ("back.json", "{\"segments\": [{\"start\": 5, \"end\": 2, \"text\": \"x\"}]}",
     "ends before it starts"),
])
def test_bad_files_are_one_located_line(tmp_path, name, content, expected):
    path = write(tmp_path / name, content)
    with pytest.raises(ReviewerError) as err:
        read_transcript(path)
    assert len(err.value.problems) == 1
    assert str(path) in err.value.problems[0] and expected in err.value.problems[0]


def test_overlaps_and_lines_past_the_end_are_reported():
    from reviewer.files.transcripts import Transcript

    tr = Transcript([Segment(0, 5, "a"), Segment(4, 6, "b"), Segment(9, 12, "c")])
    lines = problems("x.vtt", tr, duration=10.0)
    assert any("1 line(s) overlap" in line for line in lines)
    assert any("run past the end of the call (10.0 s" in line for line in lines)
    assert problems("x.vtt", Transcript([Segment(0, 1, "a")]), 10.0) == []


def test_search_is_whole_word_case_and_accent_insensitive():
    data = [("R1", [Segment(1, 2, "Youths at the CAFÉ, throwing bottles", "Caller")]),
            ("R2", [Segment(5, 6, "They were unasked"), Segment(3, 4, "I asked, cafe")])]
    assert [h.ref for h in search(data, "café")] == ["R1", "R2"]
    assert [h.start for h in search(data, "asked")] == [3]
    assert search(data, "throw") == []
    assert [h.ref for h in search(data, "the cafe")] == ["R1"]
    assert [h.ref for h in search(data, "THROWING BOTLES", near=True)] == ["R1"]
    assert search(data, "THROWING BOTLES") == []


def test_hit_line_uses_hours_past_an_hour():
    assert hit_line(Hit("R1", 65.4, 66, "hello")) == "R1  01:05  hello"
    assert hit_line(Hit("R1", 3725, 3726, "hi")) == "R1  1:02:05  hi"


WORD = st.text(alphabet=st.sampled_from("abcdeéèüñøxyz"), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=12), st.data())
def test_any_word_of_a_line_finds_it_in_any_case_and_accents(words, data):
    line = " ".join(words)
    i = data.draw(st.integers(0, len(words) - 1))
    query = fold(words[i]).upper()
    hits = search([("R", [Segment(0, 1, line)])], query)
    assert len(hits) == 1
    # and a word that no word of the line equals (after folding) finds nothing
    other = "q" + fold(words[i])
    assert search([("R", [Segment(0, 1, line)])], other) == [] or \
        any(fold(w) == other for w in words)


# -- the command line ---------------------------------------------------------------------------
def reviewer(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, REVIEWER_DB=str(db))
    return subprocess.run([sys.executable, "-m", "reviewer", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


@pytest.fixture()
def calls(tmp_path):
    db = tmp_path / "r.db"
    audio = tmp_path / "audio"
    audio.mkdir()
    silent_wav(audio / "C1.wav", 5)
    silent_wav(audio / "C2.wav", 3)
    (tmp_path / "records.csv").write_text(
        "ref,area,audio,transcript\nC1,North,audio/C1.wav,\nC2,South,audio/C2.wav,\n"
        "C3,East,,t3.json\n", encoding="utf-8")
    write(tmp_path / "t3.json", json.dumps({"segments": [
        {"start": 3700, "end": 3702, "text": "Is anyone hurt?", "speaker": "handler"}]}))
    assert reviewer("audit", "create", "Calls", "--set", str(ASB_SET), db=db).returncode == 0
    done = reviewer("answers", "import", "Calls", str(tmp_path / "records.csv"), db=db)
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "tr"
    write(folder / "C1.vtt", VTT)
    write(folder / "c2.srt", SRT)                 # matched ignoring case; runs past the end
    write(folder / "C9.vtt", VTT)                 # no such record
    return db, folder


def test_link_then_search_from_the_command_line(calls, tmp_path):
    db, folder = calls
    done = reviewer("transcripts", "link", "Calls", "--folder", str(folder), db=db)
    assert done.returncode == 0, done.stderr
    assert "2 transcript(s) linked to records." in done.stderr
    assert "1 file(s) match no ref: C9.vtt." in done.stderr
    assert "c2.srt: 1 line(s) run past the end of the call (3.0 s" in done.stderr
    text = reviewer("search", "Calls", "weapons", db=db)
    assert text.returncode == 0
    assert text.stdout.splitlines() == ["C2  00:01  Are you safe? Any weapons?",
                                        "C2  1:00:05  no weapons"]
    js = json.loads(reviewer("search", "Calls", "CAFE", "--format", "json", db=db).stdout)
    assert js == {"hits": [{"ref": "C1", "start": 2.1, "end": 4.0, "speaker": "Caller",
                            "text": "Youths at the CAFÉ, throwing bottles"}]}
    # the transcript column of the table, relative to the table
    assert reviewer("search", "Calls", "anyone hurt", db=db).stdout == \
        "C3  1:01:40  Is anyone hurt?\n"
    assert reviewer("search", "Calls", "nothing said", db=db).stdout == ""
    assert reviewer("search", "Calls", " ?! ", db=db).returncode == 2
    bad = reviewer("search", "Calls", "x", "--question", "nope", db=db)
    assert bad.returncode == 1 and "no question 'nope'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_unreadable_transcripts_are_not_linked_and_the_rest_are(calls, tmp_path):
    db, folder = calls
    write(folder / "C1.vtt", b"\x00\x00binary")
    done = reviewer("transcripts", "link", "Calls", "--folder", str(folder), db=db)
    assert done.returncode == 0
    assert "1 transcript(s) linked to records." in done.stderr
    assert "C1.vtt: not a transcript (a binary file)" in done.stderr
    assert "1 transcript(s) not linked: C1." in done.stderr
    assert "Traceback" not in done.stderr


def test_notes_round_trip_through_audacity_labels(calls, tmp_path):
    db, _ = calls
    labels = write(tmp_path / "in.txt", "1.5\t1.5\t1: caller sounds scared\n"
                                        "62\t62.5\tgood question\n\\\t100\t200\n")
    done = reviewer("notes", "import", "Calls", str(labels), "--ref", "C1", "--question", "2",
                    db=db)
    assert done.returncode == 0, done.stderr
    assert "2 label(s) added" in done.stderr
    again = reviewer("notes", "import", "Calls", str(labels), "--ref", "C1", "--question", "2",
                     db=db)
    assert "0 label(s) added" in again.stderr
    out = tmp_path / "out.txt"
    assert reviewer("notes", "export", "Calls", "--ref", "C1", "--out", str(out),
                    db=db).returncode == 0
    assert out.read_text() == ("1.000000\t1.000000\t1: caller sounds scared\n"
                               "62.000000\t62.000000\t2: good question\n")
    assert out.stat().st_mode & 0o777 == 0o600
    history = reviewer("history", "Calls", "--ref", "C1", db=db).stdout
    assert "caller sounds scared [00:01]" in history and "labels from in.txt" in history


@pytest.mark.parametrize("content,expected", [
    ("1.5\tabc\tx\n", "in.txt:1: the times must be seconds"),
    ("oops\n", "in.txt:1: not a label"),
    ("5\t2\tx\n", "in.txt:1: the label ends before it starts"),
])
def test_bad_label_files_write_nothing(calls, tmp_path, content, expected):
    db, _ = calls
    labels = write(tmp_path / "in.txt", content)
    done = reviewer("notes", "import", "Calls", str(labels), "--ref", "C1", db=db)
    assert done.returncode == 1 and expected in done.stderr and "Traceback" not in done.stderr
    assert "note" not in reviewer("history", "Calls", "--ref", "C1", db=db).stdout


def test_labels_without_a_question_go_to_the_first_question(calls, tmp_path):
    db, _ = calls
    labels = write(tmp_path / "plain.txt", "3.2\t4.0\tcaller upset\n")
    done = reviewer("notes", "import", "Calls", "--in", str(labels), "--ref", "C2", db=db)
    assert done.returncode == 0, done.stderr
    assert 'q1: (blank) -> "caller upset [00:03]"' in reviewer("history", "Calls", "--ref", "C2",
                                                               db=db).stdout
    both = reviewer("notes", "import", "Calls", str(labels), "--in", str(labels), "--ref", "C2",
                    db=db)
    assert both.returncode == 2


def test_label_files_take_only_txt(calls, tmp_path):
    db, _ = calls
    done = reviewer("notes", "export", "Calls", "--ref", "C1", "--out",
                    str(tmp_path / "x.csv"), db=db)
    assert done.returncode == 2 and not (tmp_path / "x.csv").exists()


def naive(line: str, phrase: str) -> bool:
    """Whole words, the slow way: the phrase's words as consecutive words of the line."""
    a, b = words(line), words(phrase)
    return bool(b) and any(a[i:i + len(b)] == b for i in range(len(a) - len(b) + 1))


TEXT = st.text(alphabet=st.sampled_from("abAé' -_.,’"), max_size=14)


@settings(max_examples=400, deadline=None)
@given(TEXT, TEXT)
def test_the_fast_search_finds_exactly_what_whole_word_matching_finds(line, phrase):
    found = search([("R", [Segment(0, 1, " ".join(line.split()) or "x")])], phrase)
    assert bool(found) == naive(" ".join(line.split()) or "x", phrase)


def test_search_with_a_question_looks_only_where_it_is_asked(tmp_path):
    db = tmp_path / "q.db"
    for ref in ("A1", "A2"):
        write(tmp_path / f"{ref}.srt", "1\n00:00:01,000 --> 00:00:02,000\nAre you hurt?\n")
    (tmp_path / "t.csv").write_text("ref,2,transcript\nA1,Y,A1.srt\nA2,N,A2.srt\n")
    assert reviewer("audit", "create", "Q", "--set", str(ASB_SET), db=db).returncode == 0
    assert reviewer("answers", "import", "Q", str(tmp_path / "t.csv"), db=db).returncode == 0
    assert [line.split()[0] for line in reviewer("search", "Q", "hurt", db=db)
            .stdout.splitlines()] == ["A1", "A2"]
    only = reviewer("search", "Q", "hurt", "--question", "2a", db=db)
    assert only.returncode == 0 and only.stdout == "A1  00:01  Are you hurt?\n"


def test_a_transcript_column_in_an_incident_list_follows_the_sample(tmp_path):
    from reviewer.ops.audits import create_audit
    from reviewer.ops.listening import search_audit
    from reviewer.ops.sampling import draw_sample, import_incident_list
    from reviewer.workspace import Workspace

    write(tmp_path / "t" / "I1.srt", "1\n00:00:01,000 --> 00:00:02,000\nAny weapons?\n")
    (tmp_path / "inc.csv").write_text("Incident,area,transcript\nI1,North,t/I1.srt\n"
                                      "I2,South,\n")
    ws = Workspace.open(str(tmp_path / "x.db"), "me")
    audit = create_audit(ws, "S", str(ASB_SET)).value
    import_incident_list(ws, audit.id, tmp_path / "inc.csv", "Incident")
    draw_sample(ws, audit.id, 2, seed=1)
    assert [(h.ref, h.text) for h in search_audit(ws, audit.id, "weapons").hits] == [
        ("I1", "Any weapons?")]
    ws.close()
