"""Decoding call recordings for the waveform and the speech finder (docs/listening.md).

Recordings are decoded with soundfile (libsndfile, shipped in its wheel): WAV of any coding
(PCM, u-law, A-law, ...), FLAC, Ogg Vorbis/Opus and MP3. Other kinds (m4a/AAC) still play in
the app (Qt's ffmpeg backend) but get no waveform: one line says so. Audio is read in blocks,
mixed to mono and resampled to 8 kHz 16-bit, telephone quality, which is what the voice
activity detector works on; a call longer than :data:`MAX_SECONDS` is refused with one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from reviewer.errors import ReviewerError

if TYPE_CHECKING:
    import numpy as np

RATE = 8000                     # Hz, what the analysis works on
MAX_SECONDS = 2 * 3600          # longer recordings are played but not analysed
BLOCK_SECONDS = 60


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def duration(path: str | Path) -> float:
    """The recording's length in seconds; ReviewerError if it cannot be decoded."""
    import soundfile

    path = Path(path)
    if not path.is_file():
        raise ReviewerError(f"{path}: the recording is missing")
    try:
        info = soundfile.info(str(path))
    except Exception as exc:  # noqa: BLE001 - libsndfile's many ways of saying "not audio"
        reason = str(exc).splitlines()[-1] if str(exc) else type(exc).__name__
        raise ReviewerError(f"{path}: the recording cannot be decoded here ({reason[:120]}); "
                            "it may still play, without waveform or silence skipping") from None
    if info.samplerate <= 0 or info.frames < 0:
        raise ReviewerError(f"{path}: the recording cannot be decoded here (no samples)")
    return info.frames / info.samplerate


def read_pcm(path: str | Path, max_seconds: float = MAX_SECONDS) -> np.ndarray:
    """The whole recording as 8 kHz mono int16 samples."""
    import numpy as np
    import soundfile
    from scipy.signal import resample_poly

    path = Path(path)
    length = duration(path)
    if length > max_seconds:
        raise ReviewerError(f"{path}: the recording is {_clock(length)} long; speech is found "
                            f"in calls up to {_clock(max_seconds)}, so it plays without "
                            "waveform or silence skipping")
    parts = []
    try:
        with soundfile.SoundFile(str(path)) as f:
            rate = f.samplerate
            for block in f.blocks(blocksize=rate * BLOCK_SECONDS, dtype="float32",
                                  always_2d=True):
                mono = block.mean(axis=1)
                if rate != RATE:
                    from math import gcd

                    g = gcd(rate, RATE)
                    mono = resample_poly(mono, RATE // g, rate // g)
                parts.append(mono)
    except ReviewerError:
        raise
    except Exception as exc:  # noqa: BLE001 - a truncated or damaged file
        raise ReviewerError(f"{path}: the recording cannot be decoded here "
                            f"({str(exc)[:120] or type(exc).__name__})") from None
    samples = np.concatenate(parts) if parts else np.zeros(0, dtype="float32")
    return (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)
