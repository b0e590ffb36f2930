"""Grade the grader (docs/contracts.md §13, docs/agreement.md, "Scorers against the lead"): each
calibration copy's disagreement with the lead's answers — the main audit the copies calibrate —
per question and overall."""

from __future__ import annotations

from typing import Any

from reviewer.questions.logic import UNANSWERED, answer_category
from reviewer.store.audits import AuditInfo


def scorers(audits: tuple[AuditInfo, ...], questions: list[Any],
            loaded: dict[int, tuple[list[str], dict]],
            lead: tuple[AuditInfo, tuple[list[str], dict]] | None = None
            ) -> list[dict[str, Any]] | None:
    """Each calibration copy's disagreement rate with the lead's answers (the main audit the
    copies calibrate), per question; None when the audits are not copies of one main audit.
    ``loaded``: each audit's answers by its id; ``lead``: the main audit and its answers when
    it is not among ``audits`` (``lead_of`` names it)."""
    ids = {a.id for a in audits}
    main_id = lead_of(audits)
    if main_id is None:
        return None
    main = next((a for a in audits if a.id == main_id), None)
    if main is None:
        if lead is None or lead[0].id != main_id:
            return None
        main, main_answers = lead[0], lead[1][1]
    else:
        main_answers = loaded[main.id][1]
    team = {a.id: loaded[a.id][1] for a in audits if a.id != main.id and a.id in ids}
    out = []
    for a in audits:
        if a.id not in team:
            continue
        ans = team[a.id]
        others = [v for k, v in team.items() if k != a.id]
        per_q = []
        for q in questions:
            if not q.comparable:
                continue
            compared = disagreed = 0
            for ref, given in ans.items():
                mine = answer_category(*given.get(q.id, (UNANSWERED, None)))
                lead = answer_category(*main_answers.get(ref, {}).get(q.id, (UNANSWERED, None)))
                if mine is None or lead is None:
                    continue
                compared += 1
                disagreed += mine != lead
            share = disagreed / compared if compared else None
            per_q.append({"id": q.id, "compared": compared, "disagreed": disagreed,
                          "rate": share, "disagreement": share,
                          "majority": _majority(ans, others, q.id)})
        total = sum(x["compared"] for x in per_q)
        wrong = sum(x["disagreed"] for x in per_q)
        share = wrong / total if total else None
        out.append({"audit": a.name, "scorer": scorer_name(a.name), "lead": main.name,
                    "compared": total, "disagreed": wrong, "rate": share,
                    "disagreement": share, "questions": per_q})
    return out


def _majority(mine: dict, others: list[dict], qid: str) -> dict[str, Any]:
    """The scorer against the other scorers' majority answer (more than half of those who
    answered), over the records that have one."""
    compared = disagreed = 0
    for ref, given in mine.items():
        answer = answer_category(*given.get(qid, (UNANSWERED, None)))
        votes = [answer_category(*o.get(ref, {}).get(qid, (UNANSWERED, None))) for o in others]
        votes = [v for v in votes if v is not None]
        top = max(set(votes), key=votes.count) if votes else None
        if answer is None or top is None or 2 * votes.count(top) <= len(votes):
            continue
        compared += 1
        disagreed += answer != top
    return {"compared": compared, "disagreed": disagreed,
            "rate": disagreed / compared if compared else None}


def lead_of(audits: tuple[AuditInfo, ...]) -> int | None:
    """The id of the main audit the calibration copies among ``audits`` calibrate (one of them
    or another), or None when they are not copies of one main audit."""
    targets = {a.calibrates for a in audits if a.id != _lead_id(audits)}
    return next(iter(targets)) if len(targets) == 1 and None not in targets else None


def _lead_id(audits: tuple[AuditInfo, ...]) -> int | None:
    """The main audit among those given, when the others calibrate it."""
    ids = {a.id for a in audits}
    leads = {a.calibrates for a in audits if a.calibrates in ids}
    return leads.pop() if len(leads) == 1 else None


def scorer_name(audit_name: str) -> str:
    """"Calib (alice)" -> "alice": the scorer a team calibration copy is named after."""
    if audit_name.endswith(")") and " (" in audit_name:
        return audit_name[audit_name.rindex(" (") + 2:-1]
    return audit_name
