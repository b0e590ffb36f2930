"""docs/contracts.md §5 on every export, through the real command line: formula-like values
round-trip through CSV and XLSX, no XLSX cell is a formula, control characters never stop an export,
files are 0600, extensions pick the format (anything else: exit 2, nothing written), an unwritable
path is one line with exit 1."""

from __future__ import annotations

import csv
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reviewer.files.tables import read_table, write_table
from tests.unit.audit_pairs import make_later_audit
from tests.unit.helpers import run_cli, stored_fields, write_set

NAME = "Formulas"
VALUES = ["=1+1", '=HYPERLINK("http://x","y")', "+1", "-x", "@a", "'q", "''q", "-2", "-0.5",
          "+44 20 7946 0000", "=cmd|' /C calc'!A0", "plain"]
LEADING_SPACE = ["\tA", "\rB"]          # the importer trims cells, so only files keep these


def load_rows(db, name: str = NAME) -> list[tuple]:
    """Each record's ref, fields, text answer and notes, in review order."""
    return db.all("SELECT r.ref, r.fields, a5.value, a1.note FROM record r "
                  "JOIN audit au ON au.id = r.audit_id "
                  "LEFT JOIN answer a5 ON a5.record_id = r.id AND a5.question_id = '5' "
                  "LEFT JOIN answer a1 ON a1.record_id = r.id AND a1.question_id = '1' "
                  "WHERE au.name = ? ORDER BY r.seq", (name,))


@pytest.fixture()
def formulas(db_path, tmp_path, capsys):
    """An audit whose notes, fields and free-text answers hold formula-like values, imported
    from a file the program wrote (so ``''q`` arrives as ``''q``)."""
    set_path = write_set(tmp_path)
    assert run_cli(capsys, "--db", str(db_path), "audit", "create", NAME, "--set",
                   str(set_path))[0] == 0
    source = tmp_path / "source.csv"
    write_table(source, ["ref", "1", "note:1", "5", "comment"],
                [[f"R{i}", "Y", v, v, v] for i, v in enumerate(VALUES)])
    code, _, err = run_cli(capsys, "--db", str(db_path), "answers", "import", NAME, str(source))
    assert code == 0, err
    return db_path


def cli(capsys, db_path, *args):
    return run_cli(capsys, "--db", str(db_path), *args)


def test_the_values_are_stored_as_written(formulas, db):
    rows = load_rows(db)
    assert [r[0] for r in rows] == [f"R{i}" for i in range(len(VALUES))]
    assert [stored_fields(db, r[0])["comment"] for r in rows] == VALUES
    assert [r[2] for r in rows] == VALUES          # text answers, ";"-free, as typed
    assert [r[3] for r in rows] == VALUES


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".CSV", ".Xlsx"])
def test_export_import_round_trip(formulas, db, tmp_path, capsys, suffix):
    out1 = tmp_path / f"out1{suffix}"
    code, _, err = cli(capsys, formulas, "answers", "export", NAME, str(out1))
    assert code == 0, err
    fresh = tmp_path / "fresh.db"
    assert cli(capsys, fresh, "audit", "create", NAME, "--set", str(tmp_path / "set.yaml"))[0] == 0
    code, _, err = cli(capsys, fresh, "answers", "import", NAME, str(out1))
    assert code == 0, err
    from reviewer.store.db import Database

    other = Database(str(fresh))
    try:
        assert load_rows(other) == load_rows(db)
    finally:
        other.close()
    out2 = tmp_path / f"out2{suffix}"
    assert cli(capsys, fresh, "answers", "export", NAME, str(out2))[0] == 0
    if suffix.lower() == ".csv":
        assert out2.read_bytes() == out1.read_bytes()
    else:
        assert cells(out2) == cells(out1)


def test_csv_cells_are_neutralised(formulas, tmp_path, capsys):
    out = tmp_path / "out.csv"
    assert cli(capsys, formulas, "answers", "export", NAME, str(out))[0] == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert header[:3] == ["ref", "1", "note:1"]
    written = [r[header.index("comment")] for r in rows[1:]]
    assert written == ["'=1+1", "'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'-x", "'@a", "''q",
                       "'''q", "-2", "-0.5", "'+44 20 7946 0000", "'=cmd|' /C calc'!A0", "plain"]
    for r in rows[1:]:
        for value in r:
            assert value[:1] not in ("=", "+", "@", "\t", "\r") and (
                not value.startswith("-") or value in ("-2", "-0.5"))


def cells(path: Path) -> list[list[tuple]]:
    """(value, data_type) of every cell of every sheet, opened fully by openpyxl."""
    wb = load_workbook(path)
    return [[(c.value, c.data_type) for row in ws.iter_rows() for c in row]
            for ws in wb.worksheets]


def assert_no_formula(path: Path) -> list:
    found = [c for sheet in cells(path) for c in sheet]
    assert found and not [c for c in found if c[1] == "f"]
    assert not [c for c in found if isinstance(c[0], str) and c[0][:1] in "=+@"]
    return [c[0] for c in found]


def test_no_xlsx_output_holds_a_formula(formulas, tmp_path, capsys):
    outs = {"answers": tmp_path / "a.xlsx", "results": tmp_path / "r.xlsx",
            "feedback": tmp_path / "f.xlsx"}
    assert cli(capsys, formulas, "answers", "export", NAME, str(outs["answers"]))[0] == 0
    assert cli(capsys, formulas, "results", NAME, "--out", str(outs["results"]))[0] == 0
    code, _, err = cli(capsys, formulas, "feedback", NAME, "--by", "comment",
                       "--out", str(outs["feedback"]))
    assert code == 0, err
    for path in outs.values():
        values = assert_no_formula(path)
        assert "'=1+1" in values and "'=HYPERLINK(\"http://x\",\"y\")" in values


def test_every_file_value_round_trips_through_csv_and_xlsx(tmp_path):
    header = ["ref", "=h", "-h"]
    rows = [[f"R{i}", v, v] for i, v in enumerate(VALUES + LEADING_SPACE)]
    for name in ("t.csv", "t.xlsx"):
        write_table(tmp_path / name, header, rows)
        assert read_table(tmp_path / name) == (
            header, [(i + 2, row) for i, row in enumerate(rows)])


def test_a_vertical_tab_never_stops_an_xlsx_export(formulas, db, tmp_path, capsys):
    db.execute("UPDATE answer SET note = ? WHERE question_id = '1' AND note = 'plain'",
               ("line one\x0bline two\x01",))
    for args in (("answers", "export", NAME, str(tmp_path / "a.xlsx")),
                 ("results", NAME, "--out", str(tmp_path / "r.xlsx"))):
        code, _, err = cli(capsys, formulas, *args)
        assert code == 0, err
        assert "warning:" in err and "2 control characters that XLSX cannot hold were left out" \
            in err
        assert "line oneline two" in assert_no_formula(Path(args[-1]))
    code, _, err = cli(capsys, formulas, "answers", "export", NAME, str(tmp_path / "a.csv"))
    assert code == 0 and "warning" not in err
    assert "line one\x0bline two" in (tmp_path / "a.csv").read_text(encoding="utf-8-sig")


# -- files: 0600, extensions, unwritable paths -----------------------------------------------
def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("args, out", [
    (("answers", "export", NAME, "{d}/a.csv"), "a.csv"),
    (("answers", "export", NAME, "{d}/a.xlsx"), "a.xlsx"),
    (("results", NAME, "--out", "{d}/r.xlsx"), "r.xlsx"),
    (("results", NAME, "--out", "{d}/r.csv"), "r.csv"),
    (("feedback", NAME, "--by", "comment", "--out", "{d}/f.xlsx"), "f.xlsx"),
])
def test_every_export_is_readable_by_its_owner_only(formulas, tmp_path, capsys, args, out):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / out).write_text("an older file, world-readable")
    (out_dir / out).chmod(0o644)
    code, _, err = cli(capsys, formulas, *[a.format(d=out_dir) for a in args])
    assert code == 0, err
    assert mode(out_dir / out) == 0o600
    assert [p.name for p in out_dir.iterdir()] == [out]           # no temporary file left


def test_the_chart_is_readable_by_its_owner_only(db, db_path, demo_audit, tmp_path, capsys):
    make_later_audit(db, tmp_path, "Later")
    out = tmp_path / "c.PNG"                        # the extension in any case
    code, _, err = cli(capsys, db_path, "compare", demo_audit.name, "Later", "--chart", str(out))
    assert code == 0, err
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and mode(out) == 0o600


@pytest.mark.parametrize("args", [
    ("answers", "export", NAME, "{d}/out.txt"),
    ("answers", "export", NAME, "{d}/out"),
    ("answers", "export", NAME, "{d}/out.xlsm"),
    ("results", NAME, "--out", "{d}/r.ods"),
    ("results", NAME, "--out", "{d}/r.pdf"),
    ("feedback", NAME, "--by", "comment", "--out", "{d}/f.csv"),
    ("report", NAME, "--out", "{d}/r.docx"),
    ("compare", NAME, "Later", "--chart", "{d}/c.jpg"),
    ("compare", NAME, "Later", "--chart", "{d}/c"),
])
def test_an_unknown_extension_is_a_usage_error_and_writes_nothing(tmp_path, capsys, args):
    db_path = tmp_path / "never-created.db"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out, err = cli(capsys, db_path, *[a.format(d=out_dir) for a in args])
    assert code == 2, err
    assert out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert " must be a " in err
    assert list(out_dir.iterdir()) == [] and not db_path.exists()


@pytest.mark.parametrize("target", ["missing/out.{ext}", "file.txt/out.{ext}", "folder.{ext}"])
@pytest.mark.parametrize("command, ext", [("export", "csv"), ("export", "xlsx"),
                                          ("results", "xlsx"), ("results", "csv"),
                                          ("feedback", "xlsx")])
def test_an_unwritable_path_is_one_line(formulas, tmp_path, capsys, target, command, ext):
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / f"folder.{ext}").mkdir()
    path = str(tmp_path / target.format(ext=ext))
    args = {"export": ("answers", "export", NAME, path),
            "results": ("results", NAME, "--out", path),
            "feedback": ("feedback", NAME, "--by", "comment", "--out", path)}[command]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = cli(capsys, formulas, *args)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err and "cannot write" in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert list((tmp_path / f"folder.{ext}").iterdir()) == []


FORMULA_SET = """\
id: formula-set
title: "=T"
version: 1
sections:
  - id: s
    title: "=SUM(A1)"
questions:
  - id: "1"
    section: s
    text: "-x question"
    ref: "+ref"
    type: choice
    choices: ["@risk", "-", "plain"]
"""


def test_tally_and_results_csv_are_neutralised(db_path, tmp_path, capsys):
    set_path = write_set(tmp_path, FORMULA_SET, "formula.yaml")
    assert cli(capsys, db_path, "audit", "create", "F", "--set", str(set_path))[0] == 0
    source = write_table(tmp_path / "in.csv", ["ref", "1", "area"],
                         [["R1", "@risk", "=North"], ["R2", "-", "=North"]])
    assert cli(capsys, db_path, "answers", "import", "F", str(source))[0] == 0
    code, out, _ = cli(capsys, db_path, "tally", "F", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(out.splitlines()))
    assert rows[1][:5] == ["'=SUM(A1)", "1", "'-x question", "'+ref", "'@risk"]
    assert rows[2][4] == "'-"
    code, out, _ = cli(capsys, db_path, "tally", "F", "--by", "area", "--format", "csv")
    assert code == 0 and "\n'=North,'=SUM(A1),1,'-x question,'+ref,'@risk," in out
    assert cli(capsys, db_path, "results", "F", "--out", str(tmp_path / "r.csv"))[0] == 0
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as f:
        results = list(csv.reader(f))
    assert results[1][:5] == ["'=SUM(A1)", "1", "'-x question", "'+ref", "'@risk"]
    assert cli(capsys, db_path, "results", "F", "--out", str(tmp_path / "r.xlsx"))[0] == 0
    values = assert_no_formula(tmp_path / "r.xlsx")
    assert "'=SUM(A1):" in values and "'=North" in values and "'@risk" in values


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (Debian libreoffice-calc-nogui) is not installed")
def test_libreoffice_reads_the_workbooks_as_written(formulas, tmp_path, capsys):
    """A real spreadsheet program opens the bulk-written sheets: every cell as exported."""
    book = tmp_path / "a.xlsx"
    assert cli(capsys, formulas, "answers", "export", NAME, str(book))[0] == 0
    assert cli(capsys, formulas, "results", NAME, "--out", str(tmp_path / "r.xlsx"))[0] == 0
    out = tmp_path / "lo"
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,"
         "false,-1", "--outdir", str(out), str(book), str(tmp_path / "r.xlsx")],
        capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    header, rows = read_table(book)
    lo_header, lo_rows = read_table(out / "a-answers.csv")
    assert (lo_header, lo_rows) == (header, rows)
    with (out / "r-Answers.csv").open(encoding="utf-8", newline="") as f:
        answers = list(csv.reader(f))
    assert answers[0][:3] == ["ref", "1", "note:1"]
    assert [r[2] for r in answers[1:]] == [f"'{v}" if v[:1] in "=+-@'" and v not in ("-2", "-0.5")
                                           else v for v in VALUES]
