"""The printable results report: an A4, tagged (accessible) PDF laid out as the inspection
appendix (docs/contracts.md §4).

The report is semantic HTML rendered by WeasyPrint as PDF/UA-1: the document's language and
title, an ``h1`` title and an ``h2`` per section (the PDF's bookmarks), tables with header cells
and captions (``report_tables``), each chart an image whose alternative text states its figures.
Its content: title and audit description (question set, sample, reviewers, dates answered), the
n/a note, one table per section in section order with the Y rate and its 95% interval, a chart
per section, "Page N of M" and a running header (CSS paged media, ``report.css``). With
``compare_with``, an extra column shows the baseline's rate and whether the change is
significant. Numbers come from ``reviewer.figures.report_figures``. WeasyPrint and matplotlib are
imported inside the functions (the CLI must start fast).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from html import escape
from importlib import resources
from pathlib import Path

from reviewer.analysis.compare import changes_against
from reviewer.analysis.stats import Change, rate
from reviewer.analysis.tally import Tally
from reviewer.errors import Progress, ReviewerError
from reviewer.outputs.agreement_html import agreement_section
from reviewer.outputs.charts import Bar, describe_bars, rate_bars_png
from reviewer.outputs.report_data import (
    NOT_RECORDED,
    AuditFigures,
    AuditSummary,
    reviewers_text,
)
from reviewer.outputs.report_tables import section_table
from reviewer.outputs.results_rows import Block, blocks
from reviewer.outputs.tally_format import NA_NOTE, sign_off_line
from reviewer.outputs.weighted_out import weighted_section
from reviewer.private import private_output
from reviewer.store.audits import AuditInfo

LANG = "en-GB"
PDF_VARIANT = "pdf/ua-1"           # tagged: structure tree, language, title, bookmarks
FRAME_CM = 21.0 - 2 * 1.6          # A4 less the side margins of report.css
CHART_MAX_CM = 23.0                # a chart taller than this is scaled down to fit a page
CHART_DPI = 150


@dataclass
class Comparison:
    baseline: AuditInfo
    changes: dict[str, Change]
    baseline_ids: set[str]


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for the margin boxes): quotes, backslashes, control
    characters and ``<``/``>``/``&`` escaped, so it can close neither the string nor the
    ``<style>`` element it is written in."""
    out = []
    for ch in text:
        if ch in '"\\<>&' or ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _style(audit: AuditInfo, header_right: str) -> str:
    """report.css, after the fonts and the running header's and footer's text (the footer says
    on every page whether the figures are signed off or a DRAFT)."""
    return style_sheet(audit.name, header_right,
                       footer=f"Produced {date.today()} · {sign_off_line(audit)}")


def style_sheet(header_left: str, header_right: str, extra: str = "",
                footer: str = "") -> str:
    """The fonts, report.css (and ``extra`` CSS), then the running header's and footer's text:
    what every printed document of the program is styled with."""
    import matplotlib

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    fonts = "".join(
        f'@font-face {{ font-family: "Report Sans"; font-weight: {weight}; '
        f"src: url({(ttf / name).as_uri()}); }}\n"
        for weight, name in (("normal", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")))
    margins = (f"@page {{ @top-left {{ content: {css_string(header_left[:90])} }}\n"
               f"  @top-right {{ content: {css_string(header_right[:70])} }}\n"
               f"  @bottom-left {{ content: "
               f"{css_string((footer or f'Produced {date.today()}')[:120])} }} }}\n")
    sheet = (resources.files("reviewer.outputs") / "report.css").read_text(encoding="utf-8")
    return fonts + sheet + extra + margins


def _intro(audit: AuditInfo, t: Tally, s: AuditSummary, baseline: AuditInfo | None,
           head: str | None = None) -> str:
    qs = t.qset
    out = [f"<h1>{escape(f'Results tables: {audit.name}')}</h1>",
           f'<p class="subtitle">{escape(qs.title)}</p>',
           f'<p class="status">{escape(sign_off_line(audit))}</p>']
    if audit.description.strip():
        out.append(f"<p>{escape(' '.join(audit.description.split()))}</p>")
    size = s.sample.get("size") or f"{NOT_RECORDED} ({s.records:,} records in the audit)"
    facts = [("Question set", f"{qs.title} (id {qs.id}, version {qs.version})"),
             ("Records", f"{s.records:,} ({audit.complete:,} complete)")]
    facts += [(k, size if k == "Sample size" else v) for k, v in s.sample_lines()]
    desk = " (desk file: names not verified)" if audit.desk else ""
    facts += [("Reviewers", reviewers_text(s.reviewers) + desk),
              ("Answers given", s.answered_range())]
    if baseline is not None:
        facts.append(("Compared with", f"{baseline.name} ({baseline.records:,} records)"))
    muted = ' class="muted"'
    rows = "".join(f'<tr><th scope="row">{escape(k)}</th>'
                   f"<td{muted if v.startswith(NOT_RECORDED) else ''}>{escape(v)}</td></tr>"
                   for k, v in facts)
    notes = NA_NOTE + (" The Y rate is Y / (Y + N), shown with its 95% confidence interval "
                       "(Wilson).")
    if baseline is not None:
        notes += (f" The last column gives the Y rate in {baseline.name} and the change: "
                  "Fisher's exact test, p < 0.05; a higher Y rate is an improvement.")
    out += ['<table class="facts"><caption>The audit and its sample</caption>'
            f"<tbody>{rows}</tbody></table>", f'<p class="notes">{escape(notes)}</p>']
    if head:
        out.append('<p class="notes">Audit chain head (check it with reviewer verify NAME '
                   '--head HASH):<br><span style="font-family: monospace; font-size: 9pt; '
                   'overflow-wrap: anywhere">'
                   f"{escape(head)}</span></p>")
    return "\n".join(out)


def _chart(block: Block, comparison: Comparison | None) -> str:
    """The section's chart of Y rates as an ``<img>`` whose alt text states the figures."""
    bars = [Bar(qt.question.caption(), rate(qt.yes, qt.total),
                comparison.changes[qt.question.id].then
                if comparison and qt.question.id in comparison.changes else None)
            for qt in block.rows if qt.question.type == "yes_no"]
    if not bars:
        return ""
    name = comparison.baseline.name if comparison else ""
    png = rate_bars_png(bars, width_in=FRAME_CM / 2.54, dpi=CHART_DPI, baseline_name=name)
    width_px, height_px = _png_size(png)
    width_cm = min(FRAME_CM, CHART_MAX_CM * width_px / height_px)
    caption = "Y rate with 95% confidence interval" + (
        f": {block.section.title}" if block.section.title else "")
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return (f'<figure class="chart"><figcaption>{escape(caption)}</figcaption>'
            f'<img src="{src}" alt="{escape(describe_bars(bars, name))}" '
            f'style="width: {width_cm:.2f}cm; height: {width_cm * height_px / width_px:.2f}cm">'
            "</figure>")


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def report_html(f: AuditFigures) -> str:
    """The report as one HTML document (the charts inline as PNG data)."""
    return _document(f)[0]


def _document(f: AuditFigures, progress: Progress | None = None, steps: int = 0,
              head: str | None = None) -> tuple[str, int]:
    """(the HTML, the number of sections); ``progress`` counts the sections plus ``steps``."""
    audit, qs, t, compare_with = f.audit, f.qs, f.tally, f.baseline
    comparison = None
    if compare_with is not None and f.base_tally is not None:
        base = f.base_tally
        comparison = Comparison(compare_with, changes_against(base, t),
                                {q.question.id for q in base.questions})
    title = f"Results tables: {audit.name}"
    body = [_intro(audit, t, f.summary, compare_with, head)]
    parts = blocks(t)
    for i, block in enumerate(parts, start=1):
        heading = f"<h2>{escape(block.heading)}</h2>" if block.heading else ""
        table = section_table(block, i, compare_with.name if compare_with else None,
                              comparison.changes if comparison else None,
                              comparison.baseline_ids if comparison else None)
        cls = "" if block.heading else ' class="untitled"'
        # the heading and table kept together; the chart may go to the next page (report.css)
        body.append(f'<section{cls}><div class="keep">{heading}\n{table}</div>\n'
                    f"{_chart(block, comparison)}</section>")
        if progress:
            progress(i, len(parts) + steps)
    body.append(weighted_section(audit, t, f.weighted))
    body.append(agreement_section(f.calibrations, f.team))
    html = (f'<!DOCTYPE html>\n<html lang="{LANG}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n"
            f'<meta name="description" content="{escape(qs.title)}">\n'
            '<meta name="author" content="reviewer">\n'
            '<meta name="generator" content="reviewer">\n'
            f"<style>\n{_style(audit, f'{qs.title} (version {qs.version})')}</style>\n"
            "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n")
    return html, len(parts)


def weasyprint_module():
    """The renderer, or one clear line when it (or the Pango library it loads) is missing."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise ReviewerError("the PDF report needs WeasyPrint and the Pango library, which could "
                            f"not be loaded ({str(exc).splitlines()[0] if str(exc) else exc!r}); "
                            "see docs/reports.md") from None
    _cache_page_references()
    return weasyprint


def _cache_page_references() -> None:
    """pydyf rebuilds the tuple of every page's reference each time WeasyPrint asks for one
    (once per tagged element), which made a tagged PDF's writing grow with elements x pages
    (docs/plans.md, "Large plans"). The same tuple is kept until a page is added."""
    import pydyf

    prop = pydyf.PDF.__dict__.get("page_references")
    if not isinstance(prop, property) or getattr(prop.fget, "cached", False):
        return
    build = prop.fget

    def page_references(pdf):  # noqa: ANN001, ANN202 - pydyf's property
        pages = len(pdf.pages["Kids"])
        kept = pdf.__dict__.get("_page_references")
        if kept is None or kept[0] != pages:
            kept = pdf.__dict__["_page_references"] = (pages, build(pdf))
        return kept[1]

    page_references.cached = True
    pydyf.PDF.page_references = property(page_references)


def build_report(f: AuditFigures, out_path: str | Path,
                 progress: Progress | None = None, head: str | None = None) -> Path:
    """Write the audit's results report (``reviewer.figures.report_figures``) to ``out_path``
    (A4, PDF/UA-1) and return the path, with the audit's chain head ``head`` (docs/evidence.md).
    The file is written whole or not at all, readable by its owner only (``private_output``)."""
    out = Path(out_path)
    try:
        with private_output(out) as tmp:          # an unwritable folder fails before the work
            html, sections = _document(f, progress, steps=2, head=head)
            document = weasyprint_module().HTML(string=html).render()
            if progress:
                progress(sections + 1, sections + 2)
            document.write_pdf(tmp, pdf_variant=PDF_VARIANT)
    except ReviewerError as exc:
        if not any(": cannot write:" in p for p in exc.problems):
            raise
        raise ReviewerError([p.replace(": cannot write:", ": cannot write the report:", 1)
                             for p in exc.problems]) from None
    if progress:
        progress(sections + 2, sections + 2)
    return out
