"""The call player beside the scoring form: play/pause, skip 5 s, speed, position, messages;
the waveform above it, silence skipping and levelled loudness (docs/listening.md).

It never takes keyboard focus (the keys live in the shortcut table and are wired by
``ui.screens.call_listening``), and a missing or unplayable file is a message in the player,
never an error dialog: scoring goes on."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QPalette
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reviewer.analysis.speech import CallProfile, volume_for
from reviewer.files.recordings import format_time
from ui.app.colours import emphasise, set_colours, status
from ui.app.shortcuts import keys
from ui.app.themes import icon_in
from ui.widgets import unlocked
from ui.widgets.a11y import buddy, named
from ui.widgets.silence_skip import SilenceSkip
from ui.widgets.waveform import WaveformView

SKIP_MS = 5000
SPEEDS: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
NO_FOCUS = Qt.FocusPolicy.NoFocus


def has_pitch_compensation(player: QMediaPlayer) -> bool:
    """Whether this Qt (6.10+) and its backend can keep the pitch when the speed changes."""
    if not hasattr(player, "setPitchCompensation"):
        return False
    avail = player.pitchCompensationAvailability()
    return avail != QMediaPlayer.PitchCompensationAvailability.Unavailable


class CallPlayer(QWidget):
    """Plays one recording at a time; ``load(path)`` shows the next one, stopped at 0:00."""

    message_changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("callPlayer")
        self.path: Path | None = None
        self.rate = 1.0
        self.profile: CallProfile | None = None
        self.player = QMediaPlayer(self)
        self.audio = QAudioOutput(self.player)   # parented: an orphan crashes at teardown
        self.player.setAudioOutput(self.audio)
        self.pitch_compensation = has_pitch_compensation(self.player)
        self.skipper = SilenceSkip(self.player, self)
        self._build()
        self.player.durationChanged.connect(self._duration_changed)
        self.player.positionChanged.connect(self._position_changed)
        self.player.playbackStateChanged.connect(self._state_changed)
        self.player.mediaStatusChanged.connect(self._status_changed)
        self.player.errorOccurred.connect(self._error)
        self.load(None)

    def _button(self, icon: QStyle.StandardPixmap, tip: str, action: str, slot) -> QToolButton:
        button = QToolButton()
        size = self.fontMetrics().height()          # icons grow with the system font
        button.setIcon(icon_in(self.style().standardIcon(icon),       # the theme's colour
                               self.palette().color(QPalette.ColorRole.ButtonText), size * 2))
        button.setIconSize(QSize(size, size))
        button.setToolTip(f"{tip} ({keys(action)[0]})")
        named(button, tip, f"Key: {keys(action)[0]}")      # icon only: the name is read
        button.setFocusPolicy(NO_FOCUS)
        button.clicked.connect(slot)
        return button

    def _build(self) -> None:
        sp = QStyle.StandardPixmap
        self.title = QLabel("")
        self.title.setObjectName("playerTitle")
        emphasise(self.title)
        self.title.setWordWrap(True)
        self.back_button = self._button(sp.SP_MediaSeekBackward, "Back 5 seconds", "skip_back",
                                        lambda: self.skip(-SKIP_MS))
        self.play_button = self._button(sp.SP_MediaPlay, "Play or pause", "play_pause",
                                        self.toggle)
        self.forward_button = self._button(sp.SP_MediaSeekForward, "Forward 5 seconds",
                                           "skip_forward", lambda: self.skip(SKIP_MS))
        self.speed_box = QComboBox()
        self.speed_box.setObjectName("speedBox")
        self.speed_box.setToolTip(f"Speed: {keys('slower')[0]} slower, "
                                  f"{keys('faster')[0]} faster")
        self.speed_box.setFocusPolicy(NO_FOCUS)
        named(self.speed_box, "Playback speed")
        for rate in SPEEDS:
            self.speed_box.addItem(f"{rate:g}×", rate)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.activated.connect(lambda i: self.set_rate(SPEEDS[i]))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("positionSlider")
        self.slider.setFocusPolicy(NO_FOCUS)
        self.slider.setPageStep(SKIP_MS)
        named(self.slider, "Position in the recording")
        self.slider.sliderMoved.connect(self.seek)
        self.slider.actionTriggered.connect(self._slider_action)
        self.time_label = QLabel("00:00 / 00:00")
        self.time_label.setObjectName("timeLabel")
        self.message = QLabel("")
        self.message.setObjectName("playerMessage")
        self.message.setWordWrap(True)
        self.waveform = WaveformView()
        self.waveform.seek_requested.connect(self.seek)
        self.controls = QHBoxLayout()
        self.controls.setContentsMargins(0, 0, 0, 0)
        for w in (self.back_button, self.play_button, self.forward_button):
            self.controls.addWidget(w)
        self.controls.addWidget(self.time_label)
        # the skip mark takes the row's spare room, never widens it (issue #20: laptop screens)
        mark = self.skipper.mark
        mark.setSizePolicy(QSizePolicy.Policy.Ignored, mark.sizePolicy().verticalPolicy())
        self.controls.addWidget(mark, 1)
        self.controls.addWidget(self.skipper.button)
        self.controls.addWidget(buddy("Speed", self.speed_box))
        self.controls.addWidget(self.speed_box)
        self.head = QHBoxLayout()   # the title, and room for the "Link recordings…" button
        self.head.setContentsMargins(0, 0, 0, 0)
        self.head.addWidget(self.title, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(line)
        layout.addLayout(self.head)
        layout.addWidget(self.waveform)
        layout.addWidget(self.slider)
        layout.addLayout(self.controls)
        layout.addWidget(self.message)

    # -- loading --------------------------------------------------------------------------------
    def load(self, path: Path | None) -> None:
        """Show this recording, stopped at 0:00 (None: the record has none)."""
        self._stop()
        self.player.setSource(QUrl())   # the old call's audio thread ends here, lock let go
        self.path = path
        self.set_profile(None, "Finding the speech…" if path is not None else "")
        self._duration_changed(0)
        self._position_changed(0)
        if path is None:
            self.title.setText("Call recording")
            self._set_enabled(False)
            self.show_message("No recording for this record (Link recordings… attaches a "
                              "folder of files named by ref).")
            return
        self.title.setText(f"Call recording: {path.name}")
        self.title.setToolTip(str(path))
        if not path.is_file():
            self._set_enabled(False)
            self.show_message(f"Recording not found: {path}", "error")
            return
        self._set_enabled(True)
        self.show_message("")
        self.player.setSource(QUrl.fromLocalFile(str(path)))
        self._apply_rate()

    def _set_enabled(self, on: bool) -> None:
        for w in (self.back_button, self.play_button, self.forward_button, self.slider,
                  self.waveform):
            w.setEnabled(on)

    # -- speech, silence skipping, loudness -----------------------------------------------------
    def set_profile(self, profile: CallProfile | None, status: str = "") -> None:
        """The call's speech regions (None: not known, or not found: ``status`` says why)."""
        self.profile = profile
        self.waveform.set_profile(profile, status)
        self.skipper.set_profile(profile)
        self.audio.setVolume(volume_for(profile.level_db if profile else None))

    def toggle_skip(self) -> None:
        self.show_message(self.skipper.toggle())

    def playable(self) -> bool:
        return self.path is not None and not self.player.source().isEmpty() \
            and self.player.mediaStatus() != QMediaPlayer.MediaStatus.InvalidMedia

    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.setText(text)
        window = self.palette().color(QPalette.ColorRole.Window)
        set_colours(self.message, status("bad" if kind == "error" else "muted", window))
        font = self.message.font()
        font.setBold(kind == "error")
        self.message.setFont(font)
        self.message.setVisible(bool(text))
        self.message_changed.emit(text)

    # -- controls -------------------------------------------------------------------------------
    def toggle(self) -> None:
        if not self.playable():
            return
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            unlocked.pause(self.player)
        else:
            unlocked.play(self.player)

    def play(self) -> None:
        if self.player.playbackState() != QMediaPlayer.PlaybackState.PlayingState:
            unlocked.play(self.player)

    def seek(self, ms: int) -> None:
        if not self.playable():
            return
        duration = self.player.duration()
        ms = max(0, ms if duration <= 0 else min(ms, duration))
        unlocked.set_position(self.player, ms)
        self._position_changed(ms)

    def skip(self, delta_ms: int) -> None:
        self.seek(self.player.position() + delta_ms)

    def set_rate(self, rate: float) -> None:
        self.rate = min(max(rate, SPEEDS[0]), SPEEDS[-1])
        self._apply_rate()

    def step_rate(self, step: int) -> None:
        nearest = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.rate))
        self.set_rate(SPEEDS[min(max(nearest + step, 0), len(SPEEDS) - 1)])

    def _apply_rate(self) -> None:
        if self.pitch_compensation:
            self.player.setPitchCompensation(True)
        self.player.setPlaybackRate(self.rate)
        if self.rate in SPEEDS:
            self.speed_box.setCurrentIndex(SPEEDS.index(self.rate))

    def position(self) -> int:
        return self.player.position()

    # -- player signals -------------------------------------------------------------------------
    def _slider_action(self, _action: int) -> None:
        if not self.slider.isSliderDown():   # a click in the groove: page step
            self.seek(self.slider.sliderPosition())

    def _duration_changed(self, duration: int) -> None:
        self.slider.setRange(0, max(duration, 0))
        self._update_time()

    def _position_changed(self, position: int) -> None:
        if not self.slider.isSliderDown():
            self.slider.setValue(position)
        self.waveform.set_position(position)
        self._update_time(position)

    def _update_time(self, position: int | None = None) -> None:
        pos = self.player.position() if position is None else position
        self.time_label.setText(f"{format_time(pos)} / {format_time(self.player.duration())}")

    def _state_changed(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else \
            QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))

    def _status_changed(self, status: QMediaPlayer.MediaStatus) -> None:
        if status == QMediaPlayer.MediaStatus.InvalidMedia and self.path is not None:
            self._unplayable(self.player.errorString() or "not a playable audio file")

    def _error(self, _error: QMediaPlayer.Error, text: str) -> None:
        if self.path is not None:
            self._unplayable(text or "playback failed")

    def _unplayable(self, reason: str) -> None:
        self._set_enabled(False)
        self.show_message(f"Cannot play {self.path.name}: {reason}. Scoring goes on as "
                          f"usual.", "error")

    def _stop(self) -> None:
        if self.player.playbackState() != QMediaPlayer.PlaybackState.StoppedState:
            unlocked.stop(self.player)

    def shutdown(self) -> None:
        """Stop playback and release the file (called before the window goes away)."""
        self._stop()
        if not self.player.source().isEmpty():
            self.player.setSource(QUrl())   # PySide lets go of the lock itself here
