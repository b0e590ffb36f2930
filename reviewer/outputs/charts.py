"""Charts for the results outputs, drawn with matplotlib's object API on the Agg canvas (no
pyplot, no global backend switch, so it is safe next to the Qt app). matplotlib is imported
inside the functions: importing this module is cheap."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.analysis.stats import Rate, percent, rate_text
from reviewer.private import write_private_bytes

if TYPE_CHECKING:
    from reviewer.analysis.compare import Comparison

BAR = "#4a6fa5"
BASE = "#c0504d"
FLAG_COLOURS = {"improved": "#2e7d32", "worse": "#c62828"}
LEFT = 0.42          # share of the width kept for the question labels


@dataclass(frozen=True)
class Bar:
    label: str
    rate: Rate
    baseline: Rate | None = None


def describe_bars(bars: Sequence[Bar], baseline_name: str = "") -> str:
    """The figures of ``rate_bars_png``'s chart in words, for its alternative text: "Y rate per
    question with its 95% confidence interval: 1. Text? 10% (6–17%); ..."."""
    parts = []
    for b in bars:
        text = f"{b.label} {rate_text(b.rate) if b.rate.rate is not None else 'no Y/N answers'}"
        if b.baseline is not None and b.baseline.rate is not None:
            text += f", {baseline_name or 'baseline'} {percent(b.baseline.rate)}"
        parts.append(text)
    return "Y rate per question with its 95% confidence interval: " + "; ".join(parts) + "."


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _figure(width_in: float, height_in: float, layout: str | None = None):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100, layout=layout)
    FigureCanvasAgg(fig)
    return fig


def _errors(r: Rate) -> tuple[float, float]:
    """The whiskers below and above the rate, in percentage points: never negative, whatever
    the interval (matplotlib refuses a negative error), and (0, 0) without a total."""
    if r.rate is None:
        return 0.0, 0.0
    low = r.low if r.low is not None else r.rate
    high = r.high if r.high is not None else r.rate
    return max(0.0, 100 * (r.rate - low)), max(0.0, 100 * (high - r.rate))


def _png(fig, dpi: int, compress_level: int = 6) -> bytes:
    """The figure as an RGB PNG (the charts are opaque: an alpha channel would only be split off
    and compressed again by the PDF writer); ``compress_level=1`` when the bytes are decoded
    again at once (embedded in the PDF, shown on screen): three times faster to write."""
    from PIL import Image

    fig.set_dpi(dpi)
    fig.canvas.draw()
    image = Image.frombuffer("RGBA", fig.canvas.get_width_height(physical=True),
                             fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=compress_level, dpi=(dpi, dpi))
    return buf.getvalue()


def rate_bars_png(bars: Sequence[Bar], width_in: float = 6.6, dpi: int = 150,
                  baseline_name: str = "", label_width: int = 50) -> bytes:
    """Horizontal bars of Y rates (first bar on top) with Wilson 95% whiskers; a baseline rate,
    when given, is drawn as a diamond."""
    height = 0.6 + 0.28 * max(1, len(bars))
    fig = _figure(width_in, height)
    ax = fig.add_subplot()
    ys = list(range(len(bars)))[::-1]
    rates = [100 * (b.rate.rate or 0) for b in bars]
    whiskers = [_errors(b.rate) for b in bars]
    ax.barh(ys, rates, height=0.6, color=BAR, label="Y rate")
    if bars:
        ax.errorbar(rates, ys, xerr=[[w[0] for w in whiskers], [w[1] for w in whiskers]],
                    fmt="none", ecolor="#222222", elinewidth=0.8, capsize=2.5, label="95% CI")
    for y, b in zip(ys, bars, strict=True):
        if b.rate.rate is None:
            ax.text(1, y, "no Y/N answers", va="center", fontsize=7, color="#555555")
        if b.baseline is not None and b.baseline.rate is not None:
            ax.plot([100 * b.baseline.rate], [y], marker="D", ms=4, color=BASE, ls="none",
                    clip_on=False, label=baseline_name or "baseline")
    ax.set_yticks(ys, [_short(b.label, label_width) for b in bars], fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, max(1, len(bars)) - 0.4)
    ax.set_xticks(range(0, 101, 20), [f"{x}%" for x in range(0, 101, 20)], fontsize=7)
    ax.xaxis.grid(True, color="#dddddd", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(sorted(zip(labels, handles, strict=True),
                         key=lambda lh: ("Y rate", "95% CI").index(lh[0]) if lh[0] in
                         ("Y rate", "95% CI") else 2))
    top_in, bottom_in = 0.3, 0.3
    ax.legend(unique.values(), unique.keys(), fontsize=6.5, frameon=False, ncols=3,
              loc="lower left", bbox_to_anchor=(0.0, 1.0), borderaxespad=0.2)
    # A fixed left margin (labels cut to fit it) lines the charts of all sections up.
    fig.subplots_adjust(left=LEFT, right=0.97, top=1 - top_in / height,
                        bottom=bottom_in / height)
    return _png(fig, dpi, compress_level=1)


def trend_png(audit_names: Sequence[str], series: Sequence[tuple[str, Sequence[Rate | None]]],
              out: str | Path | None = None, columns: int = 4, dpi: int = 120,
              flags: Sequence[str] | None = None) -> bytes:
    """Small multiples, one panel per question: its Y rate (with 95% whiskers) in each audit.
    ``flags`` (one per panel: "improved" / "worse" / other) colour the line green / red."""
    n = max(1, len(series))
    cols = min(columns, n)
    rows = (n + cols - 1) // cols
    fig = _figure(2.6 * cols, 0.6 + 1.9 * rows, layout="constrained")
    xs = list(range(len(audit_names)))
    for i, (title, rates) in enumerate(series):
        ax = fig.add_subplot(rows, cols, i + 1)
        pts = [(x, r) for x, r in zip(xs, rates, strict=True)
               if r is not None and r.rate is not None]
        if pts:
            px = [x for x, _ in pts]
            py = [100 * r.rate for _, r in pts]
            whiskers = [_errors(r) for _, r in pts]
            err = [[w[0] for w in whiskers], [w[1] for w in whiskers]]
            colour = FLAG_COLOURS.get(flags[i] if flags else "", BAR)
            ax.errorbar(px, py, yerr=err, fmt="-o", ms=3, lw=1.2, color=colour, ecolor="#888888",
                        elinewidth=0.8, capsize=2)
        ax.set_title(_short(title, 34), fontsize=7.5, loc="left")
        ax.set_ylim(-3, 103)
        ax.set_xlim(-0.4, max(1, len(xs)) - 0.6)
        ax.set_yticks([0, 50, 100], ["0%", "50%", "100%"], fontsize=6.5)
        ax.set_xticks(xs, [_short(a, 12) for a in audit_names], fontsize=6.5, rotation=30,
                      ha="right")
        ax.yaxis.grid(True, color="#e5e5e5", lw=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    title = "Y rate per question (95% CI)"
    if flags and audit_names:
        title += f"; green: improved, red: worse ({audit_names[-1]} vs {audit_names[0]})"
    fig.suptitle(title, fontsize=9)
    data = _png(fig, dpi)
    if out is not None:
        write_private_bytes(out, data)
    return data


def trend_chart(c: Comparison, out: str | Path | None = None, columns: int = 4,
                dpi: int = 120) -> bytes:
    """A PNG of each yes_no question's Y rate across the audits of a comparison (small
    multiples); a line is green or red when the last audit differs significantly from the
    baseline. The one trend chart: the app, the command line and the files all draw this."""
    shown = [q for q in c.questions if q.type == "yes_no"]
    series = [(f"{q.id}. {q.text}", q.rates()) for q in shown]
    flags = [q.changes[-1].flag if q.changes and q.changes[-1] else "" for q in shown]
    return trend_png([a.name for a in c.audits], series, out, columns=columns, dpi=dpi,
                     flags=flags)
