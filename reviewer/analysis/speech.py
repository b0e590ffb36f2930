"""Where the speech is in a call, its shape for the waveform, and how loud it is
(docs/listening.md). Takes samples (8 kHz mono int16), never a file.

Speech is found by the WebRTC voice activity detector (``webrtcvad-wheels``): 30 ms frames,
aggressiveness 2; runs of speech frames closer than :data:`BRIDGE` are joined and each region
is widened by :data:`PAD` on both sides so no word's edge is cut; a frame that is a pure tone
(hold tones, beeps: :func:`tonal`) is not speech, and a lone run shorter than :data:`MIN_RUN`
is dropped. Silence is what lies between.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

FRAME_MS = 30
AGGRESSIVENESS = 2
BRIDGE = 0.3          # s: speech frames this close are one region (breaths, plosives)
PAD = 0.2             # s: kept on each side of a region
MIN_RUN = 0.15        # s: a shorter run of speech frames alone is a click or a tone's edge
TONE_BINS, TONE_SHARE = 6, 0.75
PEAKS = 2000          # columns of the waveform, whatever the call's length
PROFILE_VERSION = 2   # bump when the analysis changes (the cache keys on it)


@dataclass
class CallProfile:
    duration: float                                   # seconds
    speech: list[tuple[float, float]] = field(default_factory=list)   # (start, end) seconds
    peaks: list[float] = field(default_factory=list)  # 0..1, PEAKS columns (fewer if short)
    level_db: float | None = None    # RMS of the speech frames, dB below full scale

    def silences(self, longer_than: float = 0.0) -> list[tuple[float, float]]:
        """The gaps between speech regions (and before the first, after the last)."""
        out, at = [], 0.0
        for start, end in self.speech:
            if start - at > longer_than:
                out.append((at, start))
            at = max(at, end)
        if self.duration - at > longer_than:
            out.append((at, self.duration))
        return out

    def to_dict(self) -> dict:
        return {"version": PROFILE_VERSION, "duration": self.duration,
                "speech": [list(s) for s in self.speech], "peaks": self.peaks,
                "level_db": self.level_db}

    @classmethod
    def from_dict(cls, d: dict) -> CallProfile:
        return cls(float(d["duration"]), [(float(a), float(b)) for a, b in d["speech"]],
                   [float(p) for p in d["peaks"]], d.get("level_db"))


def tonal(samples: np.ndarray, rate: int = 8000) -> np.ndarray:
    """Per 30 ms frame, whether nearly all its energy sits in a few frequencies: a hold tone
    or a beep, which the voice detector takes for speech. Speech spreads over its harmonics
    (at most 0.65 of a frame's energy in its 6 strongest bins, measured on espeak-ng voices;
    a 400+450 Hz queue tone puts 0.86 there)."""
    import numpy as np

    n = rate * FRAME_MS // 1000
    count = samples.size // n
    frames = samples[:count * n].reshape(count, n).astype(np.float32)
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(n).astype(np.float32), n=512,
                                  axis=1)) ** 2
    top = np.partition(spectrum, -TONE_BINS, axis=1)[:, -TONE_BINS:].sum(axis=1)
    return top > TONE_SHARE * (spectrum.sum(axis=1) + 1e-9)


def speech_frames(samples: np.ndarray, rate: int = 8000) -> list[bool]:
    """One verdict per 30 ms frame (a trailing part frame is left out): the WebRTC detector
    says speech, and the frame is not a pure tone."""
    import webrtcvad

    vad = webrtcvad.Vad(AGGRESSIVENESS)
    n = rate * FRAME_MS // 1000
    data = samples.tobytes()
    step = n * 2
    tone = tonal(samples, rate)
    return [vad.is_speech(data[i:i + step], rate) and not tone[i // step]
            for i in range(0, len(data) - step + 1, step)]


def regions(frames: list[bool], duration: float) -> list[tuple[float, float]]:
    """Speech frames joined into padded regions, in seconds."""
    frame = FRAME_MS / 1000
    raw: list[list[float]] = []
    for i, speech in enumerate(frames):
        if not speech:
            continue
        start, end = i * frame, (i + 1) * frame
        if raw and start - raw[-1][1] <= BRIDGE:
            raw[-1][1] = end
        else:
            raw.append([start, end])
    out: list[tuple[float, float]] = []
    for start, end in raw:
        if end - start < MIN_RUN:
            continue
        start, end = max(0.0, start - PAD), min(duration, end + PAD)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((round(start, 3), round(end, 3)))
    return out


def peaks(samples: np.ndarray, columns: int = PEAKS) -> list[float]:
    """The loudest sample of each column, 0..1 of full scale, rounded (the cache stays small)."""
    import numpy as np

    if samples.size == 0:
        return []
    columns = min(columns, samples.size)
    edges = np.linspace(0, samples.size, columns + 1).astype(np.int64)
    loud = np.maximum.reduceat(np.abs(samples.astype(np.int32)), edges[:-1])
    return [round(float(v) / 32768, 3) for v in loud]


def level_db(samples: np.ndarray, frames: list[bool], rate: int = 8000) -> float | None:
    """The RMS level of the speech frames in dBFS (None when there is no speech)."""
    import numpy as np

    n = rate * FRAME_MS // 1000
    chosen = [samples[i * n:(i + 1) * n] for i, s in enumerate(frames) if s]
    if not chosen:
        return None
    x = np.concatenate(chosen).astype(np.float64) / 32768
    rms = float(np.sqrt(np.mean(x * x)))
    return round(20 * np.log10(max(rms, 1e-6)), 1)


def profile(samples: np.ndarray, rate: int = 8000) -> CallProfile:
    length = samples.size / rate
    frames = speech_frames(samples, rate)
    return CallProfile(length, regions(frames, length), peaks(samples),
                       level_db(samples, frames, rate))


def volume_for(level: float | None, target_db: float = -20.0, base: float = 0.5) -> float:
    """A playback volume (0..1) that brings speech at ``level`` dBFS towards ``target_db``:
    ``base`` for a call at the target, up to 1.0 (+6 dB) for a quiet caller, down for a
    loud one."""
    if level is None:
        return base
    gain = 10 ** ((target_db - level) / 20)
    return max(0.05, min(1.0, base * gain))
