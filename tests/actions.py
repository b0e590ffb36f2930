"""The operations called the way most tests read best: with a Database and, where it matters,
who acts. Each runs the real operation (``reviewer.ops``) through a Workspace and returns its
value; tests of the operation results themselves call ``reviewer.ops`` directly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewer.ops import audits as audit_ops
from reviewer.ops import importer, sampling
from reviewer.ops import scoring as scoring_ops
from reviewer.questions.model import QuestionSet
from reviewer.store.audits import AuditInfo
from reviewer.store.db import Database
from reviewer.workspace import Workspace

WHO = "test-reviewer"


def ws(db: Database, reviewer: str = WHO) -> Workspace:
    return Workspace(db, reviewer)


def create_audit(db: Database, name: str, set_file: str | Path,
                 description: str = "") -> AuditInfo:
    return audit_ops.create_audit(ws(db), name, set_file, description).value


def import_answers(db: Database, audit: AuditInfo, path: str | Path, reviewer: str = WHO,
                   progress: Any = None) -> importer.ImportResult:
    return importer.import_answers(ws(db, reviewer), audit.id, path, progress).value


def _audit_of(db: Database, record_id: int) -> int:
    return int(db.scalar("SELECT audit_id FROM record WHERE id = ?", (record_id,)))


def score(db: Database, qs: QuestionSet, record_id: int, qid: str, answer: Any,
          reviewer: str = WHO) -> scoring_ops.RecordView:
    return scoring_ops.score(ws(db, reviewer), _audit_of(db, record_id), qs, record_id, qid,
                             answer).value


def set_note(db: Database, qs: QuestionSet, record_id: int, qid: str, note: str,
             reviewer: str = WHO) -> scoring_ops.RecordView:
    return scoring_ops.set_note(ws(db, reviewer), _audit_of(db, record_id), qs, record_id, qid,
                                note).value


def undo_last(db: Database, qs: QuestionSet, audit_id: int,
              reviewer: str = WHO) -> tuple[int, str] | None:
    return scoring_ops.undo_last(ws(db, reviewer), audit_id, qs).value


def import_incident_list(db: Database, audit: AuditInfo, path: str | Path, ref_column: str,
                         progress: Any = None) -> int:
    return sampling.import_incident_list(ws(db), audit.id, path, ref_column, progress).value


def draw_sample(db: Database, audit: AuditInfo, **kw: Any) -> Any:
    return sampling.draw_sample(ws(db), audit.id, **kw).value


def link_recordings(db: Database, audit: AuditInfo, folder: str | Path) -> Any:
    return sampling.link_recordings(ws(db), audit.id, folder).value


def rename_audit(db: Database, audit_id: int, name: str) -> AuditInfo:
    return audit_ops.rename_audit(ws(db), audit_id, name).value


def archive_audit(db: Database, audit_id: int, archived: bool = True) -> AuditInfo:
    return audit_ops.archive_audit(ws(db), audit_id, archived).value
