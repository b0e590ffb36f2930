"""Comparing audits (a baseline and one or more later audits) question by question.

Questions are matched by id. Each later audit is compared with the baseline (the first audit):
the Y rates, their difference with its 95% interval, Fisher's exact p-value and a flag (see
``reviewer.analysis.stats``). A question is paired across audits as ``analysis.versions`` says:
one whose wording (text, choices, conditions, target, direction) changed without a ``same_as``
in the later set is listed as not comparable, with both wordings and no change; one whose type
differs, or that an audit lacks, is not compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reviewer.analysis.stats import Change, Rate, compare_counts, rate
from reviewer.analysis.tally import QuestionTally, Tally
from reviewer.analysis.versions import chain, comparable, shown
from reviewer.errors import ReviewerError
from reviewer.questions.model import Question
from reviewer.store.audits import AuditInfo


def higher_is_better(q: Question) -> bool:
    """A higher Y rate is an improvement unless the question says ``direction: lower``."""
    return q.direction != "lower"


@dataclass
class QuestionComparison:
    id: str
    type: str
    text: str
    figures: list[QuestionTally | None]           # one per audit (None: not in that audit)
    changes: list[Change | None] = field(default_factory=list)   # per later audit vs baseline
    comparable: bool = True
    why: str | None = None          # "wording changed" (not compared), or the same_as reason
    wordings: list[dict[str, Any]] = field(default_factory=list)

    def rates(self) -> list[Rate | None]:
        return [rate(f.yes, f.total) if f is not None and f.question.type == "yes_no" else None
                for f in self.figures]


@dataclass
class Comparison:
    audits: list[AuditInfo]
    tallies: list[Tally]
    questions: list[QuestionComparison]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        names = [a.name for a in self.audits]
        return {
            "baseline": names[0],
            "audits": [{"name": a.name,
                        "question_set": {"id": t.qset.id, "version": t.qset.version},
                        "records": t.records}
                       for a, t in zip(self.audits, self.tallies, strict=True)],
            "questions": [_question_dict(q, names) for q in self.questions],
            "warnings": list(self.warnings),
        }


def _figures_dict(f: QuestionTally | None, name: str) -> dict[str, Any] | None:
    if f is None:
        return None
    d = {"audit": name, **{k: v for k, v in f.to_dict().items()
                           if k not in ("id", "type", "section", "text", "ref", "label")}}
    if f.question.type == "yes_no":
        r = rate(f.yes, f.total)
        d.update(rate=r.rate, ci=[r.low, r.high] if r.rate is not None else None)
    return d


def _question_dict(q: QuestionComparison, names: list[str]) -> dict[str, Any]:
    changes = []
    for name, ch in zip(names[1:], q.changes, strict=True):
        if ch is not None:
            changes.append({"audit": name, "difference": ch.difference,
                            "ci": [ch.low, ch.high] if ch.difference is not None else None,
                            "p_value": ch.p_value, "flag": ch.flag})
    d = {"id": q.id, "type": q.type, "text": q.text,
         "audits": [_figures_dict(f, n) for f, n in zip(q.figures, names, strict=True)],
         "changes": changes, "comparable": q.comparable, "why": q.why}
    if not q.comparable:            # docs/contracts.md §13: no change, interval or p-value
        d["wordings"] = q.wordings
        for entry in d["audits"]:
            if entry is not None:
                entry.pop("ci", None)
    return d


def compare_tallies(audits: Sequence[AuditInfo], tallies: Sequence[Tally]) -> Comparison:
    if len(audits) < 2:
        raise ReviewerError("a comparison needs at least two audits")
    maps = [t.by_id() for t in tallies]
    linked = chain([t.qset for t in tallies]) if len({t.qset.id for t in tallies}) == 1 else {}
    renamed = {(k, e.theirs.id): qid for qid, entries in linked.items()
               for k, e in enumerate(entries) if e and e.theirs and e.theirs.id != qid}
    order: dict[str, None] = {}
    for k, t in enumerate(tallies):
        order.update((q.id, None) for q in t.qset.questions if q.tallied
                     and (k, q.id) not in renamed)
    warnings: list[str] = []
    out = []
    for qid in order:
        entries = linked.get(qid)
        figures = [m.get(e.theirs.id if e is not None and e.theirs is not None else qid)
                   for m, e in zip(maps, entries or [None] * len(maps), strict=True)]
        present = [(a, f) for a, f in zip(audits, figures, strict=True) if f is not None]
        first = present[0][1].question
        qc = QuestionComparison(qid, first.type, first.text, figures)
        missing = [a.name for a, f in zip(audits, figures, strict=True) if f is None]
        if missing:
            warnings.append(f"question {qid} is not in {', '.join(repr(m) for m in missing)}")
        if any(f.question.type != first.type for _, f in present):
            kinds = ", ".join(f"{f.question.type} in '{a.name}'" for a, f in present)
            warnings.append(f"question {qid} changed type ({kinds}): not compared")
        elif entries is not None:
            qc.comparable, qc.why = comparable(entries)
        if not qc.comparable:
            qc.wordings = [shown(f.question) for _, f in present]
            warnings.append(f"question {qid}: not comparable, {qc.why} (see its wordings)")
        base = figures[0]
        for later in figures[1:]:
            qc.changes.append(_change(base, later) if qc.comparable else None)
        out.append(qc)
    return Comparison(list(audits), list(tallies), out, warnings)


def _change(base: QuestionTally | None, later: QuestionTally | None) -> Change | None:
    if base is None or later is None or base.question.type != "yes_no" \
            or later.question.type != "yes_no":
        return None
    return compare_counts(base.yes, base.total, later.yes, later.total,
                          higher_is_better(later.question))


def changes_against(base: Tally, later: Tally) -> dict[str, Change]:
    """Question id -> change from ``base`` to ``later``, for the yes_no questions both have."""
    b = base.by_id()
    out = {}
    for qt in later.questions:
        ch = _change(b.get(qt.question.id), qt)
        if ch is not None:
            out[qt.question.id] = ch
    return out
