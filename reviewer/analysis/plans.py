"""Did each action of an improvement plan work? (docs/contracts.md §9)

Each plan item is linked to questions: the ids in its ``questions`` column, else every question
whose ``ref`` ends with the item's ``ref`` as a whole paragraph number (``2.1.1`` links
``LF 2.1.1``, never ``LF 2.1.10`` or ``LF 12.1.1``). For each linked question the Y rate in each
audit (with its Wilson 95% interval), and the first audit against the last as ``reviewer
compare`` judges it: Fisher's exact test, two-sided, p < 0.05, read with the question's
``direction`` — ``improved``, ``worse``, ``no significant change``, or ``not comparable`` when
the question has no Y/N answers (or is not a yes/no question, or is missing) in either. An
item is ``improved`` when some linked question improved and none got worse, ``worse`` when
some got worse, ``no significant change`` when compared and neither, and ``no evidence`` when
nothing linked could be compared.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from reviewer.analysis.stats import NOT_COMPARABLE, compare_counts, rate
from reviewer.analysis.tally import QuestionTally, Tally
from reviewer.analysis.versions import link
from reviewer.errors import ReviewerError
from reviewer.plans_model import PlanItem
from reviewer.questions.model import Question
from reviewer.store.audits import AuditInfo
from reviewer.store.plans import PlanInfo

IMPROVED, WORSE, NO_CHANGE, NO_EVIDENCE = ("improved", "worse", "no significant change",
                                           "no evidence")


def paragraph_links(item_ref: str, question_ref: str) -> bool:
    """Whether a question's ref ends with the item's ref as a whole paragraph number."""
    item_ref, question_ref = item_ref.strip(), question_ref.strip()
    if not item_ref or not question_ref:
        return False
    return re.search(r"(?:^|[^0-9.])" + re.escape(item_ref) + r"$", question_ref) is not None


@dataclass
class QuestionEvidence:
    question: Question
    figures: list[QuestionTally | None]          # per audit (None: not in that audit)
    flag: str = NOT_COMPARABLE
    difference: float | None = None
    p_value: float | None = None
    why: str | None = None          # "wording changed" (not compared), or the same_as reason
    comparable: bool = True

    def to_dict(self, names: list[str]) -> dict[str, Any]:
        q = self.question
        rates = []
        for name, f in zip(names, self.figures, strict=True):
            yes, total = (f.yes, f.total) if f is not None and q.type == "yes_no" else (0, 0)
            r = rate(yes, total)
            entry = {"audit": name, "yes": yes, "total": total, "rate": r.rate,
                     "ci": [r.low, r.high] if r.rate is not None else None}
            if q.target is not None and f is not None:
                entry["target_status"] = f.target_status
            rates.append(entry)
        d = {"id": q.id, "ref": q.ref or None, "text": q.text, "type": q.type, "rates": rates,
             "difference": self.difference, "p_value": self.p_value, "flag": self.flag,
             "comparable": self.comparable, "why": self.why}
        if q.target is not None:
            d.update(target=q.target, direction=q.direction)
        return d


@dataclass
class ItemEvidence:
    item: PlanItem
    linked_by: str                               # "questions" or "paragraph"
    questions: list[QuestionEvidence] = field(default_factory=list)

    @property
    def status(self) -> str:
        flags = [q.flag for q in self.questions if q.flag != NOT_COMPARABLE]
        if not flags:
            return NO_EVIDENCE
        if WORSE in flags:
            return WORSE
        return IMPROVED if IMPROVED in flags else NO_CHANGE

    def overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return bool(self.item.due) and self.item.complete is not True and \
            dt.date.fromisoformat(self.item.due) < today

    def to_dict(self, names: list[str]) -> dict[str, Any]:
        i = self.item
        return {"ref": i.ref, "area": i.area, "due": i.due or None, "owner": i.owner or None,
                "progress": i.progress or None, "updated": i.updated or None,
                "complete": i.complete, "overdue": self.overdue(), "linked_by": self.linked_by,
                "questions": [q.to_dict(names) for q in self.questions],
                "status": self.status}


@dataclass
class PlanStatus:
    plan: PlanInfo
    audits: list[AuditInfo]
    items: list[ItemEvidence]

    def to_dict(self) -> dict[str, Any]:
        names = [a.name for a in self.audits]
        return {"plan": self.plan.name, "audits": names,
                "items": [i.to_dict(names) for i in self.items]}


def plan_status(plan: PlanInfo, audits: list[AuditInfo], tallies: list[Tally]) -> PlanStatus:
    if len(audits) < 2:
        raise ReviewerError("a plan's status needs at least two audits: a baseline and a later "
                            "one (--audits BASELINE LATER ...)")
    if len({a.id for a in audits}) != len(audits):
        raise ReviewerError("each audit may be named only once")
    maps = [t.by_id() for t in tallies]
    order: dict[str, Question] = {}
    for t in reversed(tallies):          # the latest set's asking order first
        for q in t.qset.questions:
            order.setdefault(q.id, q)
    known = {qid: q for qid, q in order.items()}
    out = []
    for item in plan.items:
        if item.questions:
            missing = [qid for qid in item.questions if qid not in known]
            if missing:
                raise ReviewerError(f"plan '{plan.name}' item {item.ref} names question "
                                    f"{', '.join(missing)}, which none of the audits has")
            chosen, how = [known[qid] for qid in item.questions], "questions"
        else:
            chosen = [q for q in order.values() if q.tallied and paragraph_links(item.ref, q.ref)]
            how = "paragraph"
        evidence = ItemEvidence(item, how)
        for q in chosen:
            latest = next((m[q.id].question for m in reversed(maps) if q.id in m), q)
            ev = QuestionEvidence(latest, [m.get(q.id) for m in maps])
            _judge(ev)
            evidence.questions.append(ev)
        out.append(evidence)
    return PlanStatus(plan, list(audits), out)


def _judge(ev: QuestionEvidence) -> None:
    first, last = ev.figures[0], ev.figures[-1]
    if ev.question.type != "yes_no" or first is None or last is None \
            or first.question.type != "yes_no" or last.question.type != "yes_no":
        return
    # docs/contracts.md §13: paired only with the same wording, or same_as
    pair = link(first.question, last.question)
    ev.why, ev.comparable = pair.why, pair.comparable
    if not pair.comparable:
        return
    change = compare_counts(first.yes, first.total, last.yes, last.total,
                            ev.question.direction != "lower")
    ev.flag, ev.difference, ev.p_value = change.flag, change.difference, change.p_value
