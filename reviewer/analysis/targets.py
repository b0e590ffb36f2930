"""Targets (docs/contracts.md §9): is a yes/no question's Y rate at its standard, judged from the
Wilson 95% interval rather than the rate alone, so a small sample is not over-read.

With ``direction: higher`` (more Y is better): "met" when the interval's lower bound is at or
above the target, "not met" when its upper bound is below it; with ``direction: lower``: "met"
when the upper bound is at or below the target, "not met" when the lower bound is above it;
otherwise — and when there are no Y/N answers — "inconclusive"."""

from __future__ import annotations

from reviewer.analysis.stats import wilson

MET, NOT_MET, INCONCLUSIVE = "met", "not met", "inconclusive"


def target_status(yes: int, total: int, target: float, direction: str = "higher") -> str:
    ci = wilson(yes, total)
    if ci is None:
        return INCONCLUSIVE
    low, high = ci
    if direction == "lower":
        if high <= target:
            return MET
        return NOT_MET if low > target else INCONCLUSIVE
    if low >= target:
        return MET
    return NOT_MET if high < target else INCONCLUSIVE


def target_label(target: float, direction: str, status: str) -> str:
    """"≥ 70%: not met" (a Target column's cell)."""
    sign = "≤" if direction == "lower" else "≥"
    return f"{sign} {target * 100:g}%: {status}"


def target_text(target: float, direction: str, status: str) -> str:
    """"target ≥ 70%: not met" for people: the same words in every output."""
    return f"target {target_label(target, direction, status)}"
