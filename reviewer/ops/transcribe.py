"""``reviewer transcribe`` (docs/listening.md, contracts §12): speech recognition on this machine,
behind the ``[asr]`` extra (PocketSphinx, its model inside the package). Never opens a network
connection: the engine reads its model from its own package.

Each stretch of speech the voice detector found (``ops.listening.call_profile``) is recognised
on its own and becomes one line of a transcript marked ``"machine": true``. The transcripts are
stored in the database (``reviewer.store.transcripts``, so everyone on a shared database sees
them and disposal can remove them) by :func:`store_machine_transcripts`, and linked to their
records as ``db:ID``; a record with a transcript a person made is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from reviewer.errors import NotFound, ReviewerError
from reviewer.files import audio
from reviewer.files.answer_table import AUDIO_FIELD
from reviewer.files.transcripts import (
    TRANSCRIPT_FIELD,
    Segment,
    Transcript,
    segments_json,
)
from reviewer.ops.core import OpResult, write
from reviewer.ops.listening import call_profile, record_transcript
from reviewer.store import listening as store
from reviewer.store import transcripts
from reviewer.store.history import Action
from reviewer.workspace import Workspace

ENGINES = ("pocketsphinx",)
HOW = "pip install 'reviewer[asr]'"
Recogniser = Callable[[bytes], str]      # 16 kHz mono int16 -> words


def check_engine(name: str) -> None:
    """Nothing, or one line: an unknown engine, or the extra is not installed (how to get it)."""
    if name not in ENGINES:
        raise ReviewerError(f"no speech-recognition engine '{name}' (known: "
                            f"{', '.join(ENGINES)})")
    try:
        import pocketsphinx  # noqa: F401
    except ImportError:
        raise ReviewerError(f"transcribe needs the speech-recognition extra: {HOW}") from None


def engine(name: str) -> Recogniser:
    """The recogniser, or one line saying how to get it."""
    check_engine(name)
    from pocketsphinx import Decoder

    decoder = Decoder(samprate=16000, loglevel="FATAL")

    def recognise(pcm16k: bytes) -> str:
        decoder.start_utt()
        decoder.process_raw(pcm16k, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return hyp.hypstr if hyp is not None else ""
    return recognise


def recognise_call(recording: Path, recognise: Recogniser) -> Transcript:
    import numpy as np
    from scipy.signal import resample_poly

    profile = call_profile(recording)
    pcm = resample_poly(audio.read_pcm(recording).astype(np.float32), 2, 1)
    pcm = np.clip(pcm, -32768, 32767).astype(np.int16)
    lines = []
    for start, end in profile.speech:
        words = recognise(pcm[int(start * 16000):int(end * 16000)].tobytes()).strip()
        if words:
            lines.append(Segment(round(start, 2), round(end, 2), words))
    return Transcript(lines, machine=True)


def _by_person(ws: Workspace, record_id: int, fields: dict) -> bool:
    """Whether the record's transcript was made by a person (a machine's may be replaced)."""
    try:
        found = record_transcript(ws, record_id, fields)
    except ReviewerError:
        return False
    return found is not None and not found[0].machine


def store_machine_transcripts(ws: Workspace, audit_id: int, engine_name: str,
                              made: list[tuple[int, Transcript]],
                              not_done: int = 0) -> OpResult[int]:
    """Store machine transcripts ``(record id, transcript)`` in the database and link each to
    its record as ``db:ID``, replacing the record's earlier machine transcript; a record whose
    transcript a person made is left alone. One ``transcribe`` event per record stored, and
    one for the run; the value is how many were stored."""
    with write(ws, audit_id, what="storing machine transcripts") as tx:
        rows = {rid: (ref, f) for rid, ref, f in store.record_fields(tx.db, audit_id)}
        updates = []
        for rid, t in made:
            ref, fields = rows[rid]
            if _by_person(ws, rid, fields):
                continue
            transcripts.delete_record_machine(tx.db, rid)
            tid = transcripts.add(tx.db, audit_id, rid, segments_json(t), True, engine_name,
                                  tx.now, tx.reviewer)
            fields[TRANSCRIPT_FIELD] = transcripts.link(tid)
            updates.append((rid, fields))
            tx.event(Action.TRANSCRIBE, ref=ref,
                     detail=f"{engine_name}: machine transcript {fields[TRANSCRIPT_FIELD]}, "
                            f"{len(t.segments)} lines")
        store.set_fields(tx.db, audit_id, updates)
        tx.event(Action.TRANSCRIBE,
                 detail=f"{engine_name}: {len(updates)} machine transcript(s) stored and "
                        f"linked, {not_done} recording(s) not transcribed")
    return OpResult(len(updates), tx.changes, f"{len(updates)} recording(s) transcribed by "
                                              f"{engine_name} (machine transcripts, marked as "
                                              "such)")


def transcribe_audit(ws: Workspace, audit_id: int, ref: str | None,
                     engine_name: str) -> OpResult[list[str]]:
    """Transcribe the audit's recordings (or ``ref``'s); the value is a line per problem.
    Recognition runs outside any transaction (it takes seconds a call); the transcripts are
    stored in one operation at the end."""
    recognise = engine(engine_name)
    rows = store.record_fields(ws.db, audit_id)
    if ref is not None:
        rows = [r for r in rows if r[1] == ref]
        if not rows:
            raise NotFound(f"no record '{ref}' in this audit")
    problems, made = [], []
    for rid, rec_ref, fields in rows:
        recording = str(fields.get(AUDIO_FIELD) or "").strip()
        if not recording or _by_person(ws, rid, fields):
            continue
        try:
            made.append((rid, recognise_call(Path(recording), recognise)))
        except ReviewerError as exc:
            problems.extend(f"{rec_ref}: {line}" for line in exc.problems)
    done = store_machine_transcripts(ws, audit_id, engine_name, made, len(problems))
    return OpResult(problems, done.changes, done.message)
