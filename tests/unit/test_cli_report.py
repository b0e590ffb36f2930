"""The results commands: report, results, feedback, compare — outputs, and errors as one clear
line with exit status 1 (never a traceback); the tally command path stays lean. Extension
checks (exit 2) are in test_safe_files.py."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.unit.audit_pairs import make_later_audit


@pytest.fixture()
def cli(capsys, db_path):
    def call(*args: str) -> tuple[int, str, str]:
        from reviewer.cli.main import main

        code = main(["--db", str(db_path), *args])
        out, err = capsys.readouterr()
        return code, out, err
    return call


def test_report(cli, demo_audit, tmp_path):
    code, out, err = cli("report", "BTP ASB 2012", "--out", str(tmp_path / "r.pdf"))
    assert code == 0 and out == ""
    assert "wrote the results report of 'BTP ASB 2012'" in err
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"


def test_report_with_comparison(cli, db, demo_audit, tmp_path):
    from pypdf import PdfReader

    make_later_audit(db, tmp_path)
    code, _, err = cli("report", "BTP ASB 2013", "--out", str(tmp_path / "c.pdf"),
                       "--compare", "BTP ASB 2012")
    assert code == 0, err
    text = " ".join(PdfReader(tmp_path / "c.pdf").pages[0].extract_text().split())
    assert "compared with BTP ASB" in text and "improved" in text


def test_results_xlsx_and_csv(cli, demo_audit, tmp_path):
    assert cli("results", "BTP ASB 2012", "--out", str(tmp_path / "r.xlsx"))[0] == 0
    assert cli("results", "BTP ASB 2012", "--out", str(tmp_path / "r.CSV"))[0] == 0
    assert (tmp_path / "r.CSV").read_text(encoding="utf-8-sig").startswith("section,id,")


def test_feedback(cli, demo_audit, tmp_path):
    from openpyxl import load_workbook

    code, _, err = cli("feedback", "BTP ASB 2012", "--by", "area", "--out",
                       str(tmp_path / "f.xlsx"))
    assert code == 0, err
    assert load_workbook(tmp_path / "f.xlsx").sheetnames[0] == "Summary"


def test_compare_text_json_and_chart(cli, db, demo_audit, tmp_path):
    make_later_audit(db, tmp_path)
    code, out, err = cli("compare", "BTP ASB 2012", "BTP ASB 2013")
    assert code == 0 and err == ""
    assert "BTP ASB 2013 vs BTP ASB 2012: +20 points" in out
    code, out, err = cli("compare", "BTP ASB 2012", "BTP ASB 2013", "--format", "json",
                         "--chart", str(tmp_path / "t.png"))
    assert code == 0
    doc = json.loads(out)
    assert [a["name"] for a in doc["audits"]] == ["BTP ASB 2012", "BTP ASB 2013"]
    assert "wrote the chart" in err
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"


def test_compare_warnings_go_to_stderr(cli, db, demo_audit, tmp_path):
    from tests.unit.audit_pairs import reworded_set

    make_later_audit(db, tmp_path, "Reworded", {}, reworded_set(tmp_path))
    code, out, err = cli("compare", "BTP ASB 2012", "Reworded", "--format", "json")
    assert code == 0
    q5 = next(q for q in json.loads(out)["questions"] if q["id"] == "5")
    assert (q5["comparable"], q5["changes"]) == (False, [])      # docs/contracts.md §13
    assert err.startswith("reviewer: warning: question 5: not comparable, wording changed")


@pytest.mark.parametrize("args, message", [
    (("report", "Nope", "--out", "x.pdf"), "reviewer: no audit named 'Nope'"),
    (("report", "BTP ASB 2012", "--out", "x.pdf", "--compare", "BTP ASB 2012"),
     "reviewer: --compare names the same audit as the report"),
    (("feedback", "BTP ASB 2012", "--by", "shift", "--out", "f.xlsx"),
     "reviewer: audit 'BTP ASB 2012' has no record field 'shift'"),
    (("compare", "BTP ASB 2012", "BTP ASB 2012"), "reviewer: each audit may be named only once"),
    (("compare", "BTP ASB 2012", "Later"), "reviewer: no audit named 'Later'"),
])
def test_errors_are_one_line(cli, demo_audit, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(*args)
    assert code == (2 if "must be a" in message else 1) and out == ""  # docs/contracts.md §5: usage
    assert err.startswith(message), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unwritable_output(cli, demo_audit, tmp_path):
    code, _, err = cli("report", "BTP ASB 2012", "--out", str(tmp_path / "no" / "r.pdf"))
    assert code == 1 and "cannot write the report" in err and "Traceback" not in err


def test_commands_work_under_python_m(db_path, demo_audit, tmp_path):
    out = tmp_path / "m.xlsx"
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(db_path),
                           "results", "BTP ASB 2012", "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert out.exists()


def test_building_the_parser_loads_nothing_heavy():
    code = ("import sys; from reviewer.cli.main import build_parser; build_parser()\n"
            "heavy = [m for m in ('matplotlib', 'weasyprint', 'statsmodels', 'scipy', 'openpyxl',"
            " 'numpy') if m in sys.modules]\n"
            "print(heavy); sys.exit(1 if heavy else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
