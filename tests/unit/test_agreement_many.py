"""Agreement among a team (docs/contracts.md §13): `reviewer agreement A B C ...` against the
field's packages (irrCAC for Gwet's AC1 and Fleiss' kappa, krippendorff for alpha, statsmodels for
kappa) to 4 decimal places, on answers with a one-category question, blanks and a multi-choice
question; the paradox and low flags; scorers against the lead; team calibration copies; bad
input."""

from __future__ import annotations

import json
import random
from itertools import combinations

import numpy as np
import pytest

from tests.unit.helpers import run_cli, write_csv, write_set

TEAM_SET = """\
id: team-test
title: Team test
version: 1
questions:
  - id: "1"
    text: Was the caller asked about repeats?
    type: yes_no
  - id: "2"
    text: Was the call answered in time?
    type: yes_no
  - id: "3"
    text: Who was it allocated to?
    type: choice
    choices: [Response, CID, None]
  - id: "4"
    text: Which problems were found?
    type: multi_choice
    choices: [Wrong type, Too few, Late]
  - id: "5"
    text: Was the call recorded?
    type: yes_no
  - id: "6"
    text: Notes
    type: text
"""
HEADER = ["ref", "1", "2", "3", "4", "5", "6"]
MAIN = "Main"
SCORERS = ("a", "b", "c")


@pytest.fixture()
def cli(capsys, db_path):
    def call(*argv: str):
        return run_cli(capsys, "--db", str(db_path), "--reviewer", "lead", *argv)
    return call


def main_rows(n: int = 40) -> list[list[str]]:
    rng = random.Random(11)
    rows = []
    for i in range(n):
        rows.append([f"R{i:02d}", rng.choice(["Y", "Y", "N", "n/a"]),
                     "Y",
                     rng.choice(["Response", "CID", "None", "n/a"]),
                     rng.choice(["Late", "Wrong type; Too few", "", "Too few", "n/a"]),
                     "Y", "note"])
    return rows


def scorer_rows(rows: list[list[str]], k: int) -> list[list[str]]:
    """A scorer's answers: the lead's, changed here and there, some left blank."""
    rng = random.Random(100 + k)
    out = []
    for row in rows:
        row = list(row)
        if rng.random() < 0.25:
            row[1] = rng.choice(["Y", "N", "n/a"])
        if rng.random() < 0.06:
            row[2] = "N" if row[2] == "Y" else "Y"
        if rng.random() < 0.2:
            row[3] = rng.choice(["Response", "CID", "None"])
        if rng.random() < 0.2:
            row[4] = rng.choice(["Late", "Too few; Wrong type", "Late; Too few"])
        if rng.random() < 0.1:
            row[rng.choice([1, 3, 4])] = ""          # left blank: a missing answer
        out.append(row)
    return out


def category(cell: str) -> str | None:
    """The test's own reading of a cell as a category (blank: none)."""
    cell = cell.strip()
    if not cell:
        return None
    if cell.lower() == "n/a":
        return "n/a"
    return ";".join(sorted(p.strip() for p in cell.split(";")))


@pytest.fixture()
def team(cli, tmp_path):
    qs = write_set(tmp_path, TEAM_SET)
    rows = main_rows()
    assert cli("audit", "create", MAIN, "--set", str(qs))[0] == 0
    assert cli("answers", "import", MAIN, str(write_csv(tmp_path / "m.csv", HEADER, rows)))[0] == 0
    code, before, err = cli("tally", MAIN, "--format", "json")
    assert code == 0 and before, err
    code, _, err = cli("audit", "create", "Cal", "--calibrate", MAIN, "--records", "30",
                       "--seed", "5", "--scorers", ",".join(SCORERS))
    assert code == 0, err
    assert "3 calibration audits" in err
    by_ref = {r[0]: r for r in rows}
    refs = None
    answers = {}
    for k, s in enumerate(SCORERS):
        name = f"Cal ({s})"
        code, out, err = cli("answers", "export", name, str(tmp_path / f"{s}-empty.csv"))
        assert code == 0, err
        mine = [r.split(",")[0] for r in
                (tmp_path / f"{s}-empty.csv").read_text(encoding="utf-8-sig").splitlines()[1:]]
        assert refs is None or mine == refs           # every copy holds the same records
        refs = mine
        answers[name] = scorer_rows([by_ref[r] for r in refs], k)
        path = write_csv(tmp_path / f"{s}.csv", HEADER, answers[name])
        assert cli("answers", "import", name, str(path))[0] == 0
    return {"rows": by_ref, "refs": refs, "answers": answers, "tally_before": before}


def reference_rows(team, names, qid: str) -> list[list[str | None]]:
    col = HEADER.index(qid)
    per = []
    for name in names:
        if name == MAIN:
            per.append({r: category(team["rows"][r][col]) for r in team["refs"]})
        else:
            per.append({row[0]: category(row[col]) for row in team["answers"][name]})
    return [[p[r] for p in per] for r in team["refs"]]


def test_three_scorers_match_the_packages(cli, team):
    from irrCAC.raw import CAC
    from krippendorff import alpha
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    names = [f"Cal ({s})" for s in SCORERS]
    code, out, err = cli("agreement", *names, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["audits"] == names and doc["records"] == 30 and doc["kappa_method"] == "fleiss"
    by_id = {q["id"]: q for q in doc["questions"]}
    assert set(by_id) == {"1", "2", "3", "4", "5"}               # text left out
    for qid in ("1", "2", "3", "4"):
        rows = reference_rows(team, names, qid)
        q = by_id[qid]
        cats = sorted({c for r in rows for c in r if c is not None})
        code_of = {c: float(i) for i, c in enumerate(cats)}
        coded = [[np.nan if c is None else code_of[c] for c in r] for r in rows]
        # Mean pairwise agreement.
        shares = []
        for i, j in combinations(range(3), 2):
            both = [(r[i], r[j]) for r in rows if r[i] is not None and r[j] is not None]
            shares.append(sum(a == b for a, b in both) / len(both))
        assert q["agreement"] == pytest.approx(np.mean(shares), abs=1e-4)
        # Fleiss' kappa over the records every scorer answered.
        complete = [r for r in coded if not any(np.isnan(r))]
        table, _ = aggregate_raters(np.array(complete, dtype=int))
        assert q["kappa"] == pytest.approx(fleiss_kappa(table, method="fleiss"), abs=1e-4)
        # Gwet's AC1 with every answer given (missing-data form), and its interval.
        import pandas as pd

        frame = pd.DataFrame([r for r in coded if not all(np.isnan(r))])
        est = CAC(frame, categories=sorted(code_of.values()), digits=10).gwet()["est"]
        assert q["ac1"]["value"] == pytest.approx(est["coefficient_value"], abs=1e-4)
        assert q["ac1"]["low"] == pytest.approx(est["confidence_interval"][0], abs=1e-4)
        # Krippendorff's alpha (nominal), with every answer given.
        expected = alpha(reliability_data=np.array(coded).T, level_of_measurement="nominal")
        assert q["alpha"]["value"] == pytest.approx(expected, abs=1e-4)
        assert q["alpha"]["low"] <= q["alpha"]["value"] <= q["alpha"]["high"]
        assert q["paradox"] == (q["agreement"] >= 0.85 and q["kappa"] < 0.40)
        deciding = q["ac1"]["value"] if q["paradox"] else q["kappa"]
        assert q["low"] == (deciding <= 0.40)
    # Everyone said Y to question 5: no chance-corrected figure, and the reason.
    one = by_id["5"]
    assert one["agreement"] == 1.0 and one["kappa"] is None
    for key in ("ac1", "alpha"):
        assert one[key]["value"] is None and "same" in one[key]["why"]
    assert one["paradox"] is False and one["low"] is False
    # The same figures whatever the run: the bootstrap is seeded.
    assert json.loads(cli("agreement", *names, "--format", "json")[1]) == doc


def test_a_dominant_answer_is_a_paradox_judged_by_ac1(cli, team):
    names = [f"Cal ({s})" for s in SCORERS]
    doc = json.loads(cli("agreement", MAIN, *names, "--format", "json")[1])
    q = {q["id"]: q for q in doc["questions"]}["2"]
    assert q["agreement"] >= 0.85 and q["kappa"] < 0.40
    assert q["paradox"] is True and q["low"] is False and q["ac1"]["value"] > 0.8
    _, text, _ = cli("agreement", MAIN, *names)
    assert "paradox" in text and "0.00 to 0.00" not in text and "e-" not in text


def test_two_audits_keep_the_section_8_document_and_add_ac1_and_alpha(cli, team):
    from irrCAC.raw import CAC
    from krippendorff import alpha

    code, out, err = cli("agreement", MAIN, "Cal (a)", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["kappa_method"] == "cohen" and doc["records"] == 30
    for q in doc["questions"]:
        assert {"compared", "agreed", "agreement", "kappa", "kappa_ci", "disagreements"} <= set(q)
        if q["id"] != "3":
            continue
        rows = reference_rows(team, [MAIN, "Cal (a)"], "3")
        cats = sorted({c for r in rows for c in r if c is not None})
        coded = [[np.nan if c is None else float(cats.index(c)) for c in r] for r in rows]
        import pandas as pd

        est = CAC(pd.DataFrame(coded), categories=[float(i) for i in range(len(cats))],
                  digits=10).gwet()["est"]
        assert q["ac1"]["value"] == pytest.approx(est["coefficient_value"], abs=1e-4)
        assert q["alpha"]["value"] == pytest.approx(
            alpha(reliability_data=np.array(coded).T, level_of_measurement="nominal"), abs=1e-4)
        assert all(set(d) == {"ref", "a", "b"} for d in q["disagreements"])


def test_scorers_are_judged_against_the_lead(cli, team):
    names = [f"Cal ({s})" for s in SCORERS]
    doc = json.loads(cli("agreement", *names, "--format", "json")[1])
    scorers = {s["scorer"]: s for s in doc["scorers"]}
    assert set(scorers) == set(SCORERS) and all(s["lead"] == MAIN for s in doc["scorers"])
    for s in SCORERS:
        for q in scorers[s]["questions"]:
            rows = reference_rows(team, [MAIN, f"Cal ({s})"], q["id"])
            pairs = [(a, b) for a, b in rows if a is not None and b is not None]
            assert q["compared"] == len(pairs)
            assert q["disagreed"] == sum(a != b for a, b in pairs)
            # Against the other two scorers' majority: both alike, or the one who answered.
            rows = reference_rows(team, [f"Cal ({x})" for x in (s, *sorted(set(SCORERS) - {s}))],
                                  q["id"])
            votes = []
            for mine, *others in rows:
                given = [o for o in others if o is not None]
                if mine is not None and given and given.count(given[0]) == len(given):
                    votes.append((mine, given[0]))
            assert (q["majority"]["compared"], q["majority"]["disagreed"]) == (
                len(votes), sum(a != b for a, b in votes))
    # With the lead among the audits, the lead is not a scorer of itself.
    doc = json.loads(cli("agreement", MAIN, *names, "--format", "json")[1])
    assert [s["scorer"] for s in doc["scorers"]] == list(SCORERS)
    _, text, _ = cli("agreement", MAIN, *names)
    assert "Scorers against the lead" in text


def test_calibration_answers_never_count_in_the_main_audit(cli, team):
    _, after, _ = cli("tally", MAIN, "--format", "json")
    assert after == team["tally_before"]


def test_bad_input_is_one_clear_line(cli, team, tmp_path):
    from tests.conftest import ASB_SET

    for argv, words in [(("agreement", MAIN), "at least two audits"),
                        (("agreement", MAIN, MAIN), "twice")]:
        code, out, err = cli(*argv)
        assert code == 1 and out == "" and words in err and len(err.splitlines()) == 1
    cli("audit", "create", "Other", "--set", str(ASB_SET))
    code, _, err = cli("agreement", MAIN, "Other")
    assert code == 1 and "same question set" in err and len(err.splitlines()) == 1
    qs = write_set(tmp_path, TEAM_SET, "again.yaml")
    cli("audit", "create", "Elsewhere", "--set", str(qs))
    write_csv(tmp_path / "e.csv", HEADER, [["X1", "Y", "Y", "CID", "", "Y", ""]])
    cli("answers", "import", "Elsewhere", str(tmp_path / "e.csv"))
    code, _, err = cli("agreement", MAIN, "Elsewhere")
    assert code == 1 and "no records in common" in err and len(err.splitlines()) == 1
    many = ",".join(f"p{i}" for i in range(40))
    code, _, err = cli("audit", "create", "Big", "--calibrate", MAIN, "--records", "3",
                       "--scorers", many)
    assert code == 2 and "at most" in err and len(err.splitlines()) == 1
    code, _, err = cli("audit", "create", "Dup", "--calibrate", MAIN, "--records", "3",
                       "--scorers", "a,a")
    assert code == 2 and len(err.splitlines()) == 1
    code, out, _ = cli("audit", "list")
    assert "Big" not in out and "Dup" not in out


def test_report_and_workbook_show_the_team(cli, team, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    assert cli("report", MAIN, "--out", str(tmp_path / "r.pdf"))[0] == 0
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "the whole team" in text and "each scorer against the lead" in text
    assert "AC1" in text and "0.00 to 0.00" not in text
    assert cli("results", MAIN, "--out", str(tmp_path / "r.xlsx"))[0] == 0
    rows = [r for r in load_workbook(tmp_path / "r.xlsx")["Agreement"].iter_rows(
        values_only=True)]
    titles = [r[0] for r in rows if r and isinstance(r[0], str)]
    assert any(t.startswith("The whole team") for t in titles)
    assert sorted(r[0] for r in rows if r and r[0] in SCORERS) == list(SCORERS)


@pytest.mark.parametrize("others", [("Cal (a)",), ("Cal (a)", "Cal (b)", "Cal (c)")])
def test_streamed_outputs_are_the_standard_encoders_bytes(cli, team, db_path, monkeypatch,
                                                          others):
    """The written JSON is byte for byte ``json.dumps(..., indent=2)`` of the document, and
    the text lists every disagreement once, in order, whether the disagreements are written a
    block at a time (and blocks smaller than the list) or from a plain list."""
    from reviewer.analysis import agreement_units
    from reviewer.outputs.agreement_text import iter_json, iter_text
    from reviewer.store.db import Database
    from reviewer.workspace import Workspace

    monkeypatch.setattr(agreement_units, "BLOCK", 3)          # many blocks per question
    names = [MAIN, *others]
    ws = Workspace(Database(str(db_path)), reviewer="lead")
    try:
        result = ws.agreement(*(ws.audit(n) for n in names))
        expected = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
        streamed, text = "".join(iter_json(result)), "".join(iter_text(result))
        for q in result.questions:                          # the same, from plain lists
            q.disagreements = list(q.disagreements)
        assert "".join(iter_json(result)) == streamed == expected
        assert "".join(iter_text(result)) == text
    finally:
        ws.db.close()
    assert cli("agreement", *names, "--format", "json")[1] == expected
    lines = [line for line in text.splitlines() if line.startswith("  R")]
    listed = [(d["ref"], q["id"]) for q in json.loads(expected)["questions"]
              for d in q["disagreements"]]
    assert [tuple(line.strip().split(":")[0].split(", ")) for line in lines] == listed
    assert len(listed) > 6


def test_refs_and_answers_that_need_escaping_are_written_as_json_writes_them(cli, tmp_path,
                                                                            db_path):
    """Refs with quotes, backslashes, commas and non-ASCII letters, and answers with them, are
    escaped in the streamed JSON exactly as ``json.dumps`` escapes them, and shown as they are
    in the text."""
    from reviewer.outputs.agreement_text import iter_text
    from reviewer.store.db import Database
    from reviewer.workspace import Workspace

    qs = write_set(tmp_path, TEAM_SET)
    refs = ['R "1"', "R\\2", "R, 3", "Rë 4", "R\u00a05", "R/6"]
    picks = ["Response", "CID", "None"]
    for name, shift in (("A", 0), ("B", 1)):
        assert cli("audit", "create", name, "--set", str(qs))[0] == 0
        rows = [[ref, "YN"[(k + shift) % 2], "Y", picks[(k + shift) % 3], "Late", "Y", "n"]
                for k, ref in enumerate(refs)]
        assert cli("answers", "import", name,
                   str(write_csv(tmp_path / f"{name}.csv", HEADER, rows)))[0] == 0
    code, out, err = cli("agreement", "A", "B", "--format", "json")
    assert code == 0, err
    ws = Workspace(Database(str(db_path)), reviewer="lead")
    try:
        result = ws.agreement(ws.audit("A"), ws.audit("B"))
        assert out == json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
        text = "".join(iter_text(result))
    finally:
        ws.db.close()
    listed = {d["ref"] for q in json.loads(out)["questions"] for d in q["disagreements"]}
    assert listed == set(refs)
    for ref in refs:
        assert f"  {ref}, 1: " in text
