"""Linking a folder of call recordings to an audit's records by ref, and note timestamps."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from reviewer.errors import ReviewerError
from reviewer.files.exporter import answer_rows
from reviewer.files.recordings import (
    format_time,
    last_timestamp,
    recording_path,
    timestamp,
    timestamps,
)
from reviewer.store.audits import get_audit
from reviewer.store.columns import answer_columns
from tests.actions import create_audit, import_answers, link_recordings
from tests.conftest import ASB_SET


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF")
    return path


def fields(db, audit, ref: str) -> dict:
    from tests.unit.helpers import stored_fields

    return stored_fields(db, ref, audit.id)


@pytest.fixture()
def audit(db, tmp_path):
    csv = tmp_path / "records.csv"
    csv.write_text("ref,area,audio\nINC-1,North,\ninc-2,North,\nINC-3,South,\n"
                   "R4,East,old/R4.wav\nINC-10,West,\n")
    a = create_audit(db, "Calls", ASB_SET)
    import_answers(db, a, csv, "tester")
    return get_audit(db, "Calls")


def test_files_are_matched_by_ref_ignoring_case(db, audit, tmp_path):
    folder = tmp_path / "recordings"
    for name in ("INC-1.wav", "INC-2.MP3", "INC-1.flac", "other.ogg", "notes.txt",
                 ".INC-3.wav", "sub/INC-3.wav", "inc-10.Opus"):
        touch(folder / name)
    result = link_recordings(db, audit, folder)
    assert [(ref, p.name) for ref, p in result.matched] == [
        ("INC-1", "INC-1.wav"), ("inc-2", "INC-2.MP3"), ("INC-10", "inc-10.Opus")]
    assert [p.name for p in result.unmatched_files] == ["other.ogg"]
    assert [p.name for p in result.duplicates] == ["INC-1.flac"]
    assert result.records_without_file == ["INC-3"]      # R4 keeps its imported recording
    stored = fields(db, audit, "INC-1")
    assert stored == {"area": "North", "audio": str((folder / "INC-1.wav").resolve())}
    assert Path(stored["audio"]).is_absolute()
    assert fields(db, audit, "inc-2")["audio"] == str((folder / "INC-2.MP3").resolve())
    assert fields(db, audit, "R4")["audio"] == str((tmp_path / "old" / "R4.wav").resolve())
    assert fields(db, audit, "INC-3")["audio"] == ""
    text = result.summary()
    assert text.startswith("3 recording(s) linked to records.")
    assert "other.ogg" in text and "INC-3" in text and "INC-1.flac" in text
    # Export writes the stored path, so the table round-trips.
    header, rows = answer_rows(answer_columns(db, audit))
    audio = header.index("audio")
    assert rows[0][0] == "INC-1" and rows[0][audio] == stored["audio"]


def test_an_exact_ref_beats_a_case_insensitive_one_and_relinking_replaces(db, tmp_path):
    csv = tmp_path / "r.csv"
    csv.write_text("ref\nAB-1\nab-1\nCD-2\n")
    a = create_audit(db, "Twins", ASB_SET)
    import_answers(db, a, csv, "tester")
    first = tmp_path / "first"
    touch(first / "ab-1.wav")
    touch(first / "Ab-1.wav")       # matches both refs ignoring case: ambiguous
    touch(first / "cd-2.wav")
    result = link_recordings(db, a, first)
    assert [(r, p.name) for r, p in result.matched] == [("ab-1", "ab-1.wav"),
                                                        ("CD-2", "cd-2.wav")]
    assert [p.name for p in result.unmatched_files] == ["Ab-1.wav"]
    second = tmp_path / "second"
    touch(second / "CD-2.m4a")
    link_recordings(db, a, second)
    assert fields(db, a, "CD-2")["audio"] == str((second / "CD-2.m4a").resolve())


def test_an_empty_folder_changes_nothing_and_a_file_is_refused(db, audit, tmp_path):
    (tmp_path / "empty").mkdir()
    before = db.all("SELECT id, fields FROM record ORDER BY id")
    result = link_recordings(db, audit, tmp_path / "empty")
    assert result.matched == [] and result.unmatched_files == []
    assert result.records_without_file == ["INC-1", "inc-2", "INC-3", "INC-10"]
    assert db.all("SELECT id, fields FROM record ORDER BY id") == before
    with pytest.raises(ReviewerError, match="not a folder"):
        link_recordings(db, audit, touch(tmp_path / "x.wav"))


def test_recording_path():
    assert recording_path(None) is None
    assert recording_path(SimpleNamespace(fields={})) is None
    assert recording_path(SimpleNamespace(fields={"audio": "  "})) is None
    assert recording_path(SimpleNamespace(fields={"audio": "/calls/a.wav"})) == Path(
        "/calls/a.wav")


def test_timestamps_in_notes():
    assert format_time(0) == "00:00"
    assert format_time(83_999) == "01:23"
    assert format_time(3_723_000) == "1:02:03"
    assert timestamp(250_000) == "[04:10]"
    note = "hung up [00:42], again [1:02:03] not [7:99] or [ab:cd]; [12:05]"
    assert [ms for _, _, ms in timestamps(note)] == [42_000, 3_723_000, 725_000]
    start, end, _ = timestamps(note)[0]
    assert note[start:end] == "[00:42]"
    assert last_timestamp(note) == 725_000
    assert last_timestamp("no time here") is None
    assert last_timestamp("") is None
