"""The printable results report (A4 PDF), laid out as the inspection appendix (SPEC §4).

Title and audit description (question set, sample, reviewers, dates answered), the n/a note, one
table per section in section order with the Y rate and its 95% interval, a chart per section,
"Page N of M" and a running header. With ``compare_with``, an extra column shows the baseline's
rate and whether the change is significant. Numbers come from ``reviewer.tally.tally``.
reportlab and matplotlib are imported inside the functions (the CLI must start fast).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reviewer.analysis.compare import changes_against
from reviewer.analysis.stats import rate
from reviewer.analysis.tally import Tally, tally
from reviewer.errors import Progress, ReviewerError
from reviewer.outputs.charts import Bar, rate_bars_png
from reviewer.outputs.report_data import (
    NOT_RECORDED,
    AuditSummary,
    blocks,
    reviewers_text,
    summarize,
)
from reviewer.outputs.tally_format import NA_NOTE
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.db import Database

MARGIN_CM = 1.6


def _fonts() -> tuple[str, str]:
    """DejaVu Sans (shipped with matplotlib: any Unicode in question texts prints) when it can
    be registered, else Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Body" in pdfmetrics.getRegisteredFontNames():
        return "Body", "Body-Bold"
    try:
        import matplotlib

        ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont("Body", str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("Body-Bold", str(ttf / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily("Body", normal="Body", bold="Body-Bold",
                                      italic="Body", boldItalic="Body-Bold")
    except Exception:  # noqa: BLE001 - any font problem: fall back to the built-in font
        return "Helvetica", "Helvetica-Bold"
    return "Body", "Body-Bold"


def _numbered_canvas(header_left: str, header_right: str, font: str):
    """A canvas class that prints the running header and "Page N of M" once M is known."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas

    produced = f"Produced {date.today().isoformat()}"

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            w, h = A4
            left, right = MARGIN_CM * cm, w - MARGIN_CM * cm
            self.saveState()
            self.setFont(font, 7.5)
            self.setFillColorRGB(0.3, 0.3, 0.3)
            self.drawString(left, h - 1.0 * cm, header_left[:90])
            self.drawRightString(right, h - 1.0 * cm, header_right[:70])
            self.setStrokeColorRGB(0.7, 0.7, 0.7)
            self.setLineWidth(0.4)
            self.line(left, h - 1.12 * cm, right, h - 1.12 * cm)
            self.drawString(left, 0.8 * cm, produced)
            self.drawRightString(right, 0.8 * cm, f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas


def _intro(audit: AuditInfo, t: Tally, s: AuditSummary, styles, baseline: AuditInfo | None,
           width: float) -> list:
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    qs = t.qset
    story: list = [Paragraph(escape(f"Results tables: {audit.name}"), styles["title"]),
                   Paragraph(escape(qs.title), styles["subtitle"])]
    if audit.description.strip():
        story.append(Paragraph(escape(" ".join(audit.description.split())), styles["body"]))
    size = s.sample.get("size") or f"{NOT_RECORDED} ({s.records:,} records in the audit)"
    facts = [("Question set", f"{qs.title} (id {qs.id}, version {qs.version})"),
             ("Records", f"{s.records:,} ({audit.complete:,} complete)")]
    facts += [(k, size if k == "Sample size" else v) for k, v in s.sample_lines()]
    facts += [("Reviewers", reviewers_text(s.reviewers)), ("Answers given", s.answered_range())]
    if baseline is not None:
        facts.append(("Compared with", f"{baseline.name} ({baseline.records:,} records)"))
    cell = styles["cell"]
    rows = [[Paragraph(f"<b>{escape(k)}</b>", cell),
             Paragraph(escape(v), styles["muted"] if v.startswith(NOT_RECORDED) else cell)]
            for k, v in facts]
    info = Table(rows, colWidths=[3.2 * cm, width - 3.2 * cm], hAlign="LEFT")
    info.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("TOPPADDING", (0, 0), (-1, -1), 1),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    notes = NA_NOTE + (" The Y rate is Y / (Y + N), shown with its 95% confidence interval "
                       "(Wilson).")
    if baseline is not None:
        notes += (f" The last column gives the Y rate in {baseline.name} and the change: "
                  "Fisher's exact test, p < 0.05; a higher Y rate is an improvement.")
    story += [Spacer(1, 4), info, Spacer(1, 6), Paragraph(escape(notes), styles["body"])]
    return story


def _styles(font: str, bold: str) -> dict:
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, spaceAfter=4)
    return {
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, spaceAfter=0, leading=11),
        "muted": ParagraphStyle("muted", parent=body, spaceAfter=0, leading=11,
                                textColor="#777777"),
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=16, leading=20),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=11, leading=14,
                                   textColor="#444444", spaceAfter=8),
        "caption": ParagraphStyle("caption", parent=body, fontSize=7.5, leading=9,
                                  textColor="#555555", spaceBefore=6, spaceAfter=0,
                                  keepWithNext=1),
        "heading": ParagraphStyle("heading", parent=body, fontName=bold, fontSize=10,
                                  leading=13, spaceBefore=10, spaceAfter=4, keepWithNext=1),
    }


def build_report(db: Database, audit: AuditInfo, out_path: str | Path,
                 compare_with: AuditInfo | None = None,
                 progress: Progress | None = None) -> Path:
    """Write the audit's results report to ``out_path`` (A4 PDF) and return the path."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer

    from reviewer.outputs.report_tables import make_styles, section_table

    out = Path(out_path)
    qs = question_set(db, audit)
    t = tally(db, audit, qs)
    changes, baseline_ids = None, None
    if compare_with is not None:
        base = tally(db, compare_with)
        changes = changes_against(base, t)
        baseline_ids = {q.question.id for q in base.questions}
    font, bold = _fonts()
    styles = _styles(font, bold)
    cells = make_styles(font, bold)
    width = A4[0] - 2 * MARGIN_CM * cm
    story = _intro(audit, t, summarize(db, audit), styles, compare_with, width)
    parts = blocks(t)
    for i, block in enumerate(parts, start=1):
        story.append(Paragraph(escape(block.heading), styles["heading"]) if block.heading
                     else Spacer(1, 10))
        story.append(section_table(block, width, cells,
                                   compare_with.name if compare_with else None,
                                   changes, baseline_ids))
        bars = [Bar(f"{qt.question.id}. {qt.question.text}", rate(qt.yes, qt.total),
                    changes[qt.question.id].then if changes and qt.question.id in changes
                    else None)
                for qt in block.rows if qt.question.type == "yes_no"]
        if bars:
            png = rate_bars_png(bars, width_in=width / 72, baseline_name=(
                compare_with.name if compare_with else ""))
            caption = "Y rate with 95% confidence interval" + (
                f": {block.section.title}" if block.section.title else "")
            story += [Paragraph(escape(caption), styles["caption"]),
                      _image(Image, png, width, A4[1] - 4 * cm)]
        if progress:
            progress(i, len(parts) + 1)
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=MARGIN_CM * cm,
                            rightMargin=MARGIN_CM * cm, topMargin=1.6 * cm,
                            bottomMargin=1.5 * cm, title=f"Results tables: {audit.name}",
                            author="reviewer", subject=qs.title)
    try:
        doc.build(story, canvasmaker=_numbered_canvas(audit.name, f"{qs.title} (version "
                                                                  f"{qs.version})", font))
    except OSError as exc:
        raise ReviewerError(f"{out}: cannot write the report: {exc.strerror or exc}") from None
    if progress:
        progress(len(parts) + 1, len(parts) + 1)
    return out


def _image(image_cls, png: bytes, width: float, max_height: float):
    """The chart at the frame's width, scaled down if it would not fit on a page."""
    import io

    from reportlab.lib.utils import ImageReader

    w, h = ImageReader(io.BytesIO(png)).getSize()
    scale = min(width / w, max_height / h)
    return image_cls(io.BytesIO(png), width=w * scale, height=h * scale)
