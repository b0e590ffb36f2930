"""Dip sampling: draw an audit's records at random from its imported incident list.

The procedure is deterministic, so the same list, size, stratification field and seed always
give the same sample (and anyone can re-draw it to check):

1. The population is the audit's incidents in list order (``incident.seq``: the file's row
   order). ``rng = random.Random(seed)``; with no seed, one is chosen with
   ``secrets.randbelow(10**6)`` and returned and stored.
2. Simple random sampling (without replacement): ``rng.sample(range(N), n)`` picks positions in
   that list.
3. Stratified (proportional allocation): incidents are grouped by the trimmed text of the field
   (a blank value is a stratum of its own, ``""``; values are case-sensitive); strata are sorted
   by value. Stratum h of N_h incidents gets floor(n * N_h / N) draws; the draws left over go one
   each to the strata with the largest remainders (n * N_h mod N, exact integers), ties going to
   the stratum earlier in value order (largest-remainder rounding). The sizes add up to exactly
   n, and each differs from the exact proportional share by less than 1. A small stratum can get
   0 draws: nothing is forced into the sample. Then, stratum by stratum in value order, the same
   ``rng`` draws ``rng.sample(members, n_h)`` from the stratum's members in list order.
4. The chosen incidents become the audit's records **in list order** (not draw order), appended
   after any existing records, with the ref and fields copied. A chosen ref that is already a
   record of the audit (drawn before or imported with answers) is skipped and reported.

The description stored on the audit (``audits.set_sample``) says how it was drawn:
``population``, ``size``, ``method`` ("simple random" | "stratified (proportional)"), ``seed``,
``drawn_at``, ``source`` (the list's file name), and for stratified samples ``stratify_by``,
``strata`` ({value: n_h}, every stratum, zeros included) and ``strata_population``
({value: N_h}); plus ``added`` and ``skipped`` (record counts).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from reviewer.errors import ReviewerError

SIMPLE = "simple random"
STRATIFIED = "stratified (proportional)"


@dataclass
class SampleResult:
    """What a draw did (``reviewer.ops.sampling.draw_sample`` returns it)."""

    population: int
    size: int
    seed: int
    method: str
    refs: list[str]                          # the sample, in list order
    added: int                               # records created
    skipped: list[str] = field(default_factory=list)   # refs that were already records
    strata: dict[str, int] = field(default_factory=dict)
    description: dict[str, Any] = field(default_factory=dict)


def sample_size(population: int, size: int | None = None, percent: float | None = None) -> int:
    """The sample size asked for: ``size``, or ``percent`` of the population rounded up."""
    if (size is None) == (percent is None):
        raise ReviewerError("give either a sample size or a percentage of the list, not both")
    if percent is not None:
        if not 0 < percent <= 100:
            raise ReviewerError(f"the percentage must be more than 0 and at most 100, "
                                f"not {percent:g}")
        size = max(1, math.ceil(round(population * percent / 100, 9)))
    assert size is not None
    if size < 1:
        raise ReviewerError(f"the sample size must be at least 1, not {size}")
    if size > population:
        raise ReviewerError(f"the sample size {size} is larger than the incident list "
                            f"({population} incidents)")
    return size


def allocate(n: int, strata_sizes: dict[str, int]) -> dict[str, int]:
    """Proportional allocation of n draws with largest-remainder rounding (see module doc)."""
    total = sum(strata_sizes.values())
    values = sorted(strata_sizes)
    out = {v: n * strata_sizes[v] // total for v in values}
    left = n - sum(out.values())
    order = sorted(range(len(values)), key=lambda i: (-(n * strata_sizes[values[i]] % total), i))
    for i in order[:left]:
        out[values[i]] += 1
    return out


def choose(rows: list[tuple], n: int, seed: int,
           stratified: bool) -> tuple[list[int], dict[str, int], dict[str, int]]:
    """The positions (in list order) of the sample drawn from ``rows`` (incidents in list order,
    each ``(seq, ref, fields, stratum)``), and for a stratified draw the draws and the
    population per stratum (see the module doc)."""
    rng = random.Random(seed)
    strata: dict[str, int] = {}
    strata_population: dict[str, int] = {}
    if not stratified:
        chosen = rng.sample(range(len(rows)), n)
    else:
        members: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            members.setdefault("" if row[3] is None else str(row[3]).strip(), []).append(i)
        strata_population = {v: len(members[v]) for v in sorted(members)}
        strata = allocate(n, strata_population)
        chosen = []
        for value in sorted(members):
            chosen.extend(rng.sample(members[value], strata[value]))
    chosen.sort()
    return chosen, strata, strata_population


def suggest_sample_size(expected_rate: float, margin: float, population: int | None = None,
                        confidence: float = 0.95) -> int:
    """How many records to review so a rate near ``expected_rate`` is estimated to within
    ``margin`` (half the width of its ``confidence`` interval; 0.05 = ±5 points).

    n0 is statsmodels' ``samplesize_confint_proportion`` (normal approximation,
    n0 = z² p (1 - p) / margin²); with a ``population`` N, the finite-population correction
    n = n0 / (1 + (n0 - 1) / N) is applied to the unrounded n0. Rounded up, at least 1 and at
    most N. E.g. p = 0.5, margin 0.05, 95%: 385; with N = 1000: 278."""
    if not 0 <= expected_rate <= 1:
        raise ReviewerError(f"the expected rate must be between 0 and 1, not {expected_rate:g}")
    if not 0 < margin < 1:
        raise ReviewerError(f"the margin must be more than 0 and less than 1, not {margin:g}")
    if not 0 < confidence < 1:
        raise ReviewerError(f"the confidence must be more than 0 and less than 1, "
                            f"not {confidence:g}")
    if population is not None and population < 1:
        raise ReviewerError(f"the population must be at least 1, not {population}")
    from statsmodels.stats.proportion import samplesize_confint_proportion

    n = float(samplesize_confint_proportion(expected_rate, margin, alpha=1 - confidence))
    if population is not None:
        n = n / (1 + (n - 1) / population)
    n = max(1, math.ceil(round(n, 9)))
    return min(n, population) if population is not None else n
