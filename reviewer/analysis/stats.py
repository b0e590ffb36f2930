"""Rates, confidence intervals and two-audit comparisons, from well-kept library functions.

* The 95% interval of a rate is Wilson's score interval
  (``statsmodels.stats.proportion.proportion_confint(..., method="wilson")``): it behaves at 0%
  and 100% and for small totals, where the textbook "normal" interval does not.
* Two audits are compared per question with Fisher's exact test (``scipy.stats.fisher_exact``,
  two-sided) on the 2x2 table of Y / N counts, and the difference of the two rates gets
  Newcombe's hybrid score interval (``confint_proportions_2indep(..., method="newcomb")``).
* The flag: ``improved`` or ``worse`` when p < 0.05, by the direction of the change in the Y rate
  (Y is the desired answer, so a higher Y rate is better — pass ``higher_is_better=False`` for a
  question where N is the desired answer); else ``no significant change``. A question with no
  Y/N answers in one of the audits is ``not comparable``.

statsmodels and scipy are imported inside the functions: importing this module stays cheap.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, NamedTuple

ALPHA = 0.05
# The normal quantile of the 95% interval, NormalDist().inv_cdf(0.975) to the last bit
# (tests/unit/test_stats_wilson.py): ``statistics`` takes 6 ms to import, a tenth of `tally`'s
# start-up (docs/performance.md, "Start-up without the statistics module").
Z_95 = 1.9599639845400536
IMPROVED, WORSE, NO_CHANGE, NOT_COMPARABLE = ("improved", "worse", "no significant change",
                                              "not comparable")


# NamedTuples, not dataclasses: `reviewer tally` need not import ``dataclasses`` (docs/
# performance.md, "Start-up without dataclasses on the tally's path")
class Rate(NamedTuple):
    """A rate and its interval; when there is a total, 0 <= low <= rate <= high <= 1 always."""

    count: int
    total: int
    rate: float | None            # count / total, None when total is 0
    low: float | None             # Wilson 95% interval
    high: float | None


@lru_cache(maxsize=8192)    # pure, and a plan of 10,000 items asks the same few again and again
def wilson(count: int, total: int, alpha: float = ALPHA) -> tuple[float, float] | None:
    """The Wilson score interval of count/total (None when total is 0).

    The formula of ``statsmodels.stats.proportion.proportion_confint(method="wilson")``, with
    the normal quantile from the standard library, so that ``reviewer tally`` (which judges
    targets) need not import statsmodels; ``tests/unit/test_stats_wilson.py`` checks the two
    agree for every count."""
    if total <= 0:
        return None
    if alpha == ALPHA:
        z = Z_95
    else:
        from statistics import NormalDist

        z = NormalDist().inv_cdf(1 - alpha / 2)
    p, z2 = count / total, z * z
    denom = 1 + z2 / total
    center = (p + z2 / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denom
    low = 0.0 if count == 0 else max(0.0, center - half)       # exact at 0 and n of n
    high = 1.0 if count == total else min(1.0, center + half)
    return low, high


def rate(count: int, total: int) -> Rate:
    """count / total with its Wilson interval, clamped so that low <= rate <= high: in floating
    point the bound at 0% or 100% can land a hair past the rate (7 of 7: high 0.9999999999999999,
    0 of 7: low 2.8e-17), which a chart would draw as a negative error bar."""
    ci = wilson(count, total)
    if ci is None:
        return Rate(count, total, None, None, None)
    value = count / total
    return Rate(count, total, value, min(ci[0], value), max(ci[1], value))


class Change(NamedTuple):
    """One question's change between a baseline ("then") and a later audit ("now")."""

    then: Rate
    now: Rate
    difference: float | None      # now.rate - then.rate
    low: float | None             # 95% interval of the difference (Newcombe)
    high: float | None
    p_value: float | None         # Fisher's exact test, two-sided
    flag: str

    def to_dict(self) -> dict[str, Any]:
        return {**self._asdict(), "then": self.then._asdict(), "now": self.now._asdict()}


@lru_cache(maxsize=8192)    # pure (Change is frozen); Fisher's test costs ~1 ms a call
def compare_counts(y_then: int, n_then: int, y_now: int, n_now: int,
                   higher_is_better: bool = True, alpha: float = ALPHA) -> Change:
    """Compare Y rates: ``y_*`` are the Y counts, ``n_*`` the totals (Y + N)."""
    then, now = rate(y_then, n_then), rate(y_now, n_now)
    if n_then <= 0 or n_now <= 0:
        return Change(then, now, None, None, None, None, NOT_COMPARABLE)
    from scipy.stats import fisher_exact
    from statsmodels.stats.proportion import confint_proportions_2indep

    diff = y_now / n_now - y_then / n_then
    low, high = confint_proportions_2indep(y_now, n_now, y_then, n_then, method="newcomb",
                                           compare="diff", alpha=alpha)
    p = float(fisher_exact([[y_now, n_now - y_now], [y_then, n_then - y_then]])[1])
    return Change(then, now, diff, float(low), float(high), p,
                  flag(diff, p, higher_is_better, alpha))


def flag(difference: float, p_value: float, higher_is_better: bool = True,
         alpha: float = ALPHA) -> str:
    """``improved`` / ``worse`` when significant (p < alpha), else ``no significant change``."""
    if p_value >= alpha or difference == 0:
        return NO_CHANGE
    return IMPROVED if (difference > 0) == higher_is_better else WORSE


def percent(value: float | None, digits: int = 0) -> str:
    """0.1234 -> "12%" (digits=0) or "12.3%"; None -> "–"."""
    if value is None:
        return "–"
    return f"{value * 100:.{digits}f}%"


def rate_text(r: Rate, digits: int = 0) -> str:
    """"10% (6–17%)": the rate with its 95% interval, or "–" without a total."""
    if r.rate is None:
        return "–"
    return f"{percent(r.rate, digits)} ({percent(r.low, digits)[:-1]}–{percent(r.high, digits)})"
