"""The hits of a search across the audit's transcripts (docs/listening.md)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reviewer.analysis.transcript_search import Hit
from reviewer.files.recordings import format_time
from ui.models.table import Index, TableModel

COL_REF, COL_TIME, COL_SPEAKER, COL_TEXT = range(4)


class HitsModel(TableModel):
    HEADERS = ("Ref", "Time", "Speaker", "Line")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hits: list[Hit] = []

    def set_hits(self, hits: list[Hit]) -> None:
        self.beginResetModel()
        self.hits = hits
        self.endResetModel()

    def row_count(self) -> int:
        return len(self.hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        h = self.hits[index.row()]
        speaker = f"{h.speaker} (machine)".strip() if h.machine else h.speaker
        return (h.ref, format_time(int(h.start * 1000)), speaker, h.text)[index.column()]
