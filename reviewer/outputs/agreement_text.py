"""``reviewer agreement`` as text (docs/contracts.md §8, §13): per question the pairs compared,
agreement, kappa (Cohen's for two audits, Fleiss' for more), Gwet's AC1 and Krippendorff's alpha
with their intervals, the paradox and low flags; then the scorers' disagreement with the lead and
the disagreements themselves. Numbers are written by ``reviewer.outputs.numbers``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from reviewer.analysis.agreement_result import Agreement, QuestionAgreement, band
from reviewer.analysis.disagreement import Disagreement
from reviewer.outputs import numbers

PARADOX_NOTE = ("paradox: agreement is high but one answer dominates, so kappa is low; AC1 "
                "judges this question")


def _label(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def flags(q: QuestionAgreement) -> str:
    """"paradox", "low", or both, for the table's last column."""
    out = []
    if q.paradox:
        out.append("paradox (judged by AC1)")
    if q.low:
        out.append("low")
    return ", ".join(out)


def kappa_cell(q: QuestionAgreement) -> str:
    f = q.kappa_fig
    return numbers.coefficient(f.value, f.low, f.high, f.why)


def to_text(result: Agreement) -> str:
    return "".join(iter_text(result))


def iter_text(result: Agreement) -> Iterator[str]:
    """:func:`to_text` in pieces: the disagreements a line at a time, so a million of them are
    never one string (docs/performance.md, "Streaming outputs")."""
    names = result.audits
    many = len(names) > 2
    kappa_name = "Fleiss' kappa" if many else "Cohen's kappa"
    lines = [f"Agreement among {len(names)} audits: " + ", ".join(f"'{n}'" for n in names)
             + f"; {result.records} records in all of them.",
             "Agreement = share of pairs with the same answer" + (" (mean over pairs of audits)"
                                                                  if many else "")
             + " (blank answers not compared; n/a is an answer of its own). Kappa, AC1 and "
             "alpha correct it for chance: 1 is perfect, 0 no better than chance (Landis & "
             f"Koch: 0.41-0.60 moderate, 0.61-0.80 substantial). {kappa_name}"
             + (" uses the records every audit answered. " if many else ". ")
             + "Where agreement is 85% or more but kappa is below 0.40 (the kappa paradox: one "
             "answer dominates), AC1 judges the question. 0.40 or less is low: the question "
             "needs clearer guidance.",
             ""]
    cells = {q.id: (kappa_cell(q), numbers.figure(q.ac1.to_dict()),
                    numbers.figure(q.alpha.to_dict())) for q in result.questions}
    w = [max([len(h), *(len(c[i]) for c in cells.values())])
         for i, h in enumerate(("kappa (95% CI)", "AC1 (95% CI)", "alpha (95% CI)"))]
    lines.append(f"{'Question':<40} {'pairs':>6} {'agreed':>7}  {'kappa (95% CI)':<{w[0]}}  "
                 f"{'AC1 (95% CI)':<{w[1]}}  {'alpha (95% CI)':<{w[2]}}  reading")
    for q in result.questions:
        label = _label(f"{q.id}. {q.text}", 40)
        if not q.comparable:
            lines.append(f"{label:<40} not comparable: {q.why}")
            lines += [f"    '{n}': {w['text']}" for n, w in zip(names, q.wordings, strict=False)]
            continue
        f = flags(q)
        k, a, al = cells[q.id]
        lines.append(f"{label:<40} {q.compared:>6} {numbers.percent(q.agreement):>7}  "
                     f"{k:<{w[0]}}  {a:<{w[1]}}  {al:<{w[2]}}  {band(q.deciding)}"
                     + (f"  <- {f}" if f else ""))
        if q.why:
            lines.append(f"    same question as before ({q.why})")
    overall = result.to_dict(disagreements=False)["overall"]
    lines += ["", f"Overall: {overall['agreed']} of {overall['compared']} pairs agreed "
                  f"({numbers.percent(overall['agreement'], 1)})."]
    if result.overall_figures is not None:
        o = result.overall_figures
        lines.append(f"All questions pooled: kappa {kappa_cell(o)}, "
                     f"AC1 {numbers.figure(o.ac1.to_dict())}, "
                     f"alpha {numbers.figure(o.alpha.to_dict())}.")
    if any(q.paradox for q in result.questions):
        lines.append(PARADOX_NOTE + ".")
    if result.scorers:
        lines += ["", f"Scorers against the lead ('{result.scorers[0]['lead']}'): share of "
                      "answers that differ from the lead's"]
        for s in result.scorers:
            worst = sorted((x for x in s["questions"] if x["rate"]),
                           key=lambda x: -x["rate"])[:3]
            worst_text = ", ".join(f"{x['id']} {numbers.percent(x['rate'])}" for x in worst)
            lines.append(f"  {s['scorer']}: {s['disagreed']} of {s['compared']} "
                         f"({numbers.percent(s['rate'])})"
                         + (f"; most on {worst_text}" if worst_text else ""))
    if any(q.disagreements for q in result.questions):
        lines += ["", "Disagreements (ref, question: " + " / ".join(
            "abcdefghijklmnopqrstuvwxyz"[i] if not many else n for i, n in
            enumerate(names)) + "):"]
    yield "\n".join(lines) + "\n"
    for q in result.questions:
        blocks = getattr(q.disagreements, "blocks", None)
        if blocks is not None:          # a block at a time, each answer's text made once
            shown = ["(blank)", *(c or "(blank)" for c in q.disagreements.cats)]
            for refs, columns in blocks(shown):
                yield _rows(["  ", refs, f", {q.id}: ", *_between(columns, " / "), "\n"])
            continue
        for d in q.disagreements:
            answers = d.answers if many else (d.a, d.b)
            yield f"  {d.ref}, {q.id}: " + " / ".join(a or "(blank)" for a in answers) + "\n"


def iter_json(result: Agreement) -> Iterator[str]:
    """``reviewer agreement --format json`` (with its last newline) in pieces: exactly what
    ``json.dumps(result.to_dict(), indent=2, ensure_ascii=False)`` writes, with each question's
    disagreements written a line at a time as they are made (docs/performance.md)."""
    import json
    import uuid

    marker = f"disagreements-{uuid.uuid4().hex}-"
    doc = result.to_dict(disagreements=False)
    for k, q in enumerate(doc["questions"]):
        q["disagreements"] = f"{marker}{k}"
    shown = {json.dumps(f"{marker}{k}"): q for k, q in enumerate(result.questions)}
    for piece in json.JSONEncoder(indent=2, ensure_ascii=False).iterencode(doc):
        q = shown.get(piece)
        if q is None:
            yield piece
        else:
            yield from _json_list(q.disagreements, len(result.audits) > 2)
    yield "\n"


def _json_list(items: Sequence[Disagreement], many: bool) -> Iterator[str]:
    """A question's ``disagreements`` as the standard encoder lays them out at their depth
    (indent 2: the list's items at 8 spaces)."""
    from json.encoder import encode_basestring as text  # the C encoder, ensure_ascii=False

    if not items:
        yield "[]"
        return
    at, key, inner = "\n" + " " * 8, "\n" + " " * 10, "\n" + " " * 12
    blocks = getattr(items, "blocks", None)
    if blocks is not None:      # a block at a time, each answer's JSON made once
        cats = ["null", *map(text, items.cats)]       # type: ignore[attr-defined]
        parts = blocks(cats)
    else:                       # a plain list: one block
        answers = [d.answers if many else (d.a, d.b) for d in items]
        parts = iter([([d.ref for d in items],
                       [["null" if a is None else text(a) for a in column]
                        for column in zip(*answers, strict=True)])])
    head = "[" + at
    for refs, columns in parts:
        quoted = list(map(text, refs))
        if many:
            row = [f'{{{key}"ref": ', quoted, f',{key}"answers": [{inner}',
                   *_between(columns, "," + inner), f"{key}]{at}}},{at}"]
        else:
            row = [f'{{{key}"ref": ', quoted, f',{key}"a": ', columns[0], f',{key}"b": ',
                   columns[1], f"{at}}},{at}"]
        yield head + _rows(row)[:-len(at) - 1]          # each row ends "," and a new line
        head = "," + at
    yield "\n" + " " * 6 + "]"


def _between(columns: list[list[str]], sep: str) -> list[str | list[str]]:
    """Columns with ``sep`` between each two (parts of :func:`_rows`)."""
    out: list[str | list[str]] = []
    for k, column in enumerate(columns):
        out += [sep, column] if k else [column]
    return out


def _rows(parts: Sequence[str | list[str]]) -> str:
    """Rows of text, a row per item of the columns (lists, all of one length) among ``parts``,
    each row its parts in turn (a text as it is): interleaved and joined in C, with no Python
    step per row (docs/performance.md, "Streaming outputs")."""
    from itertools import chain, repeat

    n = len(next(p for p in parts if not isinstance(p, str)))
    return "".join(chain.from_iterable(zip(*(repeat(p, n) if isinstance(p, str) else p
                                              for p in parts), strict=True)))
