"""Appendix A of the 2012 audit-committee paper, reproduced number for number from the demo data
through the public contracts (`reviewer audit create`, `answers import`, `tally --format json`)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ASB_SET, DEMO_CSV

# Published figures, typed from the appendix: id -> (Y, N, Total) or {choice: number}, Total.
YES_NO = {
    "1": (10, 90, 100), "5": (8, 92, 100), "2": (10, 90, 100), "2a": (10, 0, 10),
    "6": (9, 91, 100), "3": (98, 2, 100), "13": (0, 96, 96), "7": (0, 100, 100),
    "10": (2, 81, 83), "12": (42, 58, 100), "12a": (31, 11, 42), "4": (98, 2, 100),
    "8": (96, 4, 100), "11": (48, 32, 80), "14a": (72, 28, 100), "15": (81, 17, 98),
    "16": (3, 97, 100), "17": (1, 99, 100),
}
CHOICES = {
    "2b": ({"Ethnicity": 3, "Religion": 0, "Sexual orientation": 0, "Disability": 0, "Age": 1,
            "Gender": 0, "Other": 6}, 10),
    "9": ({"Response": 80, "CID": 0, "NPT/SNT": 1, "Other police dept": 0, "Other force": 2,
           "Other agency": 0, "Other": 0, "None": 17}, 100),
    "14": ({"ASB E": 0, "ASB N": 2, "ASB P": 0, "Other": 98}, 100),
    "14b": ({"ASB E": 0, "ASB N": 12, "ASB P": 0, "Other": 16}, 28),
}


def run(db_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reviewer", "--db", str(db_path), *args],
                          capture_output=True, text=True, check=False)


def check_figures(doc: dict) -> None:
    assert doc["records"] == 100
    by_id = {q["id"]: q for q in doc["questions"]}
    assert len(by_id) == 22
    for qid, (y, n, total) in YES_NO.items():
        q = by_id[qid]
        assert (q["yes"], q["no"], q["total"]) == (y, n, total), qid
        assert q["unanswered"] == 0
        assert q["na"] == 100 - total
    for qid, (counts, total) in CHOICES.items():
        q = by_id[qid]
        assert q["counts"] == counts, qid
        assert list(q["counts"]) == list(counts), "choices keep the set's order"
        assert q["total"] == total
        assert q["na"] == 100 - total


def test_appendix_a_through_the_command_line(tmp_path):
    db = tmp_path / "a.db"
    assert run(db, "audit", "create", "BTP ASB 2012", "--set", str(ASB_SET)).returncode == 0
    imported = run(db, "answers", "import", "BTP ASB 2012", str(DEMO_CSV))
    assert imported.returncode == 0, imported.stderr
    assert "100 new records" in imported.stderr
    out = run(db, "tally", "BTP ASB 2012", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["audit"] == "BTP ASB 2012"
    assert doc["question_set"] == {"id": "hmic-asb-call-listening-2012", "version": 2}
    check_figures(doc)
    # Asking order, and identical output for identical answers.
    assert [q["id"] for q in doc["questions"]][:5] == ["1", "2", "2a", "2b", "3"]
    assert run(db, "tally", "BTP ASB 2012", "--format", "json").stdout == out.stdout


def test_appendix_a_in_process(demo_audit, db):
    from reviewer.figures import tally
    from reviewer.outputs.tally_format import tally_dict

    check_figures(tally_dict(demo_audit, tally(db, demo_audit)))


def test_text_tables_follow_the_appendix_layout(demo_audit, db):
    from reviewer.figures import tally
    from reviewer.outputs.tally_format import to_text

    text = to_text(demo_audit, tally(db, demo_audit))
    assert "HOW WELL DOES THE FORCE IDENTIFY REPEAT VICTIMS:" in text
    assert "have not been counted in the totals" in text
    line = next(ln for ln in text.splitlines() if ln.startswith("1. Have repeat"))
    assert line.split()[-3:] == ["10", "90", "100"]
    assert text.index("REPEAT VICTIMS") < text.index("VULNERABLE VICTIMS") < text.index(
        "VICTIM CARE") < text.index("OWNERSHIP")
