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

from dataclasses import dataclass, field
from typing import Any

from reviewer.errors import ReviewerError
from reviewer.questions.logic import UNANSWERED, answer_category
from reviewer.questions.model import Question
from reviewer.store.audits import AuditInfo, question_set
from reviewer.store.db import Database

BANDS = ((0.0, "poor"), (0.20, "slight"), (0.40, "fair"), (0.60, "moderate"),
         (0.80, "substantial"), (1.0, "almost perfect"))
LOW_KAPPA = 0.40         # at or below: "fair" or worse — the question needs clearer guidance


def _two(x: float) -> str:
    text = f"{x:.2f}"
    return "0.00" if text == "-0.00" else text      # a hair below zero is not negative


def kappa_text(q: QuestionAgreement) -> str:
    """"0.46 (-0.14 to 1.00)", or "–" when kappa is undefined; the same in every output."""
    if q.kappa is None or q.kappa_ci is None:
        return "–"
    return f"{_two(q.kappa)} ({_two(q.kappa_ci[0])} to {_two(q.kappa_ci[1])})"


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

    @property
    def agreement(self) -> float | None:
        return self.agreed / self.compared if self.compared else None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "text": self.text, "compared": self.compared,
                "agreed": self.agreed, "agreement": self.agreement, "kappa": self.kappa,
                "kappa_ci": list(self.kappa_ci) if self.kappa_ci else None,
                "band": band(self.kappa),
                "disagreements": [{"ref": d.ref, "a": d.a, "b": d.b}
                                  for d in self.disagreements]}


@dataclass
class Agreement:
    audits: tuple[str, str]
    records: int
    questions: list[QuestionAgreement]

    @property
    def compared(self) -> int:
        return sum(q.compared for q in self.questions)

    @property
    def agreed(self) -> int:
        return sum(q.agreed for q in self.questions)

    def to_dict(self) -> dict[str, Any]:
        return {"audits": list(self.audits), "records": self.records,
                "questions": [q.to_dict() for q in self.questions],
                "overall": {"compared": self.compared, "agreed": self.agreed,
                            "agreement": self.agreed / self.compared if self.compared
                            else None}}




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


def _answers(db: Database, audit: AuditInfo) -> tuple[list[str], dict[str, dict[str, tuple]]]:
    refs = [r[0] for r in db.all("SELECT ref FROM record WHERE audit_id = ? ORDER BY seq",
                                 (audit.id,))]
    out: dict[str, dict[str, tuple]] = {}
    for ref, qid, state, value in db.all(
            "SELECT r.ref, a.question_id, a.state, a.value FROM answer a JOIN record r "
            "ON r.id = a.record_id WHERE a.audit_id = ?", (audit.id,)):
        out.setdefault(ref, {})[qid] = (state, value)
    return refs, out


def agreement(db: Database, a: AuditInfo, b: AuditInfo) -> Agreement:
    qa, qb = question_set(db, a), question_set(db, b)
    if qa.id != qb.id:
        raise ReviewerError(f"'{a.name}' uses question set {qa.id} and '{b.name}' uses {qb.id}: "
                            "agreement needs two audits of the same question set")
    if a.id == b.id:
        raise ReviewerError("agreement needs two different audits")
    refs_a, ans_a = _answers(db, a)
    refs_b, ans_b = _answers(db, b)
    in_b = set(refs_b)
    common = [ref for ref in refs_a if ref in in_b]
    questions: list[QuestionAgreement] = []
    for q in _shared(qa.questions, qb.by_id):
        qa_ = QuestionAgreement(q.id, q.type, q.text)
        pairs = []
        for ref in common:
            ca = answer_category(*ans_a.get(ref, {}).get(q.id, (UNANSWERED, None)))
            cb = answer_category(*ans_b.get(ref, {}).get(q.id, (UNANSWERED, None)))
            if ca is None or cb is None:
                continue
            pairs.append((ca, cb))
            if ca == cb:
                qa_.agreed += 1
            else:
                qa_.disagreements.append(Disagreement(ref, ca, cb))
        qa_.compared = len(pairs)
        qa_.kappa, qa_.kappa_ci = kappa_of(pairs)
        questions.append(qa_)
    return Agreement((a.name, b.name), len(common), questions)


def _shared(questions: list[Question], other: dict[str, Question]) -> list[Question]:
    return [q for q in questions if q.type != "text" and q.id in other
            and other[q.id].type == q.type]


def to_text(result: Agreement) -> str:
    a, b = result.audits
    lines = [f"Agreement between '{a}' and '{b}': {result.records} records in both.",
             "Agreement = share of pairs with the same answer (blank answers not compared; "
             "n/a is an answer of its own). Kappa corrects that share for chance: 1 is perfect, "
             "0 no better than chance (Landis & Koch: 0.41-0.60 moderate, 0.61-0.80 "
             "substantial, above 0.80 almost perfect). A low kappa marks a question to clarify.",
             "", f"{'Question':<44} {'pairs':>6} {'agreed':>7} {'kappa (95% CI)':>22}  reading"]
    for q in result.questions:
        label = f"{q.id}. {q.text}"
        label = label if len(label) <= 44 else label[:43] + "…"
        agreed = "–" if q.agreement is None else f"{100 * q.agreement:.0f}%"
        kappa = kappa_text(q)
        flag = "  <- low" if q.kappa is not None and q.kappa <= LOW_KAPPA else ""
        lines.append(f"{label:<44} {q.compared:>6} {agreed:>7} {kappa:>22}  {band(q.kappa)}"
                     f"{flag}")
    overall = result.to_dict()["overall"]
    share = "–" if overall["agreement"] is None else f"{100 * overall['agreement']:.1f}%"
    lines += ["", f"Overall: {overall['agreed']} of {overall['compared']} pairs agreed ({share})."]
    shown = [(q, d) for q in result.questions for d in q.disagreements]
    if shown:
        lines += ["", "Disagreements (ref, question: a / b):"]
        lines += [f"  {d.ref}, {q.id}: {d.a or '(blank)'} / {d.b or '(blank)'}" for q, d in shown]
    return "\n".join(lines) + "\n"
