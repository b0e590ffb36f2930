"""The player never hangs on stop (docs/platform.md, "The player and Python's lock"): Qt's
audio thread prints a line through the app's message handler, which needs Python's lock, while
the window stops the player (next record, or closing). Each race is made certain by holding the
handler for half a second on the audio thread; it runs in a process of its own so that a hang
is a failed test, not a stuck run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.test_player import write_tone

ROOT = Path(__file__).resolve().parents[2]
NO_AUDIO_THREAD_LINE = 3

CHILD = r"""
import faulthandler, sys, threading, time
from pathlib import Path
faulthandler.dump_traceback_later(60, exit=True)     # a hang prints every thread's stack
import ui                                             # the app's quiet message handler
from PySide6.QtCore import qInstallMessageHandler
from PySide6.QtMultimedia import QMediaPlayer
from PySide6.QtWidgets import QApplication
from ui.app import quiet
from ui.widgets.player import CallPlayer

app = QApplication([])
main, held = threading.get_ident(), threading.Event()

def slow_handler(mode, context, message):
    # the app's handler, held up on Qt's own threads: a busy machine's timing, every time
    if threading.get_ident() != main and not held.is_set():
        held.set()
        time.sleep(0.5)
    quiet._handler(mode, context, message)

qInstallMessageHandler(slow_handler)

def wait(condition, seconds=20.0):
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        app.processEvents()
        time.sleep(0.005)
    return True

def play_until_held(player):
    wait(lambda: player.player.mediaStatus() == QMediaPlayer.MediaStatus.LoadedMedia)
    held.clear()
    player.toggle()
    if not wait(held.is_set, 20):
        print("no line from the audio thread", flush=True)
        sys.exit(%(no_line)d)

player = CallPlayer()
player.load(Path(sys.argv[1]))
play_until_held(player)
player.load(Path(sys.argv[2]))          # the next record: stops the playing one
print("next record loaded", flush=True)
play_until_held(player)
player.shutdown()                       # the window closing
print("shut down", flush=True)
""" % {"no_line": NO_AUDIO_THREAD_LINE}


def test_stopping_never_waits_for_the_audio_thread_forever(tmp_path):
    first = write_tone(tmp_path / "one.wav", 4)
    second = write_tone(tmp_path / "two.wav", 4, freq=330)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    try:
        run = subprocess.run([sys.executable, "-c", CHILD, str(first), str(second)], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired as hung:
        pytest.fail(f"the player hung on stop:\n{hung.stdout}\n{hung.stderr}")
    if run.returncode == NO_AUDIO_THREAD_LINE:
        pytest.skip("Qt's audio thread printed nothing to race with (a sound card is present)")
    assert "Timeout (" not in run.stderr, f"the player hung on stop:\n{run.stderr}"
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    assert run.stdout.splitlines() == ["next record loaded", "shut down"]
    assert "No audio device detected" not in run.stderr
