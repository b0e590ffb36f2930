"""Comparing audits: rates, differences, Fisher p-values and flags checked against figures
computed here independently with scipy; wording, type and missing-question warnings."""

from __future__ import annotations

import math

import pytest
from scipy.stats import binomtest, fisher_exact

from tests.unit.audit_pairs import make_later_audit, reworded_set

# question -> (Y, total) in the demo audit and in the later one (audit_pairs.DEFAULT_CHANGES).
THEN = {"1": (10, 100), "3": (98, 100), "16": (3, 100), "12a": (31, 42)}
NOW = {"1": (30, 100), "3": (83, 100), "16": (5, 100), "12a": (31, 42)}
FLAGS = {"1": "improved", "3": "worse", "16": "no significant change",
         "12a": "no significant change"}


def newcombe(y1: int, n1: int, y2: int, n2: int) -> tuple[float, float]:
    """Newcombe's hybrid score interval of p1 - p2, from scipy's Wilson intervals."""
    p1, p2 = y1 / n1, y2 / n2
    ci1 = binomtest(y1, n1).proportion_ci(confidence_level=0.95, method="wilson")
    ci2 = binomtest(y2, n2).proportion_ci(confidence_level=0.95, method="wilson")
    d = p1 - p2
    return (d - math.hypot(p1 - ci1.low, ci2.high - p2),
            d + math.hypot(ci1.high - p1, p2 - ci2.low))


@pytest.fixture()
def pair(db, demo_audit, tmp_path):
    from reviewer.figures import compare_audits

    later = make_later_audit(db, tmp_path)
    return compare_audits(db, [demo_audit, later])


def test_rates_differences_and_p_values(pair):
    by_id = {q.id: q for q in pair.questions}
    for qid, (y0, n0) in THEN.items():
        y1, n1 = NOW[qid]
        q = by_id[qid]
        then, now = q.rates()
        assert (then.count, then.total, now.count, now.total) == (y0, n0, y1, n1)
        assert then.rate == pytest.approx(y0 / n0) and now.rate == pytest.approx(y1 / n1)
        ci = binomtest(y1, n1).proportion_ci(confidence_level=0.95, method="wilson")
        assert (now.low, now.high) == pytest.approx((ci.low, ci.high))
        change = q.changes[0]
        assert change.difference == pytest.approx(y1 / n1 - y0 / n0)
        p = fisher_exact([[y1, n1 - y1], [y0, n0 - y0]], alternative="two-sided").pvalue
        assert change.p_value == pytest.approx(p)
        assert (change.low, change.high) == pytest.approx(newcombe(y1, n1, y0, n0), abs=1e-9)
        assert change.flag == FLAGS[qid], qid
    assert pair.warnings == []


def test_only_tallied_questions_and_choices_carry_no_test(pair):
    by_id = {q.id: q for q in pair.questions}
    assert list(by_id)[:4] == ["1", "2", "2a", "2b"]
    assert by_id["2b"].changes == [None]
    assert by_id["2b"].figures[1].counts["Ethnicity"] == 3


def test_text_and_json(pair):
    from reviewer.outputs.compare_text import to_text

    text = to_text(pair)
    assert "10% (10/100)" in text and "30% (30/100)" in text
    assert "BTP ASB 2013 vs BTP ASB 2012: +20 points" in text and ": improved" in text
    d = pair.to_dict()
    assert d["baseline"] == "BTP ASB 2012"
    q3 = next(q for q in d["questions"] if q["id"] == "3")
    assert [a["yes"] for a in q3["audits"]] == [98, 83]
    assert q3["changes"][0]["flag"] == "worse" and q3["changes"][0]["audit"] == "BTP ASB 2013"


def test_a_reworded_question_is_not_comparable(db, demo_audit, tmp_path):
    """docs/contracts.md §13: a question whose wording changed is listed, with both wordings, and no
    change, interval or p-value."""
    from reviewer.figures import compare_audits
    from reviewer.outputs.compare_text import to_text

    later = make_later_audit(db, tmp_path, "Reworded", changes={},
                             set_file=reworded_set(tmp_path, "5"))
    c = compare_audits(db, [demo_audit, later])
    assert len(c.warnings) == 1 and c.warnings[0].startswith("question 5: not comparable")
    q5 = next(q for q in c.questions if q.id == "5")
    assert q5.changes == [None] and q5.comparable is False
    d = next(q for q in c.to_dict()["questions"] if q["id"] == "5")
    assert (d["comparable"], d["why"], d["changes"]) == (False, "wording changed", [])
    assert d["wordings"][1]["text"] == ("Was an attempt to identify a repeat caller recorded "
                                        "on the log?")
    assert d["wordings"][0]["digest"] != d["wordings"][1]["digest"]
    assert all("ci" not in a for a in d["audits"])          # no interval for it at all
    assert "not comparable: wording changed" in to_text(c)
    # Said to be the same question, with the reason: compared, and the reason shown.
    path = reworded_set(tmp_path, "5")
    text = path.read_text(encoding="utf-8").replace(
        "text: Was an attempt to identify a repeat caller recorded on the log?",
        "text: Was an attempt to identify a repeat caller recorded on the log?\n"
        "    same_as: \"5\"\n    why: plainer words").replace("version: 3", "version: 4")
    path.write_text(text, encoding="utf-8")
    again = make_later_audit(db, tmp_path, "Same", changes={}, set_file=path)
    c = compare_audits(db, [demo_audit, again])
    q5 = next(q for q in c.questions if q.id == "5")
    assert q5.comparable and q5.why == "plainer words" and q5.changes[0].p_value == 1
    assert "same question, reworded: plainer words" in to_text(c)


SET_A = """id: cmp-a
title: A
version: 1
questions:
  - {id: "q1", text: "One?", type: yes_no}
  - {id: "q2", text: "Two?", type: yes_no}
"""
SET_B = """id: cmp-b
title: B
version: 1
questions:
  - {id: "q1", text: "One?", type: yes_no}
  - {id: "q2", text: "Two?", type: choice, choices: [a, b]}
  - {id: "q3", text: "Three?", type: yes_no}
"""


def test_type_change_and_missing_questions(db, tmp_path):
    from reviewer.figures import compare_audits
    from tests.actions import create_audit, import_answers

    audits = []
    for name, text, rows in (("A", SET_A, "ref,q1,q2\nr1,Y,Y\nr2,N,N\n"),
                             ("B", SET_B, "ref,q1,q2,q3\nr1,Y,a,Y\nr2,Y,b,N\n")):
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
        (tmp_path / f"{name}.csv").write_text(rows, encoding="utf-8")
        audit = create_audit(db, name, tmp_path / f"{name}.yaml")
        import_answers(db, audit, tmp_path / f"{name}.csv", "me")
        audits.append(audit)
    c = compare_audits(db, audits)
    assert [q.id for q in c.questions] == ["q1", "q2", "q3"]
    assert any(w.startswith("question q2 changed type") for w in c.warnings)
    assert "question q3 is not in 'A'" in c.warnings
    by_id = {q.id: q for q in c.questions}
    assert by_id["q2"].changes == [None] and by_id["q3"].changes == [None]
    assert by_id["q1"].changes[0].difference == pytest.approx(0.5)


def test_flag_rule_and_edge_cases():
    from reviewer.analysis.stats import compare_counts, flag, rate, rate_text, wilson

    assert flag(0.2, 0.01) == "improved" and flag(-0.2, 0.01) == "worse"
    assert flag(0.2, 0.01, higher_is_better=False) == "worse"
    assert flag(0.2, 0.05) == "no significant change"
    assert wilson(0, 0) is None and rate_text(rate(0, 0)) == "–"
    assert compare_counts(0, 0, 5, 10).flag == "not comparable"
    assert compare_counts(5, 10, 0, 0).p_value is None
    low, high = wilson(0, 10)
    assert low == 0 and 0 < high < 0.35


def test_trend_chart_for_three_audits(db, demo_audit, tmp_path):
    from reviewer.figures import compare_audits
    from reviewer.outputs.charts import trend_chart

    later = make_later_audit(db, tmp_path)
    latest = make_later_audit(db, tmp_path, "BTP ASB 2014", {"1": ("N", "Y", 40)})
    c = compare_audits(db, [demo_audit, later, latest])
    assert len(c.questions[0].changes) == 2
    assert c.questions[0].changes[1].difference == pytest.approx(0.4)
    png = trend_chart(c, tmp_path / "trend.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and (tmp_path / "trend.png").read_bytes() == png


def test_fewer_than_two_audits(db, demo_audit):
    from reviewer.errors import ReviewerError
    from reviewer.figures import compare_audits

    with pytest.raises(ReviewerError, match="at least two"):
        compare_audits(db, [demo_audit])
