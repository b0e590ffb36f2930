"""Listening faster on the scoring screen (docs/listening.md): a generated call played with
silence skipping on plays every speech segment and none of the long silences; the waveform
shows the speech and seeks by click and keys; the transcript follows playback and plays from a
line; Ctrl+F finds a phrase across the audit and opens the record there, playing."""

from __future__ import annotations

import json
import shutil

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtMultimedia import QMediaPlayer

from benchmarks.callgen import make_call
from tests.actions import create_audit, import_answers
from tests.conftest import ASB_SET
from ui.app.shortcuts import clashes
from ui.dialogs.help import shortcuts_html
from ui.widgets import unlocked

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")
PLAYING = QMediaPlayer.PlaybackState.PlayingState
SCRIPT = [("pause", 0.4), ("say", "Police, what is your emergency?"), ("pause", 2.5),
          ("say", "Is anybody hurt?"), ("pause", 3.0), ("say", "Thank you."), ("pause", 1.2)]


@pytest.fixture()
def calls(make_window, tmp_path):
    """C1: a generated call with a transcript; C2: a transcript only; C3: nothing."""
    folder = tmp_path / "calls"
    folder.mkdir()
    spoken = make_call(folder / "C1.wav", SCRIPT)
    segments = [{"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text,
                 "speaker": "Handler" if i % 2 == 0 else "Caller"}
                for i, s in enumerate(spoken)]
    (folder / "C1.json").write_text(json.dumps({"segments": segments}), encoding="utf-8")
    (folder / "C2.srt").write_text("1\n00:00:04,000 --> 00:00:05,000\nIs anybody hurt?\n",
                                   encoding="utf-8")
    csv = tmp_path / "records.csv"
    csv.write_text("ref,area,audio,transcript\nC1,North,calls/C1.wav,calls/C1.json\n"
                   "C2,North,,calls/C2.srt\nC3,South,,\n")
    window = make_window(demo=False)
    db = window.session.ws.db
    audit = create_audit(db, "Calls", ASB_SET)
    import_answers(db, audit, csv, "tester")
    window.open_audit(audit.id)
    window.scoring.open_row(0)
    return window, spoken


def listening(window):
    return window.scoring.listening


def wait_profile(qtbot, window):
    p = window.scoring.player
    qtbot.waitUntil(lambda: p.profile is not None and p.player.duration() > 0, timeout=10000)
    return p


def test_skipping_plays_every_speech_segment_and_none_of_the_silences(qtbot, calls, monkeypatch):
    window, spoken = calls
    p = wait_profile(qtbot, window)
    p.skipper.set_on(True)
    p.set_rate(1.5)
    gaps = list(p.skipper.gaps)
    inner = [(a, b) for a, b in gaps if b < p.player.duration() - 100]
    assert len(inner) >= 2          # the two long pauses between the phrases
    seen: list[int] = []
    skips: list[tuple[int, int]] = []
    seeks: list[tuple[int, int]] = []     # every seek during playback: (from, to)
    p.skipper.skipped.connect(lambda a, b: skips.append((a, b)))
    seek = unlocked.set_position

    def recorded_seek(player, ms: int) -> None:
        seeks.append((player.position(), ms))
        seek(player, ms)

    monkeypatch.setattr(unlocked, "set_position", recorded_seek)
    poll = QTimer()
    poll.setInterval(10)
    poll.timeout.connect(lambda: seen.append(p.player.position()))
    poll.start()
    p.player.play()
    qtbot.waitUntil(lambda: p.player.playbackState() != PLAYING
                    or p.player.position() >= spoken[-1].end * 1000 + 200, timeout=20000)
    poll.stop()
    seen.append(p.player.position())   # the end, which a poll late on a busy machine may miss
    p.player.pause()
    # Playback runs on by itself; only a seek jumps. So a phrase is heard whole when playback
    # began before it, went on past its end, and no seek jumped over any voiced moment of it.
    # Every seek is recorded where it is made (the player's clock reports in steps, and late
    # on a busy machine, so sampled positions cannot tell a seek from a late report).
    assert len(seeks) == len(skips)
    for (_, to), (_, b) in zip(seeks, skips, strict=True):
        assert to == b
    for s in spoken:
        assert seen[0] <= s.start * 1000 and max(seen) >= s.end * 1000 - 150, (s.text, seen)
        for a, b in seeks:
            assert not [v for v in s.voiced if a <= v * 1000 < b], (s.text, a, b)
    for a, b in inner:     # and nothing of a long silence but its first moments (a check
        # runs every 40 ms; a busy test machine may be late with it)
        assert not [ms for ms in seen if a + 600 <= ms <= b - 60], (a, b, seen)
    assert len(skips) >= len(inner)
    assert p.skipper.mark.text().endswith(" s skipped") or not p.skipper.mark_timer.isActive()


def test_skip_silence_is_a_key_and_remembered(qtbot, calls):
    window, _ = calls
    p = window.scoring.player
    p.skipper.set_on(False)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key.Key_S)
    assert p.skipper.on and p.skipper.button.isChecked()
    assert QSettings().value("player/skip_silence") == "true"
    qtbot.keyClick(window.scoring.questions_view, Qt.Key.Key_S)
    assert not p.skipper.on and QSettings().value("player/skip_silence") == "false"


def test_the_waveform_shows_the_speech_and_seeks(qtbot, calls):
    window, spoken = calls
    p = wait_profile(qtbot, window)
    wave = p.waveform
    assert wave.profile is p.profile and len(wave.profile.speech) == len(spoken)
    assert "stretches of speech" in wave.accessibleDescription()
    assert 0.05 <= p.audio.volume() <= 1.0
    qtbot.keyClick(window.scoring.questions_view, Qt.Key.Key_W,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert wave.hasFocus()
    qtbot.keyClick(wave, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: p.position() == 1000, timeout=3000)
    qtbot.keyClick(wave, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: p.position() == 2000, timeout=3000)
    qtbot.keyClick(wave, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: p.position() == 0, timeout=3000)
    qtbot.keyClick(wave, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: p.position() > 9000, timeout=3000)
    qtbot.keyClick(wave, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: p.position() == 0, timeout=3000)
    qtbot.mouseClick(wave, Qt.MouseButton.LeftButton, pos=QPoint(wave.width() // 2,
                                                                  wave.height() // 2))
    half = p.profile.duration * 500
    qtbot.waitUntil(lambda: abs(p.position() - half) < p.profile.duration * 1000 / 50,
                    timeout=3000)
    qtbot.keyClick(wave, Qt.Key.Key_Escape)
    assert window.scoring.questions_view.hasFocus()
    wave.grab()        # paints without error


def test_the_transcript_follows_and_plays_from_a_line_and_takes_a_note(qtbot, calls):
    window, spoken = calls
    p = wait_profile(qtbot, window)
    panel = listening(window).transcript
    assert panel.model.row_count() == len(spoken)
    assert panel.model.data(panel.model.index(0, 1)) == "Handler"
    p.seek(int(spoken[1].start * 1000) + 100)
    qtbot.waitUntil(lambda: panel.model.current == 1, timeout=3000)
    qtbot.keyClick(window.scoring.questions_view, Qt.Key.Key_L,
                   Qt.KeyboardModifier.ControlModifier)
    view = panel.view
    assert view.hasFocus()
    view.selectRow(2)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: p.player.playbackState() == PLAYING, timeout=3000)
    assert p.position() >= int(spoken[2].start * 1000) - 50
    p.player.pause()
    qtbot.keyClick(view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    note = window.scoring.note_edit.text()
    assert "\u201cThank you.\u201d [00:" in note
    qtbot.waitUntil(lambda: p.waveform.marks != [], timeout=3000)


def test_a_transcript_without_audio_is_shown_and_a_bad_one_is_one_line(qtbot, calls, tmp_path):
    window, _ = calls
    s = window.scoring
    s.open_row(1)
    panel = listening(window).transcript
    assert panel.model.row_count() == 1
    assert "No recording" in panel.status.text()
    (tmp_path / "calls" / "C2.srt").write_bytes(b"\x00\x01binary")
    s.open_row(2)
    s.open_row(1)
    assert panel.model.row_count() == 0 and "binary file" in panel.status.text()
    assert not panel.view.isVisible()


def test_a_machine_transcript_stored_in_the_database_is_shown_marked(qtbot, calls):
    from reviewer.files.transcripts import Segment, Transcript
    from reviewer.ops.transcribe import store_machine_transcripts

    window, _ = calls
    ws = window.session.ws
    c3 = ws.find_ref(window.session.audit.id, "C3")
    store_machine_transcripts(ws, window.session.audit.id, "pocketsphinx", [
        (c3, Transcript([Segment(1.0, 2.0, "Which road are you on?")], machine=True))])
    window.scoring.open_row(2)
    panel = listening(window).transcript
    assert panel.model.row_count() == 1
    assert panel.model.segments[0].text == "Which road are you on?"
    assert panel.status.text().startswith("Machine transcript (speech recognition)")


def test_ctrl_f_finds_a_phrase_and_opens_the_record_there_playing(qtbot, calls):
    window, spoken = calls
    s = window.scoring
    s.open_row(2)
    qtbot.keyClick(s.questions_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    from ui.dialogs.transcript_search import TranscriptSearch

    dialog = s.findChildren(TranscriptSearch)[-1]
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    qtbot.keyClicks(dialog.phrase, "ANYBODY hurt")
    qtbot.keyClick(dialog.phrase, Qt.Key.Key_Return)
    assert [(h.ref, round(h.start)) for h in dialog.model.hits] == [
        ("C1", round(spoken[1].start)), ("C2", 4)]
    assert dialog.focusWidget() is dialog.view
    qtbot.keyClick(dialog.view, Qt.Key.Key_Return)
    assert s.record_panel.ref_label.text() == "C1"
    p = s.player
    qtbot.waitUntil(lambda: p.player.playbackState() == PLAYING, timeout=5000)
    qtbot.waitUntil(lambda: p.position() >= int(spoken[1].start * 1000) - 100, timeout=3000)
    p.player.pause()


def test_every_new_key_is_in_f1_and_none_is_used_twice():
    html = shortcuts_html()
    for text in ("Skip silence on or off", "Search the audit", "Ctrl+F",
                 "Go to the waveform", "Go to the transcript", "Timed note from the transcript",
                 "<h3>Waveform</h3>", "<h3>Transcript</h3>"):
        assert text in html
    assert clashes() == []


def test_the_listening_benchmark_draws_the_waveform_at_a_tiny_size():
    import os
    import re
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_listening.py"),
                           "--minutes", "0.3", "--calls", "2", "--generated", "0"],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\d+\.\d ms with the waveform drawn", done.stdout), done.stdout


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_with_a_call_and_a_transcript_the_scoring_screen_fits_a_laptop(qtbot, calls, size):
    """Issue #20: with the record side at its smallest share (30%, ScoringScreen._size_split),
    the waveform, the player's controls (a skip mark showing) and the transcript need no
    sideways scrolling, and the questions' Answer column is whole; the transcript is shown by
    its file name, its path on hover (like the recording)."""
    from PySide6.QtWidgets import QScrollArea

    from tests.ui.test_laptop_layouts import at_size
    from ui.models.questions import COL_ANSWER

    window, _ = calls
    s = window.scoring
    wait_profile(qtbot, window)
    s.player.skipper.mark.setText("» 12.3 s skipped")
    s.player.title.setText("Call recording: " + "2012-04-01-handset-" * 6 + ".wav")   # no spaces
    at_size(qtbot, window, size)
    width = s.split.width()
    s.split.setSizes([width * 30 // 100, width - width * 30 // 100])
    qtbot.wait(150)
    page = s.parentWidget().parentWidget()
    assert isinstance(page, QScrollArea)
    left = s.left_split.parentWidget().parentWidget()
    for area in (page, left):
        need = area.widget().minimumSizeHint().width()
        assert need <= area.viewport().width(), (area, need, area.viewport().width())
    view = s.questions_view
    right = view.columnViewportPosition(COL_ANSWER) + view.columnWidth(COL_ANSWER)
    assert right <= view.viewport().width()
    corner = view.viewport().mapTo(window, view.viewport().rect().topLeft())
    assert corner.x() + right <= window.centralWidget().width()
    path = str(s.view.fields["transcript"])
    assert s.record_panel.field_text("transcript") == "C1.json"
    assert s.record_panel.field_label("transcript").toolTip() == path
