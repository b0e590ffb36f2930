"""How numbers are written (docs/contracts.md §13, reviewer/outputs/numbers.py): p-values never in
exponent form, kappa-type figures to two decimals with their interval, never a zero-width
interval."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer.outputs import numbers


@pytest.mark.parametrize("p, text", [(2.7e-24, "p < 0.001"), (0.000999, "p < 0.001"),
                                     (0.001, "p = 0.001"), (0.01234, "p = 0.012"),
                                     (0.04999, "p = 0.05"), (0.5, "p = 0.5"), (1.0, "p = 1"),
                                     (None, "–")])
def test_p_values(p, text):
    assert numbers.p_value(p) == text


@given(st.floats(min_value=0, max_value=1))
def test_a_p_value_is_never_in_exponent_form(p):
    text = numbers.p_value(p)
    assert "e" not in text and (text == "p < 0.001" or re.fullmatch(r"p = [0-9.]+", text))
    if p >= 0.001:
        shown = float(text.removeprefix("p = "))
        assert abs(shown - p) <= 0.05 * p + 1e-12             # two significant figures


@given(st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1))
def test_no_zero_width_interval_is_ever_written(value, a, b):
    low, high = min(a, b), max(a, b)
    text = numbers.coefficient(value, low, high, None)
    m = re.search(r"\((-?[0-9.]+) to (-?[0-9.]+)\)", text)
    if m:
        assert m.group(1) != m.group(2)
    else:
        assert "not estimable" in text


def test_coefficients():
    assert numbers.coefficient(0.4567, -0.1402, 1.0) == "0.46 (-0.14 to 1.00)"
    assert numbers.coefficient(-0.0001, -0.2, 0.2) == "0.00 (-0.20 to 0.20)"
    assert numbers.coefficient(1.0, None, None, "no spread between records") == \
        "1.00 (CI not estimable: no spread between records)"
    assert numbers.coefficient(0.0, 0.0, 0.0) == "0.00 (CI not estimable: no spread)"
    assert numbers.coefficient(None, why="every answer the same") == \
        "not estimable (every answer the same)"
