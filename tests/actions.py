"""The operations called the way most tests read best: with a Database and, where it matters,
who acts. Each runs the real operation (``reviewer.ops``) through a Workspace and returns its
value, having checked the operation's contract (:func:`check_contract`: the changes it reports
are those of the history events it appended); the whole result is kept in ``LAST``. Tests of
the operation results themselves call ``reviewer.ops`` directly."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from reviewer.ops import audits as audit_ops
from reviewer.ops import importer, sampling
from reviewer.ops import scoring as scoring_ops
from reviewer.ops.core import OpResult
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo
from reviewer.store.db import Database
from reviewer.workspace import Workspace

WHO = "test-reviewer"
LAST: list[OpResult] = []          # the last operation's whole result


def actions(db: Database) -> Counter[str]:
    """Every history event's action, counted (a pack of events counted as its events:
    docs/evidence.md, "Packed events")."""
    from reviewer.store.bundle import unpack

    found = Counter(a for (a,) in db.all("SELECT action FROM event WHERE bundle IS NULL"))
    for (blob,) in db.all("SELECT bundle FROM event WHERE bundle IS NOT NULL"):
        found.update(item[0] for item in unpack(blob)[1])
    return found


def check_contract(result: OpResult, appended: Counter[str]) -> None:
    """The operation contract: the changes an operation returns are those of the history
    events it appended (``store.history.CHANGES``) — each counted, none missing."""
    from reviewer.store.history import CHANGES, Action

    changes = result.changes
    assert changes.history == sum(appended.values()), (changes, appended)
    for action in appended:
        for what in CHANGES[Action(action)]:
            done = changes.touches_answers() if what == "answers" else getattr(changes, what)
            assert done, (action, what, changes)
    if not appended:
        assert not (changes.audit_list or changes.records or changes.all_answers), changes


def _run(db: Database, run: Any) -> Any:
    before = actions(db)
    result = run()
    check_contract(result, actions(db) - before)
    LAST[:] = [result]
    return result.value


def ws(db: Database, reviewer: str = WHO) -> Workspace:
    return Workspace(db, reviewer)


def create_audit(db: Database, name: str, set_file: str | Path,
                 description: str = "") -> AuditInfo:
    return _run(db, lambda: audit_ops.create_audit(ws(db), name, set_file, description))


def import_answers(db: Database, audit: AuditInfo, path: str | Path, reviewer: str = WHO,
                   progress: Any = None) -> importer.ImportResult:
    return _run(db, lambda: importer.import_answers(ws(db, reviewer), audit.id, path, progress))


def _audit_of(db: Database, record_id: int) -> int:
    return int(db.scalar("SELECT audit_id FROM record WHERE id = ?", (record_id,)))


def score(db: Database, qs: QuestionSet, record_id: int, qid: str, answer: Any,
          reviewer: str = WHO) -> scoring_ops.RecordView:
    audit_id = _audit_of(db, record_id)
    return _run(db, lambda: scoring_ops.score(ws(db, reviewer), audit_id, qs, record_id, qid,
                                              answer))


def set_note(db: Database, qs: QuestionSet, record_id: int, qid: str, note: str,
             reviewer: str = WHO) -> scoring_ops.RecordView:
    audit_id = _audit_of(db, record_id)
    return _run(db, lambda: scoring_ops.set_note(ws(db, reviewer), audit_id, qs, record_id, qid,
                                                 note))


def undo_last(db: Database, qs: QuestionSet, audit_id: int,
              reviewer: str = WHO) -> tuple[int, str] | None:
    return _run(db, lambda: scoring_ops.undo_last(ws(db, reviewer), audit_id, qs))


def import_incident_list(db: Database, audit: AuditInfo, path: str | Path, ref_column: str,
                         progress: Any = None) -> int:
    return _run(db, lambda: sampling.import_incident_list(ws(db), audit.id, path, ref_column,
                                                          progress))


def draw_sample(db: Database, audit: AuditInfo, **kw: Any) -> Any:
    return _run(db, lambda: sampling.draw_sample(ws(db), audit.id, **kw))


def link_recordings(db: Database, audit: AuditInfo, folder: str | Path) -> Any:
    return _run(db, lambda: sampling.link_recordings(ws(db), audit.id, folder))


def rename_audit(db: Database, audit_id: int, name: str) -> AuditInfo:
    return _run(db, lambda: audit_ops.rename_audit(ws(db), audit_id, name))


def archive_audit(db: Database, audit_id: int, archived: bool = True) -> AuditInfo:
    return _run(db, lambda: audit_ops.archive_audit(ws(db), audit_id, archived))


# -- the outputs, given the figures ``reviewer.figures`` reads (as the operations do) -----------
def build_report(db: Database, audit: AuditInfo, out: str | Path,
                 compare_with: AuditInfo | None = None, progress: Any = None) -> Path:
    from reviewer.figures import report_figures
    from reviewer.outputs.report_pdf import build_report as build

    return build(report_figures(db, audit, compare_with), out, progress)


def write_results(db: Database, audit: AuditInfo, out: str | Path, warn: Any = None) -> Path:
    from reviewer.figures import results_figures
    from reviewer.outputs.results_xlsx import check_results_file
    from reviewer.outputs.results_xlsx import write_results as write

    return write(results_figures(db, audit, check_results_file(out)), out, warn)


def results_xlsx(db: Database, audit: AuditInfo, out: str | Path, warn: Any = None) -> Path:
    from reviewer.figures import report_figures
    from reviewer.outputs.results_xlsx import results_xlsx as write

    return write(report_figures(db, audit, columns=True), out, warn)


def operator_feedback_xlsx(db: Database, audit: AuditInfo, field: str, out: str | Path,
                           warn: Any = None) -> Path:
    from reviewer.figures import feedback_figures
    from reviewer.outputs.feedback_xlsx import check_feedback_file
    from reviewer.outputs.feedback_xlsx import operator_feedback_xlsx as write

    check_feedback_file(out)
    return write(feedback_figures(db, audit, field), out, warn)


def export_answers(db: Database, audit: AuditInfo, out: str | Path, warn: Any = None) -> int:
    from reviewer.files.exporter import export_answers as write
    from reviewer.store.aligned import field_order
    from reviewer.store.columns import answer_table

    return write(answer_table(db, audit, fields=field_order(db, audit.id)), out, warn)
