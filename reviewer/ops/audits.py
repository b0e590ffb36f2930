"""Operations on audits as a whole: create, rename, archive (each one transaction, one history
event)."""

from __future__ import annotations

from pathlib import Path

from reviewer.errors import ReviewerError
from reviewer.ops.core import META, OpResult, require_role, write
from reviewer.questions.loader import load_file
from reviewer.questions.model import QuestionSet
from reviewer.store import audits
from reviewer.store.audits import AuditInfo, clean_name, get_audit_by_id, store_question_set
from reviewer.store.history import Action
from reviewer.workspace import Workspace


def load_set(set_ref: str | Path) -> tuple[QuestionSet, str, str]:
    """(question set, its YAML text, its name) for a question-set file or a bundled set's id."""
    from reviewer.bundled import resolve_set

    path = resolve_set(set_ref)
    qs = load_file(path)
    return qs, path.read_text(encoding="utf-8-sig"), str(set_ref)


def create_audit(ws: Workspace, name: str, set_ref: str | Path, description: str = "",
                 calibrates: int | None = None,
                 qs_source: tuple[QuestionSet, str, str] | None = None) -> OpResult[AuditInfo]:
    """A new audit keeping this exact question set (a file or a bundled set's id)."""
    require_role(ws, "lead", "creating an audit")
    name = clean_name(name)
    qs, source, source_name = qs_source or load_set(set_ref)
    with write(ws, None) as tx:
        if audits.audit_named(tx.db, name) is not None:
            raise ReviewerError(f"an audit named '{name}' already exists")
        set_id = store_question_set(tx.db, qs, source, source_name)
        # the audit's own words only: a set's description tells of the audit it was written
        # for ("100 calls were listened to"), not of this one (docs/reports.md, "The PDF report")
        audit_id = audits.insert_audit(tx.db, name, set_id, description,
                                       tx.now, calibrates)
        tx.set_audit(get_audit_by_id(tx.db, audit_id))
        tx.event(Action.CREATE, detail=f"question set {qs.id} version {qs.version} "
                                  f"({Path(source_name).name})")
    return OpResult(get_audit_by_id(ws.db, audit_id), tx.changes,
                    f"created audit '{name}' with question set {qs.id} version {qs.version}")


def rename_audit(ws: Workspace, audit_id: int, new_name: str) -> OpResult[AuditInfo]:
    require_role(ws, "lead", "renaming an audit")
    new_name = clean_name(new_name)
    with write(ws, audit_id, META) as tx:
        old = tx.audit.name
        if new_name == old:
            return OpResult(tx.audit, tx.changes, "the name is unchanged")
        if audits.audit_named(tx.db, new_name, other_than=audit_id) is not None:
            raise ReviewerError(f"an audit named '{new_name}' already exists")
        audits.set_name(tx.db, audit_id, new_name)
        tx.event(Action.RENAME, before=old, after=new_name)
    return OpResult(get_audit_by_id(ws.db, audit_id), tx.changes,
                    f"renamed '{old}' to '{new_name}'")


def archive_audit(ws: Workspace, audit_id: int, archived: bool = True) -> OpResult[AuditInfo]:
    require_role(ws, "lead", "archiving an audit")
    with write(ws, audit_id, META) as tx:
        if tx.audit.archived != archived:
            audits.set_archived(tx.db, audit_id, archived)
            tx.event(Action.ARCHIVE, before=str(tx.audit.archived).lower(),
                     after=str(archived).lower(),
                     detail="archived" if archived else "restored from the archive")
    word = "archived" if archived else "restored"
    return OpResult(get_audit_by_id(ws.db, audit_id), tx.changes,
                    f"{word} '{tx.audit.name}'")
