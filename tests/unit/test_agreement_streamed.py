"""Agreement from answer patterns (docs/performance.md, "Streaming outputs"): Gwet's AC1,
Fleiss' kappa and Krippendorff's alpha computed from each distinct row of answers with its count
equal the packages' own figures on the rows themselves (irrCAC, krippendorff), for every input —
in the per-record form (few records) and the pattern form (many records)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.analysis import reliability
from reviewer.analysis.reliability import Units

CATS = ["Y", "N", "n/a", "Late;Too few"]


@st.composite
def ratings(draw: st.DrawFn) -> list[tuple[str | None, ...]]:
    width = draw(st.integers(2, 4))
    cell = st.one_of(st.none(), st.sampled_from(CATS[:draw(st.integers(1, 4))]))
    return draw(st.lists(st.tuples(*[cell] * width), min_size=1, max_size=40))


def packages(rows: list[tuple[str | None, ...]], method: str) -> tuple[float, float, float]:
    import pandas as pd
    from irrCAC.raw import CAC

    if method == "fleiss":
        rows = [r for r in rows if all(c is not None for c in r)]
    else:
        rows = [r for r in rows if any(c is not None for c in r)]
    cats = sorted({c for r in rows for c in r if c is not None})
    code = {c: float(i) for i, c in enumerate(cats)}
    frame = pd.DataFrame([[np.nan if c is None else code[c] for c in r] for r in rows])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = getattr(CAC(frame, categories=[float(i) for i in range(len(cats))], digits=12),
                      method)()["est"]
    low, high = est["confidence_interval"]
    return float(est["coefficient_value"]), float(low), float(high)


def as_units(rows: list[tuple[str | None, ...]], exact: bool) -> Units:
    units = Units.of_rows(rows)
    return units if exact else Units(units.patterns, units.counts, None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ratings(), exact=st.booleans())
def test_ac1_and_fleiss_from_patterns_equal_irrcac(rows, exact) -> None:
    units = as_units(rows, exact)
    for method, figure in (("gwet", reliability.ac1(units)),
                           ("fleiss", reliability.fleiss(units))):
        if figure.value is None:
            continue
        if figure.why == reliability.ONE_RECORD:          # irrCAC divides by n - 1 = 0
            assert figure.low is None and figure.high is None
            continue
        value, low, high = packages(rows, method)
        assert figure.value == pytest.approx(value, abs=1e-9)
        if figure.low is not None:
            assert (figure.low, figure.high) == pytest.approx(
                (max(-1.0, low), min(1.0, high)), abs=1e-9)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=ratings(), exact=st.booleans())
def test_alpha_from_patterns_equals_krippendorff(rows, exact) -> None:
    from krippendorff import alpha

    figure = reliability.alpha(as_units(rows, exact))
    if figure.value is None:
        return
    usable = [r for r in rows if sum(c is not None for c in r) >= 2]
    cats = sorted({c for r in usable for c in r if c is not None})
    data = np.array([[np.nan if c is None else cats.index(c) for c in r] for r in usable]).T
    expected = float(alpha(reliability_data=data, level_of_measurement="nominal",
                           value_domain=list(range(len(cats)))))
    if exact:
        assert figure.value == expected               # record by record, as before
    else:
        assert figure.value == pytest.approx(expected, abs=1e-12)
    if figure.low is not None:
        assert figure.low <= figure.value + 1e-12 and figure.value <= figure.high + 1e-12


def test_the_pattern_bootstrap_matches_the_record_bootstrap_in_distribution() -> None:
    """Many records: drawing how often each pattern is drawn gives the interval drawing each
    record gives (the same distribution; not the same draws)."""
    rng = np.random.default_rng(7)
    rows = [tuple(rng.choice(["Y", "N", None], p=[0.6, 0.35, 0.05], size=2).tolist())
            for _ in range(3000)]
    rows = [(a, a if rng.random() < 0.8 else b) for a, b in rows]
    per_record = reliability.alpha(Units.of_rows(rows))
    by_pattern = reliability.alpha(as_units(rows, exact=False))
    assert per_record.value == pytest.approx(by_pattern.value, abs=1e-12)
    assert by_pattern.low == pytest.approx(per_record.low, abs=0.02)
    assert by_pattern.high == pytest.approx(per_record.high, abs=0.02)


@settings(max_examples=100, deadline=None)
@given(rows=ratings(), many=st.booleans(), seed=st.integers(0, 1000))
def test_the_patterns_do_not_depend_on_how_the_categories_were_numbered(rows, many,
                                                                        seed) -> None:
    """The grid numbers a question's categories as its answer groups arrive (in any order on
    PostgreSQL): the patterns, so alpha's bootstrap, come out the same for any numbering."""
    from reviewer.analysis import agreement_units

    rows = rows * (reliability.EXACT_UNITS // len(rows) + 1) if many else rows
    cats = sorted({c for r in rows for c in r if c is not None})
    other = list(cats)
    np.random.default_rng(seed).shuffle(other)
    made = []
    for numbering in (cats, other):
        code = {c: k + 1 for k, c in enumerate(numbering)}
        grid = np.array([[code[c] if c is not None else 0 for c in r] for r in rows], np.int16)
        made.append(agreement_units.units(grid, numbering))
    assert made[0].patterns == made[1].patterns
    assert made[0].counts.tolist() == made[1].counts.tolist()
    assert reliability.alpha(made[0]) == reliability.alpha(made[1])
