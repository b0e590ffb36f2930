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

Each figure is a :class:`Figure`: ``value`` is None with a ``why`` when it cannot be computed
(nothing compared; every answer in one category, where chance agreement is certain); ``low`` and
``high`` are None with a ``why`` when no interval can be given (a single record; no spread, so
the interval would have zero width).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

Row = Sequence[str | None]

BOOTSTRAP = 1000
SEED = 20121031
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


def categories(rows: Sequence[Row]) -> list[str]:
    return sorted({c for row in rows for c in row if c is not None})


def pairable(rows: Sequence[Row]) -> list[Row]:
    """The records with at least two answers (the others carry no agreement)."""
    return [row for row in rows if sum(c is not None for c in row) >= 2]


def _frame(rows: Sequence[Row], cats: list[str]):
    import numpy as np
    import pandas as pd

    code = {c: float(i) for i, c in enumerate(cats)}
    data = [[np.nan if c is None else code[c] for c in row] for row in rows]
    return pd.DataFrame(data, columns=[f"r{i}" for i in range(len(rows[0]))])


def _not_computable(rows: Sequence[Row]) -> Figure | None:
    usable = pairable(rows)
    if not usable:
        return Figure(None, None, None, NOTHING)
    if len(categories(usable)) < 2:
        return Figure(None, None, None, ONE_CATEGORY)
    return None


def _cac(rows: Sequence[Row], method: str) -> Figure:
    """AC1 (``gwet``) or Fleiss' kappa (``fleiss``) from irrCAC, unrounded."""
    import warnings

    try:
        from irrCAC.raw import CAC
    except ImportError:
        from reviewer.errors import ReviewerError

        raise ReviewerError("Gwet's AC1 and Fleiss' kappa need the irrCAC package: install it "
                            "with  pip install --no-deps irrCAC==0.4.4  (docs/agreement.md)"
                            ) from None

    cats = categories(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # The categories are given: irrCAC's own list counts a blank (NaN) as one under pandas 3.
        cac = CAC(_frame(rows, cats), categories=[float(i) for i in range(len(cats))], digits=12)
        est = getattr(cac, method)()["est"]
    low, high = est["confidence_interval"]
    units = sum(1 for row in rows if any(c is not None for c in row))
    return _interval(float(est["coefficient_value"]), low, high, units)


def ac1(rows: Sequence[Row]) -> Figure:
    """Gwet's AC1 over every answer given (records with one answer count towards the chance
    term, as Gwet's missing-data form has it)."""
    return _not_computable(rows) or _cac([r for r in rows if any(c is not None for c in r)],
                                         "gwet")


def fleiss(rows: Sequence[Row]) -> Figure:
    """Fleiss' kappa over the records every audit answered."""
    complete = [row for row in rows if all(c is not None for c in row)]
    return _not_computable(complete) or _cac(complete, "fleiss")


def alpha(rows: Sequence[Row]) -> Figure:
    """Krippendorff's alpha (nominal) over every answer given, with a bootstrap interval."""
    bad = _not_computable(rows)
    if bad:
        return bad
    import numpy as np
    from krippendorff import alpha as k_alpha

    usable = pairable(rows)
    cats = categories(usable)
    code = {c: i for i, c in enumerate(cats)}
    data = np.array([[np.nan if c is None else code[c] for c in row] for row in usable]).T
    value = float(k_alpha(reliability_data=data, level_of_measurement="nominal",
                          value_domain=list(range(len(cats)))))
    # Per record: how many answers fall in each category, and its agreeing pairs over (m - 1);
    # alpha of a resample is a function of their weighted sums (nominal coincidence matrix).
    counts = np.array([[sum(c == cat for c in row) for cat in cats] for row in usable], float)
    m = counts.sum(axis=1)
    agree = (counts * (counts - 1)).sum(axis=1) / (m - 1)
    rng = np.random.default_rng(SEED)
    weights = rng.multinomial(len(usable), np.full(len(usable), 1 / len(usable)), BOOTSTRAP)
    n_c = weights @ counts
    n = n_c.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        boot = 1 - (n - 1) * (n - weights @ agree) / (n * n - (n_c * n_c).sum(axis=1))
    boot = boot[np.isfinite(boot)]
    if len(boot) < BOOTSTRAP // 2:
        return Figure(value, None, None, PERFECT if value >= 1 - 1e-9 else NO_SPREAD)
    low, high = np.percentile(boot, [2.5, 97.5])
    return _interval(value, float(low), float(high), len(usable))


def pairwise(rows: Sequence[Row]) -> list[tuple[int, int, int, int]]:
    """For each pair of audits (i, j): (i, j, compared, agreed) over the records both
    answered."""
    width = len(rows[0]) if rows else 0
    out = []
    for i, j in combinations(range(width), 2):
        both = [(row[i], row[j]) for row in rows if row[i] is not None and row[j] is not None]
        out.append((i, j, len(both), sum(a == b for a, b in both)))
    return out


def mean_pairwise(rows: Sequence[Row]) -> float | None:
    """The mean, over the pairs of audits that compared anything, of their share agreed."""
    shares = [agreed / compared for _, _, compared, agreed in pairwise(rows) if compared]
    return sum(shares) / len(shares) if shares else None
