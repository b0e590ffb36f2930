"""Transcripts of call recordings (docs/listening.md): WebVTT (``.vtt``, read with webvtt-py),
SRT (``.srt``, read with srt) and JSON segments (``.json``)::

    {"segments": [{"start": 1.2, "end": 3.4, "text": "...", "speaker": "caller"}],
     "machine": false}

A transcript is linked like a recording: the absolute path in the record's ``transcript`` field,
or ``db:ID`` for one stored in the database (``reviewer.store.transcripts``).
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
STORED_PREFIX = "db:"   # db:ID links a row of the database's transcripts (store.transcripts.link)
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
    return _segments(str(path), data["segments"]), bool(data.get("machine", False))


def _segments(where: str, items: list) -> list[Segment]:
    out = []
    for i, s in enumerate(items, start=1):
        at = f"{where}: segment {i}"
        if not isinstance(s, dict):
            raise ReviewerError(f"{at}: not an object")
        start, end = s.get("start"), s.get("end")
        if not all(isinstance(t, int | float) and not isinstance(t, bool) for t in (start, end)):
            raise ReviewerError(f"{at}: \"start\" and \"end\" must be numbers of seconds")
        if not isinstance(s.get("text", ""), str) or not isinstance(s.get("speaker", ""), str):
            raise ReviewerError(f"{at}: \"text\" and \"speaker\" must be text")
        out.append(Segment(float(start), float(end), " ".join(s.get("text", "").split()),
                           s.get("speaker") or ""))
    return out


def _checked(where: str | Path, segments: list[Segment], machine: bool) -> Transcript:
    for i, s in enumerate(segments, start=1):
        if s.start < 0 or s.end < s.start:
            raise ReviewerError(f"{where}: line {i} ends before it starts "
                                f"({s.start:.2f} s to {s.end:.2f} s)")
    if not segments:
        raise ReviewerError(f"{where}: the transcript has no lines")
    segments.sort(key=lambda s: (s.start, s.end))
    return Transcript(segments, machine)


def segments_json(transcript: Transcript) -> str:
    """The lines as stored in the database's ``transcript`` table (a JSON list)."""
    return json.dumps([asdict(s) for s in transcript.segments], ensure_ascii=False)


def stored_transcript(where: str, segments: str, machine: bool) -> Transcript:
    """A transcript stored in the database (``segments`` as :func:`segments_json` wrote it),
    checked as a file is; ``where`` names it in messages (``db:ID``)."""
    try:
        items = json.loads(segments)
    except json.JSONDecodeError as exc:
        raise ReviewerError(f"{where}: the stored transcript is not JSON ({exc.msg})") from None
    if not isinstance(items, list):
        raise ReviewerError(f"{where}: the stored transcript is not a list of lines")
    return _checked(where, _segments(where, items), machine)


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
    return _checked(path, segments, machine)


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
    """The linked transcript file; None when there is none, or when the link is ``db:ID`` (a
    transcript stored in the database: ``reviewer.ops.listening.record_transcript``)."""
    value = str(fields.get(TRANSCRIPT_FIELD) or "").strip()
    return Path(value) if value and stored_id(value) is None else None


def stored_id(value: object) -> int | None:
    """The ID of a ``db:ID`` link (a transcript stored in the database, docs/listening.md);
    None for anything else (a file's path, blank)."""
    text = str(value or "").strip()
    number = text.removeprefix(STORED_PREFIX)
    return int(number) if text.startswith(STORED_PREFIX) and number.isdigit() else None
