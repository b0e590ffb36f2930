"""The call player on the scoring screen, with real WAV files written here (no sound card needed:
the ffmpeg backend plays into nothing in real time)."""

from __future__ import annotations

import math
import sqlite3
import struct
import wave
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtMultimedia import QMediaPlayer

from reviewer.files.recordings import timestamp
from tests.ui.app_ops import new_audit
from tests.ui.test_scoring_keyboard import answer_of, press
from ui.app.shortcuts import SCREENS, SHORTCUTS, clashes
from ui.dialogs.help import shortcuts_html

PLAYING = QMediaPlayer.PlaybackState.PlayingState
STOPPED = QMediaPlayer.PlaybackState.StoppedState


def write_tone(path: Path, seconds: float = 3, rate: int = 8000, freq: float = 440) -> Path:
    """A mono 16-bit WAV of a sine tone."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / rate)))
                      for i in range(int(seconds * rate)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


@pytest.fixture()
def call_audit(make_window, tmp_path):
    """INC-1: 3 s tone, INC-2: 12 s tone, INC-3: missing file, INC-4: not audio, INC-5: none."""
    write_tone(tmp_path / "calls" / "INC-1.wav", 3)
    write_tone(tmp_path / "calls" / "INC-2.wav", 12, freq=330)
    (tmp_path / "calls" / "INC-4.wav").write_bytes(b"this is not a recording\n" * 40)
    csv = tmp_path / "records.csv"
    csv.write_text("ref,area,audio\nINC-1,North,calls/INC-1.wav\nINC-2,North,calls/INC-2.wav\n"
                   "INC-3,South,calls/gone.wav\nINC-4,South,calls/INC-4.wav\nINC-5,East,\n")
    window = make_window()
    window.open_audit(new_audit(window, "Call audit", csv).id)
    return window


def player_of(window):
    return window.scoring.player


def wait_loaded(qtbot, window, total: str) -> None:
    label = player_of(window).time_label
    qtbot.waitUntil(lambda: label.text().endswith(f"/ {total}"), timeout=5000)


def key(qtbot, window, k, mod=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(window.scoring.questions_view, k, mod)


def test_duration_shown_and_position_advances(qtbot, call_audit):
    window, p = call_audit, player_of(call_audit)
    assert window.scoring.record_panel.ref_label.text() == "INC-1"
    wait_loaded(qtbot, window, "00:03")
    assert p.time_label.text() == "00:00 / 00:03"
    assert p.title.text() == "Call recording: INC-1.wav"
    assert not p.message.isVisible()
    key(qtbot, window, Qt.Key_Space)
    assert p.player.playbackState() == PLAYING
    qtbot.waitUntil(lambda: p.position() >= 1000, timeout=5000)
    assert p.time_label.text().startswith("00:01 / 00:03")
    assert p.slider.value() >= 1000
    key(qtbot, window, Qt.Key_Space)
    assert p.player.playbackState() == QMediaPlayer.PlaybackState.PausedState


def test_skip_and_speed(qtbot, call_audit):
    window, p = call_audit, player_of(call_audit)
    key(qtbot, window, Qt.Key_PageDown)
    wait_loaded(qtbot, window, "00:12")
    key(qtbot, window, Qt.Key_Right, Qt.ControlModifier)
    assert p.position() == 5000
    assert p.time_label.text() == "00:05 / 00:12"
    key(qtbot, window, Qt.Key_Right, Qt.ControlModifier)
    key(qtbot, window, Qt.Key_Right, Qt.ControlModifier)     # clipped at the end
    assert p.position() == 12000
    key(qtbot, window, Qt.Key_Left, Qt.ControlModifier)
    assert p.position() == 7000
    for _ in range(3):
        key(qtbot, window, Qt.Key_Left, Qt.ControlModifier)  # clipped at 0
    assert p.position() == 0

    assert p.player.playbackRate() == 1.0
    key(qtbot, window, Qt.Key_BracketRight)
    assert p.player.playbackRate() == 1.25
    assert p.speed_box.currentText() == "1.25×"
    key(qtbot, window, Qt.Key_Right, Qt.ControlModifier | Qt.ShiftModifier)
    assert p.player.playbackRate() == 1.5
    for _ in range(9):
        key(qtbot, window, Qt.Key_BracketLeft)
    assert p.player.playbackRate() == 0.5
    for _ in range(9):
        key(qtbot, window, Qt.Key_Right, Qt.ControlModifier | Qt.ShiftModifier)
    assert p.player.playbackRate() == 2.0
    if hasattr(p.player, "pitchCompensation") and p.pitch_compensation:
        assert p.player.pitchCompensation() is True
    key(qtbot, window, Qt.Key_PageUp)                  # the speed stays for the next record
    wait_loaded(qtbot, window, "00:03")
    assert p.player.playbackRate() == 2.0


def test_timestamp_key_writes_the_note_and_times_seek(qtbot, call_audit, tmp_path):
    window, p, s = call_audit, player_of(call_audit), call_audit.scoring
    key(qtbot, window, Qt.Key_PageDown)                 # INC-2, 12 s
    wait_loaded(qtbot, window, "00:12")
    key(qtbot, window, Qt.Key_Right, Qt.ControlModifier)
    key(qtbot, window, Qt.Key_Space)
    qtbot.waitUntil(lambda: p.position() >= 6000, timeout=5000)
    key(qtbot, window, Qt.Key_Space)                    # pause at 00:06
    expected = timestamp(p.position())
    assert expected.startswith("[00:0")
    qid = s.current_question().id
    key(qtbot, window, Qt.Key_T)
    assert s.view.note(qid) == expected
    assert p.player.playbackState() != PLAYING          # saving the note does not reload
    key(qtbot, window, Qt.Key_E)                        # write more, then one more time
    qtbot.keyClick(s.note_edit, Qt.Key_End)
    qtbot.keyClicks(s.note_edit, " caller hung up")
    qtbot.keyClick(s.note_edit, Qt.Key_Return)
    p.seek(2000)
    key(qtbot, window, Qt.Key_T)
    note = f"{expected} caller hung up [00:02]"
    assert s.view.note(qid) == note
    db = sqlite3.connect(window.session.target)
    assert db.execute("SELECT note FROM answer a JOIN record r ON r.id = a.record_id "
                      "WHERE r.ref = 'INC-2' AND a.question_id = ?", (qid,)).fetchone() == (note,)
    db.close()
    assert s.questions_model.data(s.questions_model.index(s.current_question_row(), 3)) == note

    links = s.listening.note_links
    assert links.isVisible()
    assert "href='t:2'" in links.text()
    # Ctrl+T: play from the last time in the note
    p.seek(9000)
    key(qtbot, window, Qt.Key_T, Qt.ControlModifier)
    assert p.player.playbackState() == PLAYING
    assert 2000 <= p.position() < 4000
    key(qtbot, window, Qt.Key_Space)
    # a click on the first time in the line under the note editor
    p.seek(11000)
    prefix = "Times in this note: "
    fm = QFontMetrics(links.font())
    x = links.contentsRect().left() + fm.horizontalAdvance(prefix) \
        + fm.horizontalAdvance(expected) // 2
    qtbot.mouseClick(links, Qt.MouseButton.LeftButton, pos=QPoint(x, links.height() // 2))
    seconds = int(expected[4:6])
    qtbot.waitUntil(lambda: p.player.playbackState() == PLAYING, timeout=2000)
    assert seconds * 1000 <= p.position() < seconds * 1000 + 1500


def test_missing_or_unplayable_file_shows_a_message_and_scoring_goes_on(qtbot, call_audit):
    window, p = call_audit, player_of(call_audit)
    press(qtbot, window, Qt.Key_PageDown, Qt.Key_PageDown)
    assert window.scoring.record_panel.ref_label.text() == "INC-3"
    assert p.message.isVisible()
    assert p.message.text().startswith("Recording not found: ")
    assert p.message.text().endswith("gone.wav")
    key(qtbot, window, Qt.Key_Space)                    # nothing to play: no error, no crash
    key(qtbot, window, Qt.Key_T)
    assert p.player.playbackState() == STOPPED
    press(qtbot, window, Qt.Key_Y)
    assert answer_of(window, "1") == "Y"
    assert window.scoring.view.note("1") == ""

    press(qtbot, window, Qt.Key_PageDown)               # INC-4: a file that is not audio
    qtbot.waitUntil(lambda: p.message.text().startswith("Cannot play INC-4.wav"), timeout=5000)
    assert p.message.isVisible()
    press(qtbot, window, Qt.Key_N)
    assert answer_of(window, "1") == "N"

    press(qtbot, window, Qt.Key_PageDown)               # INC-5: no recording at all
    assert p.message.text().startswith("No recording for this record")
    assert not window.scoring.listening.note_links.isVisible()
    press(qtbot, window, Qt.Key_PageUp, Qt.Key_PageUp, Qt.Key_PageUp, Qt.Key_PageUp)
    wait_loaded(qtbot, window, "00:03")                 # back on INC-1: message gone
    assert not p.message.isVisible()


def test_next_record_loads_its_recording_stopped_at_zero(qtbot, call_audit):
    window, p = call_audit, player_of(call_audit)
    wait_loaded(qtbot, window, "00:03")
    key(qtbot, window, Qt.Key_Space)
    qtbot.waitUntil(lambda: p.position() >= 300, timeout=5000)
    press(qtbot, window, Qt.Key_Y)                      # answering keeps the call playing
    assert answer_of(window, "1") == "Y"
    assert p.player.playbackState() == PLAYING
    key(qtbot, window, Qt.Key_PageDown)
    assert window.scoring.record_panel.ref_label.text() == "INC-2"
    assert p.player.playbackState() == STOPPED
    assert p.position() == 0
    wait_loaded(qtbot, window, "00:12")
    assert p.time_label.text() == "00:00 / 00:12"
    assert p.title.text() == "Call recording: INC-2.wav"


def test_link_recordings_from_the_screen(qtbot, make_window, tmp_path):
    window = make_window()
    csv = tmp_path / "plain.csv"
    csv.write_text("ref,area\nINC-7,North\nINC-8,North\n")
    window.open_audit(new_audit(window, "Plain audit", csv).id)
    p = player_of(window)
    assert p.message.text().startswith("No recording")
    write_tone(tmp_path / "folder" / "inc-7.wav", 3)
    write_tone(tmp_path / "folder" / "other.wav", 1)
    result = window.scoring.listening.link_folder(tmp_path / "folder")
    assert [ref for ref, _ in result.matched] == ["INC-7"]
    assert [f.name for f in result.unmatched_files] == ["other.wav"]
    assert result.records_without_file == ["INC-8"]
    assert window.scoring.record_panel.ref_label.text() == "INC-7"
    assert p.path == (tmp_path / "folder" / "inc-7.wav").resolve()
    wait_loaded(qtbot, window, "00:03")
    audio = window.scoring.record_panel.field_label("audio")     # its name, the folder on hover
    assert (audio.text(), audio.toolTip()) == (p.path.name, str(p.path))
    menu = window.menuBar().actions()[0].menu()
    assert "Link recordings…" in [a.text() for a in menu.actions()]


def test_help_lists_the_player_keys_and_no_key_is_used_twice():
    html = shortcuts_html()
    assert "<h3>Player</h3>" in html
    for text in ("Space", "Ctrl+Left", "Ctrl+Right", "[", "]", "Ctrl+T",
                 "Play / pause the call recording"):
        assert text in html
    assert clashes() == []
    assert {s.where for s in SHORTCUTS} <= {g for groups in SCREENS.values() for g in groups}


def test_the_demo_records_come_with_recordings(qtbot, make_window):
    window = make_window()
    s, p = window.scoring, player_of(window)
    assert s.session.audit.name.endswith("(demo)")
    s.open_row(0)
    assert s.record_panel.ref_label.text() == "BTP-12-0401-0046"
    assert p.path is not None and p.path.parent.name == "audio" and p.path.is_file()
    wait_loaded(qtbot, window, "00:05")          # 8 kHz u-law WAV, 5.4 s
    key(qtbot, window, Qt.Key_Space)
    qtbot.waitUntil(lambda: p.position() >= 300, timeout=5000)
    assert not p.message.isVisible()
