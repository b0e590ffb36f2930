"""The results workbook and CSV, read back with openpyxl / csv: values and their types."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from statsmodels.stats.proportion import proportion_confint

from tests.conftest import DEMO_CSV


def load(path):
    from openpyxl import load_workbook

    return load_workbook(path)


def rows_of(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


@pytest.fixture()
def workbook(db, demo_audit, tmp_path):
    from tests.actions import write_results

    return load(write_results(db, demo_audit, tmp_path / "results.xlsx"))


def test_sheets(workbook):
    assert workbook.sheetnames == ["Results", "Answers", "Records"]


def test_results_sheet_is_laid_out_like_the_appendix(workbook):
    rows = rows_of(workbook["Results"])
    first = [r[0] for r in rows]
    assert "HOW WELL DOES THE FORCE IDENTIFY REPEAT VICTIMS:" in first
    assert first.index("VICTIM CARE:") < first.index("OWNERSHIP:")
    assert any("have not been counted in the totals" in (c or "") for c in first)
    assert ("Question", "Y", "N", "Total", "Y rate", "95% CI low", "95% CI high", "Target",
            "Target status") in rows
    assert "DRAFT: not signed off" in first
    q1 = next(r for r in rows if (r[0] or "").startswith("1. Have repeat occasions"))
    assert q1[0].endswith("LF 2.1.1")
    assert q1[1:4] == (10, 90, 100) and all(type(v) is int for v in q1[1:4])
    low, high = proportion_confint(10, 100, alpha=0.05, method="wilson")
    assert q1[4] == pytest.approx(0.1)
    assert q1[5] == pytest.approx(low) and q1[6] == pytest.approx(high)
    assert q1[7:9] == (0.7, "not met")                          # docs/contracts.md §9: the target
    cell = next(c for c in workbook["Results"]["E"] if c.value == q1[4])
    assert cell.number_format == "0.0%"


def test_breakdowns(workbook):
    rows = rows_of(workbook["Results"])
    i = next(i for i, r in enumerate(rows) if (r[0] or "").startswith("14b. "))
    assert rows[i][1:4] == ("Correct Closing", "Number", "Total")
    block = rows[i + 1:i + 5]
    assert [(r[1], r[2]) for r in block] == [("ASB E", 0), ("ASB N", 12), ("ASB P", 0),
                                             ("Other", 16)]
    assert [r[3] for r in block] == [28, None, None, None]
    assert block[1][4] == pytest.approx(12 / 28)
    j = next(i for i, r in enumerate(rows) if (r[0] or "").startswith("9. "))
    assert rows[j + 1][1:4] == ("Response", 80, 100) and rows[j + 8][1:3] == ("None", 17)
    # The appendix repeats Y | N | Total before a yes_no question that follows a breakdown.
    assert rows[i + 5][1:4] == ("Y", "N", "Total") and rows[i + 6][0].startswith("15. ")


def test_answers_sheet_matches_the_imported_table(workbook):
    rows = rows_of(workbook["Answers"])
    with DEMO_CSV.open(encoding="utf-8-sig", newline="") as f:
        source = list(csv.DictReader(f))
    header = rows[0]
    assert header[0] == "ref" and header[1:4] == ("1", "2", "2a")
    assert len(rows) == 101
    for row, src in zip(rows[1:], source, strict=True):
        assert row[0] == src["ref"]
        for qid, value in zip(header[1:], row[1:], strict=True):
            assert value == (src[qid] or "n/a"), (src["ref"], qid)   # blank = not asked


def test_records_sheet_types(workbook):
    rows = rows_of(workbook["Records"])
    assert rows[0] == ("ref", "date", "area", "operator", "channel", "audio")
    first = rows[1]
    assert first[0] == "BTP-12-0401-0046"
    assert isinstance(first[1], dt.datetime) and first[1].date() == dt.date(2012, 4, 1)
    assert workbook["Records"]["B2"].number_format == "yyyy-mm-dd"
    assert first[4] == 101 and type(first[4]) is int
    assert "Other" in [r[4] for r in rows[1:]]


def test_field_types_notes_and_blank_answers(db, tmp_path):
    from tests.actions import create_audit, import_answers, results_xlsx
    from tests.conftest import ASB_SET

    (tmp_path / "a.csv").write_text(
        "ref,1,note:1,3,when,code,amount,calls,stamp\n"
        "r1,Y,asked twice,,2012-04-01,007,3.5,12,2012-04-01 10:30\n"
        "r2,N,,Y,2012-13-40,12a,-2,0,\n", encoding="utf-8")
    audit = create_audit(db, "Typed", ASB_SET)
    import_answers(db, audit, tmp_path / "a.csv", "me")
    wb = load(results_xlsx(db, audit, tmp_path / "t.xlsx"))
    answers = rows_of(wb["Answers"])
    assert answers[0][:5] == ("ref", "1", "note:1", "2", "2a")
    assert answers[1][:5] == ("r1", "Y", "asked twice", None, None)   # unanswered: blank
    three = answers[0].index("3")
    assert [answers[1][three], answers[2][three]] == [None, "Y"]
    records = rows_of(wb["Records"])
    assert records[0] == ("ref", "when", "code", "amount", "calls", "stamp")
    assert records[1][1] == dt.datetime(2012, 4, 1)
    assert records[1][2] == "007"                       # a leading zero stays text
    assert records[1][3] == 3.5 and records[1][4] == 12 and type(records[1][4]) is int
    assert records[1][5] == dt.datetime(2012, 4, 1, 10, 30)
    assert records[2][1] == "2012-13-40"                # not a real date: kept as text
    assert records[2][3] == -2 and records[2][4] == 0


def test_results_csv(db, demo_audit, tmp_path):
    from tests.actions import write_results

    path = write_results(db, demo_audit, tmp_path / "results.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    q1 = next(r for r in rows if r["id"] == "1")
    assert (q1["Y"], q1["N"], q1["total"]) == ("10", "90", "100")
    assert float(q1["rate"]) == 0.1
    assert float(q1["ci_low"]) == pytest.approx(0.0552, abs=1e-4)
    other = [r for r in rows if r["id"] == "14b" and r["option"] == "Other"][0]
    assert other["number"] == "16" and float(other["rate"]) == pytest.approx(16 / 28, abs=1e-4)


def test_unsupported_suffix(db, demo_audit, tmp_path):
    from reviewer.errors import UsageError
    from tests.actions import write_results

    with pytest.raises(UsageError, match=r"must be a \.xlsx or \.csv file \(not '\.ods'\)"):
        write_results(db, demo_audit, tmp_path / "results.ods")
    assert not (tmp_path / "results.ods").exists()


def test_operator_feedback(db, demo_audit, tmp_path):
    from reviewer.figures import tally_by
    from tests.actions import operator_feedback_xlsx

    wb = load(operator_feedback_xlsx(db, demo_audit, "operator", tmp_path / "f.xlsx"))
    groups = dict(tally_by(db, demo_audit, "operator"))
    assert wb.sheetnames == ["Summary", *groups]
    summary = rows_of(wb["Summary"])
    header = summary[1]
    assert header[:3] == ("operator", "Records", "1. Have repeat occasions been verbally checked?")
    by_value = {r[0]: r for r in summary[2:]}
    assert by_value["All records"][1] == 100 and by_value["All records"][2] == pytest.approx(0.1)
    assert sum(by_value[v][1] for v in groups) == 100
    for value, t in groups.items():
        q1 = t.by_id()["1"]
        expected = q1.yes / q1.total if q1.total else None
        assert by_value[value][2] == pytest.approx(expected) if expected is not None \
            else by_value[value][2] is None
        sheet = rows_of(wb[value])
        assert sheet[0][0] == f"operator: {value}"
        start = next(i for i, r in enumerate(sheet) if r[0] == "ref")
        assert len([r for r in sheet[start + 1:] if r[0]]) == t.records
        assert "operator" not in sheet[start]
        row1 = next(r for r in sheet if (r[0] or "").startswith("1. "))
        assert row1[1:4] == (q1.yes, q1.no, q1.total)


def test_feedback_unknown_field(db, demo_audit, tmp_path):
    from reviewer.errors import ReviewerError
    from tests.actions import operator_feedback_xlsx

    with pytest.raises(ReviewerError, match="no record field 'shift'.*operator"):
        operator_feedback_xlsx(db, demo_audit, "shift", tmp_path / "f.xlsx")


def test_sheet_titles_are_valid_and_unique():
    from reviewer.outputs.xlsx_util import sheet_title

    taken = {"summary"}
    names = [sheet_title(v, taken) for v in ["a/b", "A/B", "x" * 40, "x" * 40, "Summary", ""]]
    assert names[0] == "a_b" and names[1] == "A_B (2)"
    assert len(names[2]) == 31 and names[3].endswith("(2)") and len(names[3]) <= 31
    assert names[4] == "Summary (2)" and names[5] == "(blank)"
