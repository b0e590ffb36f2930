"""The PDF report, read back with pypdf (text) and pdfplumber (tables): every Appendix A figure
and heading, the n/a note, the sample description, page numbers, the comparison column."""

from __future__ import annotations

import json
import re

import pytest

from tests.unit.audit_pairs import make_later_audit
from tests.unit.test_appendix_a import YES_NO

# Appendix A's published figures (typed once, in test_appendix_a); breakdowns with labels here.
CHOICES = {
    "2b": ("Vulnerability Type", {"Ethnicity": 3, "Religion": 0, "Sexual orientation": 0,
                                  "Disability": 0, "Age": 1, "Gender": 0, "Other": 6}, 10),
    "9": ("Allocated to?", {"Response": 80, "CID": 0, "NPT/SNT": 1, "Other police dept": 0,
                            "Other force": 2, "Other agency": 0, "Other": 0, "None": 17}, 100),
    "14": ("Correct Closing", {"ASB E": 0, "ASB N": 2, "ASB P": 0, "Other": 98}, 100),
    "14b": ("Correct Closing", {"ASB E": 0, "ASB N": 12, "ASB P": 0, "Other": 16}, 28),
}
HEADINGS = ["HOW WELL DOES THE FORCE IDENTIFY REPEAT VICTIMS:",
            "HOW WELL DOES THE FORCE IDENTIFY VULNERABLE VICTIMS:", "VICTIM CARE:",
            "ACTION TAKEN:", "OWNERSHIP:", "INCIDENT QUALITY, SUPERVISION AND CLOSURE:"]


def flat(cell: str | None) -> str:
    return " ".join((cell or "").split())


# The page's top and bottom margins (points), which hold the running header and footer: the
# header's rule is a thin filled rectangle, which pdfplumber would read as a one-row table.
MARGINS = (1.6 * 72 / 2.54, 1.5 * 72 / 2.54)


def read_tables(path) -> list[list[list[str]]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [[[flat(c) for c in row] for row in table] for page in pdf.pages
                for table in page.crop((0, MARGINS[0], page.width, page.height - MARGINS[1]))
                .extract_tables()]


def read_text(path) -> tuple[list[str], str]:
    from pypdf import PdfReader

    pages = [p.extract_text() for p in PdfReader(path).pages]
    return pages, " ".join(" ".join(pages).split())


def figures(tables) -> tuple[dict, dict]:
    """(id -> (Y, N, Total), id -> (label, {choice: n}, Total)) from the extracted tables."""
    yes_no, choices = {}, {}
    for table in tables:
        current = None
        for row in table:
            m = re.match(r"^(\w+)\. ", row[0])
            if m and row[2] != "Number":
                yes_no[m.group(1)] = tuple(int(x) for x in row[1:4])
                current = None
            elif m:
                current = choices[m.group(1)] = [row[1], {}, None]
            elif current is not None and row[1] not in ("Y", ""):
                current[1][row[1]] = int(row[2])
                if current[2] is None:
                    current[2] = int(row[3])
            else:
                current = None
    return yes_no, {k: tuple(v) for k, v in choices.items()}


@pytest.fixture()
def demo_pdf(db, demo_audit, tmp_path):
    from tests.actions import build_report

    steps = []
    out = build_report(db, demo_audit, tmp_path / "demo.pdf",
                       progress=lambda done, total: steps.append((done, total)))
    assert steps and steps[-1][0] == steps[-1][1]
    return out


def test_every_appendix_figure_is_in_the_tables(demo_pdf):
    yes_no, choices = figures(read_tables(demo_pdf))
    assert yes_no == YES_NO
    assert choices == CHOICES
    # Choices in the set's order, the total on the first row only.
    rows = next(t for t in read_tables(demo_pdf) if any(r[0].startswith("9. ") for r in t))
    start = next(i for i, r in enumerate(rows) if r[0].startswith("9. "))
    assert [r[1] for r in rows[start + 1:start + 9]] == list(CHOICES["9"][1])
    assert [r[3] for r in rows[start + 1:start + 9]] == ["100"] + [""] * 7


def test_rows_read_like_the_appendix(demo_pdf):
    _, text = read_text(demo_pdf)
    assert "1. Have repeat occasions been verbally checked? LF 2.1.1 10 90 100" in text
    assert "Ethnicity 3 10" in text
    assert "Response 80 100" in text and "None 17" in text
    assert "ASB N 12" in text and "Other 16" in text
    assert "10% (6–17%)" in text          # the Y rate of question 1 with its Wilson interval


def test_headings_note_sample_and_pages(demo_pdf):
    pages, text = read_text(demo_pdf)
    for heading in HEADINGS:
        assert heading in text
    positions = [text.index(h) for h in HEADINGS]
    assert positions == sorted(positions), "sections in the set's order"
    assert "n/a) answers have not been counted in the totals" in text
    assert "HMIC ASB call listening (2012) (id hmic-asb-call-listening-2012, version 2)" in text
    assert "Sample size not recorded" in text and "Seed not recorded" in text
    assert "Reviewers test-reviewer" in text
    n = len(pages)
    assert n >= 2
    for i, page in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in page
        assert "BTP ASB 2012" in page and "HMIC ASB call listening (2012)" in page


def test_section_headings_are_bold_capitals(demo_pdf):
    import pdfplumber

    with pdfplumber.open(demo_pdf) as pdf:
        words = [w for p in pdf.pages for w in p.extract_words(extra_attrs=["fontname"])]
    ownership = [w for w in words if w["text"] == "OWNERSHIP:"]
    assert ownership and all("Bold" in w["fontname"] for w in ownership)


def test_untitled_section_prints_its_table_without_a_heading(demo_pdf):
    tables = read_tables(demo_pdf)
    assert len(tables) == 7               # one table per section, the untitled one included
    _, text = read_text(demo_pdf)
    between = text[text.index("7. Has an immediate check"):text.index("10. Does the log show")]
    assert not any(h in between for h in HEADINGS)


def test_sample_description_when_recorded(db, demo_audit, tmp_path):
    from reviewer.store.audits import get_audit
    from tests.actions import build_report

    sample = {"population": "ASB incidents, April 2012", "size": 100,
              "method": "simple random", "seed": 20120401, "drawn_at": "2012-05-02T10:00:00"}
    with db.transaction():      # a description as another program might have stored it
        db.execute("UPDATE audit SET sample = ? WHERE id = ?",
                   (json.dumps(sample), demo_audit.id))
    out = build_report(db, get_audit(db, demo_audit.name), tmp_path / "s.pdf")
    _, text = read_text(out)
    assert "Population ASB incidents, April 2012" in text
    assert "Method simple random" in text and "Seed 20,120,401" not in text
    assert "Seed 20120401" in text and "Date drawn 2012-05-02" in text


def test_comparison_column(db, demo_audit, tmp_path):
    from tests.actions import build_report

    later = make_later_audit(db, tmp_path)
    out = build_report(db, later, tmp_path / "c.pdf", compare_with=demo_audit)
    tables = read_tables(out)
    assert tables[0][0][-1] == "compared with BTP ASB 2012"
    rows = {r[0].split(".")[0]: r for t in tables for r in t if re.match(r"^\w+\. ", r[0])}
    assert rows["1"][1:4] == ["30", "70", "100"]
    assert rows["1"][-1].startswith("was 10% (+20 pts) improved")
    assert rows["3"][-1].startswith("was 98% (−15 pts) worse")
    assert "no significant change" in rows["16"][-1]
    assert rows["2b"][-1] == ""
    _, text = read_text(out)
    assert "Compared with BTP ASB 2012 (100 records)" in text


def test_unwritable_output_is_a_clear_error(db, demo_audit, tmp_path):
    from reviewer.errors import ReviewerError
    from tests.actions import build_report

    with pytest.raises(ReviewerError, match="cannot write the report"):
        build_report(db, demo_audit, tmp_path / "missing" / "r.pdf")


SMALL_SET = """\
id: small-set
title: Small set
version: 1
questions:
  - id: "A1"
    text: >-
      Did the operator give the caller the incident number — and a realistic time
      for attendance, with the reason for any delay explained in plain words?
    type: yes_no
  - id: "A2"
    text: Which checks were done?
    type: multi_choice
    label: Checks
    choices: [PNC, Intelligence, Previous calls]
  - id: "A3"
    text: Comment
    type: text
"""


def test_untitled_set_multi_choice_and_text_questions(db, tmp_path):
    from tests.actions import build_report, create_audit, import_answers

    (tmp_path / "small.yaml").write_text(SMALL_SET, encoding="utf-8")
    (tmp_path / "small.csv").write_text(
        "ref,A1,A2,A3\nr1,Y,PNC;Previous calls,fine\nr2,N,PNC,\nr3,n/a,n/a,x\n",
        encoding="utf-8")
    audit = create_audit(db, "Small", tmp_path / "small.yaml")
    import_answers(db, audit, tmp_path / "small.csv", "me")
    out = build_report(db, audit, tmp_path / "small.pdf")
    tables = read_tables(out)
    assert len(tables) == 1
    rows = tables[0]
    assert rows[1][0].startswith("A1. Did the operator give the caller the incident number — and")
    assert rows[1][1:4] == ["1", "1", "2"]
    assert rows[2][:4] == ["A2. Which checks were done?", "Checks", "Number", "Total"]
    assert [r[1:4] for r in rows[3:6]] == [["PNC", "2", "2"], ["Intelligence", "0", ""],
                                           ["Previous calls", "1", ""]]
    _, text = read_text(out)
    assert "A3" not in text and "Comment" not in text


def test_sample_drawn_by_the_sampling_module_is_described():
    from reviewer.outputs.sample_text import sample_description

    d = sample_description({"population": 4210, "size": 100, "method": "stratified "
                            "(proportional)", "seed": 42, "drawn_at": "2012-05-02T10:00:00+01:00",
                            "source": "incidents.csv", "stratify_by": "area"})
    assert d == {"population": "4,210 incidents in incidents.csv", "size": "100",
                 "method": "stratified (proportional) by area", "seed": "42",
                 "drawn": "2012-05-02"}


def test_the_description_is_the_audits_own(db, tmp_path):
    """A report states the audit's own description, never the question set's: the bundled
    set's tells of the 2012 audit ("100 calls were listened to"), not of this one."""
    from tests.actions import build_report, create_audit, import_answers

    (tmp_path / "few.csv").write_text("ref,1\nr1,Y\nr2,N\n", encoding="utf-8")
    bare = create_audit(db, "No words", "hmic-asb-call-listening-2012")
    told = create_audit(db, "Some words", "hmic-asb-call-listening-2012",
                        "Two calls from the night shift of 3 March.")
    for audit in (bare, told):
        import_answers(db, audit, tmp_path / "few.csv", "me")
    _, bare_text = read_text(build_report(db, bare, tmp_path / "bare.pdf"))
    _, told_text = read_text(build_report(db, told, tmp_path / "told.pdf"))
    assert "100 calls were listened to" not in bare_text + told_text
    assert "Two calls from the night shift of 3 March." in told_text
    assert "Records 2" in bare_text and "Records 2" in told_text
