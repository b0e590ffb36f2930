"""The PDF report is a tagged, accessible document (PDF/UA-1, WCAG 2.1 AA): read back with pikepdf,
its language, title, structure tree (headings, tables with header cells, figures with alternative
text) and bookmarks; and with poppler's pdfinfo, as a person would check it."""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections import Counter

import pytest

from tests.unit.test_report_pdf import HEADINGS

TITLE = "Results tables: BTP ASB 2012"


@pytest.fixture(scope="module")
def tagged(tmp_path_factory):
    """The demo audit's report, built once for the module; WeasyPrint's warnings collected."""
    from reviewer.store.audits import get_audit
    from reviewer.store.db import Database
    from tests.actions import build_report, create_audit, import_answers
    from tests.conftest import ASB_SET, DEMO_CSV

    folder = tmp_path_factory.mktemp("tagged")
    (folder / "out").mkdir()
    db = Database(str(folder / "tagged.db"))
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        audit = create_audit(db, "BTP ASB 2012", ASB_SET)
        import_answers(db, audit, DEMO_CSV, "test-reviewer")
        out = build_report(db, get_audit(db, "BTP ASB 2012"), folder / "out" / "tagged.pdf")
    finally:
        logger.removeHandler(handler)
        db.close()
    # WeasyPrint logs an error for an image without alt text or a document without a language,
    # and a warning when it has to subset fonts without HarfBuzz (slow).
    assert warnings == []
    return out


def structure(pdf) -> list:
    """Every structure element of the tree, depth first (document order)."""
    import pikepdf

    out = []

    def walk(node) -> None:
        if "/S" in node:
            out.append(node)
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return out


def outline(item) -> list[tuple[str, list]]:
    out = []
    while item is not None:
        out.append((str(item.Title), outline(item.First) if "/First" in item else []))
        item = item.get("/Next")
    return out


def test_language_title_and_marking(tagged):
    import pikepdf

    with pikepdf.open(tagged) as pdf:
        assert str(pdf.Root.Lang) == "en-GB"
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True    # the title, not the file
        assert str(pdf.docinfo["/Title"]) == TITLE
        assert str(pdf.docinfo["/Subject"]) == "HMIC ASB call listening (2012)"
        with pdf.open_metadata() as xmp:
            assert xmp.get("dc:title") == TITLE
            assert xmp.get("pdfuaid:part") == "1"


def test_structure_tree(tagged):
    import pikepdf

    with pikepdf.open(tagged) as pdf:
        elements = structure(pdf)
        tags = Counter(str(e.S) for e in elements)
        assert tags["/H1"] == 1
        assert tags["/H2"] == len(HEADINGS)                 # the untitled section has no heading
        assert tags["/Table"] == 8                          # the audit's facts and 7 sections
        assert tags["/Caption"] >= 8 and tags["/TH"] > 30 and tags["/TD"] > 60
        headings = [e for e in elements if str(e.S) in ("/H1", "/H2")]
        assert str(headings[0].S) == "/H1"
        # Data cells name their header cells (row: the question, column: Y, N, Total ...).
        ids = {bytes(e.ID) for e in elements if str(e.S) == "/TH" and "/ID" in e}
        cells = [e for e in elements if str(e.S) == "/TD"]
        assert all(len(e.A.Headers) >= 1 for e in cells if "/Headers" in e.A)
        assert sum("/Headers" in e.A for e in cells) > 60
        assert {bytes(h) for e in cells if "/Headers" in e.A for h in e.A.Headers} <= ids
        figures = [e for e in elements if str(e.S) == "/Figure"]
        assert len(figures) == 6                            # one chart per section with Y/N
        alts = [str(f.Alt) for f in figures]
        assert alts[0].startswith("Y rate per question with its 95% confidence interval: "
                                  "1. Have repeat occasions been verbally checked? 10% (6–17%); "
                                  "5. Has anything been recorded")
        assert "2a. As a result was vulnerability identified 100% (72–100%)" in alts[1]
        assert isinstance(pdf.Root.StructTreeRoot.ParentTree, pikepdf.Dictionary)


def test_a_bookmark_per_section(tagged):
    import pikepdf

    with pikepdf.open(tagged) as pdf:
        marks = outline(pdf.Root.Outlines.First)
    assert [title for title, _ in marks] == [TITLE]
    sections = [title for title, _ in marks[0][1]]
    assert [s for s in sections if s in HEADINGS] == HEADINGS
    assert sections[4] == "Table 5: questions 10, 12 and 12a"     # the untitled section's table
    assert len(sections) == len(HEADINGS) + 1


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_pdfinfo_reads_it_as_tagged(tagged):
    info = subprocess.run(["pdfinfo", str(tagged)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert fields["Tagged"].strip() == "yes"
    assert fields["Title"].strip() == TITLE
    assert fields["Page size"].strip().endswith("(A4)")


def test_the_file_is_private_and_whole(tagged):
    assert tagged.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tagged.parent.iterdir()] == [tagged.name]     # no temporary left


def test_a_missing_renderer_is_one_line_and_writes_nothing(db, demo_audit, tmp_path,
                                                          monkeypatch):
    import sys

    from reviewer.errors import ReviewerError
    from tests.actions import build_report

    monkeypatch.setitem(sys.modules, "weasyprint", None)      # as if it could not be imported
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ReviewerError) as caught:
        build_report(db, demo_audit, out / "r.pdf")
    assert len(caught.value.problems) == 1
    assert "needs WeasyPrint and the Pango library" in caught.value.problems[0]
    assert list(out.iterdir()) == []


def test_names_that_look_like_markup_print_as_typed(db, tmp_path):
    from pypdf import PdfReader

    from tests.actions import build_report, create_audit
    from tests.conftest import ASB_SET

    name = 'Q3 "North" </style><img src=x> \\ & <b>'
    audit = create_audit(db, name, ASB_SET)
    out = build_report(db, audit, tmp_path / "odd.pdf")
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out).pages]
    assert all(name in page for page in pages)             # the running header, as typed
    assert f"Results tables: {name}" in pages[0]


def test_targets_are_judged_in_the_rate_column(tagged):
    """docs/contracts.md §9: "Reports show the same words" as the tally (questions 1 and 2 have a
    target of 70% in the ASB set; 10 of 100 is far below it)."""
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tagged).pages).split())
    assert "10% (6–17%) target ≥ 70%: not met" in text
    assert text.count("target ≥ 70%") == 2
