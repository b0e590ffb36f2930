"""The window opens inside the screen's available area — 1366×768 laptops, 1080p at 150%
(1280×720 logical) — so the status bar is on screen, and remembers where the user left it only
while that still fits. The real program is started on fake small screens (Qt's offscreen
platform with a screen configuration file)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from PySide6.QtCore import QRect, QSettings

from ui.app.window_geometry import KEY, SHARE, chosen_geometry, fits, initial_geometry

SCREENS = [(1366, 768), (1280, 720), (1920, 1080), (3840, 2160), (1024, 600)]


@pytest.mark.parametrize("size", SCREENS)
def test_the_first_window_fits_every_screen(size):
    available = QRect(0, 0, *size)
    rect = initial_geometry(available)
    assert fits(rect, available)
    assert rect.width() <= size[0] * SHARE and rect.height() <= size[1] * SHARE
    assert abs(rect.center().x() - available.center().x()) <= 1


def test_a_taskbar_is_left_alone():
    available = QRect(0, 0, 1366, 728)          # 40 px taskbar at the bottom
    assert fits(initial_geometry(available), available)


def test_remembered_geometry_only_if_it_fits():
    laptop = QRect(0, 0, 1366, 768)
    kept = QRect(100, 80, 1000, 600)
    assert chosen_geometry(kept, laptop) == kept
    from_big_monitor = QRect(200, 100, 1800, 1000)
    assert fits(chosen_geometry(from_big_monitor, laptop), laptop)
    off_screen = QRect(2000, 100, 800, 600)        # on a second monitor no longer attached
    assert chosen_geometry(off_screen, laptop) == initial_geometry(laptop)
    assert chosen_geometry(None, laptop) == initial_geometry(laptop)


def start_on_screen(tmp_path, width: int, height: int) -> tuple[QRect, QRect]:
    config = tmp_path / f"screen-{width}x{height}.json"
    config.write_text(json.dumps({"windowFrameMargins": True, "screens": [
        {"name": "fake", "x": 0, "y": 0, "width": width, "height": height,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {k: v for k, v in os.environ.items() if k != "REVIEWER_DB"}
    env.update(QT_QPA_PLATFORM=f"offscreen:configfile={config}", HOME=str(tmp_path),
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    done = subprocess.run([sys.executable, "-m", "ui", "--db", str(tmp_path / "w.db"),
                           "--quit-after", "0.5"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    m = re.search(r"window (\d+)x(\d+)\+(-?\d+)\+(-?\d+) in (\d+)x(\d+)\+(\d+)\+(\d+)",
                  done.stderr)
    assert m, done.stderr
    n = [int(x) for x in m.groups()]
    return QRect(n[2], n[3], n[0], n[1]), QRect(n[6], n[7], n[4], n[5])


def test_the_program_opens_inside_a_laptop_screen_and_then_a_smaller_one(tmp_path):
    frame, available = start_on_screen(tmp_path, 1366, 768)
    assert available == QRect(0, 0, 1366, 768)
    assert available.contains(frame), (frame, available)
    print(f"\n1366x768: window (with frame) {frame.width()}x{frame.height()}")
    frame2, available2 = start_on_screen(tmp_path, 1280, 720)   # remembered, but too big now
    assert available2.contains(frame2), (frame2, available2)
    assert frame2.size() != frame.size()
    frame3, _ = start_on_screen(tmp_path, 1280, 720)             # remembered and fits: kept
    assert frame3 == frame2


def test_the_window_restores_a_remembered_size_in_process(qtbot, make_window):
    first = make_window()
    screen = first.screen().availableGeometry()
    least = first.minimumSizeHint()
    saved = QRect(screen.x() + 30, screen.y() + 60, least.width() + 20, least.height() + 20)
    assert fits(saved, screen)
    QSettings().setValue(KEY, saved)
    window = make_window(name="again.db")
    assert window.geometry().size() == saved.size() != first.geometry().size()
