"""Files written from audits are disclosures of personal data: each is recorded in the history
of every audit it was written from, signed off or not: an ``export`` event whose detail is a
JSON object with the file's name, SHA-256, the purpose and recipient given (``Disclosure``), and
the chain's head when written (docs/evidence.md). An audit whose policy requires a purpose
refuses an output without one before anything is written.

An output never destroys (docs/safe-files.md, "Outputs"): the whole file is written to a
temporary file (0600) in the target's folder, the disclosure is recorded, and only then is the
temporary file renamed over the target. If the writer fails or the event cannot be recorded
(the wait for the write lock ran out), the temporary file is removed and an earlier file at the
target is untouched, so no file leaves the program unaccounted for. A target that is the
database itself, its WAL/journal, or any file the program has open is refused before anything
is written.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from reviewer.errors import ReviewerError
from reviewer.ops.core import META, Changes, OpResult, Refused, write
from reviewer.ops.import_steps import file_sha256
from reviewer.store.history import Action
from reviewer.store.policy import get_policy
from reviewer.workspace import Workspace

if TYPE_CHECKING:
    from reviewer.answer_columns import AnswerTable
    from reviewer.store.audits import AuditInfo

T = TypeVar("T")
Warn = Callable[[str], None]
MAX_PURPOSE = 500


@dataclass(frozen=True)
class Disclosure:
    """Why a file leaves the program and to whom (DPA 2018 s.62; docs/evidence.md)."""

    purpose: str | None = None
    recipient: str | None = None


def checked_text(text: str | None, what: str) -> str | None:
    """A purpose or recipient as recorded: trimmed; one clear line for control characters or
    more than 500 characters."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    bad = sorted({c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")})
    if bad:
        shown = ", ".join(f"U+{ord(c):04X}" for c in bad[:5])
        raise ReviewerError(f"the {what} cannot hold control characters ({shown}); nothing "
                            "was written")
    if len(text) > MAX_PURPOSE:
        raise ReviewerError(f"the {what} can be at most {MAX_PURPOSE} characters (this one has "
                            f"{len(text):,}); nothing was written")
    return text


def check_disclosure(ws: Workspace, audit_ids: Sequence[int],
                     disclosure: Disclosure | None) -> Disclosure:
    """The disclosure checked before anything is written: its texts, and every audit whose
    policy requires a purpose."""
    d = disclosure or Disclosure()
    d = Disclosure(checked_text(d.purpose, "purpose"), checked_text(d.recipient, "recipient"))
    if d.purpose is None:
        for audit_id in dict.fromkeys(audit_ids):
            if get_policy(ws.db, audit_id).require_purpose:
                name = ws.audit_by_id(audit_id).name
                raise Refused(f"audit '{name}' requires a purpose for every file written from it "
                              "(give --purpose TEXT, and --recipient TEXT); nothing was written")
    return d


def record_export(ws: Workspace, audit_ids: Sequence[int], kind: str, path: str | Path,
                  disclosure: Disclosure | None = None,
                  content: str | Path | None = None) -> Changes:
    """Append an ``export`` event to each audit's history for the file at ``path`` (whose
    bytes are at ``content`` until it is renamed into place, if given): its detail is a JSON
    object (file, sha256, purpose, recipient, head, kind, bytes)."""
    path = Path(path)
    content = Path(content or path)
    d = disclosure or Disclosure()
    sha, size = file_sha256(content), content.stat().st_size
    changes = Changes()
    with ws.db.transaction():
        for audit_id in dict.fromkeys(audit_ids):
            with write(ws, audit_id, META) as tx:
                head = tx.head()
                tx.event(Action.EXPORT, detail=json.dumps(
                    {"file": path.name, "sha256": sha, "purpose": d.purpose,
                     "recipient": d.recipient, "head": head.hex() if head else None,
                     "kind": kind, "bytes": size}, ensure_ascii=False))
            changes = changes.merge(tx.changes)
    return changes


def exported(ws: Workspace, audit_ids: Sequence[int], kind: str, path: str | Path,
             writer: Callable[[Path], T], disclosure: Disclosure | None = None) -> OpResult[T]:
    """Check the disclosure, run ``writer`` on a temporary file beside ``path``, record the
    disclosure, then rename the file over ``path``; on any failure ``path`` is left as it was."""
    from reviewer.private import refuse_own_file, staged_output
    from reviewer.store.db import sqlite_path

    disclosure = check_disclosure(ws, audit_ids, disclosure)
    path = Path(path).expanduser()
    refuse_own_file(path, sqlite_path(ws.db.target))
    with staged_output(path, f"the {kind}") as tmp:
        value = writer(tmp)
        changes = record_export(ws, audit_ids, kind, path, disclosure, content=tmp)
    if isinstance(value, (str, Path)) and Path(value) == tmp:
        value = path                    # a writer that returns the file it wrote
    return OpResult(value, changes, f"wrote {kind} to {path}")


# -- one operation per kind of file ------------------------------------------------------------
def write_answers(ws: Workspace, audit_id: int, path: str | Path,
                  warn: Warn | None = None, disclosure: Disclosure | None = None,
                  pseudonymise: bool = False, keep: Sequence[str] = ()) -> OpResult[int]:
    """The answer table (docs/contracts.md §2) as CSV or XLSX; the number of records. ``warn``
    receives a line when characters XLSX cannot hold were left out (as for results and
    feedback). ``pseudonymise``: refs as keyed pseudonyms, notes and fields dropped except
    ``keep`` (docs/evidence.md)."""
    from reviewer.files.exporter import check_answers_file, export_answers

    check_answers_file(path)
    audit = ws.audit_by_id(audit_id)
    if pseudonymise:
        from reviewer.files.pseudonymise import export_pseudonymised
        from reviewer.store.policy import pseudonym, pseudonym_secret

        secret = pseudonym_secret(ws.db)
        return exported(ws, [audit_id], "pseudonymised answers", path,
                        lambda out: _streamed(ws, audit, lambda t: export_pseudonymised(
                            t, audit.name, lambda ref: pseudonym(secret, ref), out, keep,
                            warn=warn)), disclosure)
    return exported(ws, [audit_id], "answers", path,
                    lambda out: _streamed(ws, audit, lambda t: export_answers(t, out, warn=warn)),
                    disclosure)


def _streamed(ws: Workspace, audit: AuditInfo, write: Callable[[AnswerTable], T]) -> T:
    """``write`` the audit's answer table as it streams, its header's fields guessed from the
    first records; if a later record has another field, once more with every field."""
    from reviewer.answer_columns import FieldsChanged
    from reviewer.store.aligned import field_order
    from reviewer.store.columns import answer_table

    try:
        return write(answer_table(ws.db, audit))
    except FieldsChanged:
        return write(answer_table(ws.db, audit, fields=field_order(ws.db, audit.id)))


def write_report(ws: Workspace, audit_id: int, path: str | Path,
                 baseline_id: int | None = None,
                 disclosure: Disclosure | None = None) -> OpResult[Path]:
    """The results report (PDF), compared with a baseline audit when one is given, with the
    audit's chain head (docs/evidence.md)."""
    from reviewer.figures import report_figures
    from reviewer.outputs.report_pdf import build_report
    from reviewer.store.history import chain_head

    audit = ws.audit_by_id(audit_id)
    baseline = ws.audit_by_id(baseline_id) if baseline_id is not None else None
    head = chain_head(ws.db, audit_id)[1]
    return exported(ws, [audit_id], "report", path,
                    lambda out: build_report(report_figures(ws.db, audit, baseline), out,
                                             head=head.hex() if head else None), disclosure)


def write_results(ws: Workspace, audit_id: int, path: str | Path,
                  warn: Warn | None = None,
                  disclosure: Disclosure | None = None) -> OpResult[Path]:
    """The results workbook (XLSX) or table (CSV)."""
    from reviewer.figures import results_figures
    from reviewer.outputs.results_xlsx import check_results_file
    from reviewer.outputs.results_xlsx import write_results as write

    suffix = check_results_file(path)
    audit = ws.audit_by_id(audit_id)
    return exported(ws, [audit_id], "results", path,
                    lambda out: write(results_figures(ws.db, audit, suffix), out, warn),
                    disclosure)


def write_feedback(ws: Workspace, audit_id: int, field: str, path: str | Path,
                   warn: Warn | None = None,
                   disclosure: Disclosure | None = None) -> OpResult[Path]:
    """The per-person feedback workbook, one sheet per value of a record field."""
    from reviewer.figures import feedback_figures
    from reviewer.outputs.feedback_xlsx import check_feedback_file, operator_feedback_xlsx

    check_feedback_file(path)
    audit = ws.audit_by_id(audit_id)
    return exported(ws, [audit_id], f"feedback by {field}", path,
                    lambda out: operator_feedback_xlsx(feedback_figures(ws.db, audit, field), out,
                                                       warn), disclosure)


def write_comparison_chart(ws: Workspace, comparison, path: str | Path,
                           disclosure: Disclosure | None = None) -> OpResult[Path]:
    """The trend chart (PNG) of a comparison; recorded in every audit compared."""
    from reviewer.outputs.charts import trend_chart
    from reviewer.private import write_private_bytes

    return exported(ws, [a.id for a in comparison.audits], "comparison chart", path,
                    lambda out: write_private_bytes(out, trend_chart(comparison)), disclosure)


def write_plan_report(ws: Workspace, status, path: str | Path, suffix: str,
                      disclosure: Disclosure | None = None) -> OpResult[Path]:
    """An improvement plan with its evidence (PDF or XLSX); recorded in every audit whose
    figures it shows."""
    if suffix == ".pdf":
        from reviewer.outputs.plan_pdf import plan_pdf
        from reviewer.store.history import chain_head

        heads = {a.name: (chain_head(ws.db, a.id)[1] or b"").hex() for a in status.audits}

        def writer(status, path):
            return plan_pdf(status, path, heads)
    else:
        from reviewer.outputs.plan_xlsx import plan_xlsx as writer
    return exported(ws, [a.id for a in status.audits], f"plan report '{status.plan.name}'",
                    path, lambda out: writer(status, out), disclosure)


def write_trend_chart(ws: Workspace, audit_ids: Sequence[int], result, path: str | Path,
                      disclosure: Disclosure | None = None) -> OpResult[Path]:
    """The trend's control charts (PNG); recorded in every audit charted."""
    from reviewer.outputs.trend_chart import trend_chart_png
    from reviewer.private import write_private_bytes

    return exported(ws, audit_ids, "trend chart", path,
                    lambda out: write_private_bytes(out, trend_chart_png(result)), disclosure)


def write_trend_report(ws: Workspace, audit_ids: Sequence[int], result, path: str | Path,
                       disclosure: Disclosure | None = None) -> OpResult[Path]:
    """The trend's charts and tables (PDF); recorded in every audit charted."""
    from reviewer.outputs.trend_pdf import trend_pdf

    return exported(ws, audit_ids, "trend report", path, lambda out: trend_pdf(result, out),
                    disclosure)


def write_agreement(ws: Workspace, audit_id: int, other_id: int,
                    path: str | Path) -> OpResult[Path]:
    """Agreement and kappa between two audits (``reviewer agreement``'s output) as text (.txt)
    or JSON (.json); recorded in both audits."""
    from reviewer.outputs.agreement_text import iter_json, iter_text
    from reviewer.private import private_output

    result = ws.agreement(ws.audit_by_id(audit_id), ws.audit_by_id(other_id))
    pieces = iter_json if str(path).lower().endswith(".json") else iter_text

    def write(out: Path) -> Path:
        with private_output(out) as tmp, tmp.open("w", encoding="utf-8", newline="") as f:
            f.writelines(pieces(result))
        return out
    return exported(ws, [audit_id, other_id], "agreement", path, write)


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
