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

The result's types, the low-kappa thresholds and the bands are in
``reviewer.analysis.agreement_result``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from reviewer.analysis.agreement_result import Agreement, QuestionAgreement
from reviewer.analysis.reliability import (
    NO_SPREAD,
    NOTHING,
    ONE_CATEGORY,
    ONE_SIDED,
    PERFECT,
    Figure,
    Units,
    ac1,
    alpha,
    complete,
    fleiss,
    mean_pairwise,
    pairwise,
    pool,
)
from reviewer.analysis.versions import Link, shown
from reviewer.errors import ReviewerError
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo

if TYPE_CHECKING:
    from reviewer.analysis.grid import Grid


def kappa_of(pairs: list[tuple[str, str]]) -> tuple[float | None, tuple[float, float] | None]:
    """Cohen's kappa and its 95% interval for (a, b) category pairs."""
    return kappa_of_counts(Counter(pairs))


def kappa_of_counts(pairs: Mapping[tuple[str, str], int]
                    ) -> tuple[float | None, tuple[float, float] | None]:
    """:func:`kappa_of` for each (a, b) pair with how many times it was given."""
    if not any(pairs.values()):
        return None, None
    cats = sorted({c for pair, w in pairs.items() if w for c in pair})
    index = {c: i for i, c in enumerate(cats)}
    import numpy as np

    table = np.zeros((len(cats), len(cats)))
    for (a, b), w in pairs.items():
        if w:
            table[index[a], index[b]] += w
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


MAX_AUDITS = 20


class NoRecordsInCommon(ReviewerError):
    """No record was scored in every one of the audits compared."""


def question_ids(sets: Sequence[QuestionSet]) -> list[dict[str, int]]:
    """Per audit, its ids of the questions compared -> their index in the first set (questions
    in every set, not free text): what to read of each audit (``reviewer.figures``)."""
    from reviewer.analysis.versions import chain

    linked = chain(list(sets))
    out: list[dict[str, int]] = [{} for _ in sets]
    for j, q in enumerate(sets[0].questions):
        entries = linked[q.id]
        if q.type == "text" or any(e is None for e in entries):
            continue
        for ids, e in zip(out, entries, strict=True):
            ids[_own_id(e, q.id)] = j
    return out


def check(audits: Sequence[AuditInfo], sets: Sequence[QuestionSet]) -> None:
    """Refuse fewer than two, more than MAX_AUDITS, the same audit twice, or different
    question sets."""
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


def agreement(audits: Sequence[AuditInfo], sets: Sequence[QuestionSet], grid: Grid
              ) -> Agreement:
    """Agreement among two or more audits of the same question set (docs/contracts.md §8, §13):
    each audit with its question set, and their answers laid on the first audit's records
    (``reviewer.figures.agreement`` reads them into ``grid``). Scorers against the lead are
    added by ``reviewer.analysis.scorers``."""
    import numpy as np

    from reviewer.analysis.agreement_units import disagreements, units
    from reviewer.analysis.versions import chain, comparable

    audits = tuple(audits)
    check(audits, sets)
    common = np.nonzero(np.logical_and.reduce(grid.present))[0]
    if not len(common):
        raise NoRecordsInCommon("the audits have no records in common (records are matched by "
                                "ref): "
                            + ", ".join(f"'{a.name}'" for a in audits))
    linked = chain(list(sets))
    questions: list[QuestionAgreement] = []
    pooled: list[Units] = []
    for j, q in enumerate(sets[0].questions):
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
        rows = np.stack([codes[common, j] for codes in grid.codes], axis=1)
        found = units(rows, grid.cats[j])
        _fill(qa_, found, len(audits))
        qa_.disagreements = disagreements(grid, common, rows, j)
        pooled.append(found)
        questions.append(qa_)
    overall = QuestionAgreement("overall", "", "")
    if pooled:
        _fill(overall, pool(pooled), len(audits))
    return Agreement(tuple(a.name for a in audits), len(common), questions, overall)


def _own_id(e: Link | None, first_id: str) -> str:
    """The id the question has in that audit's set."""
    return e.theirs.id if e is not None and e.theirs is not None else first_id


def _fill(qa_: QuestionAgreement, found: Units, width: int) -> None:
    """Count and compute the figures of one question (or of all, pooled) from its units."""
    if width == 2:
        pairs = complete(found)
        counted = {p: int(w) for p, w in zip(pairs.patterns, pairs.counts, strict=True)}
        qa_.compared = pairs.n
        qa_.agreed = sum(w for (a, b), w in counted.items() if a == b)
        qa_.kappa, qa_.kappa_ci = kappa_of_counts(counted)  # type: ignore[arg-type]
        qa_.kappa_fig = _kappa_figure(qa_.kappa, qa_.kappa_ci, pairs)
    else:
        stats = pairwise(found, width)
        qa_.compared = sum(s[2] for s in stats)
        qa_.agreed = sum(s[3] for s in stats)
        qa_.share = mean_pairwise(found, width)
        qa_.kappa_fig = fleiss(found)
        qa_.kappa = qa_.kappa_fig.value
        if qa_.kappa_fig.low is not None and qa_.kappa_fig.high is not None:
            qa_.kappa_ci = (qa_.kappa_fig.low, qa_.kappa_fig.high)
    qa_.ac1, qa_.alpha = ac1(found), alpha(found)


def _kappa_figure(kappa: float | None, ci: tuple[float, float] | None, pairs: Units) -> Figure:
    if kappa is None:
        return Figure(None, None, None, NOTHING if not pairs.n else ONE_CATEGORY)
    given = [p for p, w in zip(pairs.patterns, pairs.counts, strict=True) if w]
    if any(len({p[k] for p in given}) == 1 for k in (0, 1)):
        return Figure(kappa, None, None, ONE_SIDED)     # kappa is 0 by construction
    if ci is None or ci[1] - ci[0] < 1e-9:
        return Figure(kappa, None, None, PERFECT if kappa >= 1 - 1e-9 else NO_SPREAD)
    return Figure(kappa, ci[0], ci[1], None)
