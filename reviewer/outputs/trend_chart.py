"""The trend's p-charts as a PNG (docs/contracts.md §13, docs/trend.md): one panel per question,
its Y rate per audit, the centre line from the baseline, each audit's control limits (stepped),
points that signal marked in red with their rule's letter, and a plan item's due date as a dashed
line. Its text alternative is the trend's table (``reviewer.outputs.trend_text.to_text``)."""

from __future__ import annotations

from pathlib import Path

from reviewer.analysis.trend import Trend
from reviewer.outputs.charts import BAR, _figure, _png, _short
from reviewer.private import write_private_bytes

SIGNAL = "#c62828"
LIMIT = "#7f7f7f"
PLAN = "#6a1b9a"


def short_names(names: list[str]) -> list[str]:
    """The audits' names without the words they all share at the start and end ("ASB self-audit
    2012-01 (demo)" ... -> "2012-01" ...)."""
    words = [n.split(" ") for n in names]
    if len(words) < 2:
        return list(names)
    lead = 0
    while all(len(w) > lead + 1 for w in words) and len({w[lead] for w in words}) == 1:
        lead += 1
    tail = 0
    while all(len(w) > lead + tail + 1 for w in words) and len({w[-1 - tail] for w in words}) == 1:
        tail += 1
    return [" ".join(w[lead:len(w) - tail]) for w in words]


def trend_chart_png(result: Trend, out: str | Path | None = None, columns: int = 2,
                    dpi: int = 120) -> bytes:
    import matplotlib

    shown = [q for q in result.questions if q.comparable and q.centre is not None]
    n = max(1, len(shown))
    cols = min(columns, n)
    rows = (n + cols - 1) // cols
    fig = _figure(4.2 * cols, 0.7 + 2.4 * rows, layout="constrained")
    xs = list(range(len(result.audits)))
    for i, q in enumerate(shown):
        ax = fig.add_subplot(rows, cols, i + 1)
        ink = matplotlib.rcParams["text.color"]     # dark on paper; the app's theme on screen
        ax.axvspan(-0.5, result.baseline - 0.5, color=ink, alpha=0.06, lw=0)
        ax.axhline(100 * q.centre, color=BAR, lw=1, ls="-")
        lcl = [100 * p.lcl if p.lcl is not None else None for p in q.points]
        ucl = [100 * p.ucl if p.ucl is not None else None for p in q.points]
        ax.step(xs, [v if v is not None else float("nan") for v in ucl], where="mid",
                color=LIMIT, lw=0.8, ls="--")
        ax.step(xs, [v if v is not None else float("nan") for v in lcl], where="mid",
                color=LIMIT, lw=0.8, ls="--")
        pts = [(x, p) for x, p in zip(xs, q.points, strict=True) if p.rate is not None]
        ax.plot([x for x, _ in pts], [100 * p.rate for _, p in pts], "-o", ms=3.5, lw=1.2,
                color=ink)
        for x, p in pts:
            if p.signal:
                ax.plot([x], [100 * p.rate], "o", ms=7, mfc="none", mec=SIGNAL, mew=1.5)
                ax.annotate(p.signal, (x, 100 * p.rate), textcoords="offset points",
                            xytext=(4, 4), fontsize=6.5, color=SIGNAL)
        for item in q.plan_items:
            at = (result.audits.index(item["after"]) + 0.5) if item["after"] else -0.5
            ax.axvline(at, color=PLAN, lw=1, ls=":")
            ax.annotate(f"plan {item['ref']} due {item['due']}", (at, 2), fontsize=6,
                        color=PLAN, rotation=90, va="bottom", ha="right")
        method = "Laney p′" if q.method == "laney" else "p-chart"
        ax.set_title(_short(f"{q.id}. {q.text}", 52) + f" ({method})", fontsize=7.5,
                     loc="left")
        ax.set_ylim(-3, 103)
        ax.set_xlim(-0.5, len(xs) - (0.5 if not q.plan_items else 0.2))
        ax.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=6.5)
        ax.set_xticks(xs, [_short(a, 14) for a in short_names(result.audits)], fontsize=6.5,
                      rotation=30, ha="right")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.suptitle("Y rate with control limits (dashed); centre line from the shaded baseline; "
                 "red rings: signals", fontsize=8.5)
    data = _png(fig, dpi)
    if out is not None:
        write_private_bytes(out, data)
    return data
