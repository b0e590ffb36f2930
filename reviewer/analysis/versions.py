"""Question versions (docs/question-sets.md, "Question versions"): when a question of one audit
is the same question as one of another audit's.

An audit keeps the question set it was scored with, so every question keeps its wording: text,
choices, ``ask_if``, ``target`` and ``direction`` (:func:`wording`, and its :func:`digest`).
Across audits a question is paired by id, or by the id the later set names with
``same_as: "<id>"``; the pair is comparable when the wording is identical, or when the later set
says ``same_as`` with a ``why`` (shown in outputs). Otherwise it is not comparable, "wording
changed", and no change, interval, p-value or trend point is given for it. The later set is the
one with the higher version (the second one given when the versions are equal).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from reviewer.questions.model import Question, QuestionSet

WORDING_CHANGED = "wording changed"
TYPE_CHANGED = "type changed"


def wording(q: Question) -> dict[str, Any]:
    """What a scorer answered: the text, choices, conditions, target and direction."""
    return {"text": q.text.strip(), "choices": list(q.choices),
            "ask_if": {k: list(v) for k, v in q.ask_if}, "target": q.target,
            "direction": q.direction if q.type == "yes_no" else None}


def digest(q: Question) -> str:
    return hashlib.sha256(json.dumps(wording(q), sort_keys=True,
                                     ensure_ascii=False).encode()).hexdigest()


def shown(q: Question) -> dict[str, Any]:
    """The wording as outputs list it, with its digest."""
    return {**wording(q), "digest": digest(q)}


@dataclass(frozen=True)
class Link:
    """One question followed from an earlier set into a later one."""

    earlier: Question
    later: Question
    comparable: bool
    why: str | None          # the ``same_as`` reason, or why it is not comparable
    theirs: Question | None = None   # the question as the other audit's set words it

    def wordings(self) -> list[dict[str, Any]]:
        return [wording(self.earlier), wording(self.later)]


def link(earlier: Question, later: Question) -> Link:
    if earlier.type != later.type:
        return Link(earlier, later, False, TYPE_CHANGED)
    if later.same_as and later.same_as == earlier.id and wording(earlier) != wording(later):
        return Link(earlier, later, True, later.same_as_why or None)
    if wording(earlier) == wording(later):
        return Link(earlier, later, True, None)
    return Link(earlier, later, False, WORDING_CHANGED)


def counterpart(earlier: QuestionSet, later_q: Question) -> Question | None:
    """The question of the earlier set that ``later_q`` continues (its ``same_as`` or its id)."""
    return earlier.by_id.get(later_q.same_as or later_q.id)


def links(first: QuestionSet, other: QuestionSet) -> dict[str, Link]:
    """For each question of ``first``: its link to the same question of ``other`` (either may be
    the later set; the one with the higher version is), keyed by ``first``'s question id."""
    if other is first or other.to_json() == first.to_json():
        return {q.id: Link(q, q, True, None, q) for q in first.questions}
    out: dict[str, Link] = {}
    if other.version > first.version:
        for q in other.questions:
            before = counterpart(first, q)
            if before is not None:
                out[before.id] = replace(link(before, q), theirs=q)
    else:
        for q in first.questions:
            after = counterpart(other, q)
            if after is not None:
                out[q.id] = replace(link(after, q), theirs=after)
    return out


def chain(sets: Sequence[QuestionSet]) -> dict[str, list[Link | None]]:
    """For each question of the first set: its link into each of the sets (None where a set has
    no such question; the first set's own entry links the question to itself)."""
    first = sets[0]
    per_set = [links(first, s) for s in sets]
    return {q.id: [m.get(q.id) for m in per_set] for q in first.questions}


def comparable(entries: Sequence[Link | None]) -> tuple[bool, str | None]:
    """Whether a question can be compared across every audit that has it, and why not (or the
    ``same_as`` reasons, joined, when it can)."""
    present = [e for e in entries if e is not None]
    for e in present:
        if not e.comparable:
            return False, e.why
    reasons = sorted({e.why for e in present if e.why})
    return True, "; ".join(reasons) or None
