"""Exported ``audio`` paths are relative to the exported file when the recording is in its
folder, below it or beside it, so an exported table and its recordings work on another machine
(the importer resolves relative paths against the imported file's folder)."""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reviewer.files.exporter import portable_audio
from tests.conftest import ASB_SET
from tests.unit.helpers import run_cli, write_csv

OUT = Path("/srv/review/exports")


def test_relative_when_under_or_beside_the_output_folder():
    assert portable_audio("/srv/review/exports/calls/a.wav", OUT) == "calls/a.wav"
    assert portable_audio("/srv/review/exports/a.wav", OUT) == "a.wav"
    assert portable_audio("/srv/review/audio/a.wav", OUT) == "../audio/a.wav"


def test_absolute_when_far_away_or_blank():
    assert portable_audio("/home/alice/calls/a.wav", OUT) == "/home/alice/calls/a.wav"
    assert portable_audio("/srv/a.wav", OUT) == "/srv/a.wav"          # two levels up
    assert portable_audio("", OUT) == ""
    assert portable_audio("calls/a.wav", OUT) == "calls/a.wav"          # already relative


segment = st.text(alphabet="abcXYZ019 _-.", min_size=1, max_size=8).filter(
    lambda s: s not in {".", ".."})


@given(st.lists(segment, min_size=1, max_size=4), st.lists(segment, min_size=0, max_size=3),
       st.booleans())
def test_the_written_path_leads_back_to_the_recording(below, out_parts, beside):
    out = Path("/data", *out_parts) if out_parts else Path("/data")
    stored = (out.parent if beside else out).joinpath(*below)
    written = portable_audio(str(stored), out)
    assert not os.path.isabs(written)                   # in or beside the output folder
    assert os.path.normpath(out / written) == os.path.normpath(stored)


def test_exported_table_and_recordings_move_together(capsys, tmp_path):
    team = tmp_path / "team"
    (team / "audio").mkdir(parents=True)
    (team / "audio" / "INC-1.wav").write_bytes(b"RIFF")
    elsewhere = tmp_path / "elsewhere.wav"
    elsewhere.write_bytes(b"RIFF")
    table = write_csv(tmp_path / "in.csv", ["ref", "audio"],
                      [["INC-1", str(team / "audio" / "INC-1.wav")], ["INC-2", str(elsewhere)]])
    db = str(tmp_path / "a.db")
    assert run_cli(capsys, "--db", db, "audit", "create", "A", "--set", str(ASB_SET))[0] == 0
    assert run_cli(capsys, "--db", db, "answers", "import", "A", str(table))[0] == 0
    (team / "exports").mkdir()
    out = team / "exports" / "answers.csv"
    assert run_cli(capsys, "--db", db, "answers", "export", "A", str(out))[0] == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        exported = {row["ref"]: row["audio"] for row in csv.DictReader(f)}
    assert exported == {"INC-1": "../audio/INC-1.wav", "INC-2": str(elsewhere)}

    moved = tmp_path / "other-machine" / "team"
    shutil.copytree(team, moved)
    shutil.rmtree(team)
    db2 = str(tmp_path / "b.db")
    assert run_cli(capsys, "--db", db2, "audit", "create", "B", "--set", str(ASB_SET))[0] == 0
    code, _, err = run_cli(capsys, "--db", db2, "answers", "import", "B",
                           str(moved / "exports" / "answers.csv"))
    assert code == 0, err
    from reviewer.store.db import Database
    from tests.unit.helpers import stored_fields

    other = Database(db2)
    rows = {ref: stored_fields(other, ref)["audio"]
            for (ref,) in other.all("SELECT ref FROM record")}
    assert rows == {"INC-1": str(moved / "audio" / "INC-1.wav"), "INC-2": str(elsewhere)}
    assert Path(rows["INC-1"]).read_bytes() == b"RIFF"
