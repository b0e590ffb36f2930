"""The Agreement sheet of the results workbook: for each calibration audit of the audit (a blind
second scoring of some of its records, docs/contracts.md §8), per question the pairs compared,
agreement, Cohen's kappa with its 95% interval and its plain reading, questions with a low kappa
marked."""

from __future__ import annotations

from reviewer.analysis.agreement import LOW_KAPPA, agreement, band
from reviewer.outputs.xlsx_util import HEAD_FILL, PERCENT_FORMAT, SafeWorkbook, cell
from reviewer.store.audits import AuditInfo, calibrations_of
from reviewer.store.db import Database

HEADER = ["Question", "Pairs compared", "Agreed", "Agreement", "Kappa", "95% CI low",
          "95% CI high", "Reading", "Low"]


def agreement_sheet(book: SafeWorkbook, db: Database, audit: AuditInfo) -> None:
    """Add the sheet when the audit has calibration audits; nothing otherwise."""
    calibrations = calibrations_of(db, audit)
    if not calibrations:
        return
    ws = book.sheet("Agreement")
    ws.column_dimensions["A"].width = 60
    ws.append([cell(ws, f"Agreement between {audit.name} and its blind double-scoring: the "
                        "share of pairs with the same answer, and Cohen's kappa (agreement "
                        "corrected for chance; Landis & Koch: above 0.60 substantial, 0.40 or "
                        "less needs clearer guidance)", bold=True)])
    for other in calibrations:
        result = agreement(db, audit, other)
        overall = result.to_dict()["overall"]
        ws.append([])
        ws.append([cell(ws, f"{other.name}: {result.records} records in both, "
                            f"{overall['agreed']} of {overall['compared']} answers agree",
                        bold=True)])
        ws.append([cell(ws, h, bold=True, fill=HEAD_FILL) for h in HEADER])
        for q in result.questions:
            ci = q.kappa_ci or (None, None)
            low = q.kappa is not None and q.kappa <= LOW_KAPPA
            ws.append([cell(ws, f"{q.id}. {q.text}", wrap=True), q.compared, q.agreed,
                       cell(ws, q.agreement, fmt=PERCENT_FORMAT), q.kappa, ci[0], ci[1],
                       band(q.kappa), "low" if low else None])
