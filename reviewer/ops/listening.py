"""Listening faster (docs/listening.md, contracts §12): a call's profile (speech regions, waveform,
level) computed once and cached; transcripts linked like recordings; search across an audit's
transcripts. (Timed notes out to and in from Audacity label files: ``ops.timed_notes``.)

A transcript or recording that cannot be used is one line in ``problems``, never an error that
stops the rest: scoring goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reviewer.analysis import speech
from reviewer.analysis.transcript_search import Hit, folded_lines, search
from reviewer.errors import ReviewerError
from reviewer.files import audio, profile_cache
from reviewer.files.answer_table import AUDIO_FIELD
from reviewer.files.recordings import LinkResult, match_recordings
from reviewer.files.transcripts import (
    TRANSCRIPT_EXTENSIONS,
    TRANSCRIPT_FIELD,
    Segment,
    Transcript,
    problems,
    read_transcript,
    stored_id,
    stored_transcript,
    transcript_path,
)
from reviewer.ops.core import OpResult, write
from reviewer.store import listening as store
from reviewer.store import transcripts
from reviewer.store.history import Action
from reviewer.workspace import Workspace


# -- a call's profile ---------------------------------------------------------------------------
def call_profile(recording: str | Path, cache: Path | None = None) -> speech.CallProfile:
    """Speech regions, waveform and level of a recording: from the cache when the file is
    unchanged, else decoded and analysed (seconds for a long call: run it off the UI thread)
    and cached. ReviewerError (one line) for a recording that cannot be decoded."""
    from reviewer.paths import cache_dir

    folder = cache if cache is not None else cache_dir()
    key = profile_cache.cache_key(recording, speech.PROFILE_VERSION)
    found = profile_cache.load(folder, key)
    if found and found.get("version") == speech.PROFILE_VERSION:
        return speech.CallProfile.from_dict(found)
    result = speech.profile(audio.read_pcm(recording), audio.RATE)
    profile_cache.store(folder, key, result.to_dict())
    return result


# -- transcripts ----------------------------------------------------------------------------------
TRANSCRIPT_CACHE_VERSION = 1


def cache_group(ws: Workspace, audit_id: int) -> str:
    """The cache sub-folder of an audit's parsed stored transcripts (``transcripts/GROUP``),
    named by the database (its password masked) and the audit, so one audit's can be cleared.
    (Files' are keyed by their path, modification time and size, in ``transcripts/``.)"""
    from reviewer.urls import display_target

    return "transcripts/" + profile_cache.text_key(display_target(ws.db.target), str(audit_id))


def _cached(key: str | None, kind: str, folder: Path | None,
            read: Callable[[], Transcript]) -> tuple[list[list], str, bool]:
    from reviewer.paths import cache_dir

    folder = folder if folder is not None else cache_dir()
    found = profile_cache.load(folder, key, kind)
    if found and isinstance(found.get("lines"), list) and isinstance(found.get("folded"), str):
        return found["lines"], found["folded"], bool(found.get("machine"))
    t = read()
    lines = [[s.start, s.end, s.text, s.speaker] for s in t.segments]
    folded = folded_lines(t.segments)
    profile_cache.store(folder, key, {"lines": lines, "folded": folded, "machine": t.machine},
                        kind)
    return lines, folded, t.machine


def cached_lines(path: Path, cache: Path | None = None) -> tuple[list[list], str, bool]:
    """A transcript's lines as ``[start, end, text, speaker]``, its folded text (for search)
    and whether a machine made it, from the cache when the file is unchanged: parsing a
    hundred WebVTT files takes longer than searching them."""
    key = profile_cache.cache_key(path, TRANSCRIPT_CACHE_VERSION)
    return _cached(key, "transcripts", cache, lambda: read_transcript(path))


def _stored(row: transcripts.Stored | None, link: str, record_id: int) -> Transcript:
    if row is None or row.record_id != record_id:
        raise ReviewerError(f"{link}: no transcript of this record is stored in the database "
                            "(it was removed, or the link came from another database)")
    return stored_transcript(link, row.segments, row.machine)


def record_transcript(ws: Workspace, record_id: int, fields: dict) -> tuple[Transcript, str] | None:
    """The record's transcript, a linked file or one stored in the database (``db:ID``), and
    its name for messages; None without one; ReviewerError (one line) if it cannot be read."""
    value = str(fields.get(TRANSCRIPT_FIELD) or "").strip()
    found = stored_id(value)
    if found is not None:
        return _stored(transcripts.get(ws.db, found), value, record_id), value
    path = transcript_path(fields)
    return (read_transcript(path), path.name) if path is not None else None


def clear_transcript_cache(ws: Workspace, audit_id: int, cache: Path | None = None) -> int:
    """Delete this machine's cached copies of the audit's transcripts (lines and folded text,
    kept for search); the number of files deleted. For disposal (docs/listening.md, "Removing
    transcripts"): call it while the records still link their transcript files (their copies
    are found by the files' paths); the stored transcripts' copies are the audit's folder."""
    from reviewer.paths import cache_dir

    folder = cache if cache is not None else cache_dir()
    old = [profile_cache.cache_key(path, TRANSCRIPT_CACHE_VERSION)
           for _, _, fields in store.record_fields(ws.db, audit_id)
           if (path := transcript_path(fields)) is not None]
    return (profile_cache.remove(folder, "transcripts", old)
            + profile_cache.remove(folder, cache_group(ws, audit_id)))


def _check(path: Path, fields: dict) -> tuple[list[Segment] | None, list[str]]:
    """A linked transcript's lines and what is odd about it (a line each)."""
    try:
        t = read_transcript(path)
    except ReviewerError as exc:
        return None, exc.problems
    recording = str(fields.get(AUDIO_FIELD) or "").strip()
    length = None
    if not recording:
        notes = [f"{path}: a transcript without a recording (it is searchable; there is "
                 "nothing to play)"]
    else:
        notes = []
        try:
            length = audio.duration(recording)
        except ReviewerError:
            pass       # the player says so; the transcript is still of use
    return t.segments, notes + problems(path, t, length)


def link_transcripts(ws: Workspace, audit_id: int, folder: str | Path) -> OpResult[LinkResult]:
    """Store, in each record's ``transcript`` field, the absolute path of the ``REF.vtt``,
    ``REF.srt`` or ``REF.json`` in ``folder``; a file that cannot be read is not linked."""
    with write(ws, audit_id, what="linking transcripts") as tx:
        rows = store.record_fields(tx.db, audit_id)
        result, updates = match_recordings(folder, rows, TRANSCRIPT_EXTENSIONS,
                                           TRANSCRIPT_FIELD, "transcript")
        refs = {rid: ref for rid, ref, _ in rows}
        kept, bad = [], set()
        for rid, fields in updates:
            segments, notes = _check(Path(fields[TRANSCRIPT_FIELD]), fields)
            result.problems.extend(notes)
            if segments is None:
                bad.add(refs[rid])
            else:
                kept.append((rid, fields))
        if bad:
            result.matched = [(r, p) for r, p in result.matched if r not in bad]
            result.problems.append(f"{len(bad)} transcript(s) not linked: "
                                   f"{', '.join(sorted(bad))}.")
        store.set_fields(tx.db, audit_id, kept)
        tx.event(Action.LINK_TRANSCRIPTS, detail=f"{Path(folder)}: {len(result.matched)} linked, "
                                            f"{len(result.unmatched_files)} files unmatched, "
                                            f"{len(bad)} unreadable")
    return OpResult(result, tx.changes, result.summary().splitlines()[0])


@dataclass
class Found:
    hits: list[Hit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)   # transcripts that could not be read


def audit_transcripts(ws: Workspace, audit_id: int, question: str | None = None
                      ) -> tuple[list[tuple[str, list[list], str, bool]], list[str]]:
    """``(ref, lines, folded text, machine)`` of the audit's records that have a readable
    transcript, in record order (only where ``question`` is asked, when given), and a line
    per unreadable one. The records are read a batch at a time (docs/performance.md,
    "Feedback workbook and start-up"): only those with a transcript are kept."""
    from reviewer.store.aligned import record_rows

    skip = store.not_asked(ws.db, audit_id, question) if question else set()
    kind = cache_group(ws, audit_id)
    stored = transcripts.for_audit(ws.db, audit_id)
    out, bad = [], []
    rows = (row for batch in record_rows(ws.db, audit_id, 5_000) for row in batch)
    for rid, ref, fields in rows:
        value = fields.get(TRANSCRIPT_FIELD)
        tid = stored_id(value)
        path = transcript_path({TRANSCRIPT_FIELD: value})
        if (path is None and tid is None) or rid in skip:
            continue
        try:
            if tid is None:
                lines, folded, machine = cached_lines(path)
            else:
                row = stored.get(tid)
                key = None if row is None else profile_cache.text_key(
                    str(tid), str(rid), row.segments, str(row.machine))
                lines, folded, machine = _cached(
                    key, kind, None, lambda r=row, v=str(value), i=rid: _stored(r, v, i))
        except ReviewerError as exc:
            bad.extend(f"{ref}: {line}" for line in exc.problems)
            continue
        out.append((ref, lines, folded, machine))
    return out, bad


def search_audit(ws: Workspace, audit_id: int, phrase: str, question: str | None = None,
                 near: bool = False) -> Found:
    if question is not None:
        qs = ws.question_set(ws.audit_by_id(audit_id))
        if question not in qs.by_id:
            raise ReviewerError(f"the audit's question set has no question '{question}'")
    transcripts, bad = audit_transcripts(ws, audit_id, question)
    return Found(search(transcripts, phrase, near), bad)
