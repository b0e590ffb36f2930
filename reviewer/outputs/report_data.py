"""What the results outputs (PDF, spreadsheet, comparison) share: the audit described in words and
the tally grouped into the appendix's tables. No heavy imports here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewer.analysis.tally import Tally
from reviewer.outputs.sample_text import SAMPLE_LABELS
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo

if TYPE_CHECKING:      # named in annotations only: `reviewer tally` need not load them
    from reviewer.analysis.agreement_result import Agreement
    from reviewer.analysis.weighted import Weighted
    from reviewer.answer_columns import AnswerTable

NOT_RECORDED = "not recorded"

@dataclass
class AuditSummary:
    records: int
    reviewers: list[str]
    first_answer: str | None          # YYYY-MM-DD
    last_answer: str | None
    sample: dict[str, str] = field(default_factory=dict)   # SAMPLE_LABELS keys -> text

    def answered_range(self) -> str:
        if not self.first_answer:
            return NOT_RECORDED
        if self.first_answer == self.last_answer:
            return self.first_answer
        return f"{self.first_answer} to {self.last_answer}"

    def sample_lines(self) -> list[tuple[str, str]]:
        return [(SAMPLE_LABELS[k], self.sample.get(k) or NOT_RECORDED) for k in SAMPLE_LABELS]


@dataclass
class AuditFigures:
    """Everything the results outputs show of one audit (read by ``reviewer.figures``): the
    outputs take this, never the database."""

    audit: AuditInfo
    qs: QuestionSet
    tally: Tally
    summary: AuditSummary
    calibrations: list[tuple[AuditInfo, Agreement]] = field(default_factory=list)
    baseline: AuditInfo | None = None              # a report compared with an earlier audit
    base_tally: Tally | None = None
    # the results and feedback workbooks: a fresh stream of the answers, a batch of
    # records at a time
    answers: Callable[[], AnswerTable] | None = None
    by: str = ""                                   # feedback: the record field grouped by
    groups: list[tuple[str, Tally]] = field(default_factory=list)
    team: Agreement | None = None                  # all the calibration audits together
    weighted: dict[str, Weighted] | None = None    # weighted estimates (unequal strata)


def reviewers_text(names: list[str], limit: int = 12) -> str:
    if not names:
        return NOT_RECORDED
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    return ", ".join(names)
