"""Improvement plans (docs/contracts.md §9): import with located errors, linking by paragraph number
or by ids, status across audits checked against scipy directly."""

from __future__ import annotations

import gc
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import fisher_exact

from reviewer.analysis.plans import paragraph_links
from tests.conftest import ASB_SET, DEMO_CSV, ROOT
from tests.unit.helpers import run_cli, snapshot, write_csv

PLAN_CSV = ROOT / "data" / "asb-improvement-plan-2012.csv"
LATER_CSV = ROOT / "data" / "demo-asb-2013.csv"
PLAN_HEADER = ["ref", "area", "due", "owner", "progress", "updated", "complete", "questions"]


@pytest.fixture()
def cli(capsys, db_path):
    def call(*argv: str):
        return run_cli(capsys, "--db", str(db_path), *argv)
    return call


@pytest.fixture()
def two_audits(cli):
    for name, csv in (("Base", DEMO_CSV), ("Later", LATER_CSV)):
        assert cli("audit", "create", name, "--set", str(ASB_SET))[0] == 0
        assert cli("answers", "import", name, str(csv))[0] == 0


# -- linking ------------------------------------------------------------------------------------
@pytest.mark.parametrize("item, ref, linked", [
    ("2.1.1", "LF 2.1.1", True), ("2.1.1", "LF 2.1.10", False), ("2.1.1", "LF 12.1.1", False),
    ("2.1.1", "2.1.1", True), ("2.1.1", "LF 2.1.1 ", True), ("2.1", "LF 2.1.1", False),
    ("1.1", "IC 1.1", True), ("2.1.1", "", False), ("", "LF 2.1.1", False),
])
def test_paragraph_links(item, ref, linked):
    assert paragraph_links(item, ref) is linked


numbers = st.lists(st.integers(0, 30), min_size=1, max_size=4).map(
    lambda xs: ".".join(map(str, xs)))


@given(numbers, numbers, st.sampled_from(["LF ", "IC ", "", "para "]))
def test_a_paragraph_links_only_itself(item, other, prefix):
    assert paragraph_links(item, prefix + other) is (item == other)


# -- import -------------------------------------------------------------------------------------
def test_import_and_reimport_update_the_items(cli, db, tmp_path):
    code, _, err = cli("plan", "import", "ASB plan", str(PLAN_CSV))
    assert code == 0 and "32 new items, 0 updated" in err
    rows = [["2.1.1", "Repeat victims", "31/10/2012", "Contacts Manager", "done", "2013-01-05",
             "yes", ""], ["9.9.9", "A new area", "", "", "", "", "", "1; 5"]]
    path = write_csv(tmp_path / "update.csv", PLAN_HEADER, rows)
    code, _, err = cli("plan", "import", "ASB plan", str(path))
    assert code == 0 and "1 new items, 1 updated" in err
    item = db.one("SELECT area, due, complete, updated FROM plan_item WHERE ref = '2.1.1'")
    assert item == ("Repeat victims", "2012-10-31", 1, "2013-01-05")
    assert db.scalar("SELECT questions FROM plan_item WHERE ref = '9.9.9'") == "1;5"
    assert db.scalar("SELECT COUNT(*) FROM plan_item") == 33
    code, out, _ = cli("plan", "list")
    assert out.startswith("ASB plan\t33 items")


def test_printed_plan_headings_are_understood(cli, db, tmp_path):
    header = ["Ref", "Area for Improvement", "Due Date", "Action Owner", "Initial Response",
              "Progress Update", "Date of Update", "Complete Yes / No"]
    path = write_csv(tmp_path / "printed.csv", header,
                     [["2.5.3", "Follow up contact", "31/12/2012", "Ch Supt", "x", "y",
                       "17/12/2013", "Yes"]])
    code, _, err = cli("plan", "import", "P", str(path))
    assert code == 0 and "columns left out: Initial Response" in err
    assert db.one("SELECT ref, due, owner, progress, updated, complete FROM plan_item") == \
        ("2.5.3", "2012-12-31", "Ch Supt", "y", "2013-12-17", 1)


@pytest.mark.parametrize("header, rows, expected", [
    (["ref", "owner"], [["1", "x"]], [(1, "area", "required column 'area'")]),
    (PLAN_HEADER, [["", "a", "", "", "", "", "", ""]], [(2, "ref", "blank")]),
    (PLAN_HEADER, [["1", "a", "", "", "", "", "", ""], ["1", "b", "", "", "", "", "", ""]],
     [(3, "ref", "duplicate ref '1' (also in row 2)")]),
    (PLAN_HEADER, [["1", "", "", "", "", "", "", ""]], [(2, "area", "blank")]),
    (PLAN_HEADER, [["1", "a", "31-Oct-12", "", "", "2012-02-30", "", ""]],
     [(2, "due", "'31-Oct-12' is not a date"), (2, "updated", "'2012-02-30' is not a date")]),
    (PLAN_HEADER, [["1", "a", "", "", "", "", "maybe", ""]], [(2, "complete", "not Yes or No")]),
])
def test_a_bad_plan_writes_nothing(cli, db, tmp_path, header, rows, expected):
    cli("plan", "import", "Existing", str(PLAN_CSV))
    before = snapshot(db)
    path = write_csv(tmp_path / "bad.csv", header, rows)
    code, out, err = cli("plan", "import", "Existing", str(path))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == len(expected)
    for line, (row, col, words) in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}:{row}:{col}: ") and words in line, line
    assert snapshot(db) == before


# -- status -------------------------------------------------------------------------------------
def status(cli, *audits: str) -> dict:
    code, out, err = cli("plan", "status", "ASB plan", "--audits", *audits, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_status_matches_scipy(cli, two_audits):
    cli("plan", "import", "ASB plan", str(PLAN_CSV))
    doc = status(cli, "Base", "Later")
    assert doc["plan"] == "ASB plan" and doc["audits"] == ["Base", "Later"]
    items = {i["ref"]: i for i in doc["items"]}
    item = items["2.1.1"]
    assert item["linked_by"] == "paragraph" and [q["id"] for q in item["questions"]] == ["1", "5"]
    for q in item["questions"]:
        base, later = q["rates"]
        table = [[later["yes"], later["total"] - later["yes"]],
                 [base["yes"], base["total"] - base["yes"]]]
        assert q["p_value"] == pytest.approx(fisher_exact(table)[1])
        assert q["difference"] == pytest.approx(later["rate"] - base["rate"])
        assert base["ci"][0] <= base["rate"] <= base["ci"][1]
        assert q["flag"] == ("improved" if q["p_value"] < 0.05 and q["difference"] > 0
                             else "no significant change")
    assert item["status"] == "improved"
    assert items["2.1.2"]["linked_by"] == "questions"
    assert [q["id"] for q in items["2.1.2"]["questions"]] == ["2", "6"]
    assert items["2.1.3"]["status"] == "no significant change"
    assert items["AFI 2"]["status"] == "no evidence" and items["AFI 2"]["questions"] == []
    first = items["AFI 1"]["questions"][0]
    assert first["target"] == 0.7 and first["rates"][1]["target_status"] == "met"
    assert items["2.5.3"]["complete"] is True and items["2.5.3"]["overdue"] is False
    assert items["2.1.1"]["overdue"] is True


def test_a_question_without_answers_is_not_comparable(cli, two_audits, tmp_path):
    path = write_csv(tmp_path / "p.csv", PLAN_HEADER,
                     [["X", "blank in one audit", "", "", "", "", "", "1"]])
    cli("plan", "import", "ASB plan", str(path))
    assert cli("audit", "create", "Empty", "--set", str(ASB_SET))[0] == 0
    doc = status(cli, "Base", "Empty")
    q = doc["items"][0]["questions"][0]
    assert (q["flag"], q["difference"], q["p_value"]) == ("not comparable", None, None)
    assert q["rates"][1] == {"audit": "Empty", "yes": 0, "total": 0, "rate": None, "ci": None,
                             "target_status": "inconclusive"}
    assert doc["items"][0]["status"] == "no evidence"


def test_direction_lower_reads_fewer_y_as_better(cli, tmp_path):
    qset = tmp_path / "set.yaml"
    qset.write_text('id: lower\ntitle: L\nversion: 1\nquestions:\n'
                    '  - {id: "1", text: "Was the call dropped?", type: yes_no, ref: P 1.1,\n'
                    '     direction: lower, target: 0.1}\n', encoding="utf-8")
    for name, ys in (("Then", 40), ("Now", 5)):
        cli("audit", "create", name, "--set", str(qset))
        rows = [[f"R{i}", "Y" if i < ys else "N"] for i in range(100)]
        cli("answers", "import", name, str(write_csv(tmp_path / f"{name}.csv", ["ref", "1"],
                                                       rows)))
    cli("plan", "import", "ASB plan", str(write_csv(tmp_path / "p.csv", PLAN_HEADER,
                                                    [["1.1", "Dropped calls", "", "", "", "",
                                                      "", ""]])))
    item = status(cli, "Then", "Now")["items"][0]
    assert item["questions"][0]["flag"] == "improved" and item["status"] == "improved"
    assert item["questions"][0]["rates"][1]["target_status"] in ("met", "inconclusive")
    worse = status(cli, "Now", "Then")["items"][0]
    assert worse["status"] == "worse"


def test_unknown_question_ids_and_too_few_audits(cli, two_audits, tmp_path):
    cli("plan", "import", "ASB plan", str(write_csv(tmp_path / "p.csv", PLAN_HEADER,
                                                    [["X", "a", "", "", "", "", "", "1;99"]])))
    code, out, err = cli("plan", "status", "ASB plan", "--audits", "Base", "Later")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1
    assert "names question 99" in err
    assert cli("plan", "status", "ASB plan", "--audits", "Base")[0] == 2
    assert cli("plan", "status", "Nope", "--audits", "Base", "Later")[0] == 1


def test_text_status(cli, two_audits):
    cli("plan", "import", "ASB plan", str(PLAN_CSV))
    code, out, _ = cli("plan", "status", "ASB plan", "--audits", "Base", "Later")
    assert code == 0
    assert "2.1.1  Repeat victims" in out and "STATUS: improved" in out and "OVERDUE" in out
    assert "target ≥ 70%: met" in out


# -- reports ------------------------------------------------------------------------------------
def test_plan_report_pdf_and_xlsx(cli, two_audits, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    cli("plan", "import", "ASB plan", str(PLAN_CSV))
    pdf, xlsx = tmp_path / "plan.pdf", tmp_path / "plan.XLSX"
    for out in (pdf, xlsx):
        code, _, err = cli("plan", "report", "ASB plan", "--audits", "Base", "Later",
                           "--out", str(out))
        assert code == 0, err
        assert (out.stat().st_mode & 0o777) == 0o600
    reader = PdfReader(pdf)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Improvement plan: ASB plan" in text and "Area for improvement" in text
    assert "Base: 10% (6–17%) of 100" in text and "Later: 79% (70–86%) of 100" in text
    assert "Verdict: improved" in text and "OVERDUE" in text
    assert re.search(r"Audit chain heads .*Base: [0-9a-f]{64} Later: [0-9a-f]{64}", text)
    assert reader.trailer["/Root"].get("/StructTreeRoot") is not None
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-GB"
    book = load_workbook(xlsx)
    plan = list(book["Plan"].iter_rows(values_only=True))
    assert plan[1][:3] == ("Ref", "Area for improvement", "Due date")
    row = next(r for r in plan if r[0] == "2.1.1")
    assert row[-1] == "improved" and row[7] == "OVERDUE"
    evidence = list(book["Evidence"].iter_rows(values_only=True))
    q1 = next(r for r in evidence if r[0] == "2.1.1" and r[1] == "1")
    assert q1[4:6] == (10, 100) and q1[9:11] == (79, 100)
    assert q1[6] == pytest.approx(0.10) and q1[11] == pytest.approx(0.79)
    assert all(c.data_type != "f" for ws in book for r in ws.iter_rows() for c in r)
    code, out, _ = cli("history", "Later", "--format", "json")
    exports = [e for e in json.loads(out)["events"] if e["action"] == "export"]
    # docs/contracts.md §11: the detail is a JSON object
    kinds = [json.loads(e["detail"])["kind"].split(" '")[0] for e in exports]
    assert kinds == ["plan report", "plan report"]
    assert cli("plan", "report", "ASB plan", "--audits", "Base", "Later",
               "--out", str(tmp_path / "plan.docx"))[0] == 2


def test_each_linked_question_evidence_is_printed_once(cli, two_audits, tmp_path):
    """docs/plans.md: the PDF prints each linked question's evidence once, in its own section,
    and each item names its linked questions with their verdicts (not their figures again)."""
    import csv

    from pypdf import PdfReader

    cli("plan", "import", "ASB plan", str(PLAN_CSV))
    pdf = tmp_path / "plan.pdf"
    assert cli("plan", "report", "ASB plan", "--audits", "Base", "Later", "--out", str(pdf))[0] == 0
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    rows = list(csv.DictReader(PLAN_CSV.open()))
    linked = {q for row in rows for q in row["questions"].split(";") if q}
    assert len(linked) > 1 and sum(len(row["questions"].split(";")) for row in rows) > len(linked)
    evidence, items = text.split("Areas for improvement\n", 1)
    items, heads = items.split("Audit chain heads", 1)     # docs/evidence.md: after the items
    assert "Base: " in heads and "Later: " in heads
    assert "Linked questions and their evidence" in evidence
    assert len(re.findall(r"^Base: ", evidence, re.M)) >= len(linked)
    assert "Base: " not in items and "Later: " not in items
    assert "Linked questions: 1 (improved), 2 (improved) · Verdict: improved" in items
    assert items.count("Linked questions: ") == len(rows)


def test_a_plan_printed_in_parts_is_one_tagged_pdf(cli, two_audits, tmp_path, monkeypatch):
    """Over PART_ITEMS items the PDF is laid out in parts and joined: one document whose pages
    are numbered on, whose text keeps the items' order, and whose structure tree reaches every
    part's elements (each on a page of the file, its parent the Document element, and each
    page's marked content found through the parent tree)."""
    import pikepdf
    from pypdf import PdfReader

    from reviewer.outputs import plan_pdf

    monkeypatch.setattr(plan_pdf, "PART_ITEMS", 12)
    threshold = gc.get_threshold()
    name = "ASB plan (7 0 R) 5 0 R"                # text that looks like PDF references
    cli("plan", "import", name, str(PLAN_CSV))          # 32 items: three parts
    whole = tmp_path / "out" / "plan.pdf"
    whole.parent.mkdir()
    code, _, err = cli("plan", "report", name, "--audits", "Base", "Later",
                       "--out", str(whole))
    assert code == 0, err
    assert gc.get_threshold() == threshold and gc.get_freeze_count() == 0    # as it was
    assert (whole.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in whole.parent.iterdir()] == ["plan.pdf"]    # no part left over
    reader = PdfReader(whole, strict=True)
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert [f"Page {n}" in t for n, t in enumerate(texts, start=1)] == [True] * len(texts)
    text = " ".join(texts)
    assert text.count("Areas for improvement") == 1
    import csv

    areas = [" ".join(row["area"].split()[:4]) for row in csv.DictReader(PLAN_CSV.open())]
    at = [text.index(area) for area in areas]
    assert at == sorted(at)                         # every item, in the plan's order
    with pikepdf.open(whole) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert str(pdf.Root.Lang) == "en-GB" and pdf.Root.MarkInfo.Marked
        assert str(pdf.docinfo.Title) == f"Improvement plan: {name}"
        assert str(pdf.Root.Outlines.First.Title) == f"Improvement plan: {name}"
        pages = {page.obj.objgen for page in pdf.pages}
        root = pdf.Root.StructTreeRoot
        document = root.K[0]
        nums = root.ParentTree.Nums
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert sorted(int(p.obj.StructParents) for p in pdf.pages) == sorted(tree)
        assert int(root.ParentTreeNextKey) == len(tree) == len(pdf.pages)
        for page in pdf.pages:
            marked = [e for e in tree[int(page.obj.StructParents)]
                      if isinstance(e, pikepdf.Dictionary)]
            assert marked and all(e.Pg.objgen == page.obj.objgen for e in marked if "/Pg" in e)
        assert all(kid.P.objgen == document.objgen for kid in document.K)
        seen = []

        def walk(element):
            seen.append(element)
            kids = element.get("/K")
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid)

        walk(document)
        assert all(e.Pg.objgen in pages for e in seen if "/Pg" in e)
        assert len([e for e in seen if e.S == "/H3"]) == len(areas)    # every item, every part


def test_a_reworded_question_is_not_judged(tmp_path):
    """docs/contracts.md §13: plan status pairs a question only when its wording is unchanged (or
    the later set says same_as); a flipped direction is a change too."""
    from reviewer.analysis.plans import QuestionEvidence, _judge
    from reviewer.analysis.tally import QuestionTally
    from reviewer.questions.model import Question

    before = Question("1", "Asked about repeats?", "yes_no")
    flipped = Question("1", "Asked about repeats?", "yes_no", direction="lower")
    ev = QuestionEvidence(flipped, [QuestionTally(before, yes=10, no=90),
                                    QuestionTally(flipped, yes=79, no=21)])
    _judge(ev)
    assert ev.to_dict(["a", "b"])["comparable"] is False and ev.flag == "not comparable"
    assert ev.why == "wording changed" and ev.p_value is None
    same = Question("1", "Asked, unprompted, about repeats?", "yes_no", same_as="1",
                    same_as_why="clearer")
    ev = QuestionEvidence(same, [QuestionTally(before, yes=10, no=90),
                                 QuestionTally(same, yes=79, no=21)])
    _judge(ev)
    assert ev.flag == "improved" and ev.why == "clearer"
