"""Weighted estimates in the printed outputs (docs/contracts.md §13, docs/weighted.md): the PDF
report's "Weighted estimates" section and the workbook's Weighted sheet, each question's weighted Y
rate with its interval beside the plain (unweighted) one, and the method. Nothing when the audit's
sample was not stratified at unequal fractions."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from reviewer.analysis.tally import Tally
from reviewer.analysis.weighted import METHOD, Weighted, weighting
from reviewer.outputs.numbers import percent
from reviewer.store.audits import AuditInfo

if TYPE_CHECKING:       # the workbook helpers load only for a workbook: `tally` stays fast
    from reviewer.outputs.xlsx_util import SafeWorkbook


def _rows(t: Tally, figures: dict[str, Weighted]):
    for qt in t.questions:
        w = figures.get(qt.question.id)
        if w is not None:
            yield qt, w


def weighted_section(audit: AuditInfo, t: Tally, figures: dict[str, Weighted] | None) -> str:
    """``figures``: ``reviewer.figures.weighted``."""
    if not figures:
        return ""
    by = weighting(audit.sample)[0]                               # type: ignore[index]
    head = "".join(f'<th scope="col">{h}</th>' for h in (
        "Question", "Unweighted Y rate", "Weighted Y rate (95% CI)"))
    rows = []
    for qt, w in _rows(t, figures):
        plain = f"{percent(qt.yes / qt.total)} ({qt.yes}/{qt.total})" if qt.total else "–"
        weighted = ("not estimable" if w.rate is None else
                    f"{percent(w.rate)} ({percent(w.low)} to {percent(w.high)})")
        rows.append(f'<tr><th scope="row" class="question">{escape(qt.question.caption())}</th>'
                    f"<td>{plain}</td><td>{weighted}</td></tr>")
    return ("<section><h2>WEIGHTED ESTIMATES:</h2>"
            f"<p>The sample was stratified by {escape(by)} at unequal sampling fractions, so the "
            "pooled Y rates above over-represent the strata sampled more heavily. Weighted by "
            f"each stratum's population: {escape(METHOD)}.</p>"
            '<table class="results"><caption>Weighted and unweighted Y rates</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")


def weighted_sheet(book: SafeWorkbook, t: Tally, figures: dict[str, Weighted] | None) -> None:
    from reviewer.outputs.xlsx_util import HEAD_FILL, PERCENT_FORMAT, cell

    if not figures:
        return
    ws = book.sheet("Weighted")
    ws.column_dimensions["A"].width = 60
    ws.append([cell(ws, f"Weighted Y rates ({METHOD}); the unweighted rate beside each",
                    bold=True)])
    ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in (
        "Question", "Y", "Total", "Unweighted", "Weighted", "95% CI low", "95% CI high",
        "Method")])
    for qt, w in _rows(t, figures):
        ws.append([cell(ws, qt.question.caption(), wrap=True), qt.yes, qt.total,
                   cell(ws, qt.yes / qt.total if qt.total else None, fmt=PERCENT_FORMAT),
                   cell(ws, w.rate, fmt=PERCENT_FORMAT), cell(ws, w.low, fmt=PERCENT_FORMAT),
                   cell(ws, w.high, fmt=PERCENT_FORMAT), "weighted"])
