"""The report's agreement section (docs/contracts.md §8), when the audit has calibration audits: for
each, per question the pairs compared, agreement, Cohen's kappa with its 95% interval and its
reading, questions whose kappa is low flagged — the questions too vague to trust."""

from __future__ import annotations

from html import escape

from reviewer.analysis.agreement import LOW_KAPPA, agreement, band, kappa_text
from reviewer.store.audits import AuditInfo, calibrations_of
from reviewer.store.db import Database

HEAD = ("Question", "Pairs", "Agreed", "Kappa (95% CI)", "Reading")


def agreement_section(db: Database, audit: AuditInfo) -> str:
    """HTML of the section, or "" when the audit has no calibration audit."""
    calibrations = calibrations_of(db, audit)
    if not calibrations:
        return ""
    out = ["<section><h2>AGREEMENT WITH A BLIND SECOND SCORING:</h2>",
           "<p>Records scored again, without sight of the first answers. Agreement is the share "
           "of pairs with the same answer (n/a counts as an answer; blanks are not compared). "
           "Kappa corrects it for chance: 1 is perfect agreement, 0 no better than chance "
           "(Landis &amp; Koch: 0.41–0.60 moderate, 0.61–0.80 substantial, above 0.80 almost "
           f"perfect). A kappa of {LOW_KAPPA:.2f} or less is flagged: the question or its "
           "guidance needs to be clearer.</p>"]
    for n, other in enumerate(calibrations, start=1):
        result = agreement(db, audit, other)
        overall = result.to_dict()["overall"]
        head = "".join(f'<th scope="col">{h}</th>' for h in HEAD)
        rows = []
        for q in result.questions:
            if not q.compared:
                continue
            kappa = kappa_text(q)
            low = q.kappa is not None and q.kappa <= LOW_KAPPA
            reading = escape(band(q.kappa)) + (" <strong class=\"worse\">low</strong>"
                                               if low else "")
            rows.append(f'<tr><th scope="row" class="question">{escape(q.id)}. '
                        f"{escape(q.text)}</th><td>{q.compared}</td>"
                        f"<td>{100 * q.agreement:.0f}%</td><td>{kappa}</td>"
                        f"<td>{reading}</td></tr>")
        caption = (f"Table A{n}: {escape(other.name)} — {result.records} records in both; "
                   f"{overall['agreed']} of {overall['compared']} answers agree")
        out.append(f'<table class="results agreement"><caption>{caption}</caption>'
                   f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    out.append("</section>")
    return "\n".join(out)
