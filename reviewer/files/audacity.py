"""Audacity label files (docs/listening.md): one label a line, ``START<TAB>END<TAB>TEXT``, times
in seconds (Audacity's *File > Export > Export Labels* / *Import > Labels*). A line that starts
with a backslash or a tab (a label's frequency range) is skipped. ``.txt`` is the one extension
these files take."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reviewer.errors import ReviewerError
from reviewer.private import check_extension, private_output


@dataclass(frozen=True)
class Label:
    start: float
    end: float
    text: str
    line: int = 0                 # where it was read, for messages


def write_labels(path: str | Path, labels: list[Label]) -> Path:
    check_extension(path, (".txt",), "an Audacity label file")
    body = "".join(f"{x.start:.6f}\t{x.end:.6f}\t{' '.join(x.text.split())}\n" for x in labels)
    with private_output(path) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return Path(path)


def _seconds(value: str) -> float | None:
    try:
        seconds = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return seconds if seconds >= 0 and seconds == seconds and seconds != float("inf") else None


def read_labels(path: str | Path) -> list[Label]:
    """Every label in the file; all of its problems as located lines (``FILE:LINE: ...``)."""
    check_extension(path, (".txt",), "an Audacity label file")
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReviewerError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in data[:4096]:
        raise ReviewerError(f"{path}: not a label file (a binary file)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewerError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    labels, problems = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith(("\\", "\t")):
            continue
        parts = line.split("\t", 2)
        if len(parts) < 2:
            problems.append(f"{path}:{n}: not a label (START<TAB>END<TAB>TEXT)")
            continue
        start, end = _seconds(parts[0]), _seconds(parts[1])
        if start is None or end is None:
            problems.append(f"{path}:{n}: the times must be seconds, such as 12.5")
        elif end < start:
            problems.append(f"{path}:{n}: the label ends before it starts")
        else:
            labels.append(Label(start, end, " ".join((parts[2] if len(parts) > 2 else "")
                                                     .split()), n))
    if problems:
        raise ReviewerError(problems)
    if not labels:
        raise ReviewerError(f"{path}: the file has no labels")
    return labels
