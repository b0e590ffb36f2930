"""The Wilson interval is statsmodels' (computed without importing it on the tally path), and
targets are judged from it at their boundaries (docs/contracts.md §9)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from reviewer.analysis.stats import wilson
from reviewer.analysis.targets import INCONCLUSIVE, MET, NOT_MET, target_status


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_is_statsmodels(kn):
    k, n = kn
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    ours = wilson(k, n)
    assert ours == pytest.approx((max(0.0, low), min(1.0, high)), abs=1e-12)
    assert 0.0 <= ours[0] <= k / n + 1e-12 and k / n - 1e-12 <= ours[1] <= 1.0


def test_no_interval_without_answers():
    assert wilson(0, 0) is None
    assert target_status(0, 0, 0.7) == INCONCLUSIVE


def lowest_k_meeting(n: int, target: float) -> int:
    return next(k for k in range(n + 1) if wilson(k, n)[0] >= target)


@pytest.mark.parametrize("n", [10, 100, 1000])
def test_higher_targets_at_their_boundaries(n):
    k = lowest_k_meeting(n, 0.7)
    assert target_status(k, n, 0.7) == MET
    assert target_status(k - 1, n, 0.7) == INCONCLUSIVE       # one fewer Y: not proven
    highest_not_met = max(j for j in range(n + 1) if wilson(j, n)[1] < 0.7)
    assert target_status(highest_not_met, n, 0.7) == NOT_MET
    assert target_status(highest_not_met + 1, n, 0.7) == INCONCLUSIVE


def test_the_bound_equal_to_the_target_is_met():
    # lower bound == target counts as met (>=), upper bound == target as met for "lower".
    n, k = 100, 80
    low, high = wilson(k, n)
    assert target_status(k, n, low) == MET
    assert target_status(k, n, high, "lower") == MET
    assert target_status(k, n, high) == INCONCLUSIVE


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.floats(0.01, 0.99))
def test_lower_is_the_mirror_of_higher(kn, target):
    """Fewer Y than t is the same as more N than 1 - t: judging Y with ``lower`` equals judging
    N with ``higher``."""
    k, n = kn
    higher = target_status(n - k, n, 1 - target)           # Y and N swapped
    lower = target_status(k, n, target, "lower")
    low, high = wilson(k, n)
    if not (abs(high - target) < 1e-9 or abs(low - target) < 1e-9):   # rounding at equality
        assert lower == higher


def test_the_95_quantile_is_the_standard_librarys():
    from statistics import NormalDist

    from reviewer.analysis.stats import Z_95

    assert Z_95 == NormalDist().inv_cdf(1 - 0.05 / 2)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
       st.sampled_from([0.01, 0.1, 0.2]))
def test_other_levels_are_statsmodels_too(kn, alpha):
    k, n = kn
    low, high = proportion_confint(k, n, alpha=alpha, method="wilson")
    assert wilson(k, n, alpha) == pytest.approx((max(0.0, low), min(1.0, high)), abs=1e-12)


def test_tally_does_not_import_statistics(tmp_path):
    """`tally` judges targets at 95% without the statistics module (start-up, goal 7)."""
    import subprocess
    import sys

    code = ("import sys\nfrom reviewer.analysis.stats import rate\nrate(7, 10)\n"
            "print('statistics' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
