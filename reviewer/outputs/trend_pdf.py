"""The trend as a tagged PDF page (docs/contracts.md §13, docs/trend.md): the p-charts, then for
each question the table of the chart (the chart's text alternative, and its ``alt`` text in words),
with the rules that name each signal. Styled and tagged like the results report (``report_pdf``)."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from reviewer.analysis.trend import RULES, Trend
from reviewer.outputs.numbers import percent
from reviewer.outputs.report_pdf import LANG, PDF_VARIANT, style_sheet, weasyprint_module
from reviewer.private import private_output

TREND_CSS = """
@page { size: A4 landscape; margin: 1.4cm 1.3cm 1.4cm 1.3cm; }
figure.trend img { width: 100%; }
table.trend { border-collapse: collapse; font-size: 9pt; margin-bottom: 8pt; }
table.trend th, table.trend td { border: 0.5pt solid #9a9a9a; padding: 1.5pt 4pt;
                                 text-align: right; }
table.trend th[scope="row"] { text-align: left; }
table.trend caption { caption-side: top; text-align: left; font-weight: bold; font-size: 9pt; }
"""


def _table(result: Trend, q) -> str:
    if not q.comparable:
        wordings = "; ".join(f"{escape(n)}: “{escape(w['text'])}”"
                             for n, w in zip(result.audits, q.wordings, strict=False))
        return (f"<p><strong>{escape(q.id)}. {escape(q.text)}</strong> — not comparable: "
                f"{escape(q.why or '')}. {wordings}</p>")
    how = "Laney p′" if q.method == "laney" else "p-chart"
    caption = (f"{q.id}. {q.text} — {how}, centre {percent(q.centre, 1)}"
               + (f" (same question: {q.why})" if q.why else ""))
    head = "".join(f'<th scope="col">{h}</th>' for h in ("Audit", "n", "Y rate", "LCL", "UCL",
                                                         "Signal"))
    rows = "".join(f'<tr><th scope="row">{escape(p.audit)}</th><td>{p.n}</td>'
                   f"<td>{percent(p.rate, 1)}</td><td>{percent(p.lcl, 1)}</td>"
                   f"<td>{percent(p.ucl, 1)}</td>"
                   f"<td>{escape(RULES[p.signal]) if p.signal else ''}</td></tr>"
                   for p in q.points)
    items = "".join(f"<li>Plan item {escape(i['ref'])} due {escape(i['due'])}"
                    + (f", after {escape(i['after'])}" if i["after"] else "") + "</li>"
                    for i in q.plan_items)
    return (f'<table class="trend"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
            + (f"<ul>{items}</ul>" if items else ""))


def trend_html(result: Trend, png: bytes, alt: str) -> str:
    title = "Trend with control limits"
    src = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    rules = "".join(f"<li>{escape(v)}</li>" for v in RULES.values())
    body = (f"<h1>{title}</h1><p>{escape(', '.join(result.audits))}. The centre line is the "
            f"pooled Y rate of the baseline ({escape(', '.join(result.audits[:result.baseline]))});"
            " the limits are the centre ± 3 standard errors for each audit's number of Y/N "
            "answers, widened by Laney's σz where the audits vary more than chance allows.</p>"
            f"<p>Signals:</p><ul>{rules}</ul>"
            f'<figure class="trend"><img src="{src}" alt="{escape(alt)}"></figure>'
            "<h2>The charts' figures</h2>"
            + "".join(_table(result, q) for q in result.questions))
    style = style_sheet(title, ", ".join(result.audits)[:70], TREND_CSS)
    return (f'<!DOCTYPE html>\n<html lang="{LANG}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<meta name=\"author\" content=\"reviewer\">\n"
            f"<style>\n{style}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def trend_pdf(result: Trend, out: str | Path) -> Path:
    """Write the trend to ``out`` (A4 landscape, PDF/UA-1, owner-only)."""
    from reviewer.outputs.trend_chart import trend_chart_png

    alt = ("Charts of each question's Y rate per audit with its control limits; the same "
           "figures are in the tables below.")
    out = Path(out)
    with private_output(out) as tmp:
        html = trend_html(result, trend_chart_png(result, dpi=150), alt)
        document = weasyprint_module().HTML(string=html).render()
        document.write_pdf(tmp, pdf_variant=PDF_VARIANT)
    return out
