"""The whole call at a glance, above the player (docs/listening.md): the waveform with the speech
drawn apart from the silence, where playback is, the note times as marks; a click or the arrow
keys seek. Colours come from the palette (speech: Highlight; silence: Mid; marks: Link)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from reviewer.analysis.speech import CallProfile
from reviewer.files.recordings import format_time
from ui.widgets.a11y import named

STEP_MS = 1000          # Left/Right; Shift+Left/Right ten times as far


class WaveformView(QWidget):
    seek_requested = Signal(int)        # milliseconds
    leave = Signal()                    # Esc: back to the questions

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("waveform")
        self.profile: CallProfile | None = None
        self.position_ms = 0
        self.marks: list[int] = []
        self.status = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        named(self, "Waveform of the call",
              "Speech and silence of the whole call; Left and Right move 1 second, with "
              "Shift 10 seconds; Home and End go to the ends")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(200, self.fontMetrics().height() * 3)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(60, self.fontMetrics().height() * 2)

    # -- state ----------------------------------------------------------------------------------
    def set_profile(self, profile: CallProfile | None, status: str = "") -> None:
        self.profile, self.status = profile, status
        self.setAccessibleDescription(status or self._describe())
        self.update()

    def _describe(self) -> str:
        if self.profile is None:
            return ""
        p = self.profile
        spoken = sum(b - a for a, b in p.speech)
        return (f"{format_time(int(p.duration * 1000))} long, {len(p.speech)} stretches of "
                f"speech, {spoken / max(p.duration, 1e-9):.0%} of the call")

    def set_position(self, ms: int) -> None:
        if ms != self.position_ms:
            self.position_ms = ms
            self.update()

    def set_marks(self, marks: list[int]) -> None:
        self.marks = marks
        self.update()

    def duration_ms(self) -> int:
        return int(self.profile.duration * 1000) if self.profile else 0

    # -- input ----------------------------------------------------------------------------------
    def _seek(self, ms: int) -> None:
        if self.profile is not None:
            self.seek_requested.emit(max(0, min(ms, self.duration_ms())))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.profile is not None and self.width() > 0:
            self._seek(int(event.position().x() / self.width() * self.duration_ms()))
        super().mousePressEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        k = Qt.Key
        moves = {k.Key_Left: -STEP_MS, k.Key_Right: STEP_MS}
        if event.key() in moves and self.profile is not None:
            big = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            self._seek(self.position_ms + moves[event.key()] * (10 if big else 1))
        elif event.key() == k.Key_Home:
            self._seek(0)
        elif event.key() == k.Key_End:
            self._seek(self.duration_ms())
        elif event.key() == k.Key_Escape:
            self.leave.emit()
        else:
            super().keyPressEvent(event)

    # -- drawing --------------------------------------------------------------------------------
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        pal = self.palette()
        painter = QPainter(self)
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        w, h = self.width(), self.height()
        if self.profile is None or not self.profile.peaks or self.profile.duration <= 0:
            painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.status)
            return
        p = self.profile
        mid = h / 2
        speech_colour = pal.color(QPalette.ColorRole.Highlight)
        silence_colour = pal.color(QPalette.ColorRole.Mid)
        for a, b in p.speech:        # speech stretches: a band behind the wave
            x0, x1 = a / p.duration * w, b / p.duration * w
            band = QRectF(x0, h - 3, max(x1 - x0, 1.0), 3)
            painter.fillRect(band, speech_colour)
        n = len(p.peaks)
        for colour, inside in ((silence_colour, False), (speech_colour, True)):
            points = []
            for i, peak in enumerate(p.peaks):
                t = (i + 0.5) / n * p.duration
                if self._in_speech(t) == inside:
                    x, half = i / n * w, peak * (mid - 3)
                    points += [QPointF(x, mid - half), QPointF(x, mid + half)]
            painter.setPen(QPen(colour, max(1.0, w / n)))
            painter.drawLines(points)
        painter.setPen(QPen(pal.color(QPalette.ColorRole.Link), 2))
        for ms in self.marks:
            x = ms / 1000 / p.duration * w
            painter.drawPolygon(QPolygonF([QPointF(x - 4, 0), QPointF(x + 4, 0),
                                           QPointF(x, 6)]))
        painter.setPen(QPen(pal.color(QPalette.ColorRole.Text), 2))
        x = self.position_ms / 1000 / p.duration * w
        painter.drawLine(QPointF(x, 0), QPointF(x, h))
        if self.hasFocus():
            painter.setPen(QPen(pal.color(QPalette.ColorRole.Highlight), 1,
                                Qt.PenStyle.DashLine))
            painter.drawRect(self.rect().adjusted(0, 0, -1, -1))

    def _in_speech(self, t: float) -> bool:
        import bisect

        speech = self.profile.speech if self.profile else []
        i = bisect.bisect_right(speech, (t, float("inf"))) - 1
        return i >= 0 and speech[i][0] <= t <= speech[i][1]
