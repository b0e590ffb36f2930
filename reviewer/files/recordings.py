"""Call recordings: linking a folder of audio files to an audit's records, and note timestamps.

A record's recording is the absolute path in its ``audio`` field (the importer resolves relative
paths against the imported file's folder). ``link_recordings`` fills that field from a folder of
files named by ref (``INC-123.wav`` <-> ref ``INC-123``, case-insensitive). Notes may carry
timestamps such as ``[01:23]`` (or ``[1:02:03]`` past the hour) pointing into the recording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from reviewer.errors import ReviewerError
from reviewer.files.answer_table import AUDIO_FIELD

AUDIO_EXTENSIONS: tuple[str, ...] = (".wav", ".mp3", ".m4a", ".aac", ".ogg", ".oga", ".flac",
                                     ".opus")
TIMESTAMP_RE = re.compile(r"\[(?:(\d{1,2}):)?(\d{1,3}):([0-5]\d)\]")


class HasFields(Protocol):
    fields: dict[str, str]


@dataclass
class LinkResult:
    matched: list[tuple[str, Path]] = field(default_factory=list)   # (ref, file), in ref order
    unmatched_files: list[Path] = field(default_factory=list)       # no record has that ref
    duplicates: list[Path] = field(default_factory=list)   # a 2nd file for an already-matched ref
    records_without_file: list[str] = field(default_factory=list)   # refs still without audio
    noun: str = "recording"        # or "transcript": the same linking, another kind of file
    problems: list[str] = field(default_factory=list)   # linked files with something odd

    def summary(self) -> str:
        lines = [f"{len(self.matched)} {self.noun}(s) linked to records."]
        if self.unmatched_files:
            names = ", ".join(p.name for p in self.unmatched_files[:10])
            more = f" and {len(self.unmatched_files) - 10} more" \
                if len(self.unmatched_files) > 10 else ""
            lines.append(f"{len(self.unmatched_files)} file(s) match no ref: {names}{more}.")
        if self.duplicates:
            names = ", ".join(p.name for p in self.duplicates)
            lines.append(f"{len(self.duplicates)} file(s) skipped, another file was used for "
                         f"the same ref: {names}.")
        if self.records_without_file:
            refs = ", ".join(self.records_without_file[:10])
            more = f" and {len(self.records_without_file) - 10} more" \
                if len(self.records_without_file) > 10 else ""
            lines.append(f"{len(self.records_without_file)} record(s) have no {self.noun}: "
                         f"{refs}{more}.")
        return "\n".join(lines + self.problems)


def audio_files(folder: str | Path,
                extensions: tuple[str, ...] = AUDIO_EXTENSIONS) -> list[Path]:
    """The audio files (or files with ``extensions``, in order of preference) directly in
    ``folder`` (not its subfolders), sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReviewerError(f"{folder}: not a folder")
    return sorted((p for p in folder.iterdir()
                   if p.is_file() and not p.name.startswith(".")
                   and p.suffix.lower() in extensions),
                  key=lambda p: (p.stem.casefold(), extensions.index(p.suffix.lower()),
                                 p.name))


def match_recordings(folder: str | Path, rows: list[tuple[int, str, dict[str, Any]]],
                     extensions: tuple[str, ...] = AUDIO_EXTENSIONS,
                     field_name: str = AUDIO_FIELD,
                     noun: str = "recording"
                     ) -> tuple[LinkResult, list[tuple[int, dict[str, Any]]]]:
    """Match a folder's audio files to records ``(id, ref, fields)`` by file stem: the
    stem must equal the ref, exactly, else ignoring case (when that picks one record). Returns
    the summary and the ``(record id, new fields)`` to store; records with no file keep
    whatever recording they had. Transcripts are linked the same way (``extensions``,
    ``field_name``, ``noun``)."""
    files = audio_files(folder, extensions)
    by_ref = {ref: (rid, ref) for rid, ref, _ in rows}
    by_folded: dict[str, list[tuple[int, str]]] = {}
    for rid, ref, _ in rows:
        by_folded.setdefault(ref.casefold(), []).append((rid, ref))
    result = LinkResult(noun=noun)
    chosen: dict[int, Path] = {}
    for path in files:
        target = by_ref.get(path.stem)
        if target is None:
            candidates = by_folded.get(path.stem.casefold(), [])
            target = candidates[0] if len(candidates) == 1 else None
        if target is None:
            result.unmatched_files.append(path)
        elif target[0] in chosen:
            result.duplicates.append(path)
        else:
            chosen[target[0]] = path.resolve()
    updates = []
    for rid, ref, stored in rows:
        fields = dict(stored)
        if rid in chosen:
            fields[field_name] = str(chosen[rid])
            updates.append((rid, fields))
            result.matched.append((ref, chosen[rid]))
        elif not str(fields.get(field_name) or "").strip():
            result.records_without_file.append(ref)
    return result, updates


def recording_path(view: HasFields | None) -> Path | None:
    """The record's recording (which may not exist on disk), or None if it has none."""
    if view is None:
        return None
    value = str(view.fields.get(AUDIO_FIELD) or "").strip()
    return Path(value) if value else None


def format_time(ms: int) -> str:
    """``01:23`` (``1:02:03`` from an hour on) for a position in milliseconds."""
    seconds = max(int(ms), 0) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def timestamp(ms: int) -> str:
    """The note text for a position: ``[01:23]``."""
    return f"[{format_time(ms)}]"


def timestamps(note: str) -> list[tuple[int, int, int]]:
    """Every ``[mm:ss]``/``[h:mm:ss]`` in a note as (start, end, milliseconds), in order."""
    out = []
    for m in TIMESTAMP_RE.finditer(note or ""):
        hours, minutes, secs = int(m.group(1) or 0), int(m.group(2)), int(m.group(3))
        out.append((m.start(), m.end(), ((hours * 60 + minutes) * 60 + secs) * 1000))
    return out


def last_timestamp(note: str) -> int | None:
    """The position (ms) of the last timestamp in a note, or None."""
    found = timestamps(note)
    return found[-1][2] if found else None
