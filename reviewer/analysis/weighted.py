"""Weighted estimates for a sample stratified with unequal sampling fractions (docs/weighted.md).

When some strata were sampled more heavily than others (say more calls from a small area, so it
can be read on its own), pooling the counts over-represents them. With the population N_h of each
stratum known, the Y rate of a yes/no question is estimated by the combined ratio estimator
(Cochran, *Sampling Techniques*, 3rd ed., §6.11):

    R = sum_h (N_h / n_h) y_h  /  sum_h (N_h / n_h) x_h

where, over the n_h records of stratum h with that question answered or n/a, y_h counts the Ys
and x_h the Ys and Ns (n/a leaves the denominator; for a question without n/a, x_h = n_h and R is
the usual stratified mean sum_h W_h p_h). Its variance, with the finite-population correction:

    v(R) = sum_h N_h^2 (1 - n_h / N_h) s_dh^2 / n_h  /  X^2,   d_hi = y_hi - R x_hi

(s_dh^2 the sample variance of d within stratum h; a stratum of one record adds nothing). The 95%
interval is Wilson's score interval at the effective sample size n_eff = R (1 - R) / v(R)
(Kish's design effect; the approach of Korn & Graubard 1998, with Wilson's interval, which holds
near 0% and 100%); when v(R) is 0 or R is 0 or 1, n_eff is the number of Y and N answers. n_eff
is never more than Kish's effective size of the weights (with the strata's finite-population
correction, :func:`kish`): near 0% or 100% a stratum whose sample is all Y has an estimated
variance of 0, which alone would make the interval too narrow. The coverage of this interval is
checked by simulation in ``tests/unit/test_weighted.py``.

A sample's fractions are *unequal* when some stratum's sample size differs from its share of
the whole sample (n N_h / N) by one record or more: a proportional draw (``audit sample
--stratify``) never does, so its figures are unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

METHOD = ("stratified (combined ratio) estimate with finite-population correction; Wilson "
          "interval at the effective sample size")


@dataclass(frozen=True)
class StratumCounts:
    n: int          # records in the stratum with the question answered or n/a
    yes: int
    no: int


@dataclass(frozen=True)
class Weighted:
    rate: float | None
    low: float | None
    high: float | None
    method: str = METHOD

    def to_dict(self) -> dict[str, Any]:
        return {"rate": self.rate, "low": self.low, "high": self.high, "method": self.method}


def unequal(sampled: Mapping[str, int], population: Mapping[str, int]) -> bool:
    """Whether the strata were sampled at unequal fractions (see the module doc)."""
    n, big_n = sum(sampled.values()), sum(population.values())
    if not n or not big_n or len(population) < 2:
        return False
    return any(abs(sampled.get(h, 0) - n * population[h] / big_n) >= 1 for h in population)


def estimate(strata: Mapping[str, StratumCounts], population: Mapping[str, int]) -> Weighted:
    """The weighted Y rate and its interval from each stratum's counts and population."""
    used = {h: c for h, c in strata.items() if c.n > 0 and population.get(h)}
    y_hat = sum(population[h] / c.n * c.yes for h, c in used.items())
    x_hat = sum(population[h] / c.n * (c.yes + c.no) for h, c in used.items())
    if x_hat <= 0:
        return Weighted(None, None, None)
    r = y_hat / x_hat
    var = 0.0
    for h, c in used.items():
        if c.n < 2:
            continue
        big_n = population[h]
        # d = 1 - r for a Y, -r for an N, 0 for an n/a: its mean and sample variance.
        total = c.yes * (1 - r) - c.no * r
        squares = c.yes * (1 - r) ** 2 + c.no * r * r
        s2 = (squares - total * total / c.n) / (c.n - 1)
        var += big_n * big_n * max(0.0, 1 - c.n / big_n) * max(0.0, s2) / c.n
    var /= x_hat * x_hat
    answered = sum(c.yes + c.no for c in used.values())
    n_eff = r * (1 - r) / var if var > 0 and 0 < r < 1 else float(answered)
    n_eff = min(n_eff, kish(used, population))
    ci = wilson_float(r, n_eff) if n_eff > 0 else None
    if ci is None:
        return Weighted(r, None, None)
    return Weighted(r, min(ci[0], r), max(ci[1], r))


def kish(strata: Mapping[str, StratumCounts], population: Mapping[str, int]) -> float:
    """Kish's effective sample size of the Y/N answers, (sum w)^2 / sum w^2 with w_h = N_h / n_h,
    divided by the strata's mean finite-population correction (sum W_h^2 (1 - f_h) / n_h over
    sum W_h^2 / n_h): what the weights alone allow, whatever the answers."""
    rows = [(population[h] / c.n, c.yes + c.no, c.n, population[h]) for h, c in strata.items()]
    s1 = sum(w * x for w, x, _, _ in rows)
    s2 = sum(w * w * x for w, x, _, _ in rows)
    if s2 <= 0:
        return float("inf")
    big_n = sum(p for *_, p in rows)
    with_fpc = sum((p / big_n) ** 2 * (1 - n / p) / n for _, _, n, p in rows)
    without = sum((p / big_n) ** 2 / n for _, _, n, p in rows)
    fpc = with_fpc / without if without else 1.0
    return s1 * s1 / s2 / fpc if fpc > 0 else float("inf")


def wilson_float(p: float, n: float, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson's score interval for a proportion p observed over an effective n (not a whole
    number), the formula of ``statsmodels.stats.proportion.proportion_confint(method="wilson")``
    with count = p * n."""
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return (0.0 if p <= 0 else max(0.0, centre - half), 1.0 if p >= 1 else min(1.0, centre + half))


def weighting(sample: Mapping[str, Any]) -> tuple[str, dict[str, int]] | None:
    """(field, population per stratum) an audit's sample description gives: the figures of
    ``audit population`` if given, else those recorded by a stratified draw."""
    given = sample.get("weights")
    if given:
        return given["by"], dict(given["population"])
    if sample.get("stratify_by") and sample.get("strata_population"):
        return sample["stratify_by"], dict(sample["strata_population"])
    return None


def for_groups(groups: list[tuple[str, Any]], population: Mapping[str, int]
               ) -> dict[str, Weighted] | None:
    """Question id -> weighted estimate for each yes/no question, from the tallies per stratum
    (``analysis.tally.tally_grouped``); None when the fractions are not unequal."""
    records: dict[str, int] = {}
    for value, g in groups:
        records[value.strip()] = records.get(value.strip(), 0) + g.records
    if not unequal(records, population):
        return None
    out: dict[str, Weighted] = {}
    for q in groups[0][1].qset.questions if groups else []:
        if q.type != "yes_no":
            continue
        strata: dict[str, StratumCounts] = {}
        for value, g in groups:
            t = g.by_id()[q.id]
            old = strata.get(value.strip(), StratumCounts(0, 0, 0))
            strata[value.strip()] = StratumCounts(old.n + t.yes + t.no + t.na,
                                                  old.yes + t.yes, old.no + t.no)
        out[q.id] = estimate(strata, population)
    return out
