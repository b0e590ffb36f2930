"""The Agreement sheet of the results workbook: for each calibration audit of the audit (a blind
second scoring of some of its records, docs/contracts.md §8), per question the pairs compared,
agreement, Cohen's kappa with its 95% interval and its plain reading, questions with a low kappa
marked."""

from __future__ import annotations

from reviewer.analysis.agreement_result import Agreement, band
from reviewer.outputs.agreement_text import kappa_cell
from reviewer.outputs.numbers import figure
from reviewer.outputs.xlsx_util import HEAD_FILL, PERCENT_FORMAT, SafeWorkbook, cell
from reviewer.store.audits import AuditInfo

HEADER = ["Question", "Pairs compared", "Agreed", "Agreement", "Kappa", "95% CI low",
          "95% CI high", "Reading", "Low", "AC1", "AC1 low", "AC1 high", "Alpha", "Alpha low",
          "Alpha high", "Paradox", "Written"]


def agreement_sheet(book: SafeWorkbook, audit: AuditInfo,
                    calibrations: list[tuple[AuditInfo, Agreement]],
                    team: Agreement | None = None) -> None:
    """Add the sheet when the audit has calibration audits (each with its agreement; ``team``:
    all of them together); nothing otherwise."""
    if not calibrations:
        return
    ws = book.sheet("Agreement")
    ws.column_dimensions["A"].width = 60
    ws.append([cell(ws, f"Agreement between {audit.name} and its blind double-scoring: the "
                        "share of pairs with the same answer, and Cohen's kappa (agreement "
                        "corrected for chance; Landis & Koch: above 0.60 substantial, 0.40 or "
                        "less needs clearer guidance)", bold=True)])
    results = [(other.name, result) for other, result in calibrations]
    if team is not None:               # a team: everyone together (docs/contracts.md §13)
        results.append(("The whole team (Fleiss' kappa)", team))
    for name, result in results:
        overall = result.to_dict(disagreements=False)["overall"]
        ws.append([])
        ws.append([cell(ws, f"{name}: {result.records} records in "
                            + ("both" if len(result.audits) == 2 else "all")
                            + f", {overall['agreed']} of {overall['compared']} answer pairs "
                              "agree", bold=True)])
        ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in HEADER])
        for q in result.questions:
            k = q.kappa_fig
            ws.append([cell(ws, f"{q.id}. {q.text}", wrap=True), q.compared, q.agreed,
                       cell(ws, q.agreement, fmt=PERCENT_FORMAT), k.value, k.low, k.high,
                       band(q.deciding), "low" if q.low else None,
                       q.ac1.value, q.ac1.low, q.ac1.high, q.alpha.value, q.alpha.low,
                       q.alpha.high, "paradox" if q.paradox else None,
                       cell(ws, f"kappa {kappa_cell(q)}; AC1 {figure(q.ac1.to_dict())}; "
                                f"alpha {figure(q.alpha.to_dict())}", wrap=True)])
        if len(result.audits) > 2 and result.scorers:
            ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in (
                "Scorer", "Answers compared with the lead", "Differ", "Share")])
            for sc in result.scorers:
                ws.append([sc["scorer"], sc["compared"], sc["disagreed"],
                           cell(ws, sc["rate"], fmt=PERCENT_FORMAT)])
