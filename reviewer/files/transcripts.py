"""Transcripts of call recordings (docs/listening.md): WebVTT (``.vtt``, read with webvtt-py),
SRT (``.srt``, read with srt) and JSON segments (``.json``)::

    {"segments": [{"start": 1.2, "end": 3.4, "text": "...", "speaker": "caller"}],
     "machine": false}

A transcript is linked like a recording: the absolute path in the record's ``transcript`` field.
Reading one checks it: an empty, binary or wrongly encoded file, a malformed one, or times that
run backwards are one located line each (:class:`ReviewerError`); lines that overlap or run past
the call's end are kept and reported by :func:`problems` (scoring goes on).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reviewer.errors import ReviewerError

TRANSCRIPT_FIELD = "transcript"
TRANSCRIPT_EXTENSIONS: tuple[str, ...] = (".vtt", ".srt", ".json")
MAX_BYTES = 20_000_000          # a day of speech is about 1 MB of text


@dataclass(frozen=True)
class Segment:
    start: float                  # seconds from the start of the call
    end: float
    text: str
    speaker: str = ""


@dataclass
class Transcript:
    segments: list[Segment] = field(default_factory=list)
    machine: bool = False         # made by speech recognition, not by a person

    def to_json(self) -> str:
        return json.dumps({"segments": [asdict(s) for s in self.segments],
                           "machine": self.machine}, ensure_ascii=False)


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReviewerError(f"{path}: cannot read the transcript ({exc.strerror})") from None
    if not data.strip():
        raise ReviewerError(f"{path}: the transcript is empty")
    if len(data) > MAX_BYTES:
        raise ReviewerError(f"{path}: the transcript is too large ({len(data)} bytes; "
                            f"at most {MAX_BYTES})")
    if b"\x00" in data[:4096]:
        raise ReviewerError(f"{path}: not a transcript (a binary file)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewerError(f"{path}: not UTF-8 text (byte {exc.start}): save the transcript "
                            "as UTF-8") from None


def _vtt(path: Path, text: str) -> list[Segment]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.from_string(text)
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise ReviewerError(f"{path}: not a WebVTT file ({exc})") from None
    return [Segment(c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000,
                    " ".join(c.text.split()), c.voice or "")
            for c in captions]


def _srt(path: Path, text: str) -> list[Segment]:
    import srt

    try:
        subs = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text.count("\n", 0, exc.actual_start) + 1
        raise ReviewerError(f"{path}:{line}: not an SRT subtitle block") from None
    return [Segment(s.start.total_seconds(), s.end.total_seconds(),
                    " ".join(s.content.split())) for s in subs]


def _json(path: Path, text: str) -> tuple[list[Segment], bool]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReviewerError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("segments"), list):
        raise ReviewerError(f"{path}: a JSON transcript is an object with a \"segments\" list")
    out = []
    for i, s in enumerate(data["segments"], start=1):
        where = f"{path}: segment {i}"
        if not isinstance(s, dict):
            raise ReviewerError(f"{where}: not an object")
        start, end = s.get("start"), s.get("end")
        if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in (start, end)):
            raise ReviewerError(f"{where}: \"start\" and \"end\" must be numbers of seconds")
        if not isinstance(s.get("text", ""), str) or not isinstance(s.get("speaker", ""), str):
            raise ReviewerError(f"{where}: \"text\" and \"speaker\" must be text")
        out.append(Segment(float(start), float(end), " ".join(s.get("text", "").split()),
                           s.get("speaker") or ""))
    return out, bool(data.get("machine", False))


def read_transcript(path: str | Path) -> Transcript:
    """The file's segments, in time order; ReviewerError (one located line) if unreadable."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in TRANSCRIPT_EXTENSIONS:
        raise ReviewerError(f"{path}: a transcript is a .vtt, .srt or .json file")
    text = _text(path)
    machine = False
    if kind == ".vtt":
        segments = _vtt(path, text)
    elif kind == ".srt":
        segments = _srt(path, text)
    else:
        segments, machine = _json(path, text)
    for i, s in enumerate(segments, start=1):
        if s.start < 0 or s.end < s.start:
            raise ReviewerError(f"{path}: line {i} ends before it starts "
                                f"({s.start:.2f} s to {s.end:.2f} s)")
    if not segments:
        raise ReviewerError(f"{path}: the transcript has no lines")
    segments.sort(key=lambda s: (s.start, s.end))
    return Transcript(segments, machine)


def problems(path: str | Path, transcript: Transcript, duration: float | None) -> list[str]:
    """What is odd but readable: lines overlapping the one before, or past the call's end."""
    out = []
    segs = transcript.segments
    overlaps = [i for i in range(1, len(segs)) if segs[i].start < segs[i - 1].end - 0.01]
    if overlaps:
        out.append(f"{path}: {len(overlaps)} line(s) overlap the line before (first at "
                   f"{segs[overlaps[0]].start:.1f} s)")
    if duration is not None:
        late = [s for s in segs if s.end > duration + 0.5]
        if late:
            out.append(f"{path}: {len(late)} line(s) run past the end of the call "
                       f"({duration:.1f} s; first at {late[0].start:.1f} s)")
    return out


def transcript_path(fields: dict[str, str]) -> Path | None:
    value = str(fields.get(TRANSCRIPT_FIELD) or "").strip()
    return Path(value) if value else None
