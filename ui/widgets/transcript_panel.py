"""The transcript beside the player (docs/listening.md): one line a row (time, speaker, text),
the line being played highlighted and kept in view, Enter or a click plays from a line; a
machine transcript says so above the lines. Esc goes back to the questions."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from reviewer.files.transcripts import Segment, Transcript
from ui.models.transcript import COL_TEXT, TranscriptModel
from ui.widgets.layout import row_table


class TranscriptPanel(QWidget):
    seek_requested = Signal(int)       # ms, to play from
    leave = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("transcriptPanel")
        self.model = TranscriptModel(self)
        self.status = QLabel("")
        self.status.setObjectName("transcriptStatus")
        self.status.setWordWrap(True)
        self.view = row_table(self.model, "transcriptView", "Transcript")
        self.view.setAccessibleDescription("Enter or a click plays from the line; Esc goes back")
        self.view.setTabKeyNavigation(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._play_row)
        self.view.clicked.connect(self._play_row)
        self.view.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.show_transcript(None, "")

    def show_transcript(self, transcript: Transcript | None, status: str) -> None:
        self.model.set_transcript(transcript)
        machine = transcript is not None and transcript.machine
        text = ("Machine transcript (speech recognition): words may be wrong. " if machine
                else "") + status
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.view.setVisible(transcript is not None)
        self.setVisible(transcript is not None or bool(status))

    def follow(self, ms: int) -> None:
        """Highlight the line being played and keep it in view."""
        row = self.model.row_at(ms / 1000)
        if self.model.set_current(row) and row >= 0 and not self.view.hasFocus():
            self.view.scrollTo(self.model.index(row, COL_TEXT),
                               QAbstractItemView.ScrollHint.EnsureVisible)

    def current_segment(self) -> Segment | None:
        """The line under the cursor (else the one being played)."""
        index = self.view.currentIndex()
        row = index.row() if index.isValid() else self.model.current
        return self.model.segments[row] if 0 <= row < len(self.model.segments) else None

    def _play_row(self, index: QModelIndex) -> None:
        if index.isValid():
            self.seek_requested.emit(int(self.model.segments[index.row()].start * 1000))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        from PySide6.QtCore import QEvent

        if obj is self.view and event.type() == QEvent.Type.KeyPress \
                and event.key() == Qt.Key.Key_Escape:
            self.leave.emit()
            return True
        return super().eventFilter(obj, event)
