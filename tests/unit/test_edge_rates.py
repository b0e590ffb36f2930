"""Rates at every count, 0 of 0 to n of n: the interval always holds the rate (Wilson's bound at
0% or 100% comes out a hair past it in floating point), and the charts draw every such rate."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.analysis.stats import rate, rate_text

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@st.composite
def counts(draw, max_total: int = 400) -> tuple[int, int]:
    total = draw(st.integers(0, max_total))
    return draw(st.integers(0, total)), total


def check_png(data: bytes) -> tuple[int, int]:
    from PIL import Image

    assert data.startswith(PNG_MAGIC)
    with Image.open(io.BytesIO(data)) as im:
        im.load()                      # decodes every pixel: a truncated file fails here
        assert im.width > 50 and im.height > 20
        return im.size


@settings(max_examples=200, deadline=None)
@given(counts())
def test_the_interval_holds_the_rate(kn):
    k, n = kn
    r = rate(k, n)
    assert (r.count, r.total) == (k, n)
    if n == 0:
        assert r.rate is r.low is r.high is None
        assert rate_text(r) == "–"
        return
    assert 0.0 <= r.low <= r.rate <= r.high <= 1.0
    assert r.rate == k / n
    if k == 0:
        assert r.low == 0.0
    if k == n:
        assert r.high == 1.0
    assert r.high - r.low > 0          # an interval, never a point, for any finite total


def test_the_counts_that_broke_the_charts():
    for k, n in ((7, 7), (0, 7), (0, 14), (14, 14), (20, 20), (9, 9), (12, 12), (0, 18)):
        r = rate(k, n)
        assert r.low <= r.rate <= r.high, (k, n)


def test_every_small_count_exhaustively():
    for n in range(0, 61):
        for k in range(0, n + 1):
            r = rate(k, n)
            assert n == 0 or r.low <= r.rate <= r.high, (k, n)


SLOW = settings(max_examples=12, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SLOW
@given(st.lists(counts(300), min_size=0, max_size=6), st.booleans())
def test_rate_bars_draw_every_count(pairs, with_baseline):
    from reviewer.outputs.charts import Bar, rate_bars_png

    bars = [Bar(f"{i}. question {k} of {n}", rate(k, n),
                rate(n - k, n) if with_baseline else None) for i, (k, n) in enumerate(pairs)]
    check_png(rate_bars_png(bars, width_in=4, dpi=40, baseline_name="Base"))


@SLOW
@given(st.lists(st.lists(st.one_of(st.none(), counts(300)), min_size=2, max_size=3),
                min_size=0, max_size=4),
       st.sampled_from(["improved", "worse", "no significant change", "not comparable"]))
def test_trend_draws_every_count(panels, flag):
    from reviewer.outputs.charts import trend_png

    width = max((len(p) for p in panels), default=2)
    names = [f"Audit {i}" for i in range(width)]
    series = [(f"{i}. q", [rate(*c) if c else None for c in p] + [None] * (width - len(p)))
              for i, p in enumerate(panels)]
    check_png(trend_png(names, series, dpi=30, flags=[flag] * len(series)))


def test_trend_writes_a_private_file(tmp_path):
    from reviewer.outputs.charts import trend_png

    out = tmp_path / "trend.png"
    data = trend_png(["A", "B"], [("1. q", [rate(7, 7), rate(0, 14)])], out, dpi=30)
    assert out.read_bytes() == data
    assert out.stat().st_mode & 0o777 == 0o600
    check_png(data)
