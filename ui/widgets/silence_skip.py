"""Skipping silence while a call plays (docs/listening.md): gaps between stretches of speech
longer than a set length (default 1.0 s; setting ``player/skip_gap_seconds``) are jumped over,
at any speed, with a short mark ("» 3.2 s skipped") beside the time. On or off with its button
or the S key; remembered (QSettings ``player/skip_silence``)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QLabel, QToolButton

from reviewer.analysis.speech import CallProfile
from ui.app.shortcuts import keys
from ui.widgets import unlocked
from ui.widgets.a11y import named

SKIP_SETTING, GAP_SETTING = "player/skip_silence", "player/skip_gap_seconds"
DEFAULT_GAP = 1.0          # seconds: shorter pauses are part of the conversation
CHECK_MS = 40              # how often a playing call checks for a gap to skip
MARK_MS = 1500             # how long "» 3.2 s skipped" stays


def _setting_gap() -> float:
    try:
        return float(QSettings().value(GAP_SETTING, DEFAULT_GAP))
    except (TypeError, ValueError):
        return DEFAULT_GAP


class SilenceSkip(QObject):
    skipped = Signal(int, int)          # a gap skipped: from, to (ms)

    def __init__(self, player: QMediaPlayer, parent=None):
        super().__init__(parent)
        self.player = player
        self.on = str(QSettings().value(SKIP_SETTING, "false")).lower() == "true"
        self.min_gap = _setting_gap()
        self.gaps: list[tuple[int, int]] = []
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.mark = QLabel("")
        self.mark.setObjectName("skipMark")
        self.mark_timer = QTimer(self)
        self.mark_timer.setSingleShot(True)
        self.mark_timer.timeout.connect(lambda: self.mark.setText(""))
        key = keys("toggle_skip_silence")[0]
        self.button = QToolButton()
        self.button.setObjectName("skipSilence")
        self.button.setText("Skip silence")
        self.button.setCheckable(True)
        self.button.setChecked(self.on)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setToolTip(f"Skip pauses longer than {self.min_gap:g} s while playing "
                               f"({key})")
        named(self.button, "Skip silence", f"Key: {key}")
        self.button.toggled.connect(self.set_on)
        player.playbackStateChanged.connect(lambda _s: self._update())
        player.positionChanged.connect(lambda _p: self.timer.isActive() and self.check())

    def set_profile(self, profile: CallProfile | None) -> None:
        self.gaps = [] if profile is None else [
            (int(a * 1000), int(b * 1000)) for a, b in profile.silences(self.min_gap)]
        self._update()

    def set_on(self, on: bool) -> None:
        self.on = bool(on)
        QSettings().setValue(SKIP_SETTING, "true" if self.on else "false")
        if self.button.isChecked() != self.on:
            self.button.setChecked(self.on)
        self._update()

    def toggle(self) -> str:
        """Turn it over; the line that says what it does now."""
        self.set_on(not self.on)
        return (f"Skipping silence: pauses over {self.min_gap:g} s are skipped." if self.on
                else "Playing everything, silence included.")

    def _update(self) -> None:
        playing = self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState
        if self.on and self.gaps and playing:
            self.timer.start()
        else:
            self.timer.stop()

    def check(self) -> None:
        pos = self.player.position()
        for start, end in self.gaps:
            if start <= pos < end - 2 * CHECK_MS:
                unlocked.set_position(self.player, end)
                self.mark.setText(f"» {(end - pos) / 1000:.1f} s skipped")
                self.mark_timer.start(MARK_MS)
                self.skipped.emit(pos, end)
                return
