"""The appendix tables of the PDF report as semantic HTML (docs/contracts.md §4), for ``report_pdf``
to render.

One ``<table>`` per section with a ``<caption>``, a header row of ``<th scope="col">`` cells and
each question's label as its row's ``<th scope="row">``, so a screen reader announces every
figure with its question and column. A ``yes_no`` question is one row (``Y | N | Total | Y rate
(95% CI)``, with its target's status when it has one, docs/contracts.md §9); a ``choice`` or
``multi_choice`` question is a breakdown in a ``<tbody>`` of its own (kept on one page): its
label header, one row per choice in the set's order, the total on the first row. As in the
appendix, ``Y | N | Total`` is repeated before a ``yes_no`` question that follows a breakdown.
With a comparison, a last column gives the baseline's rate and the change.
"""

from __future__ import annotations

from html import escape

from reviewer.analysis.stats import Change, percent, rate_text
from reviewer.outputs.numbers import p_value
from reviewer.outputs.results_rows import (
    BREAKDOWN,
    CHOICE,
    HEAD,
    YES_NO,
    Block,
    ResultRow,
    block_rows,
)

HEAD_CELLS = ["Question", "Y", "N", "Total", "Y rate (95% CI)"]
BREAKDOWN_HEAD = ["Number", "Total", "Share"]


def column_widths(compare: bool) -> list[float]:
    """The widths (cm) of the columns after the question's, which takes what is left."""
    return [2.45, 1.6, 1.25, 2.75, 3.6] if compare else [2.6, 1.85, 1.35, 3.1]


def caption(block: Block, number: int) -> str:
    """"Table 2: questions 2, 2a, 2b and 6" (a long list: "Table 3: 14 questions, 1.0 to 3.5")."""
    ids = [qt.question.id for qt in block.rows]
    if len(ids) == 1:
        which = f"question {ids[0]}"
    elif len(ids) <= 10:
        which = f"questions {', '.join(ids[:-1])} and {ids[-1]}"
    else:
        which = f"{len(ids)} questions, {ids[0]} to {ids[-1]}"
    return f"Table {number}: {which}"


def _th(text: str, scope: str, cls: str = "", span: int = 1) -> str:
    attrs = f' scope="{scope}"' + (f' class="{cls}"' if cls else "")
    attrs += f' rowspan="{span}"' if span > 1 else ""
    return f"<th{attrs}>{escape(text)}</th>"


def _td(content: str, cls: str = "", span: int = 1) -> str:
    attrs = (f' class="{cls}"' if cls else "") + (f' rowspan="{span}"' if span > 1 else "")
    return f"<td{attrs}>{content}</td>"


def compare_cell(ch: Change | None, note: str) -> str:
    """The baseline's rate, the change in points, the flag and the p-value (HTML)."""
    if ch is None:
        return escape(note)
    was = escape(f"was {percent(ch.then.rate)}")
    if ch.p_value is None or ch.difference is None:
        return f"{was}<br>{escape(ch.flag)}"
    flag = escape(ch.flag)
    if ch.flag in ("improved", "worse"):
        flag = f'<strong class="{ch.flag}">{flag}</strong>'
    points = f"{ch.difference * 100:+.0f}".replace("-", "\u2212")
    return f"{was} ({points} pts)<br>{flag}<br>{p_value(ch.p_value)}"


def section_table(block: Block, number: int, compare_name: str | None = None,
                  changes: dict[str, Change] | None = None,
                  baseline_ids: set[str] | None = None) -> str:
    """The section's table as an HTML string."""
    compare = compare_name is not None
    head = HEAD_CELLS + ([f"compared with {compare_name}"] if compare else [])
    widths = "".join(f'<col style="width: {w}cm">' for w in column_widths(compare))
    out = [f'<table class="results{" compare" if compare else ""}">',
           f"<caption>{escape(caption(block, number))}</caption>",
           f'<colgroup><col class="question">{widths}</colgroup>',
           "<thead><tr>" + "".join(_th(h, "col") for h in head) + "</tr></thead>"]
    body: list[str] = []
    rows = list(block_rows(block))
    for row in rows:
        if row.kind == BREAKDOWN:
            if body:
                out.append("<tbody>" + "".join(body) + "</tbody>")
                body = []
            out.append(_breakdown(row, [r for r in rows if r.qt is row.qt and r.kind == CHOICE],
                                  compare))
        elif row.kind == HEAD:     # the appendix repeats Y | N | Total after a breakdown
            body.append('<tr class="sub">' + _td("", "blank")
                        + "".join(_th(h, "col") for h in HEAD_CELLS[1:])
                        + (_td("", "blank") if compare else "") + "</tr>")
        elif row.kind == YES_NO:
            body.append(_yes_no_row(row, compare, changes, baseline_ids))
    if body:
        out.append("<tbody>" + "".join(body) + "</tbody>")
    out.append("</table>")
    return "\n".join(out)


def _yes_no_row(row: ResultRow, compare: bool, changes: dict[str, Change] | None,
                baseline_ids: set[str] | None) -> str:
    qt = row.qt
    assert qt is not None
    q = qt.question
    cells = [_th(row.text, "row", "question")]
    cells += [_td(str(n)) for n in (qt.yes, qt.no, qt.total)]
    figure = escape(rate_text(row.rate))
    if row.target:          # docs/contracts.md §9: the tally's words, judged from the interval
        status = qt.target_status or ""
        figure += (f'<br><span class="target {status.replace(" ", "-")}">'
                   f"{escape(row.target)}</span>")
    cells.append(_td(figure, "rate"))
    if compare:
        note = ("not in baseline" if baseline_ids is not None and q.id not in baseline_ids
                else "not compared")
        cells.append(_td(compare_cell((changes or {}).get(q.id), note), "change"))
    return "<tr>" + "".join(cells) + "</tr>"


def _breakdown(head: ResultRow, choices: list[ResultRow], compare: bool) -> str:
    """A choice question: its label header, one row per choice, the total on the first row."""
    qt = head.qt
    assert qt is not None
    span = 1 + len(choices)
    rows = ['<tr class="sub">' + _th(head.text, "row", "question", span)
            + _th(head.option, "col", "label")
            + "".join(_th(h, "col") for h in BREAKDOWN_HEAD)
            + (_td("", "blank", span) if compare else "") + "</tr>"]
    for row in choices:
        share = percent(row.rate.rate) if qt.total else "–"
        rows.append("<tr>" + _th(row.option, "row", "choice") + _td(str(row.number))
                    + _td(str(qt.total) if row.first else "") + _td(escape(share)) + "</tr>")
    return '<tbody class="breakdown">' + "".join(rows) + "</tbody>"
