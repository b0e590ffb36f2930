"""Answer values and ask_if conditions: pure functions shared by import, scoring and tally.

An answer cell is parsed into a ``(state, value)`` pair:

* ``ANSWERED`` with the canonical value (``Y``/``N``, a choice label in the set's spelling, or
  several labels joined by ``;`` in the set's order for ``multi_choice``, or free text);
* ``NA`` — n/a given by someone;
* ``NOT_ASKED`` — the question's ``ask_if`` failed (counts as n/a);
* ``UNANSWERED`` — blank (never stored as an answer row, except to hold a note).
"""

from __future__ import annotations

from collections.abc import Mapping

from reviewer.questions.model import NA_TOKENS, Question, QuestionSet

UNANSWERED, ANSWERED, NA, NOT_ASKED = 0, 1, 2, 3
MULTI_SEP = ";"
YES_NO = {"y": "Y", "yes": "Y", "n": "N", "no": "N"}

Answer = tuple[int, str | None]   # (state, value)
BLANK: Answer = (UNANSWERED, None)
NOT_ASKED_ANSWER: Answer = (NOT_ASKED, None)


class AnswerError(ValueError):
    """A value that the question cannot take."""


def parse_value(q: Question, raw: str | None) -> Answer:
    """Read a cell or a typed answer; raise AnswerError with a user-facing message."""
    text = (raw or "").strip()
    if not text:
        return BLANK
    folded = text.casefold()
    if q.type == "text":
        return (NA, None) if folded in NA_TOKENS else (ANSWERED, text)
    if q.type == "yes_no":
        if folded in YES_NO:
            return ANSWERED, YES_NO[folded]
        if folded in NA_TOKENS:
            return NA, None
        raise AnswerError(f"'{text}' is not an answer to question {q.id} (use Y, N or n/a)")
    labels = {c.casefold(): c for c in q.choices}
    if folded in labels:
        return ANSWERED, labels[folded]
    if folded in NA_TOKENS:
        return NA, None
    if q.type == "multi_choice":
        parts = [p.strip() for p in text.split(MULTI_SEP) if p.strip()]
        bad = [p for p in parts if p.casefold() not in labels]
        if not bad:
            chosen = {labels[p.casefold()] for p in parts}
            return ANSWERED, MULTI_SEP.join(c for c in q.choices if c in chosen)
        text = "; ".join(bad)   # quoted as written, not case-folded
    raise AnswerError(f"'{text}' is not a choice of question {q.id} "
                      f"(choices: {', '.join(q.choices)}, or n/a)")


def format_value(state: int, value: str | None) -> str:
    """The cell text for an answer (export, screen)."""
    if state == ANSWERED:
        return (value or "").replace(MULTI_SEP, "; ")
    if state in (NA, NOT_ASKED):
        return "n/a"
    return ""


def condition(q: Question, states: Mapping[str, Answer]) -> int:
    """1 = asked, 0 = not asked, -1 = pending (a parent is unanswered)."""
    pending = False
    for parent_id, wanted in q.ask_if:
        state, value = states.get(parent_id, BLANK)
        if state == UNANSWERED:
            pending = True
            continue
        if state != ANSWERED:
            return 0
        chosen = value.split(MULTI_SEP) if value else []
        if not any(c in wanted for c in chosen):
            return 0
    return -1 if pending else 1


def evaluate(qset: QuestionSet,
             given: Mapping[str, Answer]) -> tuple[dict[str, Answer], list[tuple[str, str]]]:
    """``resolve`` and ``check`` in one pass: (the full state, the problems)."""
    out: dict[str, Answer] = {}
    problems: list[tuple[str, str]] = []
    for q in qset.questions:
        answer = given.get(q.id, BLANK)
        state = answer[0]
        asked = condition(q, out) if q.ask_if else 1
        if asked == 0:
            out[q.id] = NOT_ASKED_ANSWER
            if state == ANSWERED:
                problems.append((q.id, f"question {q.id} is not asked for this record "
                                       f"({describe_condition(q)}), so it must be blank or n/a"))
            continue
        if asked == -1:            # a parent is unanswered: so is this follow-up
            out[q.id] = BLANK
            if state == ANSWERED:
                waiting = [p for p, _ in q.ask_if if out[p][0] == UNANSWERED]
                problems.append((q.id, f"question {q.id} is asked {describe_condition(q)}, but "
                                       f"{' and '.join(waiting)} is not answered, so {q.id} "
                                       "must be blank"))
                continue
        else:
            out[q.id] = BLANK if state == NOT_ASKED else answer
        if state == NA and not q.na:
            problems.append((q.id, f"question {q.id} does not allow n/a"))
    return out, problems


def resolve(qset: QuestionSet, given: Mapping[str, Answer]) -> dict[str, Answer]:
    """The full state of a record: every question, with not-asked ones marked NOT_ASKED and answers
    to not-asked questions cleared (docs/contracts.md §1: a change that stops a follow-up from being
    asked clears its stored answer); follow-ups of an unanswered parent are unanswered."""
    return evaluate(qset, given)[0]




def describe_condition(q: Question) -> str:
    return " and ".join(f"only when {p} is {' or '.join(w)}" for p, w in q.ask_if)


def history_label(state: int, value: str | None) -> str | None:
    """An answer as the history writes it (docs/contracts.md §6), as in an answer table: ``Y``,
    ``N``, ``n/a`` (given), a label, labels joined with ``;``; None for blank — and for a question
    not asked, which an answer table leaves blank too."""
    if state == ANSWERED:
        return value or ""
    if state == NA:
        return "n/a"
    return None


def answer_category(state: int, value: str | None) -> str | None:
    """An answer as a category for agreement (docs/contracts.md §8): the answer as in an answer
    table, ``n/a`` for n/a given or not asked, None for blank (not compared)."""
    if state == ANSWERED:
        return value or ""
    if state in (NA, NOT_ASKED):
        return "n/a"
    return None
