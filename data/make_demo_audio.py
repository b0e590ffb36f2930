#!/usr/bin/env python3
"""Write data/audio/<ref>.wav: a short made-up call for each demo record with an `audio` cell.

The calls are synthetic speech (espeak-ng) describing invented incidents; no real call or
person is in them. Each is made to sound like a phone line and kept small: 8 kHz mono, 8-bit
u-law WAV, band-passed to 300-3400 Hz (sox), 4-6 s, under 50 KB.

Beside each call it writes its transcript, <ref>.vtt (WebVTT, the caller's words a clause a
line, timed in proportion to their length: docs/listening.md), which the demo links.

The files are committed, so this only needs running when the calls change. It needs the
Debian packages espeak-ng and sox.  Run:  python data/make_demo_audio.py
(after python data/make_demo_data.py, which writes the `audio` column).
"""

import csv
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CSV = HERE / "demo-asb-2012.csv"

# One made-up call per record with a recording, in the CSV's order.
CALLS = [
    "Caller reports a group of youths shouting on platform two and throwing bottles "
    "onto the track.",
    "A man is being abusive to staff at the ticket barrier and will not leave.",
    "Teenagers are riding bikes along the platform and swearing at passengers.",
    "A group is drinking on the footbridge, playing loud music. The caller feels intimidated.",
    "Someone keeps throwing stones at trains from the embankment near the station.",
]
VOICES = ["en-gb", "en-gb+f3", "en-gb+m3", "en-gb+f2", "en-gb+m5"]


def speak(text, voice, out):
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", str(raw), text],
                       check=True)
        subprocess.run(["sox", str(raw), "-r", "8000", "-c", "1", "-e", "u-law", str(out),
                        "highpass", "300", "lowpass", "3400", "norm", "-1"], check=True)


def clock(seconds):
    return "%02d:%02d.%03d" % (seconds // 60, int(seconds) % 60, round(seconds * 1000) % 1000)


def write_transcript(text, wav, out):
    """<ref>.vtt: the call's clauses, spread over the recording by their length."""
    import wave

    try:
        with wave.open(str(wav)) as w:
            length = w.getnframes() / w.getframerate()
    except wave.Error:           # u-law: the header's size is enough
        length = (wav.stat().st_size - 58) / 8000
    clauses = [c.strip() for c in re.split(r"(?<=[,.])\s+", text) if c.strip()]
    total, at, lines = sum(len(c) for c in clauses), 0.0, ["WEBVTT", ""]
    for c in clauses:
        end = at + length * len(c) / total
        lines += ["%s --> %s" % (clock(at), clock(end)), "<v Caller>" + c, ""]
        at = end
    out.write_text("\n".join(lines), encoding="utf-8")


def main():
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        print("make_demo_audio: needs %s (apt-get install %s)" % (", ".join(missing),
                                                                 " ".join(missing)),
              file=sys.stderr)
        return 1
    with CSV.open(encoding="utf-8", newline="") as fh:
        wanted = [(row["ref"], row["audio"]) for row in csv.DictReader(fh) if row["audio"]]
    if len(wanted) > len(CALLS):
        print("make_demo_audio: %d records want a recording, only %d calls are written"
              % (len(wanted), len(CALLS)), file=sys.stderr)
        return 1
    for n, (ref, rel) in enumerate(wanted):
        out = HERE / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        speak(CALLS[n], VOICES[n % len(VOICES)], out)
        write_transcript(CALLS[n], out, out.with_suffix(".vtt"))
        print("wrote %s (%d bytes) and its transcript for %s"
              % (out.relative_to(HERE), out.stat().st_size, ref))
    return 0


if __name__ == "__main__":
    sys.exit(main())
