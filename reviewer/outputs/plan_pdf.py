"""An improvement plan with its evidence as a tagged PDF (docs/contracts.md §9): laid out as the
printed improvement plan of the inspection paper — Ref, Area for improvement, Due date, Action
owner, Progress update, Date of update, Complete — with an Evidence column: each linked question's Y
rate in every audit with its 95% interval, the change, Fisher's p and the verdict, then the item's
verdict. A4 landscape, PDF/UA-1 like the results report (``report_pdf``): language, title, headings,
table header cells, a bookmark per part of the plan."""

from __future__ import annotations

from html import escape
from pathlib import Path

from reviewer.analysis.plans import ItemEvidence, PlanStatus, QuestionEvidence
from reviewer.analysis.stats import rate, rate_text
from reviewer.analysis.targets import target_text
from reviewer.files.private import private_output
from reviewer.outputs.numbers import p_value
from reviewer.outputs.report_pdf import LANG, PDF_VARIANT, style_sheet, weasyprint_module

PLAN_CSS = """
@page { size: A4 landscape; margin: 1.4cm 1.3cm 1.4cm 1.3cm; }
table.plan { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 7.5pt;
             line-height: 1.25; }
table.plan caption { caption-side: top; text-align: left; font-size: 7.5pt; color: #555;
                     padding-bottom: 2pt; }
table.plan th, table.plan td { border: 0.5pt solid #9a9a9a; padding: 2pt 3pt;
                               vertical-align: top; text-align: left; }
table.plan thead th { background: #e4e8ee; font-weight: bold; }
table.plan tr { break-inside: avoid; }
table.plan td.progress { font-size: 6.8pt; }
table.plan p.evidence { margin: 0 0 3pt; }
table.plan p.verdict { font-weight: bold; margin: 2pt 0 0; }
table.plan strong.overdue { color: #b00020; }
table.plan col.ref { width: 5%; } table.plan col.area { width: 20%; }
table.plan col.due { width: 7%; } table.plan col.owner { width: 10%; }
table.plan col.progress { width: 22%; } table.plan col.updated { width: 7%; }
table.plan col.complete { width: 6%; } table.plan col.evidence { width: 23%; }
"""
HEAD = ("Ref", "Area for improvement", "Due date", "Action owner", "Progress update",
        "Date of update", "Complete", "Evidence")
COLS = ("ref", "area", "due", "owner", "progress", "updated", "complete", "evidence")


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


def _row(item: ItemEvidence, names: list[str]) -> str:
    i = item.item
    due = escape(i.due or "—") + (' <strong class="overdue">OVERDUE</strong>'
                                  if item.overdue() else "")
    evidence = "".join(_evidence(ev, names) for ev in item.questions) or \
        "<p>No question of these audits is linked to this item.</p>"
    evidence += f'<p class="verdict">Verdict: {escape(item.status)}</p>'
    complete = {True: "Yes", False: "No", None: "—"}[i.complete]
    cells = [f'<th scope="row">{escape(i.ref)}</th>', f"<td>{escape(i.area)}</td>",
             f"<td>{due}</td>", f"<td>{escape(i.owner)}</td>",
             f'<td class="progress">{escape(i.progress)}</td>',
             f"<td>{escape(i.updated or '—')}</td>", f"<td>{complete}</td>",
             f"<td>{evidence}</td>"]
    return "<tr>" + "".join(cells) + "</tr>"


def plan_html(status: PlanStatus) -> str:
    names = [a.name for a in status.audits]
    title = f"Improvement plan: {status.plan.name}"
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
    cols = "".join(f'<col class="{c}">' for c in COLS)
    head = "".join(f'<th scope="col">{h}</th>' for h in HEAD)
    rows = "".join(_row(item, names) for item in status.items)
    body = (f"<h1>{escape(title)}</h1><p>{escape(intro)}</p>"
            f"<p><strong>{len(status.items)} items:</strong> {escape(summary)}; "
            f"{overdue} overdue (past the due date and not complete).</p>"
            "<h2>Areas for improvement and their evidence</h2>"
            f'<table class="plan"><caption>{escape(title)} — items and evidence</caption>'
            f"<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")
    style = style_sheet(title, f"Evidence: {', '.join(names)}"[:70], PLAN_CSS)
    return (f'<!DOCTYPE html>\n<html lang="{LANG}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n<meta name=\"author\" content=\"reviewer\">\n"
            f"<style>\n{style}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def plan_pdf(status: PlanStatus, out: str | Path) -> Path:
    """Write the plan with its evidence to ``out`` (A4 landscape, PDF/UA-1, owner-only)."""
    out = Path(out)
    with private_output(out) as tmp:
        document = weasyprint_module().HTML(string=plan_html(status)).render()
        document.write_pdf(tmp, pdf_variant=PDF_VARIANT)
    return out
