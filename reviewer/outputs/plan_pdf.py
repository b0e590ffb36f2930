"""An improvement plan with its evidence as a tagged PDF (docs/contracts.md §9), with the fields
of the inspection paper's printed plan — Ref, Area for improvement, Due date, Action owner,
Progress update, Date of update, Complete — and the evidence: each linked question's Y rate in
every audit with its 95% interval, the change, Fisher's p and the verdict, then the item's
verdict. Each item is one block under its own heading, so the text reads item by item when it is
read aloud or extracted (side-by-side columns interleaved), and items follow one another without
leaving half pages empty. A4, body text 9 pt or more, PDF/UA-1 like the results report
(``report_pdf``): language, title, headings, a bookmark per item."""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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
h3.item { font-size: 10pt; margin: 0; padding: 4pt 0 2pt; border-top: 0.5pt solid #9a9a9a;
          break-after: avoid; }
p.item { margin: 0 0 3pt; white-space: pre-line; orphans: 2; widows: 2; }
p.evidence { margin: 0 0 4pt; break-inside: avoid; }
strong.overdue { color: #b00020; }
span.head { font-family: monospace; font-size: 9pt; overflow-wrap: anywhere; }
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
    return (f'<p class="evidence">{escape(q.id)}. {escape(q.text)} ({escape(q.ref)})<br>'
            + "<br>".join(rates) + f"<br><em>{escape(verdict + target)}</em></p>")


def _questions(status: PlanStatus, names: list[str]) -> str:
    """Every linked question's evidence, once however many items link it (docs/plans.md)."""
    seen: dict[str, QuestionEvidence] = {}
    for item in status.items:
        for ev in item.questions:
            seen.setdefault(ev.question.id, ev)
    if not seen:
        return ""
    return ("<h2>Linked questions and their evidence</h2>"
            + "".join(_evidence(ev, names) for ev in seen.values()))


def _line(text: str | None) -> str:
    """A field on its line (its own line breaks would be kept by ``pre-line``)."""
    return escape(" ".join((text or "").split()) or "—")


def _item(item: ItemEvidence) -> str:
    """One item, one block after another (not columns side by side): read aloud or extracted,
    it reads in order — the ref, the area, its facts, its progress, its linked questions (their
    evidence is printed once, above) and its verdict. One paragraph whose lines are kept apart
    by ``white-space: pre-line``: line-break elements (``<br>``) took WeasyPrint twice the time
    (docs/plans.md, "Large plans")."""
    i = item.item
    due = escape(i.due or "—") + (' <strong class="overdue">OVERDUE</strong>'
                                  if item.overdue() else "")
    linked = ", ".join(f"{escape(ev.question.id)} ({escape(ev.flag)})"
                       for ev in item.questions) or "none in these audits"
    complete = {True: "Yes", False: "No", None: "—"}[i.complete]
    lines = (f"Area for improvement: {_line(i.area)}",
             f"Due date: {due} · Action owner: {_line(i.owner)} · Complete: {complete}"
             f" · Date of update: {_line(i.updated)}",
             f"Progress update: {_line(i.progress)}",
             f"Linked questions: {linked} · Verdict: {escape(item.status)}")
    return f'<h3 class="item">{escape(i.ref)}</h3><p class="item">' + "\n".join(lines) + "</p>"


def plan_html(status: PlanStatus, part: slice | None = None, first_page: int = 1,
              heads: dict[str, str] | None = None) -> str:
    """The plan as HTML: the title, the introduction and every item, or with ``part``
    only those items (the introduction with the first part), numbered from ``first_page``;
    ``heads`` (audit name -> chain head) printed after the last item."""
    names = [a.name for a in status.audits]
    title = f"Improvement plan: {status.plan.name}"
    items = status.items if part is None else status.items[part]
    first = part is None or not part.start
    body = _intro(status, names, title) if first else ""
    body += "".join(_item(item) for item in items)
    last = part is None or (part.stop or len(status.items)) >= len(status.items)
    if heads and last:
        lines = "".join(f"<br>{escape(name)}: <span class=\"head\">{escape(h)}</span>"
                        for name, h in heads.items())
        body += ("<p>Audit chain heads (check each with reviewer verify NAME --head HASH):"
                 f"{lines}</p>")
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
            f"{_questions(status, names)}<h2>Areas for improvement</h2>")


def plan_pdf(status: PlanStatus, out: str | Path, heads: dict[str, str] | None = None) -> Path:
    """Write the plan with its evidence to ``out`` (A4, PDF/UA-1, owner-only), with the chain
    head of every audit it shows (docs/evidence.md). A plan of more than PART_ITEMS items is
    laid out PART_ITEMS at a time, each part written and let go before the next, and the parts
    joined into one tagged PDF (docs/plans.md, "Large plans"): WeasyPrint holds every page of a
    document in memory until it is written."""
    out = Path(out)
    weasyprint = weasyprint_module()
    with private_output(out) as tmp:
        if len(status.items) <= PART_ITEMS:
            document = weasyprint.HTML(string=plan_html(status, heads=heads)).render()
            document.write_pdf(tmp, pdf_variant=PDF_VARIANT)
            return out
        with tempfile.TemporaryDirectory(dir=tmp.parent) as folder, _collected_per_part():
            parts, page = [], 1                                         # folder: mode 0700
            for k in range(0, len(status.items), PART_ITEMS):
                html = plan_html(status, slice(k, k + PART_ITEMS), page, heads)
                document = weasyprint.HTML(string=html).render()
                parts.append(Path(folder) / f"part-{len(parts)}.pdf")
                document.write_pdf(parts[-1], pdf_variant=PDF_VARIANT)
                page += len(document.pages)
                del document
                gc.collect()                    # the part's boxes, before the next part
            join_tagged(parts, tmp)
    return out


@contextmanager
def _collected_per_part() -> Iterator[None]:
    """Python's cycle collector run once per part rather than every 700 new objects: the
    objects made before (the plan, the libraries) are frozen, not scanned again and again while
    WeasyPrint makes its millions of boxes — about an eighth of the time (docs/plans.md)."""
    threshold = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
