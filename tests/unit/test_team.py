"""Team work (docs/contracts.md §7, §8): assignment, sign-off, calibration audits, agreement,
adjudication — through the ``reviewer`` command and the operations."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from statsmodels.stats.inter_rater import cohens_kappa

from reviewer.ops import calibrate, scoring
from reviewer.ops.core import Refused
from tests import actions
from tests.conftest import ASB_SET, DEMO_CSV
from tests.unit.helpers import run_cli, snapshot, write_csv

MAIN = "BTP ASB 2012"


@pytest.fixture()
def cli(capsys, db_path):
    def call(*argv: str, who: str = "lead"):
        return run_cli(capsys, "--db", str(db_path), "--reviewer", who, *argv)
    return call


@pytest.fixture()
def main(cli):
    assert cli("audit", "create", MAIN, "--set", str(ASB_SET))[0] == 0
    assert cli("answers", "import", MAIN, str(DEMO_CSV))[0] == 0


def history(cli, name: str) -> list[dict]:
    code, out, err = cli("history", name, "--format", "json")
    assert code == 0, err
    return json.loads(out)["events"]


# -- assignment ---------------------------------------------------------------------------------
def test_assign_shares_evenly_and_reproducibly(cli, main, db):
    code, _, err = cli("assign", MAIN, "--to", "alice,bob,carol", "--seed", "7")
    assert code == 0, err and "assigned 100 records (seed 7)" in err
    first = dict(db.all("SELECT ref, assigned_to FROM record"))
    assert sorted(Counter(first.values()).values()) == [33, 33, 34]
    events = [e for e in history(cli, MAIN) if e["action"] == "assign"]
    assert len(events) == 100 and {e["ref"]: e["after"] for e in events} == first
    code, _, err = cli("assign", MAIN, "--to", "dave")
    assert code == 1 and "every record" in err                # nothing left to share
    # The same seed over the same records gives the same shares.
    assert cli("audit", "create", "Again", "--set", str(ASB_SET))[0] == 0
    assert cli("answers", "import", "Again", str(DEMO_CSV))[0] == 0
    assert cli("assign", "Again", "--to", "alice,bob,carol", "--seed", "7")[0] == 0
    again = dict(db.all("SELECT r.ref, r.assigned_to FROM record r JOIN audit a "
                        "ON a.id = r.audit_id WHERE a.name = 'Again'"))
    assert again == first


def test_assign_without_a_seed_prints_it(cli, main):
    code, _, err = cli("assign", MAIN, "--to", "alice,bob")
    assert code == 0 and "the seed was" in err


@pytest.mark.parametrize("to", ["", "alice,,bob", "alice,alice"])
def test_bad_reviewer_lists_are_usage_errors(cli, main, to):
    assert cli("assign", MAIN, "--to", to)[0] == 2


def test_audit_list_shows_progress_per_reviewer(cli, main):
    cli("assign", MAIN, "--to", "alice,bob", "--seed", "1")
    code, out, _ = cli("audit", "list")
    assert "alice 50/50; bob 50/50" in out


# -- sign-off -----------------------------------------------------------------------------------
def test_a_signed_off_audit_refuses_every_change(cli, main, db, tmp_path):
    code, _, err = cli("audit", "sign-off", MAIN)
    assert code == 0 and "signed off by lead" in err
    before = snapshot(db)
    refs = tmp_path / "refs.txt"
    refs.write_text("BTP-12-0401-0046\n")
    for argv in (("answers", "import", MAIN, str(DEMO_CSV)),
                 ("assign", MAIN, "--to", "alice")):
        code, out, err = cli(*argv)
        assert code == 1 and out == "" and "signed off by lead" in err, argv
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot(db) == before
    ws = actions.ws(db)
    audit = ws.audit(MAIN)
    qs = ws.question_set(audit)
    rid = ws.find_ref(audit.id, "BTP-12-0401-0046")
    for op in (lambda: scoring.score(ws, audit.id, qs, rid, "1", "N"),
               lambda: scoring.set_note(ws, audit.id, qs, rid, "1", "x"),
               lambda: scoring.undo_last(ws, audit.id, qs),
               lambda: calibrate.adjudicate(ws, audit.id, qs, "BTP-12-0401-0046", "1", "N", "b")):
        with pytest.raises(Refused, match="signed off"):
            op()
    assert snapshot(db) == before
    # Exports, reports, rename and archive stay allowed, and are recorded.
    assert cli("results", MAIN, "--out", str(tmp_path / "r.csv"))[0] == 0
    code, out, _ = cli("tally", MAIN, "--format", "json")
    signed = json.loads(out)["signed_off"]
    assert signed["by"] == "lead" and signed["at"].endswith("Z")
    code, out, _ = cli("tally", MAIN)
    assert f"Signed off by lead on {signed['at'][:10]}" in out
    assert cli("audit", "rename", MAIN, "Final")[0] == 0
    actions_seen = [e["action"] for e in history(cli, "Final")]
    assert actions_seen[-3:] == ["sign-off", "export", "rename"]


def test_reopen_needs_a_reason_and_is_recorded(cli, main):
    assert cli("audit", "reopen", MAIN, "--reason", "x")[0] == 1       # not signed off
    cli("audit", "sign-off", MAIN)
    assert cli("audit", "sign-off", MAIN)[0] == 1                       # twice
    assert cli("audit", "reopen", MAIN, "--reason", "  ")[0] == 2
    code, _, err = cli("audit", "reopen", MAIN, "--reason", "late correction to INC-7")
    assert code == 0
    last = history(cli, MAIN)[-1]
    assert (last["action"], last["before"], last["detail"]) == \
        ("reopen", "lead", "late correction to INC-7")
    code, out, _ = cli("tally", MAIN, "--format", "json")
    assert json.loads(out)["signed_off"] is None
    assert cli("answers", "import", MAIN, str(DEMO_CSV))[0] == 0


# -- calibration --------------------------------------------------------------------------------
def refs_of(db, name: str) -> list[str]:
    return [r[0] for r in db.all("SELECT r.ref FROM record r JOIN audit a ON a.id = r.audit_id "
                                 "WHERE a.name = ? ORDER BY r.seq", (name,))]


def test_a_calibration_drawn_twice_with_one_seed_gives_the_same_refs(cli, main, db):
    assert cli("audit", "create", "Cal 1", "--calibrate", MAIN, "--records", "20",
               "--seed", "42")[0] == 0
    assert cli("audit", "create", "Cal 2", "--calibrate", MAIN, "--records", "20",
               "--seed", "42")[0] == 0
    assert refs_of(db, "Cal 1") == refs_of(db, "Cal 2") and len(refs_of(db, "Cal 1")) == 20
    main_refs = refs_of(db, MAIN)
    assert refs_of(db, "Cal 1") == [r for r in main_refs if r in set(refs_of(db, "Cal 1"))]
    # No answers are copied; fields are; the question set is MAIN's very version.
    cal = actions.ws(db).audit("Cal 1")
    assert db.scalar("SELECT COUNT(*) FROM answer WHERE audit_id = ?", (cal.id,)) == 0
    assert cal.question_set_id == actions.ws(db).audit(MAIN).question_set_id
    assert cal.calibrates == actions.ws(db).audit(MAIN).id
    assert history(cli, "Cal 1")[-1]["action"] == "calibrate"
    assert history(cli, MAIN)[-1]["action"] == "calibrate"
    code, _, err = cli("audit", "create", "Cal 3", "--calibrate", MAIN, "--records", "5")
    assert code == 0 and "the seed was" in err


def test_calibration_from_a_refs_file(cli, main, db, tmp_path):
    path = tmp_path / "refs.txt"
    path.write_text("BTP-12-0401-0046\n\nBTP-12-0401-0060\nNOPE-1\nBTP-12-0401-0046\n")
    code, _, err = cli("audit", "create", "Cal", "--calibrate", MAIN, "--refs", str(path))
    lines = err.strip().splitlines()
    assert code == 1 and lines == [f"{path}:4: 'NOPE-1' is not a record of the main audit",
                                   f"{path}:5: 'BTP-12-0401-0046' is listed twice (also line 1)"]
    path.write_text("BTP-12-0401-0060\nBTP-12-0401-0046\n")
    assert cli("audit", "create", "Cal", "--calibrate", MAIN, "--refs", str(path))[0] == 0
    assert refs_of(db, "Cal") == ["BTP-12-0401-0046", "BTP-12-0401-0060"]


@pytest.mark.parametrize("argv", [
    ("--calibrate", MAIN), ("--calibrate", MAIN, "--records", "3", "--refs", "x"),
    ("--calibrate", MAIN, "--records", "3", "--set", "x"), ("--records", "3",),
])
def test_calibration_usage_errors(cli, main, argv):
    assert cli("audit", "create", "Cal", *argv)[0] == 2


# -- agreement ----------------------------------------------------------------------------------
def test_agreement_figures_match_statsmodels(cli, main, db, tmp_path):
    assert cli("audit", "create", "Cal", "--calibrate", MAIN, "--records", "30",
               "--seed", "3")[0] == 0
    # The second scorer agrees on most records and differs on some.
    refs = refs_of(db, "Cal")
    main_rows = {r[0]: r for r in csv_rows(DEMO_CSV)}
    header = csv_rows(DEMO_CSV, header=True)
    qcols = [h for h in header if h in ("1", "5", "9")]
    rows = []
    for i, ref in enumerate(refs):
        cells = {h: main_rows[ref][header.index(h)] for h in qcols}
        if i % 4 == 0:
            cells["1"] = "N" if cells["1"] == "Y" else "Y"
        if i % 7 == 0:
            cells["9"] = "CID" if cells["9"] != "CID" else "Response"
        rows.append([ref] + [cells[h] for h in qcols])
    assert cli("answers", "import", "Cal", str(write_csv(tmp_path / "b.csv", ["ref", *qcols],
                                                           rows)))[0] == 0
    code, out, err = cli("agreement", MAIN, "Cal", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["audits"] == [MAIN, "Cal"] and doc["records"] == 30
    by_id = {q["id"]: q for q in doc["questions"]}
    for qid in qcols:
        pairs = [(main_rows[r][header.index(qid)], row[1 + qcols.index(qid)])
                 for r, row in zip(refs, rows, strict=True)]
        pairs = [(a or "n/a" if a.lower() != "n/a" else "n/a", b) for a, b in pairs]
        cats = sorted({c for p in pairs for c in p})
        table = np.zeros((len(cats), len(cats)))
        for a, b in pairs:
            table[cats.index(a), cats.index(b)] += 1
        expected = cohens_kappa(table)
        q = by_id[qid]
        assert q["compared"] == 30 and q["agreed"] == sum(a == b for a, b in pairs)
        assert q["agreement"] == pytest.approx(q["agreed"] / 30)
        assert q["kappa"] == pytest.approx(expected.kappa)
        assert q["kappa_ci"] == pytest.approx([max(-1, expected.kappa_low),
                                               min(1, expected.kappa_upp)])
        assert [d["ref"] for d in q["disagreements"]] == [r for r, (a, b) in
                                                           zip(refs, pairs, strict=True) if a != b]
    unscored = by_id["2"]
    assert (unscored["compared"], unscored["kappa"], unscored["agreement"]) == (0, None, None)
    assert "text" not in {q["type"] for q in doc["questions"]}
    overall = doc["overall"]
    assert overall["compared"] == sum(q["compared"] for q in doc["questions"])
    code, out, _ = cli("agreement", MAIN, "Cal")
    assert "Landis & Koch" in out and "Disagreements" in out


def csv_rows(path, header: bool = False):
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0] if header else rows[1:]


def test_agreement_needs_the_same_question_set(cli, main, tmp_path):
    from tests.conftest import SCOT_SET

    cli("audit", "create", "Scot", "--set", str(SCOT_SET))
    code, _, err = cli("agreement", MAIN, "Scot")
    assert code == 1 and "same question set" in err


def test_kappa_is_null_when_chance_agreement_is_one():
    from reviewer.analysis.agreement import kappa_of

    assert kappa_of([("Y", "Y")] * 5) == (None, None)
    assert kappa_of([]) == (None, None)
    k, ci = kappa_of([("Y", "Y"), ("N", "N"), ("Y", "N"), ("N", "N")])
    assert -1 <= ci[0] <= k <= ci[1] <= 1


# -- adjudication -------------------------------------------------------------------------------
def test_adjudication_is_recorded_in_main(cli, main, db):
    ws = actions.ws(db, "lead")
    audit = ws.audit(MAIN)
    qs = ws.question_set(audit)
    ref = "BTP-12-0401-0046"
    was = ws.record(qs, ws.find_ref(audit.id, ref)).states["2"]
    other = "N" if was == (1, "Y") else "Y"
    done = calibrate.adjudicate(ws, audit.id, qs, ref, "2", other, "Cal (bob)")
    assert done.value == other
    kept = calibrate.adjudicate(ws, audit.id, qs, ref, "1", None, "")
    events = [e for e in history(cli, MAIN) if e["action"] == "adjudicate"]
    assert events[0]["question"] == "2" and events[0]["after"] == other
    assert events[0]["detail"] == "picked Cal (bob)"
    assert events[-1]["detail"].startswith("kept") and kept.value == events[-1]["before"]


# -- in the outputs ----------------------------------------------------------------------------
def test_outputs_say_draft_or_signed_off_and_show_agreement(cli, main, db, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    def pdf_text(path) -> str:
        return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)

    assert cli("report", MAIN, "--out", str(tmp_path / "draft.pdf"))[0] == 0
    text = pdf_text(tmp_path / "draft.pdf")
    assert "DRAFT: not signed off" in text and "AGREEMENT" not in text
    pages = PdfReader(tmp_path / "draft.pdf").pages      # the footer says so on every page
    assert len(pages) > 1 and all("DRAFT: not signed off" in p.extract_text() for p in pages)
    assert cli("audit", "create", "Cal", "--calibrate", MAIN, "--records", "20",
               "--seed", "1")[0] == 0
    rows = [[r, "Y"] for r in refs_of(db, "Cal")]
    cli("answers", "import", "Cal", str(write_csv(tmp_path / "c.csv", ["ref", "1"], rows)))
    cli("audit", "sign-off", MAIN)
    assert cli("report", MAIN, "--out", str(tmp_path / "final.pdf"))[0] == 0
    text = pdf_text(tmp_path / "final.pdf")
    day = actions.ws(db).audit(MAIN).signed_off_at[:10]
    assert f"Signed off by lead on {day}" in text and "DRAFT" not in text
    assert all(f"Signed off by lead on {day}" in p.extract_text()
               for p in PdfReader(tmp_path / "final.pdf").pages)
    assert "AGREEMENT WITH A BLIND SECOND SCORING" in text
    assert "Cal — 20 records in both" in text and "1. Have repeat occasions" in text
    assert cli("results", MAIN, "--out", str(tmp_path / "r.xlsx"))[0] == 0
    book = load_workbook(tmp_path / "r.xlsx")
    # docs/contracts.md §10: a name from a desk file says it is not verified
    assert f"Signed off by lead on {day} (desk file: names not verified)" in [
        r[0] for r in book["Results"].iter_rows(values_only=True)]
    sheet = list(book["Agreement"].iter_rows(values_only=True))
    q1 = next(r for r in sheet if (r[0] or "").startswith("1. "))
    assert q1[1] == 20 and q1[3] == pytest.approx(q1[2] / 20)
