"""The tally engine: Y | N | Total per question, breakdowns per choice.

The database counts (``store.counts``: one ``GROUP BY question_id, state, value`` over the
audit's answers); this module only shapes the few hundred resulting rows. The tally of an audit
in the database is ``reviewer.figures.tally``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from reviewer.questions.logic import MULTI_SEP, NA, NOT_ASKED, UNANSWERED
from reviewer.questions.model import Question, QuestionSet


class QuestionTally:
    """One question's counts. A plain class, not a dataclass: `reviewer tally` need not import
    ``dataclasses`` (docs/performance.md, "Start-up without dataclasses on the tally's path")."""

    __slots__ = ("question", "yes", "no", "counts", "answered", "na", "unanswered")

    def __init__(self, question: Question, yes: int = 0, no: int = 0,
                 counts: dict[str, int] | None = None, answered: int = 0, na: int = 0,
                 unanswered: int = 0) -> None:
        self.question, self.yes, self.no = question, yes, no
        self.counts: dict[str, int] = {} if counts is None else counts
        self.answered = answered   # records with an answer (not n/a, not blank)
        self.na = na               # n/a given + not asked
        self.unanswered = unanswered

    def _key(self) -> tuple:
        return (self.question, self.yes, self.no, self.counts, self.answered, self.na,
                self.unanswered)

    def __eq__(self, other: object) -> bool:
        return (other._key() == self._key() if other.__class__ is self.__class__
                else NotImplemented)

    __hash__ = None         # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return (f"QuestionTally(question={self.question!r}, yes={self.yes}, no={self.no}, "
                f"counts={self.counts!r}, answered={self.answered}, na={self.na}, "
                f"unanswered={self.unanswered})")

    @property
    def total(self) -> int:
        return self.yes + self.no if self.question.type == "yes_no" else self.answered

    def to_dict(self) -> dict[str, Any]:
        q = self.question
        d: dict[str, Any] = {"id": q.id, "type": q.type, "section": q.section or None,
                             "text": q.text, "ref": q.ref or None}
        if q.type == "yes_no":
            d.update(yes=self.yes, no=self.no)
        elif q.type == "text":
            d["answered"] = self.answered
        else:
            d["label"] = q.label or None
            d["counts"] = dict(self.counts)
        d.update(na=self.na, unanswered=self.unanswered)
        if q.type != "text":
            d["total"] = self.total
        if q.target is not None:
            d.update(target=q.target, direction=q.direction, target_status=self.target_status)
        return d

    @property
    def target_status(self) -> str | None:
        """met / not met / inconclusive for a question with a target (docs/contracts.md §9),
        else None."""
        q = self.question
        if q.target is None:
            return None
        from reviewer.analysis.targets import target_status

        return target_status(self.yes, self.total, q.target, q.direction)


class Tally:
    """An audit's tally: its question set, its number of records, each question's counts."""

    __slots__ = ("qset", "records", "questions")

    def __init__(self, qset: QuestionSet, records: int, questions: list[QuestionTally]) -> None:
        self.qset, self.records, self.questions = qset, records, questions

    def __eq__(self, other: object) -> bool:
        return ((self.qset, self.records, self.questions)
                == (other.qset, other.records, other.questions)
                if other.__class__ is self.__class__ else NotImplemented)

    __hash__ = None         # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Tally(qset={self.qset!r}, records={self.records}, questions={self.questions!r})"

    def by_id(self) -> dict[str, QuestionTally]:
        return {t.question.id: t for t in self.questions}


def build(qs: QuestionSet, records: int, rows: list[tuple]) -> Tally:
    """The tally of ``records`` records from (question id, state, value, n) rows
    (``store.counts.tally_rows``)."""
    tallies = {q.id: QuestionTally(q, counts={c: 0 for c in q.choices}) for q in qs.questions}
    seen: dict[str, int] = defaultdict(int)
    for qid, state, value, n in rows:
        t = tallies.get(qid)
        if t is None:
            continue
        if state == UNANSWERED:       # a note on a blank answer: still unanswered
            continue
        seen[qid] += n
        if state in (NA, NOT_ASKED):
            t.na += n
            continue
        t.answered += n
        if t.question.type == "yes_no":
            if value == "Y":
                t.yes += n
            else:
                t.no += n
        elif t.question.type != "text":
            for label in (value or "").split(MULTI_SEP):
                if label in t.counts:
                    t.counts[label] += n
    for qid, t in tallies.items():
        t.unanswered = records - seen[qid]
    return Tally(qs, records, list(tallies.values()))


def grouped(qs: QuestionSet, counts: list[tuple], rows: list[tuple]
            ) -> tuple[Tally, list[tuple[str, Tally]]]:
    """The whole audit's tally and one per group, from (group, records) ``counts`` and
    (group, question, state, value, n) ``rows`` (``store.counts.grouped_rows``): every record
    is in exactly one group, so the groups' counts add up to the whole."""
    by_group: dict[str, list[tuple]] = defaultdict(list)
    whole: dict[tuple, int] = defaultdict(int)
    for g, qid, state, value, n in rows:
        by_group[_group(g)].append((qid, state, value, n))
        whole[qid, state, value] += n
    records: dict[str, int] = defaultdict(int)
    for g, n in counts:
        records[_group(g)] += n
    overall = build(qs, sum(records.values()), [(*k, n) for k, n in whole.items()])
    return overall, [(g, build(qs, records[g], by_group[g]))
                     for g in sorted(records, key=_natural)]


def _group(value: Any) -> str:
    return "" if value is None else str(value)


def _natural(value: str) -> tuple:
    return (value == "", value.casefold())
