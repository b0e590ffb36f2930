"""How numbers are written for people, in one place: the command line, the app, the PDF and the
workbook all call these (docs/agreement.md, "How figures are written").

* p-values: "p < 0.001" below 0.001, else two significant figures ("p = 0.012", "p = 0.5"),
  never in exponent form;
* kappa-type coefficients (kappa, AC1, alpha): two decimals with the 95% interval,
  "0.46 (-0.14 to 1.00)"; a figure that cannot be computed is "not estimable (why)", and one
  without an interval says so rather than showing a zero-width one;
* rates and shares as whole percentages.
"""

from __future__ import annotations

from typing import Any

NOT_ESTIMABLE = "not estimable"
DASH = "–"


def two(x: float) -> str:
    """Two decimals; a hair below zero is not negative ("0.00", never "-0.00")."""
    text = f"{x:.2f}"
    return "0.00" if text == "-0.00" else text


def p_value(p: float | None) -> str:
    if p is None:
        return DASH
    if p < 0.001:
        return "p < 0.001"
    return f"p = {float(f'{p:.2g}'):g}" if p < 1 else "p = 1"


def p_plain(p: float | None) -> str:
    """The p-value alone, for a table cell: "< 0.001", "0.012"."""
    return p_value(p).removeprefix("p = ").removeprefix("p ")


def not_estimable(why: str | None) -> str:
    return f"{NOT_ESTIMABLE} ({why})" if why else NOT_ESTIMABLE


def coefficient(value: float | None, low: float | None = None, high: float | None = None,
                why: str | None = None) -> str:
    """"0.46 (-0.14 to 1.00)"; "1.00 (CI not estimable: why)"; "not estimable (why)"."""
    if value is None:
        return not_estimable(why)
    if low is None or high is None or two(low) == two(high):     # never a zero-width interval
        return f"{two(value)} (CI {NOT_ESTIMABLE}: {why or 'no spread'})"
    return f"{two(value)} ({two(low)} to {two(high)})"


def figure(d: dict[str, Any] | None) -> str:
    """A ``{"value", "low", "high", "why"}`` figure as :func:`coefficient` writes it."""
    if not d:
        return not_estimable(None)
    return coefficient(d.get("value"), d.get("low"), d.get("high"), d.get("why"))


def percent(x: float | None, places: int = 0) -> str:
    return DASH if x is None else f"{100 * x:.{places}f}%"
