"""The trend as text (docs/contracts.md §13): a table per question, which is also the chart's text
alternative."""

from __future__ import annotations

from reviewer.analysis.trend import RULES, Trend
from reviewer.outputs.numbers import percent


def to_text(result: Trend) -> str:
    """The trend as a table per question: the chart's text alternative."""
    names = result.audits
    lines = [f"Trend over {len(names)} audits; centre line from the baseline: "
             + ", ".join(names[: result.baseline]) + ".",
             "p-chart: limits are the centre ± 3 standard errors for each audit's number of "
             "Y/N answers (Laney's p′ where the audits vary more than chance allows: σz > 1).",
             "Signals: " + "; ".join(f"{k} = {v}" for k, v in RULES.items()) + ".", ""]
    width = max(12, *(len(n) for n in names))
    for q in result.questions:
        lines.append(f"{q.id}. {q.text}")
        if not q.comparable:
            lines.append(f"    not comparable: {q.why}")
            lines += [f"    '{n}': {w['text']}" for n, w in zip(names, q.wordings,
                                                               strict=False)]
            lines.append("")
            continue
        how = "Laney p′" if q.method == "laney" else "p-chart"
        sz = f", σz {q.sigma_z:.2f}" if q.sigma_z is not None else ""
        lines.append(f"    {how}, centre {percent(q.centre, 1)}{sz}"
                     + (f" (same question: {q.why})" if q.why else ""))
        lines.append(f"    {'Audit':<{width}} {'n':>5} {'Y rate':>7} {'LCL':>7} {'UCL':>7}  signal")
        for p in q.points:
            lines.append(f"    {p.audit:<{width}} {p.n:>5} {percent(p.rate, 1):>7} "
                         f"{percent(p.lcl, 1):>7} {percent(p.ucl, 1):>7}  "
                         + (RULES[p.signal] if p.signal else ""))
        for item in q.plan_items:
            lines.append(f"    plan item {item['ref']} due {item['due']}"
                         + (f" (after {item['after']})" if item["after"] else
                            " (before the first audit)"))
        lines.append("")
    return "\n".join(lines)
