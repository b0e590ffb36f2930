"""Trend with control limits (docs/contracts.md §13): the p-chart against Montgomery's worked
example, Laney's p′ computed by hand, the run rule, `reviewer trend` end to end (JSON, text, chart,
a plan's due date), reworded questions and bad input."""

from __future__ import annotations

import json
import math

import pytest

from reviewer.analysis.trend import QuestionTrend, chart
from tests.unit.helpers import run_cli, write_csv, write_set

# Montgomery, Introduction to Statistical Quality Control (7th ed.), Example 7.1: nonconforming
# cans in 30 samples of 50; p̄ = 0.2313, UCL = 0.4102, LCL = 0.0524; samples 15 and 23 are out.
MONTGOMERY = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18,
              24, 15, 9, 12, 7, 13, 9, 6]


def run(counts, k, laney=None) -> QuestionTrend:
    q = QuestionTrend("1", "x", True)
    chart(q, [f"S{i + 1}" for i in range(len(counts))], counts, k, laney)
    return q


def test_p_chart_matches_montgomerys_example():
    q = run([(y, 50) for y in MONTGOMERY], 30, laney=False)
    assert round(q.centre, 4) == 0.2313
    assert all((round(p.lcl, 3), round(p.ucl, 3)) == (0.052, 0.410) for p in q.points)
    assert [p.audit for p in q.points if p.signal] == ["S15", "S23"]
    assert {p.signal for p in q.points if p.signal} == {"above"}


def test_laney_limits_by_hand():
    counts = [(y, n) for y, n in zip(MONTGOMERY[:10], [50, 60, 40, 50, 45, 55, 50, 48, 52, 50],
                                     strict=True)]
    q = run(counts, 10)
    centre = sum(y for y, _ in counts) / sum(n for _, n in counts)
    z = [(y / n - centre) / math.sqrt(centre * (1 - centre) / n) for y, n in counts]
    sigma_z = sum(abs(b - a) for a, b in zip(z, z[1:], strict=False)) / 9 / 1.128
    assert sigma_z > 1 and q.method == "laney"
    assert q.sigma_z == pytest.approx(sigma_z, abs=1e-12)
    for p, (_, n) in zip(q.points, counts, strict=True):
        half = 3 * sigma_z * math.sqrt(centre * (1 - centre) / n)
        assert round(p.ucl, 3) == round(min(1, centre + half), 3)
        assert round(p.lcl, 3) == round(max(0, centre - half), 3)
    # Not overdispersed: the plain p-chart.
    steady = run([(25, 50), (26, 50), (24, 50), (25, 50), (26, 50), (25, 50)], 3)
    assert steady.method == "p" and steady.sigma_z < 1


def test_eight_in_a_row_on_one_side_is_a_run():
    counts = [(50, 100), (52, 100), (48, 100), (50, 100)] + [(56, 100)] * 9
    q = run(counts, 4)
    signals = [p.signal for p in q.points]
    assert signals[:11] == [None] * 11 and signals[11:] == ["run", "run"]


SET = """\
id: trend-test
title: Trend test
version: {version}
questions:
  - id: "1"
    text: {text1}
    type: yes_no
    ref: LF 1.1
  - id: "2"
    text: {text2}
    type: yes_no
{same_as}  - id: "3"
    text: Was the risk graded?
    type: yes_no
    direction: {direction}
"""
V1 = dict(version=1, text1="Was the caller asked about repeats?", text2="Was it logged?",
          same_as="", direction="higher")
V2 = dict(version=2, text1="Was the caller asked, unprompted, about repeats?",
          text2="Was the incident logged?",
          same_as='    same_as: "2"\n    why: clearer wording, same meaning\n',
          direction="lower")
YES = [3, 5, 4, 6, 14, 15]                 # Y out of 20 in each month


@pytest.fixture()
def cli(capsys, db_path):
    def call(*argv: str):
        return run_cli(capsys, "--db", str(db_path), "--reviewer", "lead", *argv)
    return call


@pytest.fixture()
def months(cli, tmp_path):
    qs = write_set(tmp_path, SET.format(**V1))
    names = []
    for m, yes in enumerate(YES, start=1):
        name = f"2012-{m:02d}"
        assert cli("audit", "create", name, "--set", str(qs))[0] == 0
        rows = [[f"{name}-{i}", "Y" if i < yes else "N", "Y", "N", f"2012-{m:02d}-15"]
                for i in range(20)]
        path = write_csv(tmp_path / f"{name}.csv", ["ref", "1", "2", "3", "date"], rows)
        assert cli("answers", "import", name, str(path))[0] == 0
        names.append(name)
    return names


def test_trend_json_and_text(cli, months, tmp_path):
    code, out, err = cli("trend", *months, "--format", "json", "--question", "1")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["baseline"] == months[:3] and "rule 2" in doc["rules"]["run"]
    (q,) = doc["questions"]
    centre = (3 + 5 + 4) / 60
    assert q["comparable"] is True and q["centre"] == pytest.approx(centre)
    assert q["method"] in ("p", "laney")
    factor = q["sigma_z"] if q["method"] == "laney" else 1
    for p, yes in zip(q["points"], YES, strict=True):
        half = 3 * factor * math.sqrt(centre * (1 - centre) / 20)
        assert p["n"] == 20 and p["rate"] == pytest.approx(yes / 20)
        assert round(p["ucl"], 3) == round(min(1, centre + half), 3)
        assert round(p["lcl"], 3) == round(max(0, centre - half), 3)
    assert [p["signal"] for p in q["points"]][-2:] == ["above", "above"]
    code, out, err = cli("trend", *months, "--baseline", "4", "--format", "json")
    doc = json.loads(out)
    assert doc["baseline"] == months[:4] and len(doc["questions"]) == 3
    code, out, err = cli("trend", *months, "--question", "1", "3", "--format", "json")
    assert [q["id"] for q in json.loads(out)["questions"]] == ["1", "3"]
    code, text, _ = cli("trend", *months, "--chart", str(tmp_path / "t.png"))
    assert code == 0 and "rule 1: a point above the upper control limit" in text
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plan_due_dates_are_marked(cli, months, tmp_path):
    plan = write_csv(tmp_path / "plan.csv", ["ref", "area", "due", "questions"],
                     [["A1", "Ask about repeats", "2012-04-30", "1"]])
    assert cli("plan", "import", "P", str(plan))[0] == 0
    code, out, err = cli("trend", *months, "--plan", "P", "--format", "json")
    assert code == 0, err
    by_id = {q["id"]: q for q in json.loads(out)["questions"]}
    assert by_id["1"]["plan_items"] == [{"ref": "A1", "area": "Ask about repeats",
                                         "due": "2012-04-30", "after": "2012-04"}]
    assert "plan_items" not in by_id["2"]


def test_reworded_questions_are_not_charted(cli, months, tmp_path):
    qs2 = write_set(tmp_path, SET.format(**V2), "v2.yaml")
    assert cli("audit", "create", "2012-07", "--set", str(qs2))[0] == 0
    rows = [[f"J{i}", "Y", "Y", "N"] for i in range(20)]
    cli("answers", "import", "2012-07", str(write_csv(tmp_path / "j.csv",
                                                       ["ref", "1", "2", "3"], rows)))
    code, out, err = cli("trend", *months, "2012-07", "--format", "json")
    assert code == 0 and "versions 1, 2" in err
    by_id = {q["id"]: q for q in json.loads(out)["questions"]}
    assert by_id["1"]["comparable"] is False and by_id["1"]["why"] == "wording changed"
    assert by_id["1"]["points"] == [] and by_id["1"]["centre"] is None
    assert [w["text"] for w in by_id["1"]["wordings"]][-1] == V2["text1"]
    assert by_id["2"]["comparable"] is True and by_id["2"]["why"] == V2["same_as"].split(
        "why: ")[1].strip() and len(by_id["2"]["points"]) == 7
    assert by_id["3"]["comparable"] is False           # the direction flipped
    code, text, _ = cli("trend", *months, "2012-07")
    assert "not comparable: wording changed" in text


def test_bad_input_is_one_line(cli, months, tmp_path):
    from tests.conftest import ASB_SET

    cli("audit", "create", "ASB", "--set", str(ASB_SET))
    for argv, words in [(months[:2], "three audits or more"),
                        ([*months[:3], "ASB"], "one question set"),
                        ([*months, "--baseline", "1"], "--baseline must be between 2"),
                        ([*months, "--question", "99"], "no question 99"),
                        ([months[0], months[0], months[1]], "only once")]:
        code, out, err = cli("trend", *argv)
        assert code == 1 and out == "" and words in err and len(err.splitlines()) == 1, err


def test_the_demo_monthly_self_audits_show_the_training(cli):
    from reviewer.demo_monthly import month_rows, names

    assert month_rows(3) == month_rows(3)                       # generated, seeded
    assert cli("demo")[0] == 0
    code, out, err = cli("trend", *names(), "--question", "1", "--plan",
                         "ASB improvement plan 2012 (demo)", "--format", "json")
    assert code == 0, err
    (q,) = json.loads(out)["questions"]
    assert [p["signal"] for p in q["points"]][-3:] == ["above"] * 3   # after the training
    assert all(p["signal"] is None for p in q["points"][:6])
    assert {"ref": "AFI 1", "due": "2012-06-30"}.items() <= q["plan_items"][0].items()


def test_trend_pdf_page(cli, months, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "trend.pdf"
    code, _, err = cli("trend", *months, "--question", "1", "--out", str(out))
    assert code == 0, err
    text = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Trend with control limits" in text and "rule 1" in text and "2012-06" in text
    assert out.stat().st_mode & 0o777 == 0o600
    code, _, err = cli("trend", *months, "--out", str(tmp_path / "trend.txt"))
    assert code == 2 and len(err.splitlines()) == 1
