"""Generated test calls with known speech (docs/listening.md): phrases spoken by espeak-ng,
pauses, hold tones and a faint line hiss, as 8 kHz 16-bit mono WAV, like a telephone
recording. The generator knows where every phrase is, and which 10 ms frames of it are voiced,
so a test can check that skipping silence never skips a word.

    make_call(path, [("say", "Police, what is your emergency?"), ("pause", 3.0),
                     ("hold", 8.0), ("say", "Thank you for holding.")]) -> [Spoken, ...]

Needs the Debian package espeak-ng (scripts/setup.sh installs it).
"""

from __future__ import annotations

import io
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 8000
VOICES = ("en-gb", "en-gb+f3", "en-gb+m3", "en-gb+f2")


@dataclass
class Spoken:
    text: str
    start: float                 # seconds: the first voiced sample
    end: float                   # the last one
    voiced: list[float] = field(default_factory=list)   # start of each voiced 10 ms frame


def speak(text: str, voice: str = "en-gb", speed: int = 165) -> np.ndarray:
    """The phrase as 8 kHz float samples."""
    import soundfile
    from scipy.signal import resample_poly

    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
                         capture_output=True, check=True).stdout
    data, rate = soundfile.read(io.BytesIO(wav), dtype="float32")
    if data.ndim > 1:
        data = data.mean(axis=1)
    from math import gcd

    g = gcd(rate, RATE)
    return resample_poly(data, RATE // g, rate // g).astype(np.float32)


def hold_tone(seconds: float) -> np.ndarray:
    """A hold tone: 0.4 s beeps of 400+450 Hz, one a second (the UK's queue tone)."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone = 0.15 * (np.sin(2 * np.pi * 400 * t) + np.sin(2 * np.pi * 450 * t))
    return (tone * ((t % 1.0) < 0.4)).astype(np.float32)


def _voiced(samples: np.ndarray, offset: float, threshold: float) -> list[float]:
    n = RATE // 100
    frames = samples[:len(samples) // n * n].reshape(-1, n)
    loud = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1)) > threshold
    return [round(offset + i * 0.01, 2) for i in np.flatnonzero(loud)]


def make_call(path: str | Path, script: list[tuple[str, object]], gain: float = 1.0,
              hiss_db: float = -55.0, seed: int = 1) -> list[Spoken]:
    """Write the call; return where each phrase was placed."""
    parts: list[np.ndarray] = []
    spoken: list[Spoken] = []
    at = 0
    for n, (kind, what) in enumerate(script):
        if kind == "say":
            s = speak(str(what), VOICES[n % len(VOICES)]) * gain
            peak = float(np.abs(s).max()) or 1.0
            loud = np.flatnonzero(np.abs(s) > 0.05 * peak)
            voiced = _voiced(s, at / RATE, 0.02 * peak)
            spoken.append(Spoken(str(what), (at + loud[0]) / RATE, (at + loud[-1]) / RATE,
                                 voiced))
        elif kind == "pause":
            s = np.zeros(int(float(what) * RATE), dtype=np.float32)
        elif kind == "hold":
            s = hold_tone(float(what))
        else:
            raise ValueError(kind)
        parts.append(s)
        at += len(s)
    audio = np.concatenate(parts)
    rng = np.random.default_rng(seed)
    audio = audio + rng.normal(0, 10 ** (hiss_db / 20), audio.size)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    return spoken


PHRASES = (
    "Police, what is your emergency?",
    "There is a group of youths outside the shop, throwing bottles at cars.",
    "Are you safe where you are right now?",
    "Yes, I am inside, but they keep coming back every night.",
    "Is anybody hurt? Do any of them have weapons?",
    "I do not think so, nobody is hurt.",
    "Can I take your name and address please?",
    "It is twelve Station Road.",
    "Have you called us about this before?",
    "Twice last week, and nothing happened.",
    "I am going to put you on hold for a moment while I check.",
    "Thank you for holding, an officer will come round this evening.",
)


def long_call(path: str | Path, minutes: float = 2.0, seed: int = 1) -> list[Spoken]:
    """A call of about ``minutes``: the phrases in turn with pauses of 0.3 to 6 s and, now and
    then, 5 to 20 s of hold tone."""
    rng = np.random.default_rng(seed)
    script: list[tuple[str, object]] = [("pause", 1.5)]
    total, i = 1.5, 0
    while total < minutes * 60:
        phrase = PHRASES[i % len(PHRASES)]
        script.append(("say", phrase))
        total += len(phrase) / 14            # about 14 characters a second
        gap = float(rng.choice([0.3, 0.6, 1.2, 2.5, 4.0, 6.0]))
        script.append(("pause", gap))
        total += gap
        if i % 7 == 6:
            hold = float(rng.uniform(5, 20))
            script += [("hold", hold), ("pause", 0.8)]
            total += hold + 0.8
        i += 1
    return make_call(path, script, seed=seed)
