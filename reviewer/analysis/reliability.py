"""Chance-corrected agreement among any number of scorings of the same records (docs/agreement.md).

The input is a ratings matrix: one row per record (unit), one column per audit (rater), each cell
a category (a string) or ``None`` when that audit left the answer blank. The figures come from
the field's packages, imported inside the functions that use them:

* Cohen's kappa (two audits): ``statsmodels.stats.inter_rater.cohens_kappa`` (see
  ``reviewer.analysis.agreement.kappa_of``);
* Fleiss' kappa (three or more audits, over the records every audit answered): value and 95%
  interval from ``irrCAC.raw.CAC(...).fleiss()`` (Gwet's variance, a t interval), which for
  complete data is the kappa of ``statsmodels.stats.inter_rater.fleiss_kappa``;
* Gwet's AC1 in its missing-data form, with its interval: ``irrCAC.raw.CAC(...).gwet()``;
* Krippendorff's alpha (nominal): ``krippendorff.alpha``; its 95% interval is a percentile
  bootstrap over records (``BOOTSTRAP`` resamples drawn with ``numpy.random.default_rng(SEED)``,
  so the same answers always give the same interval).

The ratings arrive as :class:`Units`: each distinct row (pattern) once, with how many records
gave it. The figures are sums over records of what each record's pattern contributes, so they
are computed over the patterns, weighted, in time and memory that do not grow with the records
(docs/performance.md, "Streaming outputs"); irrCAC's and krippendorff's formulas are followed
term by term and the results rounded as irrCAC rounds them (12 digits), so they equal the
packages' own on the rows. Up to ``EXACT_UNITS`` records, alpha is computed record by record, as
before; above, from the patterns, and the bootstrap draws how many times each pattern is drawn
(one multinomial draw over the patterns, which has the distribution of drawing the records).

Each figure is a :class:`Figure`: ``value`` is None with a ``why`` when it cannot be computed
(nothing compared; every answer in one category, where chance agreement is certain); ``low`` and
``high`` are None with a ``why`` when no interval can be given (a single record; no spread, so
the interval would have zero width).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:     # numpy is imported where it is used: `reviewer tally` starts fast
    import numpy as np

Row = Sequence[str | None]
Pattern = tuple[str | None, ...]

BOOTSTRAP = 1000
SEED = 20121031
EXACT_UNITS = 5_000        # up to this many records, alpha is computed record by record
NOTHING = "nothing compared"
ONE_CATEGORY = "every answer the same"
ONE_RECORD = "one record only"
NO_SPREAD = "no spread between records"
PERFECT = "perfect agreement"
ONE_SIDED = "one audit gave a single answer throughout"


@dataclass(frozen=True)
class Figure:
    value: float | None
    low: float | None = None
    high: float | None = None
    why: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "why": self.why}


def _clip(x: float) -> float:
    return max(-1.0, min(1.0, float(x)))


def _interval(value: float, low: float, high: float, units: int) -> Figure:
    import math

    if units < 2:
        return Figure(value, None, None, ONE_RECORD)
    if not (math.isfinite(low) and math.isfinite(high)) or high - low < 1e-9:
        return Figure(value, None, None, PERFECT if value >= 1 - 1e-9 else NO_SPREAD)
    return Figure(value, _clip(low), _clip(high), None)


@dataclass
class Units:
    """Records (units) grouped by their row of answers: ``patterns[p]`` was given by
    ``counts[p]`` records; ``order`` (at most EXACT_UNITS records) is each record's pattern
    index in record order, for the bootstrap."""

    patterns: list[Pattern]
    counts: np.ndarray
    order: np.ndarray | None = None

    @classmethod
    def of_rows(cls, rows: Sequence[Row]) -> Units:
        import numpy as np

        index: dict[Pattern, int] = {}
        order = [index.setdefault(tuple(row), len(index)) for row in rows]
        counts = np.bincount(np.array(order, np.int64), minlength=len(index))
        return cls(list(index), counts.astype(np.int64),
                   np.array(order, np.int64) if len(order) <= EXACT_UNITS else None)

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    def where(self, keep: Sequence[bool]) -> Units:
        """The units whose pattern passes ``keep`` (one flag per pattern)."""
        import numpy as np

        flags = np.array(keep, bool) if len(keep) else np.zeros(0, bool)
        kept = np.nonzero(flags)[0]
        new = np.full(len(self.patterns), -1, np.int64)
        new[kept] = np.arange(len(kept))
        order = None
        if self.order is not None:
            order = new[self.order]
            order = order[order >= 0]
        return Units([self.patterns[k] for k in kept], self.counts[kept], order)

    def categories(self) -> list[str]:
        return sorted({c for p, w in zip(self.patterns, self.counts, strict=True) if w
                       for c in p if c is not None})

    def matrix(self, cats: list[str]) -> np.ndarray:
        """Per pattern, how many answers fall in each category (float)."""
        import numpy as np

        code = {c: i for i, c in enumerate(cats)}
        out = np.zeros((len(self.patterns), len(cats)))
        for p, pattern in enumerate(self.patterns):
            for c in pattern:
                if c is not None:
                    out[p, code[c]] += 1
        return out


def pool(parts: Sequence[Units]) -> Units:
    """Units of several questions pooled, in question order."""
    import numpy as np

    index: dict[Pattern, int] = {}
    counts: list[int] = []
    orders = []
    exact = sum(u.n for u in parts) <= EXACT_UNITS
    for u in parts:
        mapped = np.array([index.setdefault(p, len(index)) for p in u.patterns], np.int64)
        counts += [0] * (len(index) - len(counts))
        for k, w in zip(mapped, u.counts, strict=True):
            counts[k] += int(w)
        if exact and u.order is not None:
            orders.append(mapped[u.order])
    order = (np.concatenate(orders) if orders else np.zeros(0, np.int64)) if exact else None
    return Units(list(index), np.array(counts, np.int64), order)


def answered(units: Units) -> Units:
    return units.where([any(c is not None for c in p) for p in units.patterns])


def pairable(units: Units) -> Units:
    """The records with at least two answers (the others carry no agreement)."""
    return units.where([sum(c is not None for c in p) >= 2 for p in units.patterns])


def complete(units: Units) -> Units:
    return units.where([all(c is not None for c in p) for p in units.patterns])


def _not_computable(units: Units) -> Figure | None:
    usable = pairable(units)
    if not usable.n:
        return Figure(None, None, None, NOTHING)
    if len(usable.categories()) < 2:
        return Figure(None, None, None, ONE_CATEGORY)
    return None


def _cac(units: Units, method: str) -> Figure:
    """AC1 (``gwet``) or Fleiss' kappa (``fleiss``), irrCAC's formulas (identity weights, no
    finite-population correction, a t interval), rounded to 12 digits as the project asks of
    irrCAC."""
    import numpy as np
    from scipy import stats

    cats = units.categories()
    r, w = units.matrix(cats), units.counts.astype(float)
    n, q = float(w.sum()), len(cats)
    ri = r.sum(axis=1)
    two = ri >= 2
    sum_q = (r * (r - 1)).sum(axis=1)
    n2more = float(w[two].sum())
    pa = float((w[two] * (sum_q[two] / (ri[two] * (ri[two] - 1)))).sum() / n2more)
    pi = ((w / n)[:, None] * (r / ri[:, None])).sum(axis=0)
    den = ri * (ri - 1)
    pa_i = sum_q / (den - (den == 0))
    if method == "gwet":
        pe = float(q * (pi * (1 - pi)).sum() / (q * (q - 1)))
        value = np.float64((pa - pe) / (1 - pe))
        pe_i = (q / (q * (q - 1))) * (r @ (1 - pi)) / ri
    else:
        pe = float((pi * pi).sum())
        value = (pa - pe) / (1 - pe)
        pe_i = (r @ pi) / ri
    each = (n / n2more) * (pa_i - pe * two) / (1 - pe)
    each = each - 2 * (1 - value) * (pe_i - pe) / (1 - pe)
    shown = float(np.round(value, 12)) if method == "gwet" else round(float(value), 12)
    if n < 2:
        return Figure(shown, None, None, ONE_RECORD)
    stderr = float(np.sqrt((w * (each - value) ** 2).sum() / (n * (n - 1)))) or 1e-15
    low, high = stats.t.interval(0.95, df=n - 1, scale=stderr, loc=value)
    high = min(1, high)
    return _interval(shown, float(np.round(low, 12)), float(np.round(high, 12)), int(n))


def ac1(units: Units) -> Figure:
    """Gwet's AC1 over every answer given (records with one answer count towards the chance
    term, as Gwet's missing-data form has it)."""
    return _not_computable(units) or _cac(answered(units), "gwet")


def fleiss(units: Units) -> Figure:
    """Fleiss' kappa over the records every audit answered."""
    whole = complete(units)
    return _not_computable(whole) or _cac(whole, "fleiss")


def alpha(units: Units) -> Figure:
    """Krippendorff's alpha (nominal) over every answer given, with a bootstrap interval:
    ``krippendorff.alpha``'s coincidence matrix, summed over the patterns."""
    import numpy as np

    bad = _not_computable(units)
    if bad:
        return bad
    usable = pairable(units)
    cats = usable.categories()
    counts = usable.matrix(cats)
    if usable.order is not None:                  # few records: each one, as the package has it
        from krippendorff import alpha as k_alpha

        counts = counts[usable.order]
        value = float(k_alpha(value_counts=counts.astype(np.int64),
                              level_of_measurement="nominal", value_domain=list(range(len(cats)))))
        w = np.ones(len(counts))
    else:
        value = _alpha_value(counts, usable.counts.astype(float))
    # Per record (or pattern): its agreeing pairs over (m - 1); alpha of a resample is a
    # function of their weighted sums (nominal coincidence matrix).
    m = counts.sum(axis=1)
    agree = (counts * (counts - 1)).sum(axis=1) / (m - 1)
    if usable.order is not None:
        rng = np.random.default_rng(SEED)
        weights = rng.multinomial(len(w), np.full(len(w), 1 / len(w)), BOOTSTRAP)
    else:
        weights = np.random.default_rng(SEED).multinomial(
            usable.n, usable.counts / usable.n, BOOTSTRAP).astype(float)
    n_c = weights @ counts
    n = n_c.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = 1 - (n - 1) * (n - weights @ agree) / (n * n - (n_c * n_c).sum(axis=1))
    boot = boot[np.isfinite(boot)]
    if len(boot) < BOOTSTRAP // 2:
        return Figure(value, None, None, PERFECT if value >= 1 - 1e-9 else NO_SPREAD)
    low, high = np.percentile(boot, [2.5, 97.5])
    return _interval(value, float(low), float(high), usable.n)


def _alpha_value(counts: np.ndarray, w: np.ndarray) -> float:
    """``krippendorff.alpha`` (nominal) from each pattern's category counts and how many
    records gave it: its coincidence matrix is a sum over records."""
    import numpy as np

    m = counts.sum(axis=1)
    eye = np.eye(counts.shape[1])
    o = (w[:, None, None] * (counts[:, :, None] * counts[:, None, :]
                             - counts[:, None, :] * eye[None])
         / (m - 1)[:, None, None]).sum(axis=0)
    n_v = o.sum(axis=0)
    e = (np.outer(n_v, n_v) - np.diagflat(n_v)) / (n_v.sum() - 1)
    d = 1 - eye
    return float(1 - (o * d).sum() / (e * d).sum())


def pairwise(units: Units, width: int) -> list[tuple[int, int, int, int]]:
    """For each pair of audits (i, j): (i, j, compared, agreed) over the records both
    answered."""
    out = []
    for i, j in combinations(range(width), 2):
        compared = agreed = 0
        for p, w in zip(units.patterns, units.counts, strict=True):
            if p[i] is not None and p[j] is not None:
                compared += int(w)
                agreed += int(w) if p[i] == p[j] else 0
        out.append((i, j, compared, agreed))
    return out


def mean_pairwise(units: Units, width: int) -> float | None:
    """The mean, over the pairs of audits that compared anything, of their share agreed."""
    shares = [agreed / compared for _, _, compared, agreed in pairwise(units, width) if compared]
    return sum(shares) / len(shares) if shares else None
