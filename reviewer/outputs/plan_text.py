"""A plan's status in words for the terminal: each item, its owner and due date (overdue ones
marked), each linked question's Y rate in every audit with its interval, the change and the
verdict, and the item's status."""

from __future__ import annotations

from reviewer.analysis.plans import ItemEvidence, PlanStatus, QuestionEvidence
from reviewer.analysis.stats import rate, rate_text
from reviewer.analysis.targets import target_text
from reviewer.outputs.numbers import p_value


def due_text(item: ItemEvidence) -> str:
    i = item.item
    parts = [f"due {i.due}" if i.due else "no due date"]
    if i.owner:
        parts.append(i.owner)
    parts.append({True: "complete", False: "not complete", None: "completion not stated"}
                 [i.complete])
    if item.overdue():
        parts.append("OVERDUE")
    return "; ".join(parts)


def evidence_text(ev: QuestionEvidence, names: list[str]) -> str:
    q = ev.question
    cells = []
    for name, f in zip(names, ev.figures, strict=True):
        if f is None:
            cells.append(f"{name}: not asked")
        elif q.type != "yes_no":
            cells.append(f"{name}: not a yes/no question")
        else:
            cells.append(f"{name}: {rate_text(rate(f.yes, f.total))} of {f.total}")
    verdict = ev.flag
    if ev.difference is not None:
        verdict = (f"{ev.difference * 100:+.0f} points, {p_value(ev.p_value)}: {ev.flag}")
    target = ""
    if q.target is not None and ev.figures[-1] is not None:
        target = "; " + target_text(q.target, q.direction, ev.figures[-1].target_status)
    return f"    {q.caption(with_ref=True)}" + "\n      " + "  ->  ".join(cells) + \
        f"\n      {verdict}{target}"


def to_text(status: PlanStatus) -> str:
    names = [a.name for a in status.audits]
    lines = [f"Improvement plan '{status.plan.name}': evidence from {', '.join(names)} "
             f"(baseline {names[0]}, compared with {names[-1]}; Fisher's exact test, "
             "p < 0.05).", ""]
    for item in status.items:
        lines.append(f"{item.item.ref}  {item.item.area}")
        lines.append(f"  {due_text(item)}")
        if item.item.progress:
            lines.append(f"  progress: {item.item.progress}")
        if not item.questions:
            lines.append("  no question of these audits is linked to this item")
        for ev in item.questions:
            lines.append(evidence_text(ev, names))
        lines.append(f"  STATUS: {item.status}")
        lines.append("")
    counts: dict[str, int] = {}
    for item in status.items:
        counts[item.status] = counts.get(item.status, 0) + 1
    lines.append("Items: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    return "\n".join(lines) + "\n"
