"""Tally output for the command line: JSON (docs/contracts.md §3), appendix-style text, and CSV."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from typing import Any

from reviewer.analysis.tally import QuestionTally, Tally
from reviewer.analysis.targets import target_text
from reviewer.analysis.weighted import METHOD, Weighted
from reviewer.files.cells import SafeCells
from reviewer.store.audits import AuditInfo

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
        return f"Signed off by {audit.signed_off_by} on {audit.signed_off_at[:10]}"
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
        out[-1:-1] = [f"Weighted: the strata were sampled at unequal fractions; \"weighted\" "
                      f"lines give the {METHOD}.", ""]
    by_id = t.by_id()
    text_w = width - 24
    for section in t.qset.sections:
        rows = [by_id[q.id] for q in t.qset.section_questions(section.id) if q.tallied]
        if not rows:
            continue
        if section.title:
            out.append(section.heading)
        out.append(f"{'Question':<{text_w}} {'Y':>6} {'N':>6} {'Total':>7}")
        for qt in rows:
            out.extend(_text_rows(qt, text_w))
            if weighted and qt.question.id in weighted:
                out.append("    " + weighted_text(weighted[qt.question.id], qt))
        out.append("")
    return "\n".join(out)


def weighted_text(w: Weighted, qt: QuestionTally) -> str:
    """"weighted 62% (95% CI 55% to 69%); unweighted 58%" — beside the plain figure."""
    from reviewer.outputs.numbers import percent

    plain = percent(qt.yes / qt.total) if qt.total else "–"
    if w.rate is None:
        return f"weighted: not estimable (no Y/N answers); unweighted {plain}"
    ci = (f" (95% CI {percent(w.low)} to {percent(w.high)})" if w.low is not None
          and w.high is not None and w.high > w.low else " (CI not estimable)")
    return f"weighted {percent(w.rate)}{ci}; unweighted {plain}"


def _text_rows(qt: QuestionTally, text_w: int) -> list[str]:
    lines = textwrap.wrap(qt.question.caption(with_ref=True), text_w) or [""]
    q = qt.question
    if q.type == "yes_no":
        head = f"{lines[0]:<{text_w}} {qt.yes:>6} {qt.no:>6} {qt.total:>7}"
        target = [f"    {target_text(q.target, q.direction, qt.target_status)}"] \
            if q.target is not None else []
        return [head] + lines[1:] + target
    out = list(lines)
    label = q.label or "Answer"
    out.append(f"    {label:<{text_w - 4}} {'Number':>13} {'Total':>7}")
    for i, (choice, n) in enumerate(qt.counts.items()):
        total = f"{qt.total:>7}" if i == 0 else ""
        out.append(f"    {choice:<{text_w - 4}} {n:>13} {total}".rstrip())
    return out


CSV_HEADER = ["section", "id", "question", "ref", "option", "Y", "N", "number", "total", "na",
              "unanswered", "target", "target_status"]


def csv_rows(t: Tally) -> list[list[Any]]:
    rows: list[list[Any]] = []
    by_id = t.by_id()
    for section in t.qset.sections:
        for q in t.qset.section_questions(section.id):
            qt = by_id[q.id]
            if not q.tallied:
                continue
            base = [section.title, q.id, q.text, q.ref]
            if q.type == "yes_no":
                target = [q.target, qt.target_status] if q.target is not None else ["", ""]
                rows.append(base + ["", qt.yes, qt.no, "", qt.total, qt.na, qt.unanswered]
                            + target)
                continue
            for i, (choice, n) in enumerate(qt.counts.items()):
                extra = [qt.total, qt.na, qt.unanswered] if i == 0 else ["", "", ""]
                rows.append(base + [choice, "", "", n] + extra + ["", ""])
    return rows


def to_csv(t: Tally) -> str:
    """The tally as CSV text, cells following the cell rules (docs/contracts.md §5: no formulas)."""
    cells = SafeCells()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(map(cells.row, csv_rows(t)))
    return buf.getvalue()


def to_grouped_csv(by: str, groups: list[tuple[str, Tally]]) -> str:
    """One CSV table for ``tally --by FIELD``: the group's value first, then the columns of
    ``to_csv``, one block of rows per group (a blank value stays blank)."""
    first = by if by not in CSV_HEADER else f"{by} (group)"
    cells = SafeCells()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cells.row([first, *CSV_HEADER]))
    for value, t in groups:
        writer.writerows(cells.row([value, *row]) for row in csv_rows(t))
    return buf.getvalue()
