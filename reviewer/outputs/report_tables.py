"""The appendix tables of the PDF report as reportlab Tables (reportlab is imported by the caller,
``report_pdf``, before this module is used; it is imported here inside the functions too)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reviewer.analysis.stats import Change, percent, rate, rate_text
from reviewer.analysis.tally import QuestionTally
from reviewer.outputs.report_data import Block, question_label

GRID = "#9a9a9a"
HEAD_BG = "#e4e8ee"
SUB_BG = "#f2f4f7"


@dataclass
class Styles:
    cell: object
    small: object
    bold: object
    choice: object
    font: str = "Helvetica"


def make_styles(font: str, bold: str):
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=10.5)
    return Styles(cell=cell,
                  small=ParagraphStyle("small", parent=cell, fontSize=8, leading=9.5,
                                       alignment=TA_CENTER),
                  choice=ParagraphStyle("choice", parent=cell, fontSize=8, leading=9.5,
                                        leftIndent=2),
                  bold=ParagraphStyle("bold", parent=cell, fontName=bold),
                  font=font)


def column_widths(width: float, compare: bool) -> list[float]:
    from reportlab.lib.units import cm

    if compare:
        fixed = [2.45 * cm, 1.6 * cm, 1.25 * cm, 2.75 * cm, 3.6 * cm]
    else:
        fixed = [2.6 * cm, 1.85 * cm, 1.35 * cm, 3.1 * cm]
    return [width - sum(fixed)] + fixed


def _rate_cell(count: int, total: int, st: Styles):
    from reportlab.platypus import Paragraph

    return Paragraph(escape(rate_text(rate(count, total))), st.small)


def _compare_cell(ch: Change | None, note: str, st: Styles):
    from reportlab.platypus import Paragraph

    if ch is None:
        return Paragraph(escape(note), st.small)
    was = f"was {percent(ch.then.rate)}"
    if ch.p_value is None or ch.difference is None:
        return Paragraph(f"{escape(was)}<br/>{escape(ch.flag)}", st.small)
    flag = f"<b>{escape(ch.flag)}</b>" if ch.flag in ("improved", "worse") else escape(ch.flag)
    points = f"{ch.difference * 100:+.0f}".replace("-", "\u2212")
    return Paragraph(f"{escape(was)} ({points} pts)<br/>{flag}<br/>p = {ch.p_value:.2g}",
                     st.small)


def section_table(block: Block, width: float, st: Styles, compare_name: str | None = None,
                  changes: dict[str, Change] | None = None, baseline_ids: set[str] | None = None):
    """One table per section: a Y | N | Total row per yes_no question, a breakdown block per
    choice question (its label header, one row per choice, the total on the first row)."""
    from reportlab.platypus import Paragraph, Table, TableStyle

    compare = compare_name is not None
    head = ["Question", "Y", "N", "Total", "Y rate (95% CI)"]
    if compare:
        head.append(f"compared with {compare_name}")
    head_cells = [Paragraph(f"<b>{escape(h)}</b>", st.bold if i == 0 else st.small)
                  for i, h in enumerate(head)]
    rows: list[list] = [head_cells]
    header_rows = [0]
    continuation: set[int] = set()     # rows whose question cell belongs to the row above
    keep: list[tuple[int, int]] = []
    previous_breakdown = False
    for qt in block.rows:
        q = qt.question
        label = Paragraph(escape(question_label(qt)), st.cell)
        if q.type == "yes_no":
            if previous_breakdown:       # the appendix repeats Y | N | Total after a breakdown
                rows.append([""] + head_cells[1:])
                header_rows.append(len(rows) - 1)
                keep.append((len(rows) - 1, len(rows)))
            row = [label, qt.yes, qt.no, qt.total, _rate_cell(qt.yes, qt.total, st)]
            if compare:
                note = "not in baseline" if baseline_ids is not None and q.id not in \
                    baseline_ids else "not compared"
                row.append(_compare_cell((changes or {}).get(q.id), note, st))
            rows.append(row)
            previous_breakdown = False
            continue
        start = len(rows)
        rows.append([label, Paragraph(f"<b>{escape(q.label or 'Answer')}</b>", st.small),
                     Paragraph("<b>Number</b>", st.small), Paragraph("<b>Total</b>", st.small),
                     Paragraph("<b>Share</b>", st.small)] + ([""] if compare else []))
        header_rows.append(start)
        rows.extend(_breakdown_rows(qt, st, compare))
        continuation.update(range(start + 1, len(rows)))
        keep.append((start, len(rows) - 1))
        previous_breakdown = True
    table = Table(rows, colWidths=column_widths(width, compare), repeatRows=1)
    table.setStyle(TableStyle(_style(rows, header_rows, continuation, keep, st.font)))
    return table


def _breakdown_rows(qt: QuestionTally, st: Styles, compare: bool) -> list[list]:
    from reportlab.platypus import Paragraph

    out = []
    for i, (choice, n) in enumerate(qt.counts.items()):
        out.append(["", Paragraph(escape(choice), st.choice), n, qt.total if i == 0 else "",
                    Paragraph(escape(percent(n / qt.total) if qt.total else "–"), st.small)]
                   + ([""] if compare else []))
    return out


def _style(rows: list[list], header_rows: list[int], continuation: set[int],
           keep: list[tuple[int, int]], font: str) -> list[tuple]:
    ncols = len(rows[0])
    cmds: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), font, 9),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (1, 0), (-1, -1), 4),
        ("RIGHTPADDING", (1, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("BOX", (0, 0), (-1, -1), 0.6, GRID),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, GRID),
    ]
    cmds += [("LINEAFTER", (c, 0), (c, -1), 0.4, GRID) for c in range(ncols - 1)]
    for r in range(1, len(rows)):
        cmds.append(("LINEABOVE", (1 if r in continuation else 0, r), (-1, r), 0.4, GRID))
    for r in header_rows:
        cmds.append(("BACKGROUND", (0 if r == 0 else 1, r), (-1, r),
                     HEAD_BG if r == 0 else SUB_BG))
    cmds += [("NOSPLIT", (0, a), (-1, b)) for a, b in keep]
    cmds += [("VALIGN", (0, r), (0, r), "TOP") for r in header_rows if r + 1 in continuation]
    return cmds
