"""Print quality (issue #20) of the PDFs and workbooks made from the demo audits with the
``reviewer`` command: every character of the report, the comparison report, the report with its
agreement section and the plan report is 9 pt or more (pdfplumber reads the fonts' sizes); page 1
of the report is not left half empty (pdftoppm renders it); p-values read "p < 0.001" or two
significant figures, never "2.7e-24"; the plan report's text comes out item by item; and every
workbook prints landscape, one page wide, with its header rows on every page."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pytest
from openpyxl import load_workbook

BASE, LATER = "BTP ASB 2012 (demo)", "BTP ASB 2013 re-audit (demo)"
PLAN = "ASB improvement plan 2012 (demo)"


def reviewer(db: Path, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "reviewer", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("print")
    db = folder / "demo.db"
    reviewer(db, "demo")
    made = {"report": folder / "report.pdf", "compare": folder / "compare.pdf",
            "plan": folder / "plan.pdf", "results": folder / "results.xlsx",
            "feedback": folder / "feedback.xlsx", "plan_xlsx": folder / "plan.xlsx"}
    reviewer(db, "report", BASE, "--out", str(made["report"]))        # with its agreement
    reviewer(db, "report", LATER, "--compare", BASE, "--out", str(made["compare"]))
    for key in ("plan", "plan_xlsx"):
        reviewer(db, "plan", "report", PLAN, "--audits", BASE, LATER, "--out", str(made[key]))
    reviewer(db, "results", BASE, "--out", str(made["results"]))
    reviewer(db, "feedback", BASE, "--by", "operator", "--out", str(made["feedback"]))
    return made


@pytest.mark.parametrize("name", ["report", "compare", "plan"])
def test_every_character_is_nine_points_or_more(outputs, name):
    with pdfplumber.open(outputs[name]) as pdf:
        sizes = {round(c["size"], 2) for page in pdf.pages for c in page.chars}
        small = [(n, c["text"], round(c["size"], 2)) for n, page in enumerate(pdf.pages, 1)
                 for c in page.chars if c["size"] < 8.95]
    assert sizes and small[:5] == []


def test_the_agreement_section_is_there_to_be_measured(outputs):
    with pdfplumber.open(outputs["report"]) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "AGREEMENT WITH A BLIND SECOND SCORING" in text


def test_p_values_never_in_exponent_form(outputs):
    with pdfplumber.open(outputs["compare"]) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    assert "p < 0.001" in text
    assert not re.search(r"\d(\.\d+)?e-\d", text)
    assert all(len(m.replace("0.", "").lstrip("0")) <= 2
               for m in re.findall(r"p = (\d\.\d+)", text))


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_page_one_is_filled(outputs, tmp_path):
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", "1", "-l", "1", "-png",
                    str(outputs["report"]), str(tmp_path / "page")], check=True)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    width, height = image.size
    inked = [y for y in range(height)
             if any(image.getpixel((x, y)) < 200 for x in range(0, width, 2))]
    footer = height * 0.9
    body = [y for y in inked if y < footer]
    # a section's chart may go on to the next page, its table may not (one tagged table each):
    # page 1 is not left half empty
    assert body and max(body) > height * 0.6, "page 1 ends early: a section was pushed over"


def test_the_plan_report_reads_item_by_item(outputs):
    with pdfplumber.open(outputs["plan"]) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    item = r"^(?:AFI \d+|\d+\.\d+\.\d+)$"          # the demo plan's refs, each a heading
    refs = re.findall(item, text, re.M)
    assert len(refs) == 32 and len(refs) == len(set(refs))
    blocks = re.split(item, text, flags=re.M)[1:]
    for block in blocks:             # its own fields, in order, before the next item starts
        order = [block.find(f) for f in ("Area for improvement:", "Due date:", "Action owner:",
                                          "Progress update:", "Verdict:")]
        assert -1 not in order and order == sorted(order), block[:200]


@pytest.mark.parametrize("name", ["results", "feedback", "plan_xlsx"])
def test_workbooks_are_set_up_to_print(outputs, name):
    book = load_workbook(outputs[name])
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    first = book.worksheets[0]
    assert first.print_title_rows                       # the header on every page
    if name == "results":
        assert first.column_dimensions["A"].width >= 60   # the question column
