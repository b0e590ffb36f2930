"""The result of comparing audits (docs/contracts.md §8, §13): per question and overall, the
agreement, Cohen's (or Fleiss') kappa with its interval, AC1 and alpha, and the disagreements;
what counts as a low figure, and Landis & Koch's bands, the usual plain-words reading of kappa
(:func:`band`). Worked out by ``reviewer.analysis.agreement``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reviewer.analysis.disagreement import Disagreement
from reviewer.analysis.reliability import NOTHING, Figure

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
class QuestionAgreement:
    id: str
    type: str
    text: str
    compared: int = 0
    agreed: int = 0
    kappa: float | None = None
    kappa_ci: tuple[float, float] | None = None
    disagreements: Sequence[Disagreement] = field(default_factory=list)
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

    def to_dict(self, disagreements: bool = True) -> dict[str, Any]:
        """``disagreements=False``: an empty list in their place (written by
        ``outputs.agreement_text.iter_json`` a line at a time)."""
        d: dict[str, Any] = {
            "id": self.id, "type": self.type, "text": self.text, "compared": self.compared,
            "agreed": self.agreed, "agreement": self.agreement, "kappa": self.kappa,
            "kappa_ci": list(self.kappa_ci) if self.kappa_ci else None,
            "band": band(self.kappa),
            "disagreements": ([x.to_dict() for x in self.disagreements] if disagreements
                              else []),
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

    def to_dict(self, disagreements: bool = True) -> dict[str, Any]:
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
             "questions": [q.to_dict(disagreements) for q in self.questions],
             "overall": overall}
        if self.scorers is not None:
            d["scorers"] = self.scorers
        return d
