"""The report's agreement section (docs/contracts.md §8), when the audit has calibration audits: for
each, per question the pairs compared, agreement, Cohen's kappa with its 95% interval and its
reading, questions whose kappa is low flagged — the questions too vague to trust."""

from __future__ import annotations

from html import escape

from reviewer.analysis.agreement_result import LOW_KAPPA, Agreement, band
from reviewer.outputs import numbers
from reviewer.outputs.agreement_text import PARADOX_NOTE, kappa_cell
from reviewer.store.audits import AuditInfo

HEAD = ("Question", "Pairs", "Agreed", "Kappa (95% CI)", "AC1 (95% CI)",
        "Alpha (95% CI)", "Reading")


def agreement_section(calibrations: list[tuple[AuditInfo, Agreement]],
                      team: Agreement | None = None) -> str:
    """HTML of the section, or "" when the audit has no calibration audit (``calibrations``:
    each calibration audit with its agreement; ``team``: all of them together, for a team)."""
    if not calibrations:
        return ""
    out = ["<section><h2>AGREEMENT WITH A BLIND SECOND SCORING:</h2>",
           "<p>Records scored again, without sight of the first answers. Agreement is the share "
           "of pairs with the same answer (n/a counts as an answer; blanks are not compared). "
           "Kappa corrects it for chance: 1 is perfect agreement, 0 no better than chance "
           "(Landis &amp; Koch: 0.41–0.60 moderate, 0.61–0.80 substantial, above 0.80 almost "
           f"perfect). A kappa of {LOW_KAPPA:.2f} or less is flagged: the question or its "
           "guidance needs to be clearer. Gwet's AC1 and Krippendorff's alpha are given "
           f"beside kappa. {escape(PARADOX_NOTE)}.</p>"]
    results = [(other.name, result) for other, result in calibrations]
    if team is not None:               # a team: everyone together (docs/contracts.md §13)
        results.append(("the whole team", team))
    for n, (name, result) in enumerate(results, start=1):
        overall = result.to_dict(disagreements=False)["overall"]
        caption = (f"Table A{n}: {escape(name)} — {result.records} records in "
                   + ("both" if len(result.audits) == 2 else f"all {len(result.audits)}")
                   + f"; {overall['agreed']} of {overall['compared']} answer pairs agree"
                   + ("; kappa is Fleiss'" if len(result.audits) > 2 else ""))
        out.append(_table(result, caption))
        if len(result.audits) > 2 and result.scorers:
            out.append(_scorers(result, n))
    out.append("</section>")
    return "\n".join(out)


def _table(result: Agreement, caption: str) -> str:
    head = "".join(f'<th scope="col">{h}</th>' for h in HEAD)
    rows = []
    for q in result.questions:
        if not q.compared:
            continue
        reading = escape(band(q.deciding)) + (" (paradox: judged by AC1)" if q.paradox
                                              else "") + (
            " <strong class=\"worse\">low</strong>" if q.low else "")
        rows.append(f'<tr><th scope="row" class="question">{escape(q.id)}. '
                    f"{escape(q.text)}</th><td>{q.compared}</td>"
                    f"<td>{numbers.percent(q.agreement)}</td><td>{kappa_cell(q)}</td>"
                    f"<td>{numbers.figure(q.ac1.to_dict())}</td>"
                    f"<td>{numbers.figure(q.alpha.to_dict())}</td>"
                    f"<td>{reading}</td></tr>")
    return (f'<table class="results agreement"><caption>{caption}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _scorers(result: Agreement, n: int) -> str:
    """Each scorer's share of answers that differ from the lead's (the main audit's)."""
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Scorer", "Answers compared",
                                                        "Differ from the lead", "Share",
                                                        "Most on"))
    rows = []
    for s in result.scorers or []:
        worst = sorted((x for x in s["questions"] if x["rate"]), key=lambda x: -x["rate"])[:3]
        most = ", ".join(f"{escape(x['id'])} ({numbers.percent(x['rate'])})" for x in worst)
        rows.append(f'<tr><th scope="row">{escape(s["scorer"])}</th><td>{s["compared"]}</td>'
                    f"<td>{s['disagreed']}</td><td>{numbers.percent(s['rate'])}</td>"
                    f"<td>{most}</td></tr>")
    return (f'<table class="results agreement"><caption>Table A{n}b: each scorer against the '
            f"lead</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table>")
