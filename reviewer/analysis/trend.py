"""A trend with control limits (docs/contracts.md §13, docs/trend.md): a p-chart of each yes/no
question's Y rate over three or more audits, in the order given.

* The centre line is the pooled Y rate of the baseline audits (the first K; by default the first
  half, rounded down, and at least two): sum of Ys over sum of Y and N answers.
* Limits for audit i, of n_i Y/N answers: centre ± 3 sqrt(centre (1 - centre) / n_i), clipped to
  [0, 1] (Montgomery, *Introduction to Statistical Quality Control*, 7th ed., §7.2.2, the
  p-chart with variable sample size).
* Laney's p′ chart (Laney 2002, "Improved control charts for attributes", Quality Engineering
  14(4)): z_i = (p_i - centre) / sqrt(centre (1 - centre) / n_i); σz = the mean moving range of
  the baseline audits' z-scores ÷ 1.128 (d2 for ranges of two); when σz > 1 the data are
  overdispersed and the half-width is multiplied by σz (method "laney"), else the plain p-chart.
* Signals, each named in the output: ``above``/``below`` — rule 1, a point beyond a limit;
  ``run`` — rule 2, eight points in a row on the same side of the centre line (Western Electric
  rule 4, Nelson rule 2 with eight), marked on the eighth and later points of the run.

Questions are paired across audits by ``reviewer.analysis.versions``: one whose wording changed
gets ``"comparable": false`` and no points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reviewer.analysis.tally import Tally
from reviewer.analysis.versions import chain, comparable, shown
from reviewer.errors import ReviewerError

D2 = 1.128
RUN = 8
RULES = {"above": "rule 1: a point above the upper control limit",
         "below": "rule 1: a point below the lower control limit",
         "run": f"rule 2: {RUN} points in a row on the same side of the centre line"}


@dataclass
class Point:
    audit: str
    n: int
    yes: int
    rate: float | None
    lcl: float | None = None
    ucl: float | None = None
    signal: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"audit": self.audit, "n": self.n, "yes": self.yes, "rate": self.rate,
                "lcl": self.lcl, "ucl": self.ucl, "signal": self.signal}


@dataclass
class QuestionTrend:
    id: str
    text: str
    comparable: bool
    why: str | None = None
    method: str | None = None
    centre: float | None = None
    sigma_z: float | None = None
    points: list[Point] = field(default_factory=list)
    wordings: list[dict[str, Any]] = field(default_factory=list)
    plan_items: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "text": self.text, "comparable": self.comparable,
                             "why": self.why, "method": self.method, "centre": self.centre,
                             "sigma_z": self.sigma_z,
                             "points": [p.to_dict() for p in self.points]}
        if not self.comparable:
            d["wordings"] = self.wordings
        if self.plan_items:
            d["plan_items"] = self.plan_items
        return d


@dataclass
class Trend:
    audits: list[str]
    baseline: int
    questions: list[QuestionTrend]

    def to_dict(self) -> dict[str, Any]:
        return {"audits": self.audits, "baseline": self.audits[: self.baseline],
                "rules": RULES, "questions": [q.to_dict() for q in self.questions]}


def baseline_size(audits: int, given: int | None) -> int:
    if audits < 3:
        raise ReviewerError(f"a trend needs three audits or more ({audits} given)")
    if given is None:
        return max(2, audits // 2)
    if not 2 <= given <= audits:
        raise ReviewerError(f"--baseline must be between 2 and {audits} (the number of "
                            f"audits), not {given}")
    return given


def trend(names: Sequence[str], tallies: Sequence[Tally], baseline: int | None = None,
          questions: Sequence[str] | None = None) -> Trend:
    """The p-chart of each yes/no question (or of ``questions``, ids of the first audit's set)."""
    k = baseline_size(len(tallies), baseline)
    sets = [t.qset for t in tallies]
    if len({s.id for s in sets}) > 1:
        used = ", ".join(f"'{n}' uses {s.id}" for n, s in zip(names, sets, strict=True))
        raise ReviewerError(f"a trend needs audits of one question set ({used})")
    linked = chain(sets)
    wanted = [q for q in sets[0].questions if q.type == "yes_no"]
    if questions:
        unknown = [qid for qid in questions if qid not in sets[0].by_id]
        if unknown:
            raise ReviewerError(f"question set {sets[0].id} has no question "
                                f"{', '.join(unknown)}")
        wanted = [q for q in wanted if q.id in questions]
    out = []
    for q in wanted:
        entries = linked[q.id]
        if any(e is None for e in entries):
            missing = [n for n, e in zip(names, entries, strict=True) if e is None]
            out.append(QuestionTrend(q.id, q.text, False, "not in " + ", ".join(
                f"'{m}'" for m in missing)))
            continue
        same, why = comparable(entries)
        if not same:
            out.append(QuestionTrend(q.id, q.text, False, why,
                                     wordings=[shown(e.theirs or q) for e in entries if e]))
            continue
        counts = []
        for t, e in zip(tallies, entries, strict=True):
            qt = t.by_id()[e.theirs.id if e and e.theirs else q.id]
            counts.append((qt.yes, qt.yes + qt.no))
        qtr = QuestionTrend(q.id, q.text, True, why)
        chart(qtr, list(names), counts, k)
        out.append(qtr)
    return Trend(list(names), k, out)


def chart(qtr: QuestionTrend, names: list[str], counts: list[tuple[int, int]], k: int,
          laney: bool | None = None) -> None:
    """Fill in the centre, limits and signals from (Y, Y + N) per audit; ``laney`` forces the
    method (None: Laney's p′ when σz > 1)."""
    qtr.points = [Point(n, total, yes, yes / total if total else None)
                  for n, (yes, total) in zip(names, counts, strict=True)]
    base_yes = sum(y for y, _ in counts[:k])
    base_n = sum(n for _, n in counts[:k])
    qtr.method = "p"
    if not base_n:
        return
    centre = base_yes / base_n
    qtr.centre = centre
    spread = centre * (1 - centre)
    z = [(p.rate - centre) / math.sqrt(spread / p.n) if p.n and spread > 0 else None
         for p in qtr.points[:k]]
    ranges = [abs(b - a) for a, b in zip(z, z[1:], strict=False) if a is not None
              and b is not None]
    if ranges:
        qtr.sigma_z = sum(ranges) / len(ranges) / D2
    if laney if laney is not None else (qtr.sigma_z is not None and qtr.sigma_z > 1):
        qtr.method = "laney"
    factor = qtr.sigma_z if qtr.method == "laney" else 1.0
    for p in qtr.points:
        if not p.n:
            continue
        half = 3 * math.sqrt(spread / p.n) * factor
        p.lcl, p.ucl = max(0.0, centre - half), min(1.0, centre + half)
        if p.rate is not None and p.rate > p.ucl:
            p.signal = "above"
        elif p.rate is not None and p.rate < p.lcl:
            p.signal = "below"
    side, length = 0, 0
    for p in qtr.points:
        s = 0 if p.rate is None or p.rate == centre else (1 if p.rate > centre else -1)
        length = length + 1 if s and s == side else (1 if s else 0)
        side = s
        if length >= RUN and p.signal is None:
            p.signal = "run"


def period(created_at: str, dates: Sequence[str]) -> str:
    """When an audit's records happened: the latest of their ``date`` fields (YYYY-MM-DD or
    DD/MM/YYYY), else the day the audit was created."""
    from reviewer.files.plan_table import parse_date

    parsed = []
    for text in dates:
        try:
            parsed.append(parse_date(text))
        except ValueError:
            continue
    return max(parsed) if parsed else created_at[:10]


def add_plan_items(result: Trend, items: Sequence[Any], periods: Sequence[str],
                   linked: Any) -> None:
    """Mark each plan item's due date on the questions it is linked to (``linked(item, qid)``):
    ``after`` is the last audit whose period is on or before the due date (None: before all)."""
    for q in result.questions:
        for item in items:
            if not item.due or not linked(item, q.id):
                continue
            before = [name for name, p in zip(result.audits, periods, strict=True)
                      if p <= item.due]
            q.plan_items.append({"ref": item.ref, "area": item.area, "due": item.due,
                                 "after": before[-1] if before else None})
