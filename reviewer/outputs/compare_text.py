"""A comparison of audits (``analysis.compare``) as text for the terminal."""

from __future__ import annotations

from reviewer.analysis.compare import Comparison
from reviewer.analysis.stats import Change, percent


def _points(x: float | None) -> str:
    return "–" if x is None else f"{x * 100:+.0f}"


def change_text(ch: Change) -> str:
    from reviewer.outputs.numbers import p_value

    if ch.difference is None:
        return ch.flag
    return (f"{_points(ch.difference)} points (95% CI {_points(ch.low)} to {_points(ch.high)}), "
            f"{p_value(ch.p_value)}: {ch.flag}")


def to_text(c: Comparison, width: int = 60) -> str:
    names = [a.name for a in c.audits]
    lines = [f"Baseline: {names[0]}. Later: {', '.join(names[1:])}.",
             "Y rate = Y / (Y + N), n/a not counted; change tested with Fisher's exact test "
             "(p < 0.05 = significant; a higher Y rate is an improvement, unless the question set "
             "says direction: lower).", ""]
    col = max(14, *(len(n) for n in names))
    lines.append(f"{'Question':<{width}}  " + "  ".join(f"{n:>{col}}" for n in names))
    for q in c.questions:
        if q.type != "yes_no":
            continue
        label = f"{q.id}. {q.text}"
        label = label if len(label) <= width else label[: width - 1] + "…"
        cells = [f"{percent(r.rate)} ({r.count}/{r.total})" if r and r.rate is not None else "–"
                 for r in q.rates()]
        lines.append(f"{label:<{width}}  " + "  ".join(f"{s:>{col}}" for s in cells))
        if not q.comparable:
            lines.append(f"    not comparable: {q.why}: "
                         + "; ".join(f"'{n}': \"{w['text']}\"" for n, w in
                                     zip(names, q.wordings, strict=False)))
        elif q.why:
            lines.append(f"    same question, reworded: {q.why}")
        for name, ch in zip(names[1:], q.changes, strict=True):
            if ch is not None:
                lines.append(f"    {name} vs {names[0]}: {change_text(ch)}")
    return "\n".join(lines) + "\n"
