"""``reviewer transcribe`` (SPEC §12, docs/listening.md): speech recognition on this machine,
behind the ``[asr]`` extra (PocketSphinx, its model inside the package). Never opens a network
connection: the engine reads its model from its own package.

Each stretch of speech the voice detector found (``ops.listening.call_profile``) is recognised
on its own and becomes one line of a JSON transcript marked ``"machine": true``. The transcripts
are written owner-only to the data folder (``transcripts/AUDIT-ID/REF.json``) and linked to
their records like any transcript; a record with a transcript a person made is left alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from reviewer.errors import NotFound, ReviewerError
from reviewer.files import audio
from reviewer.files.answer_table import AUDIO_FIELD
from reviewer.files.private import private_dir, write_private_bytes
from reviewer.files.transcripts import TRANSCRIPT_FIELD, Segment, Transcript, read_transcript
from reviewer.ops.core import OpResult, write
from reviewer.ops.listening import call_profile
from reviewer.store import listening as store
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


def _by_person(fields: dict) -> bool:
    value = str(fields.get(TRANSCRIPT_FIELD) or "").strip()
    if not value:
        return False
    try:
        return not read_transcript(value).machine
    except ReviewerError:
        return False


def transcribe_audit(ws: Workspace, audit_id: int, ref: str | None, engine_name: str,
                     folder: Path | None = None) -> OpResult[list[str]]:
    """Transcribe the audit's recordings (or ``ref``'s); the value is a line per problem."""
    from reviewer.paths import data_dir

    recognise = engine(engine_name)
    rows = store.record_fields(ws.db, audit_id)
    if ref is not None:
        rows = [r for r in rows if r[1] == ref]
        if not rows:
            raise NotFound(f"no record '{ref}' in this audit")
    out = folder if folder is not None else data_dir() / "transcripts" / str(audit_id)
    problems, updates = [], []
    for rid, rec_ref, fields_json in rows:
        fields = json.loads(fields_json or "{}")
        recording = str(fields.get(AUDIO_FIELD) or "").strip()
        if not recording or _by_person(fields):
            continue
        try:
            t = recognise_call(Path(recording), recognise)
        except ReviewerError as exc:
            problems.extend(f"{rec_ref}: {line}" for line in exc.problems)
            continue
        target = private_dir(out) / f"{rec_ref}.json"
        write_private_bytes(target, t.to_json().encode("utf-8"))
        fields[TRANSCRIPT_FIELD] = str(target.resolve())
        updates.append((rid, json.dumps(fields, ensure_ascii=False)))
    with write(ws, audit_id, what="storing machine transcripts") as tx:
        store.set_fields(tx.db, updates)
        tx.event("transcribe", detail=f"{engine_name}: {len(updates)} machine transcript(s) "
                                      f"linked, {len(problems)} recording(s) not transcribed")
        tx.changes.records = True
    return OpResult(problems, tx.changes, f"{len(updates)} recording(s) transcribed by "
                                          f"{engine_name} (machine transcripts, marked as such)")
