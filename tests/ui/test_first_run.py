"""A first run that teaches: the demo makes a second audit, partly unscored; the app opens on
it, at an unanswered record with its first question selected and the keys shown; and the
terminal stays quiet while recordings load (no Qt multimedia or FFmpeg lines)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from reviewer import demo
from reviewer.bundled import demo_audio_dir
from reviewer.questions.logic import UNANSWERED
from tests.ui.test_scoring_keyboard import answer_of, blank_audit, press


def test_the_demo_opens_on_an_unanswered_record_with_the_keys_shown(qtbot, make_window):
    window = make_window(name="first.db", to_score=True)
    audit = window.session.audit
    assert audit.name == demo.TO_SCORE_NAME
    assert (audit.records, audit.complete) == (demo.TO_SCORE_RECORDS, demo.TO_SCORE_ANSWERED)
    s = window.scoring
    assert {state for state, _ in s.view.states.values()} == {UNANSWERED}
    assert s.current_question_row() == 0
    assert "Keys:" in s.guidance.text() and "Y = yes" in s.guidance.text()   # the hint line
    assert s.player.playable()                      # the first demo records have a call
    press(qtbot, window, Qt.Key.Key_Y)
    assert answer_of(window, "1") == "Y"
    assert s.current_question_row() > 0


def test_an_audit_with_nothing_scored_says_which_keys_score(qtbot, make_window, tmp_path):
    window = make_window()
    blank_audit(window, tmp_path)
    s = window.scoring
    assert s.notice.isVisible() and "Y, N or A" in s.notice.text()
    assert s.current_question_row() == 0 and "Keys:" in s.guidance.text()


def test_the_demo_audits_are_made_once(tmp_path):
    from reviewer.workspace import Workspace

    ws = Workspace.open(str(tmp_path / "twice.db"), "someone")
    try:
        first, made = demo.ensure_demo(ws)
        again, made_again = demo.ensure_demo(ws)
        assert made and not made_again and first.id == again.id
        names = [a.name for a in ws.audits()]
        assert names == [demo.DEMO_NAME, demo.REAUDIT_NAME, demo.CALIBRATION_NAME,
                         demo.TO_SCORE_NAME]
        to_score = ws.audit(demo.TO_SCORE_NAME)
        imported = [e for e in ws.history(to_score.id) if e.action == "import"]
        assert len(imported) == 1 and "asb-practice-demo.csv" in imported[0].detail
    finally:
        ws.close()


QUIET_CHECK = r"""
import sys
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtWidgets import QApplication
if sys.argv[2] == "app":
    import ui                                      # what the app does first
from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
app = QApplication([])
player = QMediaPlayer()
player.setAudioOutput(QAudioOutput(player))
player.setSource(QUrl.fromLocalFile(sys.argv[1]))
QTimer.singleShot(1500, app.quit)
app.exec()
print("duration", player.duration())
"""
OFFSCREEN_ONLY = "This plugin does not support propagateSizeHints()"   # the test platform's


def quiet_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REVIEWER_DB", "QT_LOGGING_RULES")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def noise(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.strip() and OFFSCREEN_ONLY not in line]


def test_loading_a_recording_leaves_stderr_quiet(tmp_path):
    recording = str(demo_audio_dir() / "BTP-12-0401-0046.wav")
    root = Path(__file__).resolve().parents[2]
    bare = subprocess.run([sys.executable, "-c", QUIET_CHECK, recording, "bare"], cwd=root,
                          capture_output=True, text=True, env=quiet_env(), timeout=120)
    assert "Input #0" in bare.stderr and "qt.multimedia" in bare.stderr   # what users saw
    quiet = subprocess.run([sys.executable, "-c", QUIET_CHECK, recording, "app"], cwd=root,
                           capture_output=True, text=True, env=quiet_env(), timeout=120)
    assert quiet.returncode == 0 and "duration 5" in quiet.stdout, quiet.stderr
    assert noise(quiet.stderr) == []


def test_the_app_with_the_demo_is_quiet(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ui", "--db", str(tmp_path / "q.db"), "--demo",
                           "--quit-after", "2"], capture_output=True, text=True,
                          env=quiet_env(), timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = noise(done.stderr)
    assert len(lines) == 1 and lines[0].startswith("reviewer-gui: window shown"), lines


def test_the_statistics_libraries_load_off_the_gui_thread(qtbot, qapp):
    import time

    from PySide6.QtCore import QThread

    from ui.app import warmup

    started = time.perf_counter()
    warmup.start()
    assert time.perf_counter() - started < 0.5          # the window is not held up
    ran_on: list = []
    warmup.when_ready(lambda: ran_on.append(QThread.currentThread()))
    qtbot.waitUntil(lambda: bool(ran_on), timeout=60000)
    assert ran_on == [qapp.thread()]
    assert "statsmodels.stats.inter_rater" in sys.modules and "scipy.stats" in sys.modules
