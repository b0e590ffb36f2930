"""An audit calibrated more than once, on records that do not overlap (two rounds: a whole
team's copies of some records, a single copy of others): the report and the results workbook
still come out, with each calibration's agreement; "the whole team" figure, which needs records
every copy scored, is left out rather than the whole output refused (docs/agreement.md)."""

from __future__ import annotations

import openpyxl

from tests.conftest import ASB_SET, DEMO_CSV
from tests.unit.helpers import run_cli

MAIN = "BTP ASB 2012"


def _refs(path, refs):
    path.write_text("".join(f"{r}\n" for r in refs), encoding="utf-8")
    return str(path)


def test_two_rounds_on_different_records_still_report(capsys, db_path, tmp_path):
    def cli(*argv: str):
        return run_cli(capsys, "--db", str(db_path), "--reviewer", "lead", *argv)

    assert cli("audit", "create", MAIN, "--set", str(ASB_SET))[0] == 0
    assert cli("answers", "import", MAIN, str(DEMO_CSV))[0] == 0
    refs = [line.split(",")[0] for line in DEMO_CSV.read_text(encoding="utf-8").splitlines()[1:]]
    first = _refs(tmp_path / "first.csv", refs[:5])
    second = _refs(tmp_path / "second.csv", refs[5:10])
    assert cli("audit", "create", "Round 1", "--calibrate", MAIN, "--refs", first,
               "--scorers", "a,b")[0] == 0
    assert cli("audit", "create", "Round 2", "--calibrate", MAIN, "--refs", second)[0] == 0
    code, _, err = cli("report", MAIN, "--out", str(tmp_path / "r.pdf"))
    assert code == 0, err
    assert (tmp_path / "r.pdf").stat().st_size > 0
    code, _, err = cli("results", MAIN, "--out", str(tmp_path / "r.xlsx"))
    assert code == 0, err
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Agreement"]
    text = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    for name in ("Round 1 (a)", "Round 1 (b)", "Round 2"):
        assert name in text, text[:400]
    assert "whole team" not in text.lower()
