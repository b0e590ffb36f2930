"""Weighted estimates for a sample stratified at unequal fractions (docs/contracts.md §13): the
interval's coverage by simulation, the figures of `tally --format json` against a computation by
hand, and bad population files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from reviewer.analysis.weighted import StratumCounts, estimate, wilson_float
from tests.unit.helpers import run_cli, write_csv, write_set

SET = """\
id: weighted-test
title: Weighted test
version: 1
questions:
  - id: "1"
    text: Was the caller asked about repeats?
    type: yes_no
    na: false
  - id: "2"
    text: Was a risk assessment done?
    type: yes_no
  - id: "3"
    text: Who was it allocated to?
    type: choice
    choices: [Response, CID]
"""


def coverage(p: float, reps: int = 2000, seed: int = 1, strata: int = 3) -> float:
    """Share of replicates whose interval holds the population's true rate: strata of 30-200
    sampled records drawn at fractions from 1% to 50% (hypergeometric draws)."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(reps):
        n = rng.integers(30, 201, strata)
        big_n = np.maximum(n, np.round(n / rng.uniform(0.01, 0.5, strata)).astype(int))
        ys = np.round(big_n * np.clip(p + rng.uniform(-0.02, 0.02, strata), 0, 1)).astype(int)
        y = rng.hypergeometric(ys, big_n - ys, n)
        w = estimate({str(h): StratumCounts(int(n[h]), int(y[h]), int(n[h] - y[h]))
                      for h in range(strata)}, {str(h): int(big_n[h]) for h in range(strata)})
        hits += w.low <= ys.sum() / big_n.sum() <= w.high
    return hits / reps


@pytest.mark.parametrize("p, low, high", [(0.5, 0.935, 0.965), (0.9, 0.935, 0.965),
                                          (0.97, 0.935, 1.0)])
def test_the_interval_covers_the_true_rate(p, low, high):
    for strata, seed in ((3, 1), (2, 2)):
        share = coverage(p, seed=seed, strata=strata)
        print(f"p = {p}, {strata} strata: coverage {share:.3f} over 2,000 replicates")
        assert low <= share <= high


def test_wilson_at_a_whole_n_is_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for count, n in ((0, 10), (3, 10), (10, 10), (57, 120)):
        assert wilson_float(count / n, n) == pytest.approx(
            proportion_confint(count, n, method="wilson"), abs=1e-12)


@pytest.fixture()
def cli(capsys, db_path):
    def call(*argv: str):
        return run_cli(capsys, "--db", str(db_path), "--reviewer", "lead", *argv)
    return call


ROWS = ([[f"N{i}", "Y" if i < 30 else "N", "Y" if i < 10 else ("n/a" if i < 25 else "N"),
          "CID", "North"] for i in range(40)]
        + [[f"S{i}", "Y" if i < 8 else "N", "Y" if i < 12 else "N", "CID", "South"]
           for i in range(20)])
POPULATION = {"North": 400, "South": 2000}


@pytest.fixture()
def audit(cli, tmp_path):
    qs = write_set(tmp_path, SET)
    assert cli("audit", "create", "W", "--set", str(qs))[0] == 0
    path = write_csv(tmp_path / "a.csv", ["ref", "1", "2", "3", "area"], ROWS)
    assert cli("answers", "import", "W", str(path))[0] == 0
    return tmp_path


def by_hand(qcol: int) -> tuple[float, float]:
    """The combined ratio estimate and its variance (Cochran §6.11), written out."""
    y_hat = x_hat = 0.0
    parts = {}
    for area, big_n in POPULATION.items():
        rows = [r for r in ROWS if r[4] == area]
        n = len(rows)
        y = [1.0 if r[qcol] == "Y" else 0.0 for r in rows]
        x = [0.0 if r[qcol] == "n/a" else 1.0 for r in rows]
        y_hat += big_n / n * sum(y)
        x_hat += big_n / n * sum(x)
        parts[area] = (n, big_n, y, x)
    r = y_hat / x_hat
    var = 0.0
    for n, big_n, y, x in parts.values():
        d = np.array(y) - r * np.array(x)
        var += big_n ** 2 * (1 - n / big_n) * d.var(ddof=1) / n
    return r, var / x_hat ** 2


def test_tally_adds_weighted_estimates(cli, audit):
    write_csv(audit / "pop.csv", ["stratum", "population"],
              [[k, str(v)] for k, v in POPULATION.items()])
    code, _, err = cli("audit", "population", "W", str(audit / "pop.csv"), "--by", "area")
    assert code == 0 and "unequal" in err, err
    code, out, err = cli("tally", "W", "--format", "json")
    assert code == 0, err
    qs = {q["id"]: q for q in json.loads(out)["questions"]}
    # Question 1, no n/a: the stratified mean sum W_h p_h.
    w = qs["1"]["weighted"]
    assert w["rate"] == pytest.approx((400 * 30 / 40 + 2000 * 8 / 20) / 2400)
    assert w["low"] < w["rate"] < w["high"] and "finite-population" in w["method"]
    for qid, col in (("1", 1), ("2", 2)):
        rate, var = by_hand(col)
        w = qs[qid]["weighted"]
        assert w["rate"] == pytest.approx(rate, abs=1e-12)
        half = w["high"] - w["low"]
        assert 2 * 1.96 * var ** 0.5 * 0.9 < half < 2 * 1.96 * var ** 0.5 * 1.3
    assert "weighted" not in qs["3"]                             # yes/no questions only
    assert (qs["1"]["yes"], qs["1"]["total"]) == (38, 60)          # the plain figure unchanged
    code, text, _ = cli("tally", "W")
    assert "weighted" in text and "unweighted 63%" in text


def test_proportional_strata_are_not_weighted(cli, audit):
    write_csv(audit / "pop.csv", ["stratum", "population"], [["North", "800"], ["South", "400"]])
    code, _, err = cli("audit", "population", "W", str(audit / "pop.csv"), "--by", "area")
    assert code == 0 and "in proportion" in err
    _, out, _ = cli("tally", "W", "--format", "json")
    assert all("weighted" not in q for q in json.loads(out)["questions"])


@pytest.mark.parametrize("rows, words", [
    ([["North", "400"]], "stratum 'South' (20 records of the audit) is missing"),
    ([["North", "400"], ["South", "0"]], ":3:population: the population of stratum 'South' "
                                         "must be at least 1"),
    ([["North", "many"], ["South", "400"]], ":2:population: the population must be a whole"),
    ([["North", "30"], ["South", "400"]], "has 40 records in the audit, more than"),
    ([["North", "400"], ["North", "400"], ["South", "90"]], ":3:stratum: stratum 'North' is "
                                                            "listed twice"),
])
def test_bad_population_files_are_one_located_line(cli, audit, rows, words):
    path = write_csv(audit / "pop.csv", ["stratum", "population"], rows)
    code, out, err = cli("audit", "population", "W", str(path), "--by", "area")
    assert code == 1 and words in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith(str(path))
    _, out, _ = cli("tally", "W", "--format", "json")
    assert all("weighted" not in q for q in json.loads(out)["questions"])


def test_population_file_needs_its_columns_and_a_known_field(cli, audit):
    path = write_csv(audit / "pop.csv", ["area", "count"], [["North", "400"]])
    code, _, err = cli("audit", "population", "W", str(path), "--by", "area")
    assert code == 1 and f"{path}:1:" in err and "stratum and population" in err
    path = write_csv(audit / "pop2.csv", ["stratum", "population"], [["North", "400"]])
    code, _, err = cli("audit", "population", "W", str(path), "--by", "district")
    assert code == 1 and "no field 'district'" in err and len(err.strip().splitlines()) == 1


def test_report_and_workbook_show_weighted_beside_plain(cli, audit):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    write_csv(audit / "pop.csv", ["stratum", "population"],
              [[k, str(v)] for k, v in POPULATION.items()])
    assert cli("audit", "population", "W", str(audit / "pop.csv"), "--by", "area")[0] == 0
    assert cli("report", "W", "--out", str(audit / "r.pdf"))[0] == 0
    text = "".join(p.extract_text() for p in PdfReader(audit / "r.pdf").pages)
    assert "WEIGHTED ESTIMATES" in text and "63% (38/60)" in text
    assert cli("results", "W", "--out", str(audit / "r.xlsx"))[0] == 0
    sheet = load_workbook(audit / "r.xlsx")["Weighted"]
    rows = [r for r in sheet.iter_rows(values_only=True)][2:]
    assert rows[0][0].startswith("1.") and rows[0][3] == pytest.approx(38 / 60)
    assert rows[0][4] == pytest.approx((400 * 30 / 40 + 2000 * 8 / 20) / 2400)
