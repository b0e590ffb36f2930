"""Hostile XLSX input (docs/answer-tables.md, "Limits"): a formula cell with no saved value, an
overlong cell, a huge row, a workbook that unpacks too far. Each is one located line on stderr,
exit 1, nothing written, and the command's peak memory stays under 300 MB.

The files are made here: openpyxl writes the workbook, and zipfile swaps in a hostile part."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

SHEET = "xl/worksheets/sheet1.xml"
PEAK_MB = 300
# Runs the command as a child of its own, so the peak is that command's (not this test run's).
MEASURE = """\
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": done.returncode, "out": done.stdout, "err": done.stderr, "mb": peak}))
"""


def reviewer(db: Path, *args: str) -> dict:
    cmd = [sys.executable, "-c", MEASURE, sys.executable, "-m", "reviewer", "--db", str(db), *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=True)
    return json.loads(done.stdout)


@pytest.fixture()
def audit_db(tmp_path) -> Path:
    db = tmp_path / "r.db"
    made = reviewer(db, "audit", "create", "A", "--set", "hmic-asb-call-listening-2012")
    assert made["rc"] == 0, made["err"]
    return db


def workbook(path: Path, rows: list[list[object]]) -> Path:
    """A workbook as openpyxl writes it (text as shared strings, formulas without values)."""
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def swap_part(path: Path, part: str, write) -> None:  # noqa: ANN001
    """Rewrite one part of the zip: ``write(stream, old_bytes)`` streams the new part."""
    with zipfile.ZipFile(path) as src:
        parts = {i.filename: src.read(i) for i in src.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            if name == part:
                with dst.open(name, "w", force_zip64=True) as stream:
                    write(stream, data)
            else:
                dst.writestr(name, data)


def no_answers(db: Path) -> None:
    """Nothing was written: no record, no import in the history."""
    tally = reviewer(db, "tally", "A", "--format", "json")
    assert tally["rc"] == 0, tally["err"]
    assert json.loads(tally["out"])["records"] == 0
    history = reviewer(db, "history", "A", "--format", "json")
    assert [e["action"] for e in json.loads(history["out"])["events"]] == ["create"]


def one_line(done: dict, pattern: str) -> str:
    assert done["rc"] == 1, done
    lines = done["err"].strip().splitlines()
    assert len(lines) == 1, done["err"]
    assert "Traceback" not in done["err"]
    assert re.search(pattern, lines[0]), lines[0]
    return lines[0]


def test_a_formula_with_no_saved_value_is_a_located_error(audit_db, tmp_path):
    path = workbook(tmp_path / "f.xlsx", [["ref", "1", "2"], ["INC-1", "Y", "N"],
                                          ["INC-2", "N", '=IF(1=1,"Y","N")']])
    done = reviewer(audit_db, "answers", "import", "A", str(path))
    line = one_line(done, re.escape(f"{path}:3:2: ") + "a formula with no saved value")
    assert "Excel or LibreOffice" in line and "save" in line
    no_answers(audit_db)


def test_a_formula_with_its_saved_value_imports(audit_db, tmp_path):
    """What Excel and LibreOffice write (a formula and its value) reads as the value."""
    path = workbook(tmp_path / "f.xlsx", [["ref", "1"], ["INC-1", '=IF(1=1,"Y","N")'],
                                          ["INC-2", '=""']])

    def cached(stream, data: bytes) -> None:  # noqa: ANN001
        data = data.replace(b'<c r="B2"><f>', b'<c r="B2" t="str"><f>', 1)
        data = data.replace(b"</f><v></v>", b"</f><v>Y</v>", 1)
        stream.write(data.replace(b'<c r="B3"><f>', b'<c r="B3" t="str"><f>', 1))

    swap_part(path, SHEET, cached)
    done = reviewer(audit_db, "answers", "import", "A", str(path))
    assert done["rc"] == 0, done["err"]
    exported = tmp_path / "out.csv"
    assert reviewer(audit_db, "answers", "export", "A", str(exported))["rc"] == 0
    rows = exported.read_text(encoding="utf-8-sig").splitlines()
    assert rows[1].startswith("INC-1,Y") and rows[2].startswith("INC-2,,")


def test_a_cell_over_excels_limit_is_located(audit_db, tmp_path):
    """40,000 characters in a cell (openpyxl itself cuts text to 32,767): read, then refused
    by its length."""
    path = workbook(tmp_path / "long.xlsx", [["ref", "1", "area"], ["INC-1", "Y", "PLACEHOLDER"]])
    swap_part(path, SHEET, lambda s, d: s.write(d.replace(b"PLACEHOLDER", b"x" * 40_000)))
    done = reviewer(audit_db, "answers", "import", "A", str(path))
    one_line(done, re.escape(f"{path}:2:area: ") + "the cell holds 40,000 characters")
    no_answers(audit_db)


def with_shared_string(path: Path, text: bytes) -> None:
    """Make cell C2 show shared string 0, ``text`` (as Excel stores text)."""
    swap_part(path, SHEET, lambda s, d: s.write(re.sub(
        rb'<c r="C2" t="inlineStr"><is><t>[^<]*</t></is></c>', b'<c r="C2" t="s"><v>0</v></c>', d)))
    swap_part(path, "xl/_rels/workbook.xml.rels", lambda s, d: s.write(d.replace(
        b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        b"</Relationships>")))
    swap_part(path, "[Content_Types].xml", lambda s, d: s.write(d.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')))
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/'
                   b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + text
                   + b"</t></si></sst>")


def test_a_shared_string_reads_as_its_text(audit_db, tmp_path):
    path = workbook(tmp_path / "s.xlsx", [["ref", "1", "area"], ["INC-1", "Y", "PLACEHOLDER"]])
    with_shared_string(path, b"North")
    assert reviewer(audit_db, "answers", "import", "A", str(path))["rc"] == 0
    assert reviewer(audit_db, "tally", "A", "--by", "area")["out"].startswith("== area: North")


def test_a_huge_shared_string_is_refused_before_it_is_read(audit_db, tmp_path):
    path = workbook(tmp_path / "s.xlsx", [["ref", "1", "area"], ["INC-1", "Y", "PLACEHOLDER"]])
    with_shared_string(path, b"z" * 3_000_000)
    done = reviewer(audit_db, "answers", "import", "A", str(path))
    one_line(done, re.escape(f"{path}:2:column C: ") + "the cell holds more than the 32,767")
    no_answers(audit_db)


def test_one_giant_cell_is_refused_in_little_memory(audit_db, tmp_path):
    """A 1 MB file holding one cell of 512 MiB (the issue's file had 1 GiB): refused while
    streaming, so the command's memory stays far below the cell's size."""
    path = workbook(tmp_path / "bomb.xlsx", [["ref", "1"], ["INC-1", "Y"]])

    def giant(stream, data: bytes) -> None:  # noqa: ANN001
        head, tail = data.split(b"</row></sheetData>")
        stream.write(head + b'</row><row r="2"><c r="A2" t="inlineStr"><is><t>')
        block = b"A" * (1 << 20)
        for _ in range(512):
            stream.write(block)
        stream.write(b"</t></is></c></row></sheetData>" + tail)

    swap_part(path, SHEET, giant)
    assert path.stat().st_size < 2 << 20
    done = reviewer(audit_db, "answers", "import", "A", str(path))
    one_line(done, re.escape(f"{path}:2:ref: ") + "the cell holds more than the 32,767 characters")
    assert done["mb"] < PEAK_MB, done["mb"]
    no_answers(audit_db)


def test_a_row_of_a_million_cells_is_refused(audit_db, tmp_path):
    path = workbook(tmp_path / "wide.xlsx", [["ref", "1"]])

    def wide(stream, data: bytes) -> None:  # noqa: ANN001
        head, tail = data.split(b"</row></sheetData>")
        stream.write(head + b'</row><row r="2">')
        for k in range(1_000_000):
            stream.write(b"<c><v>%d</v></c>" % k)
        stream.write(b"</row></sheetData>" + tail)

    swap_part(path, SHEET, wide)
    done = reviewer(audit_db, "answers", "import", "A", str(path))
    one_line(done, re.escape(f"{path}:2: ") + "the row is larger than")
    assert done["mb"] < PEAK_MB, done["mb"]
    no_answers(audit_db)


def test_the_unpacked_size_is_bounded(tmp_path, monkeypatch):
    """The whole workbook's unpacked size (as the zip states it) is checked before reading;
    shown with the limit lowered, as a real 1 GiB file takes long to make."""
    from reviewer.errors import ReviewerError
    from reviewer.files import tables, xlsx_guard

    rows = [["ref", "1"], *[[f"INC-{k}", "Y"] for k in range(5000)]]
    path = workbook(tmp_path / "big.xlsx", rows)
    monkeypatch.setattr(xlsx_guard, "MAX_UNPACKED", 100_000)
    with pytest.raises(ReviewerError, match=re.escape(str(path)) + ": the workbook unpacks to"):
        tables.read_table(path)
    monkeypatch.setattr(xlsx_guard, "MAX_UNPACKED", 1 << 30)
    monkeypatch.setattr(xlsx_guard, "MAX_PART", 1000)
    with pytest.raises(ReviewerError, match=r"its part xl/[\w/]+\.xml unpacks to"):
        tables.read_table(path)


def test_a_plan_file_with_a_formula_is_refused(tmp_path):
    db = tmp_path / "r.db"
    path = workbook(tmp_path / "plan.xlsx", [["ref", "area", "due"],
                                             ["AFI 1", "Repeat victims", "=TODAY()"]])
    done = reviewer(db, "plan", "import", "P", str(path))
    one_line(done, re.escape(f"{path}:2:due: ") + "a formula with no saved value")
    assert reviewer(db, "plan", "list")["out"].strip() in ("", "no plans")


def test_an_incident_list_with_a_formula_is_refused(db, tmp_path):
    from reviewer.errors import ReviewerError
    from reviewer.files.incidents import preview_incident_list

    path = workbook(tmp_path / "incidents.xlsx", [["Incident", "Area"], ["INC-1", "=A2&\"x\""]])
    with pytest.raises(ReviewerError, match=re.escape(f"{path}:2:Area: a formula")):
        preview_incident_list(path)
