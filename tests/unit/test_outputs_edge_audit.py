"""Every output on an audit of edge counts (0 of 0, 0 of n, n of n, 1 of 1, questions never
answered, choice questions with zero totals, an audit with no records at all): the PDF report
rendered and read back, the results workbook and CSV, the feedback workbook."""

from __future__ import annotations

import csv

import pytest

from tests.unit.helpers import read_xlsx, write_csv, write_set
from tests.unit.test_report_pdf import figures, read_tables, read_text

N = 14           # 0 of 14 and 14 of 14 broke the charts

EDGE_SET = """\
id: edge-set
title: Edge counts
version: 1
sections:
  - id: none
    title: Never answered
  - id: extremes
    title: All or nothing
  - id: breakdowns
    title: Breakdowns
questions:
  - {id: "E1", section: none, text: Nobody answered this, type: yes_no}
  - {id: "E2", section: none, text: Always n/a, type: yes_no}
  - {id: "E4", section: extremes, text: Always Y, type: yes_no}
  - {id: "E5", section: extremes, text: Always N, type: yes_no}
  - {id: "E6", section: extremes, text: One Y and the rest n/a, type: yes_no}
  - {id: "E3", section: none, text: Only asked after a Y to E5, type: yes_no, ask_if: {"E5": "Y"}}
  - id: "E7"
    section: breakdowns
    text: Never chosen
    type: choice
    label: Kind
    choices: [Alpha, Beta]
  - id: "E8"
    section: breakdowns
    text: Never ticked
    type: multi_choice
    label: Ticks
    choices: [One, Two, Three]
  - id: "E9"
    section: breakdowns
    text: Always the same choice
    type: choice
    label: Route
    choices: [Only, Never]
  - {id: "E10", section: breakdowns, text: A comment, type: text}
"""

HEADER = ["ref", "operator", "E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9", "E10"]


def edge_rows() -> list[list[str]]:
    return [[f"R{i:02d}", "" if i == N - 1 else f"OP-{i % 3}", "", "n/a", "", "Y", "N",
             "Y" if i == 0 else "n/a", "n/a", "", "Only", "note" if i == 0 else ""]
            for i in range(N)]


@pytest.fixture()
def edge(db, tmp_path):
    from reviewer.store.audits import get_audit
    from tests.actions import create_audit, import_answers

    set_path = write_set(tmp_path, EDGE_SET)
    audit = create_audit(db, "Edge", set_path)
    import_answers(db, audit, write_csv(tmp_path / "edge.csv", HEADER, edge_rows()), "edgy")
    create_audit(db, "Empty", set_path)
    return get_audit(db, "Edge")


EXPECTED_YES_NO = {"E1": (0, 0, 0), "E2": (0, 0, 0), "E3": (0, 0, 0), "E4": (N, 0, N),
                   "E5": (0, N, N), "E6": (1, 0, 1)}
EXPECTED_CHOICES = {"E7": ("Kind", {"Alpha": 0, "Beta": 0}, 0),
                    "E8": ("Ticks", {"One": 0, "Two": 0, "Three": 0}, 0),
                    "E9": ("Route", {"Only": N, "Never": 0}, N)}


def test_report_of_edge_counts(db, edge, tmp_path):
    from tests.actions import build_report

    out = build_report(db, edge, tmp_path / "edge.pdf")
    yes_no, choices = figures(read_tables(out))
    assert yes_no == EXPECTED_YES_NO
    assert choices == EXPECTED_CHOICES
    _, text = read_text(out)
    assert "100% (78–100%)" in text       # 14 of 14
    assert "0% (0–22%)" in text           # 0 of 14
    assert "100% (21–100%)" in text       # 1 of 1
    assert "E10" not in text and "A comment" not in text
    for heading in ("NEVER ANSWERED:", "ALL OR NOTHING:", "BREAKDOWNS:"):
        assert heading in text


def test_report_of_an_empty_audit_and_against_it(db, edge, tmp_path):
    from reviewer.store.audits import get_audit
    from tests.actions import build_report

    empty = get_audit(db, "Empty")
    out = build_report(db, empty, tmp_path / "empty.pdf", compare_with=edge)
    yes_no, choices = figures(read_tables(out))
    assert yes_no == {q: (0, 0, 0) for q in EXPECTED_YES_NO}
    assert {q: c[2] for q, c in choices.items()} == {"E7": 0, "E8": 0, "E9": 0}
    _, text = read_text(out)
    assert "Records 0 (0 complete)" in text and "not comparable" in text
    back = build_report(db, edge, tmp_path / "back.pdf", compare_with=empty)
    assert figures(read_tables(back))[0] == EXPECTED_YES_NO


def test_results_workbook_and_csv_of_edge_counts(db, edge, tmp_path):
    from tests.actions import write_results

    rows = read_xlsx(write_results(db, edge, tmp_path / "edge.xlsx"))
    by_id = {str(r[0]).split(".")[0]: r for r in rows if r and r[0] and str(r[0])[:1] == "E"}
    for qid, (y, n, total) in EXPECTED_YES_NO.items():
        row = by_id[qid]
        assert tuple(row[1:4]) == (y, n, total), qid
        if total == 0:
            assert row[4:7] == [None, None, None], qid
        else:
            assert row[5] <= row[4] <= row[6], qid
    assert by_id["E4"][4:7][0] == 1 and by_id["E4"][6] == 1
    assert by_id["E5"][4] == 0 and by_id["E5"][5] == 0
    written = write_results(db, edge, tmp_path / "edge-results.csv")
    with written.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    for row in table:
        if row["rate"]:
            assert float(row["ci_low"]) <= float(row["rate"]) <= float(row["ci_high"]), row
        else:
            assert row["total"] in ("0", ""), row
    assert {r["id"] for r in table} >= set(EXPECTED_YES_NO) | set(EXPECTED_CHOICES)


def test_feedback_workbook_of_edge_counts(db, edge, tmp_path):
    from openpyxl import load_workbook

    from tests.actions import operator_feedback_xlsx

    out = operator_feedback_xlsx(db, edge, "operator", tmp_path / "feedback.xlsx")
    wb = load_workbook(out, read_only=True)
    try:
        names = wb.sheetnames
        assert len(names) == 5                    # summary, three operators, the blank value
        summary = [list(r) for r in wb[names[0]].iter_rows(values_only=True)]
        flat = [str(v) for r in summary for v in r if v is not None]
        assert "All records" in flat
        assert any(n.startswith("(blank)") for n in names)
        for name in names[1:]:
            rows = [list(r) for r in wb[name].iter_rows(values_only=True)]
            e4 = next(r for r in rows if r and str(r[0]).startswith("E4."))
            assert e4[3] >= 1 and e4[4] == 1            # every Y: a rate of 100%
            e1 = next(r for r in rows if r and str(r[0]).startswith("E1."))
            assert e1[1:4] == [0, 0, 0] and e1[4] is None
    finally:
        wb.close()


def test_empty_audit_workbooks(db, edge, tmp_path):
    from reviewer.store.audits import get_audit
    from tests.actions import write_results

    empty = get_audit(db, "Empty")
    rows = read_xlsx(write_results(db, empty, tmp_path / "empty.xlsx"))
    e4 = next(r for r in rows if r and str(r[0]).startswith("E4."))
    assert e4[1:7] == [0, 0, 0, None, None, None]
    write_results(db, empty, tmp_path / "empty.csv")
