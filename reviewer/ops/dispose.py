"""Disposal of an audit's personal data at the end of its retention (docs/evidence.md): a lead
removes record fields, notes (also their texts and salts in the history), recording and
transcript links and the incident list, and replaces every ref by its keyed pseudonym. Answers,
figures and the hash chain stay: the tally and results are byte-identical before and after,
and ``verify`` still passes. The disposal is itself an event."""

from __future__ import annotations

from datetime import date

from reviewer.errors import ReviewerError
from reviewer.ops.core import META, OpResult, Refused, require_role, write
from reviewer.ops.evidence import reason_text
from reviewer.ops.listening import clear_transcript_cache
from reviewer.store import disposal, transcripts
from reviewer.store.history import Action
from reviewer.store.policy import (
    default_years,
    get_policy,
    pseudonym,
    pseudonym_secret,
    put_policy,
    review_date,
)
from reviewer.workspace import Workspace


def dispose(ws: Workspace, audit_id: int, reason: str, force: bool = False) -> OpResult[int]:
    reason = reason_text(reason)
    require_role(ws, "lead", "disposing of an audit's personal data")
    secret = pseudonym_secret(ws.db)
    linked = _linked_files(ws, audit_id)
    disposal.secure_delete(ws.db, True)
    try:
        with write(ws, audit_id, META, imports=True) as tx:
            audit, policy = tx.audit, get_policy(tx.db, audit_id)
            if policy.disposed_at:
                raise ReviewerError(f"'{audit.name}' was disposed of already, on "
                                    f"{policy.disposed_at[:10]}; nothing was changed")
            when = review_date(audit.created_at, policy, default_years(tx.db))
            if not force and not audit.signed_off:
                raise Refused(f"'{audit.name}' is not signed off: disposing of it is refused "
                              "(sign it off first, or give --force)")
            if not force and when > date.today().isoformat():
                raise Refused(f"'{audit.name}' is not due for review until {when}: disposing "
                              "of it now is refused (give --force to dispose of it early)")
            tx.event(Action.DISPOSE, detail=reason)
            tx.flush()
            def key(ref: str) -> str:
                return ref if ref.startswith("P-") and len(ref) == 18 else pseudonym(secret, ref)
            # the program's machine transcripts (docs/listening.md, "Removing transcripts"):
            # this machine's cached copies found while the records still link them, then the
            # stored ones, before any record's fields go
            clear_transcript_cache(ws, audit_id)
            transcripts.delete_machine(tx.db, audit_id)
            sealed = disposal.seal_events(tx.db, audit_id, key)
            records = disposal.remove_personal_data(tx.db, audit_id, key)
            put_policy(tx.db, audit_id, type(policy)(policy.require_purpose,
                                                     policy.retain_until, tx.now))
    finally:
        disposal.secure_delete(ws.db, False)
    disposal.scrub_file(ws.db)
    _forget_files(audit_id, linked)
    return OpResult(records, tx.changes,
                    f"disposed of the personal data of '{audit.name}': {records} records "
                    f"pseudonymised, {sealed} history events sealed; answers and figures kept")


def _linked_files(ws: Workspace, audit_id: int) -> list[str]:
    """The cache keys of what the program made from the recordings linked to the audit's
    records (waveforms; read before the links are removed)."""
    from reviewer.analysis.speech import PROFILE_VERSION
    from reviewer.files.answer_table import AUDIO_FIELD
    from reviewer.files.profile_cache import cache_key
    from reviewer.store.listening import record_fields

    out = []
    for _rid, _ref, fields in record_fields(ws.db, audit_id):
        path = str(fields.get(AUDIO_FIELD) or "").strip()
        key = cache_key(path, PROFILE_VERSION) if path else None
        if key:
            out.append(key)
    return out


def _forget_files(audit_id: int, linked: list[str]) -> None:
    """The program's own copies: machine transcripts of the audit that earlier versions wrote
    as files (data folder), and the waveforms it cached from the recordings."""
    import shutil

    from reviewer.files.profile_cache import remove
    from reviewer.paths import cache_dir, data_dir

    shutil.rmtree(data_dir() / "transcripts" / str(audit_id), ignore_errors=True)
    remove(cache_dir(), "profiles", list(linked))
