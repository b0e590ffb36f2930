"""Grade the grader (docs/contracts.md §13, docs/agreement.md, "Scorers against the lead"): each
calibration copy's disagreement with the lead's answers — the main audit the copies calibrate —
per question and overall."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from reviewer.store.audits import AuditInfo

if TYPE_CHECKING:
    import numpy as np

    from reviewer.analysis.grid import Grid


def scorers(audits: tuple[AuditInfo, ...], questions: list[Any], indices: dict[str, int],
            main: AuditInfo | None, grid_of: Callable[[AuditInfo, list[AuditInfo]], Grid]
            ) -> list[dict[str, Any]] | None:
    """Each calibration copy's disagreement rate with the lead's answers (the main audit the
    copies calibrate), per question; None when the audits are not copies of one main audit.
    ``main``: the main audit (``lead_of`` names it); ``indices``: question id -> its index in
    the grids; ``grid_of(a, others)``: the answers of ``a``, then of each audit of
    ``others``, laid on ``a``'s records (``reviewer.analysis.grid``)."""
    main_id = lead_of(audits)
    if main_id is None or main is None or main.id != main_id:
        return None
    team = [a for a in audits if a.id != main.id]
    out = []
    for a in team:
        grid = grid_of(a, [main, *(o for o in team if o.id != a.id)])
        per_q = []
        for q in questions:
            if not q.comparable:
                continue
            j = indices[q.id]
            mine, lead = grid.codes[0][:, j], grid.codes[1][:, j]
            both = (mine > 0) & (lead > 0)
            compared, disagreed = int(both.sum()), int((mine != lead)[both].sum())
            share = disagreed / compared if compared else None
            per_q.append({"id": q.id, "compared": compared, "disagreed": disagreed,
                          "rate": share, "disagreement": share,
                          "majority": _majority(mine, [c[:, j] for c in grid.codes[2:]],
                                                len(grid.cats[j]))})
        total = sum(x["compared"] for x in per_q)
        wrong = sum(x["disagreed"] for x in per_q)
        share = wrong / total if total else None
        out.append({"audit": a.name, "scorer": scorer_name(a.name), "lead": main.name,
                    "compared": total, "disagreed": wrong, "rate": share,
                    "disagreement": share, "questions": per_q})
    return out


def _majority(mine: np.ndarray, others: Sequence[np.ndarray], cats: int) -> dict[str, Any]:
    """The scorer against the other scorers' majority answer (more than half of those who
    answered), over the records that have one."""
    import numpy as np

    votes = np.zeros((len(mine), cats + 1), np.int32)
    rows = np.arange(len(mine))
    for codes in others:
        votes[rows, codes] += 1
    votes[:, 0] = 0                                    # blank: no vote
    top, count, cast = votes.argmax(axis=1), votes.max(axis=1), votes.sum(axis=1)
    has = (mine > 0) & (cast > 0) & (2 * count > cast)
    compared, disagreed = int(has.sum()), int((mine != top)[has].sum())
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
