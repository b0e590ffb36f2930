"""Tally output for the command line: JSON (docs/contracts.md §3), appendix-style text, and CSV."""

from __future__ import annotations

import io
import json
import textwrap
from typing import TYPE_CHECKING, Any

from reviewer.analysis.tally import QuestionTally, Tally
from reviewer.outputs.results_rows import (
    BREAKDOWN,
    CHOICE,
    YES_NO,
    ResultRow,
    block_rows,
    blocks,
    result_rows,
)
from reviewer.store.audits import AuditInfo

if TYPE_CHECKING:       # csv, cells and weighted figures load where used: `tally` starts fast
    from reviewer.analysis.weighted import Weighted

NA_NOTE = ("Any not applicable (n/a) answers have not been counted in the totals, so for some "
           "questions the total may be less than the number of records.")


def tally_dict(audit: AuditInfo, t: Tally,
               weighted: dict[str, Weighted] | None = None) -> dict[str, Any]:
    """The docs/contracts.md §3 document; ``weighted`` (docs/contracts.md §13) adds each yes/no
    question's weighted estimate."""
    weighted = weighted or {}
    return {
        "audit": audit.name,
        "question_set": {"id": t.qset.id, "version": t.qset.version},
        "records": t.records,
        "questions": [q.to_dict() | ({"weighted": weighted[q.question.id].to_dict()}
                                     if q.question.id in weighted else {})
                      for q in t.questions],
        "signed_off": {"by": audit.signed_off_by, "at": audit.signed_off_at}
        if audit.signed_off else None,
    }


def sign_off_line(audit: AuditInfo) -> str:
    """"Signed off by WHO on DATE", or DRAFT: what every output says of its figures."""
    if audit.signed_off:
        desk = " (desk file: names not verified)" if getattr(audit, "desk", False) else ""
        return audit.signed_off_text[:1].upper() + audit.signed_off_text[1:] + desk
    return "DRAFT: not signed off"


def grouped_dict(audit: AuditInfo, overall: Tally, by: str,
                 groups: list[tuple[str, Tally]]) -> dict[str, Any]:
    d = tally_dict(audit, overall)
    d["by"] = by
    d["groups"] = [{"value": value, "records": g.records,
                    "questions": [q.to_dict() for q in g.questions]} for value, g in groups]
    return d


def to_json(d: dict[str, Any]) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False)


def to_text(audit: AuditInfo, t: Tally, width: int = 100,
            weighted: dict[str, Weighted] | None = None) -> str:
    out = [f"{audit.name} — {t.qset.title} (version {t.qset.version})",
           sign_off_line(audit) + ".", f"{t.records} records. {NA_NOTE}", ""]
    if weighted:
        from reviewer.analysis.weighted import METHOD

        out[-1:-1] = [f"Weighted: the strata were sampled at unequal fractions; \"weighted\" "
                      f"lines give the {METHOD}.", ""]
    text_w = width - 24
    for block in blocks(t):
        if block.heading:
            out.append(block.heading)
        out.append(f"{'Question':<{text_w}} {'Y':>6} {'N':>6} {'Total':>7}")
        for row in block_rows(block):
            out.extend(_text_lines(row, text_w))
            if weighted and row.kind == YES_NO and row.qt is not None \
                    and row.qt.question.id in weighted:
                out.append("    " + weighted_text(weighted[row.qt.question.id], row.qt))
        out.append("")
    return "\n".join(out)


def _text_lines(row: ResultRow, text_w: int) -> list[str]:
    qt = row.qt
    if row.kind == CHOICE and qt is not None:
        total = f"{qt.total:>7}" if row.first else ""
        return [f"    {row.option:<{text_w - 4}} {row.number:>13} {total}".rstrip()]
    if row.kind not in (YES_NO, BREAKDOWN) or qt is None:
        return []                   # the text repeats no column heads
    lines = textwrap.wrap(row.text, text_w) or [""]
    if row.kind == BREAKDOWN:
        return lines + [f"    {row.option:<{text_w - 4}} {'Number':>13} {'Total':>7}"]
    head = f"{lines[0]:<{text_w}} {qt.yes:>6} {qt.no:>6} {qt.total:>7}"
    return [head] + lines[1:] + ([f"    {row.target}"] if row.target else [])


def weighted_text(w: Weighted, qt: QuestionTally) -> str:
    """"weighted 62% (95% CI 55% to 69%); unweighted 58%" — beside the plain figure."""
    from reviewer.outputs.numbers import percent

    plain = percent(qt.yes / qt.total) if qt.total else "–"
    if w.rate is None:
        return f"weighted: not estimable (no Y/N answers); unweighted {plain}"
    ci = (f" (95% CI {percent(w.low)} to {percent(w.high)})" if w.low is not None
          and w.high is not None and w.high > w.low else " (CI not estimable)")
    return f"weighted {percent(w.rate)}{ci}; unweighted {plain}"


CSV_HEADER = ["section", "id", "question", "ref", "option", "Y", "N", "number", "total", "na",
              "unanswered", "target", "target_status"]


def csv_rows(t: Tally) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for row in result_rows(t):
        qt = row.qt
        if qt is None or row.kind not in (YES_NO, CHOICE):
            continue
        q = qt.question
        base = [row.block.section.title, q.id, q.text, q.ref]
        if row.kind == YES_NO:
            target = [q.target, qt.target_status] if q.target is not None else ["", ""]
            rows.append(base + ["", qt.yes, qt.no, "", qt.total, qt.na, qt.unanswered] + target)
        else:
            extra = [qt.total, qt.na, qt.unanswered] if row.first else ["", "", ""]
            rows.append(base + [row.option, "", "", row.number] + extra + ["", ""])
    return rows


def _csv_writer() -> tuple[Any, io.StringIO, Any]:
    """(the cell rules, the text buffer, a CSV writer into it)."""
    import csv

    from reviewer.files.cells import SafeCells

    buf = io.StringIO()
    return SafeCells(), buf, csv.writer(buf, lineterminator="\n")


def to_csv(t: Tally) -> str:
    """The tally as CSV text, cells following the cell rules (docs/contracts.md §5: no formulas)."""
    cells, buf, writer = _csv_writer()
    writer.writerow(CSV_HEADER)
    writer.writerows(map(cells.row, csv_rows(t)))
    return buf.getvalue()


def to_grouped_csv(by: str, groups: list[tuple[str, Tally]]) -> str:
    """One CSV table for ``tally --by FIELD``: the group's value first, then the columns of
    ``to_csv``, one block of rows per group (a blank value stays blank)."""
    first = by if by not in CSV_HEADER else f"{by} (group)"
    cells, buf, writer = _csv_writer()
    writer.writerow(cells.row([first, *CSV_HEADER]))
    for value, t in groups:
        writer.writerows(cells.row([value, *row]) for row in csv_rows(t))
    return buf.getvalue()
