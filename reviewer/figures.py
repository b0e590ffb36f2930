"""The figures of audits in the database: what the store counts (``store.counts``), shaped by
``analysis`` — the read side beside the operations. Front ends read through ``Workspace``,
which calls these; the results outputs take the :class:`AuditFigures` gathered here and never
see the database (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewer.analysis.tally import Tally, build, grouped
from reviewer.errors import ReviewerError
from reviewer.store import counts
from reviewer.store.audits import AuditInfo, calibrations_of, question_set

if TYPE_CHECKING:     # the rest is imported where it is used: `reviewer tally` starts fast
    from reviewer.analysis.agreement_result import Agreement
    from reviewer.analysis.compare import Comparison
    from reviewer.analysis.weighted import Weighted
    from reviewer.outputs.report_data import AuditFigures, AuditSummary
    from reviewer.questions.model import QuestionSet
    from reviewer.store.db import Database


def tally(db: Database, audit: AuditInfo, qs: QuestionSet | None = None) -> Tally:
    qs = qs or question_set(db, audit)
    return build(qs, counts.record_count(db, audit.id), counts.tally_rows(db, audit.id))


def tally_grouped(db: Database, audit: AuditInfo, by: str, qs: QuestionSet | None = None
                  ) -> tuple[Tally, list[tuple[str, Tally]]]:
    """The whole audit's tally and one per value of the record field ``by`` (blank values
    grouped as ""), from one pass over the answers."""
    qs = qs or question_set(db, audit)
    found, rows = counts.grouped_rows(db, audit.id, by)
    if found and all(g in (None, "") for g, _ in found):    # all blank: a field, or a typo
        require_field(db, audit, by)
    return grouped(qs, found, rows)


def require_field(db: Database, audit: AuditInfo, by: str) -> None:
    """Refuse a field that no record has, naming the fields there are (docs/answer-tables.md)."""
    known = counts.field_names(db, audit.id)
    if by not in known:
        listed = ", ".join(known) if known else "the records have no fields"
        raise ReviewerError(f"audit '{audit.name}' has no record field '{by}' ({listed})")


def tally_by(db: Database, audit: AuditInfo, by: str,
             qs: QuestionSet | None = None) -> list[tuple[str, Tally]]:
    """One tally per value of the record field ``by`` (blank values grouped as "")."""
    return tally_grouped(db, audit, by, qs)[1]


def agreement(db: Database, *audits: AuditInfo) -> Agreement:
    """Agreement among two or more audits of the same question set (docs/contracts.md §8,
    §13), with each calibration copy against the lead when they copy one main audit. Each
    audit's answers are read once, in batches, onto the first audit's records
    (``analysis.grid``; docs/performance.md, "Streaming outputs")."""
    from reviewer.analysis import agreement as agreement_figures
    from reviewer.analysis.scorers import lead_of, scorers
    from reviewer.store.audits import get_audit_by_id

    if not 2 <= len(audits) <= agreement_figures.MAX_AUDITS:      # the figures say why
        agreement_figures.check(audits, [])
    sets = [question_set(db, a) for a in audits]
    agreement_figures.check(audits, sets)
    ids = agreement_figures.question_ids(sets)
    result = agreement_figures.agreement(audits, sets, _grid(db, list(audits), sets, ids))
    main_id = lead_of(audits)
    if main_id is not None:
        main = next((a for a in audits if a.id == main_id), None) or get_audit_by_id(db, main_id)
        by_id = {a.id: (qs, own) for a, qs, own in zip(audits, sets, ids, strict=True)}
        by_id.setdefault(main.id, by_id[audits[0].id])
        indices = {q.id: j for j, q in enumerate(sets[0].questions)}
        result.scorers = scorers(tuple(audits), result.questions, indices, main,
                                 lambda a, others: _grid(
                                     db, [a, *others], [by_id[o.id][0] for o in [a, *others]],
                                     [by_id[o.id][1] for o in [a, *others]]))
    return result


def _grid(db: Database, audits: list[AuditInfo], sets: list[QuestionSet],
          ids: list[dict[str, int]]):  # noqa: ANN202 - analysis.grid.Grid, imported here
    """The audits' answers laid on the first one's records (``analysis.grid``)."""
    from contextlib import closing

    from reviewer.analysis.grid import base_grid, lay
    from reviewer.store import aligned, aligned_ahead

    wanted = [(a.id, list(own)) for a, own in zip(audits, ids, strict=True)]
    with aligned.reading(db), closing(aligned_ahead.audits(db, audits[0].id, wanted)) as laid:
        grid = base_grid(aligned.base_records(db, audits[0].id), len(sets[0].questions))
        for (linked, seqs, groups), own in zip(laid, ids, strict=True):
            lay(grid, linked, seqs, groups, own)
    return grid


def weighted(db: Database, audit: AuditInfo, t: Tally) -> dict[str, Weighted] | None:
    """Question id -> weighted estimate where the sample's strata were drawn at unequal
    fractions (docs/weighted.md), else None."""
    if not audit.sample:            # no sample description, nothing to weight: `tally` starts
        return None                 # without loading the estimates (docs/performance.md)
    from reviewer.analysis.weighted import for_groups, weighting

    scheme = weighting(audit.sample)
    if scheme is None:
        return None
    return for_groups(tally_grouped(db, audit, scheme[0], t.qset)[1], scheme[1])


def compare_audits(db: Database, audits: Sequence[AuditInfo]) -> Comparison:
    from reviewer.analysis.compare import compare_tallies

    return compare_tallies(audits, [tally(db, a) for a in audits])


def summarize(db: Database, audit: AuditInfo) -> AuditSummary:
    """Records, reviewers and the dates answers were given, in one pass over the answers."""
    from reviewer.outputs.report_data import AuditSummary
    from reviewer.outputs.sample_text import sample_description

    rows = counts.answer_dates(db, audit.id)
    reviewers = sorted(r for r, _, _ in rows if r)
    firsts = [f for _, f, _ in rows if f]
    lasts = [la for _, _, la in rows if la]
    return AuditSummary(counts.record_count(db, audit.id), reviewers,
                        min(firsts)[:10] if firsts else None,
                        max(lasts)[:10] if lasts else None,
                        sample_description(audit.sample or {}))


def _team(db: Database, audit: AuditInfo, calibrations: list[AuditInfo]) -> Agreement | None:
    """The audit and all its calibration audits together ("the whole team"), where there are
    two or more of them sharing records: calibrations drawn at different times on different
    records have none that every copy scored, and then only each one's own agreement is shown
    (docs/agreement.md), rather than the report refused."""
    from reviewer.analysis.agreement import MAX_AUDITS, NoRecordsInCommon

    if not 1 < len(calibrations) < MAX_AUDITS:
        return None
    try:
        return agreement(db, audit, *calibrations)
    except NoRecordsInCommon:
        return None


def report_figures(db: Database, audit: AuditInfo, compare_with: AuditInfo | None = None,
                   columns: bool = False) -> AuditFigures:
    """What the PDF report and the results workbook (``columns``: with its answer sheets, read
    a batch of records at a time as the workbook is written) show of ``audit``."""
    from reviewer.outputs.report_data import AuditFigures
    from reviewer.store.aligned import field_order
    from reviewer.store.columns import answer_table

    qs = question_set(db, audit)
    calibrations = calibrations_of(db, audit)
    t = tally(db, audit, qs)
    return AuditFigures(
        audit, qs, t, summarize(db, audit),
        [(other, agreement(db, audit, other)) for other in calibrations],
        compare_with, tally(db, compare_with) if compare_with is not None else None,
        answers=(lambda: answer_table(db, audit, qs, not_asked="n/a",
                                      fields=field_order(db, audit.id))) if columns else None,
        team=_team(db, audit, calibrations),
        weighted=weighted(db, audit, t))


def feedback_figures(db: Database, audit: AuditInfo, by: str) -> AuditFigures:
    """What the per-person feedback workbook shows: a tally per value of the record field
    ``by``, and the answers (a stream of them, a batch of records at a time, read as the
    workbook is written)."""
    from reviewer.outputs.report_data import AuditFigures, AuditSummary
    from reviewer.store.aligned import field_order
    from reviewer.store.columns import answer_table

    require_field(db, audit, by)
    qs = question_set(db, audit)
    whole, groups = tally_grouped(db, audit, by, qs)
    return AuditFigures(audit, qs, whole, AuditSummary(whole.records, [], None, None),
                        answers=lambda: answer_table(db, audit, qs, not_asked="n/a",
                                                     fields=field_order(db, audit.id)),
                        by=by, groups=groups)


def results_figures(db: Database, audit: AuditInfo, suffix: str) -> AuditFigures:
    """What the results file shows: the workbook (``.xlsx``) everything with the answers, the
    CSV table the tally alone."""
    from reviewer.outputs.report_data import AuditFigures, AuditSummary

    if suffix == ".xlsx":
        return report_figures(db, audit, columns=True)
    qs = question_set(db, audit)
    t = tally(db, audit, qs)
    return AuditFigures(audit, qs, t, AuditSummary(t.records, [], None, None))
