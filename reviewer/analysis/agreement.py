"""Agreement between two audits of the same question set (docs/contracts.md §8): per question, how
often two scorers gave the same answer to the same record, and Cohen's kappa — that agreement
corrected for what chance alone would give — with its 95% interval.

Records are matched by ``ref``; questions by id and type; ``text`` questions are left out. A
pair is compared when neither answer is blank; n/a (given or not asked) is a category of its
own; a ``multi_choice`` answer is one category (the whole set of labels). Kappa comes from
``statsmodels.stats.inter_rater.cohens_kappa`` (unweighted; ``kappa_low``/``kappa_upp``: kappa ±
1.96 × its large-sample standard error, Fleiss, Cohen & Everitt 1969), clipped to [-1, 1]; both
are ``None`` when nothing is compared or when chance agreement is 1 (every answer in one
category). statsmodels is imported inside the function that uses it.

Landis & Koch's bands are the usual plain-words reading of kappa (:func:`band`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reviewer.analysis.reliability import (
    NO_SPREAD,
    NOTHING,
    ONE_CATEGORY,
    ONE_SIDED,
    PERFECT,
    Figure,
    ac1,
    alpha,
    fleiss,
    mean_pairwise,
    pairwise,
)
from reviewer.analysis.scorers import scorers
from reviewer.analysis.versions import Link, shown
from reviewer.errors import ReviewerError
from reviewer.questions.logic import UNANSWERED, answer_category
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo

BANDS = ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"),
         (0.80, "substantial"), (1.0, "almost perfect"))
LOW_KAPPA = 0.40         # at or below: "fair" or worse — the question needs clearer guidance
# At or above, with kappa below LOW_KAPPA: the kappa paradox (docs/contracts.md §13).
PARADOX_AGREEMENT = 0.85


def band(kappa: float | None) -> str:
    """Landis & Koch (1977): < 0 poor, 0–0.20 slight, 0.21–0.40 fair, 0.41–0.60 moderate,
    0.61–0.80 substantial, 0.81–1 almost perfect."""
    if kappa is None:
        return "not measurable"
    if kappa < 0:
        return "poor"
    for upper, word in BANDS[1:]:
        if kappa <= upper:
            return word
    return BANDS[-1][1]


@dataclass
class Disagreement:
    ref: str
    a: str
    b: str
    answers: tuple[str | None, ...] = ()      # every audit's answer (three or more audits)

    def to_dict(self) -> dict[str, Any]:
        if len(self.answers) > 2:
            return {"ref": self.ref, "answers": list(self.answers)}
        return {"ref": self.ref, "a": self.a, "b": self.b}


@dataclass
class QuestionAgreement:
    id: str
    type: str
    text: str
    compared: int = 0
    agreed: int = 0
    kappa: float | None = None
    kappa_ci: tuple[float, float] | None = None
    disagreements: list[Disagreement] = field(default_factory=list)
    share: float | None = None                 # agreement (mean pairwise with three or more)
    kappa_fig: Figure = field(default_factory=lambda: Figure(None, None, None, NOTHING))
    ac1: Figure = field(default_factory=lambda: Figure(None, None, None, NOTHING))
    alpha: Figure = field(default_factory=lambda: Figure(None, None, None, NOTHING))
    comparable: bool = True
    why: str | None = None                     # "wording changed", or the same_as reason
    wordings: list[dict[str, Any]] = field(default_factory=list)

    @property
    def agreement(self) -> float | None:
        if self.share is not None:
            return self.share
        return self.agreed / self.compared if self.compared else None

    @property
    def paradox(self) -> bool:
        """High agreement but a low kappa: chance agreement is high (one answer dominates)."""
        return (self.agreement is not None and self.agreement >= PARADOX_AGREEMENT
                and self.kappa is not None and self.kappa < LOW_KAPPA)

    @property
    def deciding(self) -> float | None:
        """The figure that judges "low": AC1 where kappa is paradoxical, else kappa."""
        return self.ac1.value if self.paradox else self.kappa

    @property
    def low(self) -> bool:
        return self.deciding is not None and self.deciding <= LOW_KAPPA

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id, "type": self.type, "text": self.text, "compared": self.compared,
            "agreed": self.agreed, "agreement": self.agreement, "kappa": self.kappa,
            "kappa_ci": list(self.kappa_ci) if self.kappa_ci else None,
            "band": band(self.kappa),
            "disagreements": [x.to_dict() for x in self.disagreements],
            "kappa_why": self.kappa_fig.why, "ac1": self.ac1.to_dict(),
            "alpha": self.alpha.to_dict(), "paradox": self.paradox, "low": self.low,
            "comparable": self.comparable, "why": self.why}
        if not self.comparable:
            d["wordings"] = self.wordings
        return d


@dataclass
class Agreement:
    audits: tuple[str, ...]
    records: int
    questions: list[QuestionAgreement]
    overall_figures: QuestionAgreement | None = None
    scorers: list[dict[str, Any]] | None = None

    @property
    def compared(self) -> int:
        return sum(q.compared for q in self.questions)

    @property
    def agreed(self) -> int:
        return sum(q.agreed for q in self.questions)

    def to_dict(self) -> dict[str, Any]:
        overall: dict[str, Any] = {"compared": self.compared, "agreed": self.agreed,
                                   "agreement": self.agreed / self.compared if self.compared
                                   else None}
        o = self.overall_figures
        if o is not None:
            if len(self.audits) > 2:
                overall["agreement"] = o.agreement
            overall.update(kappa=o.kappa, kappa_ci=list(o.kappa_ci) if o.kappa_ci else None,
                           kappa_why=o.kappa_fig.why, ac1=o.ac1.to_dict(),
                           alpha=o.alpha.to_dict(), paradox=o.paradox, low=o.low)
        d = {"audits": list(self.audits), "records": self.records,
             "kappa_method": "cohen" if len(self.audits) == 2 else "fleiss",
             "questions": [q.to_dict() for q in self.questions], "overall": overall}
        if self.scorers is not None:
            d["scorers"] = self.scorers
        return d


def kappa_of(pairs: list[tuple[str, str]]) -> tuple[float | None, tuple[float, float] | None]:
    """Cohen's kappa and its 95% interval for (a, b) category pairs."""
    if not pairs:
        return None, None
    cats = sorted({c for pair in pairs for c in pair})
    index = {c: i for i, c in enumerate(cats)}
    import numpy as np

    table = np.zeros((len(cats), len(cats)))
    for a, b in pairs:
        table[index[a], index[b]] += 1
    n = table.sum()
    chance = float((table.sum(axis=1) * table.sum(axis=0)).sum() / (n * n))
    if chance >= 1 - 1e-12:
        return None, None
    from statsmodels.stats.inter_rater import cohens_kappa

    with np.errstate(invalid="ignore"):
        result = cohens_kappa(table)
    kappa, low, high = float(result.kappa), float(result.kappa_low), float(result.kappa_upp)
    if not (np.isfinite(low) and np.isfinite(high)):
        # Perfect agreement over several categories: the variance comes out a rounding error
        # below zero (no spread): the interval is the point.
        half = 1.959963984540054 * float(np.sqrt(max(float(result.var_kappa), 0.0)))
        low, high = kappa - half, kappa + half
    return kappa, (max(-1.0, min(1.0, low)), max(-1.0, min(1.0, high)))


Scores = tuple[list[str], dict[str, dict[str, tuple]]]
# an audit's record refs in review order, and each ref's (state, value) by question id
# (``store.counts.answers_by_ref``)


MAX_AUDITS = 20


def agreement(audits: Sequence[AuditInfo], sets: Sequence[QuestionSet],
              loaded: Sequence[Scores], lead: tuple[AuditInfo, Scores] | None = None
              ) -> Agreement:
    """Agreement among two or more audits of the same question set (docs/contracts.md §8, §13):
    each audit with its question set and its answers (``reviewer.figures.agreement`` reads
    them); ``lead``: the main audit the copies calibrate, when it is not among them."""
    audits = tuple(audits)
    if len(audits) < 2:
        raise ReviewerError("agreement needs at least two audits (one was given)")
    if len(audits) > MAX_AUDITS:
        raise ReviewerError(f"agreement compares at most {MAX_AUDITS} audits "
                            f"({len(audits)} were given)")
    if len({a.id for a in audits}) < len(audits):
        raise ReviewerError("agreement needs different audits (one was given twice)")
    for a, qs in zip(audits[1:], sets[1:], strict=True):
        if qs.id != sets[0].id:
            raise ReviewerError(f"'{audits[0].name}' uses question set {sets[0].id} and "
                                f"'{a.name}' uses {qs.id}: agreement needs audits of the same "
                                "question set")
    common = _common(list(loaded))
    if not common:
        raise ReviewerError("the audits have no records in common (records are matched by ref): "
                            + ", ".join(f"'{a.name}'" for a in audits))
    from reviewer.analysis.versions import chain, comparable

    linked = chain(list(sets))
    questions: list[QuestionAgreement] = []
    pooled: list[list[str | None]] = []
    for q in sets[0].questions:
        entries = linked[q.id]
        if q.type == "text" or any(e is None for e in entries):
            continue
        same, why = comparable(entries)
        qa_ = QuestionAgreement(q.id, q.type, q.text, comparable=same, why=why)
        if not same:
            qa_.wordings = [shown(e.theirs or q) for e in entries if e is not None]
            qa_.kappa_fig = qa_.ac1 = qa_.alpha = Figure(None, None, None, why)
            questions.append(qa_)
            continue
        ids = [_own_id(e, q.id) for e in entries]
        rows = [[answer_category(*ans.get(ref, {}).get(qid, (UNANSWERED, None)))
                 for (_, ans), qid in zip(loaded, ids, strict=True)] for ref in common]
        _fill(qa_, rows, common)
        pooled.extend(rows)
        questions.append(qa_)
    overall = QuestionAgreement("overall", "", "")
    _fill(overall, pooled, [])
    result = Agreement(tuple(a.name for a in audits), len(common), questions, overall)
    result.scorers = scorers(audits, questions, dict(zip((a.id for a in audits), loaded,
                                                         strict=True)), lead)
    return result


def _common(loaded: list[tuple[list[str], dict]]) -> list[str]:
    others = [set(refs) for refs, _ in loaded[1:]]
    return [ref for ref in loaded[0][0] if all(ref in o for o in others)]


def _own_id(e: Link | None, first_id: str) -> str:
    """The id the question has in that audit's set."""
    return e.theirs.id if e is not None and e.theirs is not None else first_id


def _fill(qa_: QuestionAgreement, rows: list[list[str | None]], refs: list[str]) -> None:
    """Count and compute the figures of one question (or of all, pooled) from its rows."""
    width = len(rows[0]) if rows else 0
    if width == 2 or not rows:
        pairs = [(a, b) for a, b in rows if a is not None and b is not None] if rows else []
        qa_.compared, qa_.agreed = len(pairs), sum(a == b for a, b in pairs)
        qa_.kappa, qa_.kappa_ci = kappa_of(pairs)
        qa_.kappa_fig = _kappa_figure(qa_.kappa, qa_.kappa_ci, pairs)
        for ref, (a, b) in zip(refs, rows, strict=False):
            if a is not None and b is not None and a != b:
                qa_.disagreements.append(Disagreement(ref, a, b))
    else:
        stats = pairwise(rows)
        qa_.compared = sum(s[2] for s in stats)
        qa_.agreed = sum(s[3] for s in stats)
        qa_.share = mean_pairwise(rows)
        qa_.kappa_fig = fleiss(rows)
        qa_.kappa = qa_.kappa_fig.value
        if qa_.kappa_fig.low is not None and qa_.kappa_fig.high is not None:
            qa_.kappa_ci = (qa_.kappa_fig.low, qa_.kappa_fig.high)
        for ref, row in zip(refs, rows, strict=False):
            given = {c for c in row if c is not None}
            if len(given) > 1:
                qa_.disagreements.append(Disagreement(ref, row[0] or "", row[1] or "",
                                                      tuple(row)))
    if rows:
        qa_.ac1, qa_.alpha = ac1(rows), alpha(rows)


def _kappa_figure(kappa: float | None, ci: tuple[float, float] | None,
                  pairs: list[tuple[str, str]]) -> Figure:
    if kappa is None:
        return Figure(None, None, None, NOTHING if not pairs else ONE_CATEGORY)
    if any(len({p[k] for p in pairs}) == 1 for k in (0, 1)):
        return Figure(kappa, None, None, ONE_SIDED)     # kappa is 0 by construction
    if ci is None or ci[1] - ci[0] < 1e-9:
        return Figure(kappa, None, None, PERFECT if kappa >= 1 - 1e-9 else NO_SPREAD)
    return Figure(kappa, ci[0], ci[1], None)
