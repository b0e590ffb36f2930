"""An improvement plan with its evidence as a tagged PDF (docs/contracts.md §9), with the fields
of the inspection paper's printed plan — Ref, Area for improvement, Due date, Action owner,
Progress update, Date of update, Complete — and the evidence: each linked question's Y rate in
every audit with its 95% interval, the change, Fisher's p and the verdict, then the item's
verdict. Each item is one block under its own heading, so the text reads item by item when it is
read aloud or extracted (side-by-side columns interleaved), and items follow one another without
leaving half pages empty. A4, body text 9 pt or more, PDF/UA-1 like the results report
(``report_pdf``): language, title, headings, a bookmark per item."""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path

from reviewer.analysis.plans import ItemEvidence, PlanStatus, QuestionEvidence
from reviewer.analysis.stats import rate, rate_text
from reviewer.analysis.targets import target_text
from reviewer.outputs.numbers import p_value
from reviewer.outputs.pdf_join import join_tagged
from reviewer.outputs.report_pdf import LANG, PDF_VARIANT, style_sheet, weasyprint_module
from reviewer.private import private_output

PLAN_CSS = """
@page { size: A4; }
section.item { border-top: 0.5pt solid #9a9a9a; padding: 4pt 0 2pt; }
section.item h3 { font-size: 10pt; margin: 0 0 2pt; break-after: avoid; }
section.item p { margin: 0 0 3pt; orphans: 2; widows: 2; }
section.item p.facts { color: #333; }
section.item p.evidence { margin-left: 10pt; break-inside: avoid; }
section.item p.verdict { font-weight: bold; }
strong.overdue { color: #b00020; }
"""
PART_ITEMS = 100                    # items laid out at a time (see plan_pdf)


def _evidence(ev: QuestionEvidence, names: list[str]) -> str:
    q = ev.question
    rates = []
    for name, f in zip(names, ev.figures, strict=True):
        shown = ("not asked" if f is None else "not a yes/no question" if q.type != "yes_no"
                 else f"{rate_text(rate(f.yes, f.total))} of {f.total}")
        rates.append(f"{escape(name)}: {escape(shown)}")
    verdict = ev.flag if ev.difference is None else (
        f"{ev.difference * 100:+.0f} points, {p_value(ev.p_value)}: {ev.flag}")
    target = ""
    if q.target is not None and ev.figures[-1] is not None:
        target = "; " + target_text(q.target, q.direction, ev.figures[-1].target_status)
    return (f'<p class="evidence">{escape(q.id)}. {escape(q.text)} {escape(q.ref)}<br>'
            + "<br>".join(rates) + f"<br><em>{escape(verdict + target)}</em></p>")


def _item(item: ItemEvidence, names: list[str]) -> str:
    """One item, one block after another (not columns side by side): read aloud or extracted,
    it reads in order — the ref and area, its facts, its progress, its evidence, its verdict."""
    i = item.item
    due = escape(i.due or "—") + (' <strong class="overdue">OVERDUE</strong>'
                                  if item.overdue() else "")
    evidence = "".join(_evidence(ev, names) for ev in item.questions) or \
        "<p>No question of these audits is linked to this item.</p>"
    complete = {True: "Yes", False: "No", None: "—"}[i.complete]
    return (f'<section class="item"><h3>{escape(i.ref)}</h3>'
            f"<p><strong>Area for improvement:</strong> {escape(i.area)}</p>"
            f'<p class="facts"><strong>Due date:</strong> {due} · <strong>Action owner:'
            f"</strong> {escape(i.owner or '—')} · <strong>Complete:</strong> {complete} · "
            f"<strong>Date of update:</strong> {escape(i.updated or '—')}</p>"
            f"<p><strong>Progress update:</strong> {escape(i.progress or '—')}</p>"
            f"{evidence}"
            f'<p class="verdict">Verdict: {escape(item.status)}</p></section>')


def plan_html(status: PlanStatus, part: slice | None = None, first_page: int = 1) -> str:
    """The plan as HTML: the title, the introduction and every item's row, or with ``part``
    only those items (the introduction with the first part), numbered from ``first_page``."""
    names = [a.name for a in status.audits]
    title = f"Improvement plan: {status.plan.name}"
    items = status.items if part is None else status.items[part]
    first = part is None or not part.start
    body = _intro(status, names, title) if first else ""
    if first:
        body += f'<p class="caption">{escape(title)} — items and evidence</p>'
    body += "".join(_item(item, names) for item in items)
    style = style_sheet(title, f"Evidence: {', '.join(names)}"[:70], PLAN_CSS)
    if part is not None:        # one part of several: its page numbers follow the last part's
        style += (f"@page :first {{ counter-reset: page {first_page} }}\n"
                  '@page { @bottom-right { content: "Page " counter(page) } }\n')
    return (f'<!DOCTYPE html>\n<html lang="{LANG}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n<meta name=\"author\" content=\"reviewer\">\n"
            f"<style>\n{style}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _intro(status: PlanStatus, names: list[str], title: str) -> str:
    counts: dict[str, int] = {}
    for item in status.items:
        counts[item.status] = counts.get(item.status, 0) + 1
    overdue = sum(item.overdue() for item in status.items)
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    intro = (f"Evidence from {', '.join(names)}: each linked question's Y rate with its 95% "
             f"confidence interval (Wilson), and {names[-1]} against the baseline {names[0]} "
             "(Fisher's exact test, two-sided, p < 0.05, read with each question's direction). "
             "An item is linked to the questions it names, else to every question whose "
             "reference ends with the item's paragraph number.")
    return (f"<h1>{escape(title)}</h1><p>{escape(intro)}</p>"
            f"<p><strong>{len(status.items)} items:</strong> {escape(summary)}; "
            f"{overdue} overdue (past the due date and not complete).</p>"
            "<h2>Areas for improvement and their evidence</h2>")


def plan_pdf(status: PlanStatus, out: str | Path) -> Path:
    """Write the plan with its evidence to ``out`` (A4 landscape, PDF/UA-1, owner-only). A
    plan of more than PART_ITEMS items is laid out PART_ITEMS at a time, each part written
    and let go before the next, and the parts joined into one tagged PDF (docs/plans.md,
    "Large plans"): WeasyPrint holds every page of a document in memory until it is written."""
    out = Path(out)
    weasyprint = weasyprint_module()
    with private_output(out) as tmp:
        if len(status.items) <= PART_ITEMS:
            document = weasyprint.HTML(string=plan_html(status)).render()
            document.write_pdf(tmp, pdf_variant=PDF_VARIANT)
            return out
        with tempfile.TemporaryDirectory(dir=tmp.parent) as folder:     # mode 0700
            parts, page = [], 1
            for k in range(0, len(status.items), PART_ITEMS):
                html = plan_html(status, slice(k, k + PART_ITEMS), page)
                document = weasyprint.HTML(string=html).render()
                parts.append(Path(folder) / f"part-{len(parts)}.pdf")
                document.write_pdf(parts[-1], pdf_variant=PDF_VARIANT)
                page += len(document.pages)
                del document
            join_tagged(parts, tmp)
    return out
