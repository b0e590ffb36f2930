"""The transcript beside the player: one line a row (time, speaker, text), the line being
played highlighted (docs/listening.md)."""

from __future__ import annotations

import bisect

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from reviewer.files.recordings import format_time
from reviewer.files.transcripts import Segment, Transcript
from ui.models.table import Index, TableModel

COL_TIME, COL_SPEAKER, COL_TEXT = range(3)


class TranscriptModel(TableModel):
    HEADERS = ("Time", "Speaker", "Said")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.segments: list[Segment] = []
        self.starts: list[float] = []
        self.current = -1

    def set_transcript(self, transcript: Transcript | None) -> None:
        self.beginResetModel()
        self.segments = list(transcript.segments) if transcript else []
        self.starts = [s.start for s in self.segments]
        self.current = -1
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.segments)

    def row_at(self, seconds: float) -> int:
        """The last line that has started by ``seconds`` (-1 before the first)."""
        return bisect.bisect_right(self.starts, seconds) - 1

    def set_current(self, row: int) -> bool:
        if row == self.current:
            return False
        old, self.current = self.current, row
        for r in (old, row):
            if 0 <= r < len(self.segments):
                self.dataChanged.emit(self.index(r, 0), self.index(r, COL_TEXT))
        return True

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s = self.segments[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (format_time(int(s.start * 1000)), s.speaker, s.text)[index.column()]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{format_time(int(s.start * 1000))} {s.speaker} {s.text}".strip()
        current = index.row() == self.current
        if current and role == Qt.ItemDataRole.BackgroundRole:
            return QPalette().brush(QPalette.ColorRole.Highlight)
        if current and role == Qt.ItemDataRole.ForegroundRole:
            return QPalette().brush(QPalette.ColorRole.HighlightedText)
        return None
