"""Files written from audits are disclosures of personal data: each is recorded in the history
of every audit it was written from (an ``export`` event: what, which file, its size and
SHA-256), signed off or not.

An output never destroys (docs/safe-files.md, "Outputs"): the whole file is written to a
temporary file (0600) in the target's folder, the disclosure is recorded, and only then is the
temporary file renamed over the target. If the writer fails or the event cannot be recorded
(the wait for the write lock ran out), the temporary file is removed and an earlier file at the
target is untouched, so no file leaves the program unaccounted for. A target that is the
database itself, its WAL/journal, or any file the program has open is refused before anything
is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from reviewer.ops.core import META, Changes, OpResult, write
from reviewer.ops.importer import file_sha256
from reviewer.store.history import Action
from reviewer.workspace import Workspace

T = TypeVar("T")
Warn = Callable[[str], None]


def record_export(ws: Workspace, audit_ids: Sequence[int], kind: str, path: str | Path,
                  content: str | Path | None = None) -> Changes:
    """Append an ``export`` event to each audit's history for the file at ``path`` (whose
    bytes are at ``content`` until it is renamed into place, if given)."""
    path = Path(path)
    content = Path(content or path)
    detail = (f"{kind} {path.name} ({content.stat().st_size:,} bytes) "
              f"sha256={file_sha256(content)} path={path.resolve()}")
    changes = Changes()
    with ws.db.transaction():
        for audit_id in dict.fromkeys(audit_ids):
            with write(ws, audit_id, META) as tx:
                tx.event(Action.EXPORT, detail=detail)
            changes = changes.merge(tx.changes)
    return changes


def exported(ws: Workspace, audit_ids: Sequence[int], kind: str, path: str | Path,
             writer: Callable[[Path], T]) -> OpResult[T]:
    """Run ``writer`` on a temporary file beside ``path``, record the disclosure, then rename
    the file over ``path``; on any failure ``path`` is left as it was."""
    from reviewer.private import refuse_own_file, staged_output
    from reviewer.store.db import sqlite_path

    path = Path(path).expanduser()
    refuse_own_file(path, sqlite_path(ws.db.target))
    with staged_output(path, f"the {kind}") as tmp:
        value = writer(tmp)
        changes = record_export(ws, audit_ids, kind, path, content=tmp)
    if isinstance(value, (str, Path)) and Path(value) == tmp:
        value = path                    # a writer that returns the file it wrote
    return OpResult(value, changes, f"wrote {kind} to {path}")


# -- one operation per kind of file ------------------------------------------------------------
def write_answers(ws: Workspace, audit_id: int, path: str | Path,
                  warn: Warn | None = None) -> OpResult[int]:
    """The answer table (docs/contracts.md §2) as CSV or XLSX; the number of records. ``warn``
    receives a line when characters XLSX cannot hold were left out (as for results and
    feedback)."""
    from reviewer.files.exporter import check_answers_file, export_answers
    from reviewer.store.columns import answer_columns

    check_answers_file(path)
    audit = ws.audit_by_id(audit_id)
    return exported(ws, [audit_id], "answers", path,
                    lambda out: export_answers(answer_columns(ws.db, audit), out, warn=warn))


def write_report(ws: Workspace, audit_id: int, path: str | Path,
                 baseline_id: int | None = None) -> OpResult[Path]:
    """The results report (PDF), compared with a baseline audit when one is given."""
    from reviewer.figures import report_figures
    from reviewer.outputs.report_pdf import build_report

    audit = ws.audit_by_id(audit_id)
    baseline = ws.audit_by_id(baseline_id) if baseline_id is not None else None
    return exported(ws, [audit_id], "report", path,
                    lambda out: build_report(report_figures(ws.db, audit, baseline), out))


def write_results(ws: Workspace, audit_id: int, path: str | Path,
                  warn: Warn | None = None) -> OpResult[Path]:
    """The results workbook (XLSX) or table (CSV)."""
    from reviewer.figures import results_figures
    from reviewer.outputs.results_xlsx import check_results_file
    from reviewer.outputs.results_xlsx import write_results as write

    suffix = check_results_file(path)
    audit = ws.audit_by_id(audit_id)
    return exported(ws, [audit_id], "results", path,
                    lambda out: write(results_figures(ws.db, audit, suffix), out, warn))


def write_feedback(ws: Workspace, audit_id: int, field: str, path: str | Path,
                   warn: Warn | None = None) -> OpResult[Path]:
    """The per-person feedback workbook, one sheet per value of a record field."""
    from reviewer.figures import feedback_figures
    from reviewer.outputs.feedback_xlsx import check_feedback_file, operator_feedback_xlsx

    check_feedback_file(path)
    audit = ws.audit_by_id(audit_id)
    return exported(ws, [audit_id], f"feedback by {field}", path,
                    lambda out: operator_feedback_xlsx(feedback_figures(ws.db, audit, field), out,
                                                       warn))


def write_comparison_chart(ws: Workspace, comparison, path: str | Path) -> OpResult[Path]:
    """The trend chart (PNG) of a comparison; recorded in every audit compared."""
    from reviewer.outputs.charts import trend_chart
    from reviewer.private import write_private_bytes

    return exported(ws, [a.id for a in comparison.audits], "comparison chart", path,
                    lambda out: write_private_bytes(out, trend_chart(comparison)))


def write_plan_report(ws: Workspace, status, path: str | Path, suffix: str) -> OpResult[Path]:
    """An improvement plan with its evidence (PDF or XLSX); recorded in every audit whose
    figures it shows."""
    if suffix == ".pdf":
        from reviewer.outputs.plan_pdf import plan_pdf as writer
    else:
        from reviewer.outputs.plan_xlsx import plan_xlsx as writer
    return exported(ws, [a.id for a in status.audits], f"plan report '{status.plan.name}'",
                    path, lambda out: writer(status, out))


def write_trend_chart(ws: Workspace, audit_ids: Sequence[int], result, path: str | Path
                      ) -> OpResult[Path]:
    """The trend's control charts (PNG); recorded in every audit charted."""
    from reviewer.outputs.trend_chart import trend_chart_png
    from reviewer.private import write_private_bytes

    return exported(ws, audit_ids, "trend chart", path,
                    lambda out: write_private_bytes(out, trend_chart_png(result)))


def write_trend_report(ws: Workspace, audit_ids: Sequence[int], result, path: str | Path
                       ) -> OpResult[Path]:
    """The trend's charts and tables (PDF); recorded in every audit charted."""
    from reviewer.outputs.trend_pdf import trend_pdf

    return exported(ws, audit_ids, "trend report", path, lambda out: trend_pdf(result, out))


def write_agreement(ws: Workspace, audit_id: int, other_id: int,
                    path: str | Path) -> OpResult[Path]:
    """Agreement and kappa between two audits (``reviewer agreement``'s output) as text (.txt)
    or JSON (.json); recorded in both audits."""
    import json

    from reviewer.outputs.agreement_text import to_text
    from reviewer.private import write_private_bytes

    result = ws.agreement(ws.audit_by_id(audit_id), ws.audit_by_id(other_id))
    text = (json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
            if str(path).lower().endswith(".json") else to_text(result))
    return exported(ws, [audit_id, other_id], "agreement", path,
                    lambda out: write_private_bytes(out, text.encode("utf-8")))


def write_results_chart(ws: Workspace, audit_id: int, path: str | Path) -> OpResult[Path]:
    """The Y-rate chart of an audit's yes/no questions with their 95% intervals (PNG), the
    report's chart."""
    from reviewer.analysis.stats import rate
    from reviewer.outputs.charts import Bar, rate_bars_png
    from reviewer.private import write_private_bytes

    tally = ws.tally(ws.audit_by_id(audit_id))
    bars = [Bar(qt.question.caption(), rate(qt.yes, qt.total)) for qt in tally.questions
            if qt.question.type == "yes_no"]
    return exported(ws, [audit_id], "results chart", path,
                    lambda out: write_private_bytes(out, rate_bars_png(bars)))
